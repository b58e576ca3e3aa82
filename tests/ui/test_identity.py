"""Who reads the chat page, without a browser: the groups an ID token's claim gives, the line a
signed-out person sees, and the guard that keeps a restricted paper's original, page image and
briefing picture from a reader outside its groups."""

from __future__ import annotations

import pytest
from helpers.chat_page import GROUP_QUESTIONS, RESTRICTED, app_for, ask, cards

from assistant.core.access import Reader
from assistant.core.answer import Citation
from assistant.engine import Assistant
from assistant.settings import Settings
from ui.identity import NO_PROVIDER, groups_from
from ui.render import md_literal
from ui.source_views import Originals, page_clip

LIVERPOOL = "ofsted-ilacs-liverpool-2023.pdf"  # restricted to cabinet in access_index
QUOTE = (
    "PAs are thwarted in their endeavours to meet the needs of their young people due to "
    "high caseloads, sometimes over 40."
)


def test_groups_come_from_a_list_or_a_comma_separated_claim():
    assert groups_from(["Cabinet", "officers"]) == ["cabinet", "officers"]
    assert groups_from("cabinet, officers") == ["cabinet", "officers"]
    assert groups_from(None) == [] and groups_from(42) == []
    # A name no label can hold opens nothing; the person keeps their other groups.
    assert groups_from(["Domain Users", "cabinet"]) == ["cabinet"]


@pytest.mark.slow
def test_signed_out_without_a_provider_is_told_it_sees_public_papers_only(
    access_index, monkeypatch
):
    at = app_for(access_index, monkeypatch)
    assert NO_PROVIDER in [c.value for c in at.caption]
    assert not [b for b in at.button if b.label == "Sign in"]
    at = ask(at, GROUP_QUESTIONS["cabinet"])
    assert not any(name in card for card in cards(at) for name in RESTRICTED)


@pytest.mark.slow
def test_a_signed_in_person_is_named_with_what_they_may_see(access_index, monkeypatch):
    monkeypatch.setenv("ASSISTANT_INDEX", str(access_index / "index"))
    monkeypatch.setenv("ASSISTANT_DOCS", str(access_index / "docs"))
    from helpers.chat_page import APP
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(APP, default_timeout=300)
    at.user = {"is_logged_in": True, "email": "ada@example.org", "groups": ["cabinet"]}
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    named = md_literal("Signed in as ada@example.org: public papers and those for cabinet.")
    assert named in [c.value for c in at.caption]
    assert [b.label for b in at.button if b.label in ("Sign in", "Sign out")] == ["Sign out"]
    # Adding documents is the operator's once sign-in is configured.
    assert not [e for e in at.expander if e.label == "Add documents"]
    at = ask(at, GROUP_QUESTIONS["cabinet"])
    assert any(LIVERPOOL in card for card in cards(at))


@pytest.mark.slow
def test_a_restricted_original_is_refused_to_a_reader_outside_its_group(access_index):
    settings = Settings.from_env(
        {}, index_dir=access_index / "index", doc_roots=(access_index / "docs",)
    )
    assistant = Assistant(settings, create=False)
    cited = Citation(1, LIVERPOOL, 8, QUOTE, QUOTE, 0, len(QUOTE), 0.5)
    roots = (access_index / "docs",)

    def originals(reader: Reader) -> Originals:
        return Originals.for_reader(assistant, reader, roots=roots, settings=settings)

    for outsider in (Reader.public(), Reader.of("officers")):
        assert originals(outsider).path_for(LIVERPOOL) is None
        assert page_clip(cited, originals=originals(outsider)) is None
    cabinet = originals(Reader.of("cabinet"))
    assert cabinet.path_for(LIVERPOOL) == (access_index / "docs" / LIVERPOOL).resolve()
    assert (page_clip(cited, originals=cabinet) or b"").startswith(b"\x89PNG")
