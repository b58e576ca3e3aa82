"""Who reads the chat page, without a browser: the groups an ID token's claim gives, the line a
signed-out person sees, and the guard that keeps a restricted paper's original, page image and
briefing picture from a reader outside its groups."""

from __future__ import annotations

import pytest
from helpers import canary
from helpers.chat_page import APP, GROUP_QUESTIONS, RESTRICTED, app_for, ask, cards, htmls
from streamlit.testing.v1 import AppTest

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


def _everything_shown(at) -> str:
    """The page's text as a person reads it: markup, captions, markdown, alerts and options."""
    parts = [*htmls(at), *(c.value for c in at.caption), *(m.value for m in at.markdown)]
    parts += [
        str(a.value) for kind in ("warning", "info", "error", "success") for a in at.get(kind)
    ]
    parts += [str(o) for s in at.multiselect for o in s.options]
    parts += [str(o) for s in at.selectbox for o in s.options]
    return "\n".join(parts)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("user", "sees"),
    [
        ({"is_logged_in": True, "email": "ada@example.org", "groups": [canary.GROUP]}, True),
        ({"is_logged_in": True, "email": "ben@example.org", "groups": canary.OTHER_GROUP}, False),
        ({"is_logged_in": False}, False),  # a provider is configured; nobody signed in
        ({}, False),  # no provider configured
    ],
)
def test_the_canary_reaches_its_group_on_the_chat_page_and_no_one_else(
    canary_base, monkeypatch, user, sees
):
    monkeypatch.setenv("ASSISTANT_INDEX", str(canary_base / "index"))
    monkeypatch.setenv("ASSISTANT_DOCS", str(canary_base / "docs"))
    at = AppTest.from_file(APP, default_timeout=300)
    at.user = user
    at.run()
    for question in canary.QUESTIONS[:2]:
        at = ask(at, question)
    shown = _everything_shown(at)
    if sees:
        assert canary.SENTENCE in shown and canary.FILE in shown
    else:
        assert canary.leaks(shown, asked=" ".join(canary.QUESTIONS)) == []
    settings = Settings.from_env({}, index_dir=canary_base / "index")
    reader = Reader.of(user.get("groups") or []) if user.get("is_logged_in") else Reader.public()
    originals = Originals.for_reader(
        Assistant(settings, create=False), reader, roots=(canary_base / "docs",), settings=settings
    )
    assert (originals.path_for(f"restricted/{canary.FILE}") is not None) is sees


@pytest.mark.slow
@pytest.mark.parametrize(
    ("user", "sees"),
    [
        ({"is_logged_in": True, "email": "ada@example.org", "groups": [canary.GROUP]}, True),
        ({"is_logged_in": True, "email": "ben@example.org", "groups": canary.OTHER_GROUP}, False),
        ({}, False),
    ],
)
def test_compare_and_timeline_on_the_page_follow_the_reader(canary_base, monkeypatch, user, sees):
    monkeypatch.setenv("ASSISTANT_INDEX", str(canary_base / "index"))
    monkeypatch.setenv("ASSISTANT_DOCS", str(canary_base / "docs"))
    at = AppTest.from_file(APP, default_timeout=300)
    at.user = user
    at.run()
    topic = "unregistered placements in the Harrowgate cluster"
    next(t for t in at.text_input if t.label == "Topic").set_value(topic)
    next(b for b in at.button if b.label == "Compare").click().run()
    assert not at.exception, [e.value for e in at.exception]
    compared = _everything_shown(at)
    assert (canary.SENTENCE in compared) is sees
    councils = next(s for s in at.selectbox if s.label == "Council")
    assert (canary.COUNCIL in councils.options) is sees
    if sees:
        councils.set_value(canary.COUNCIL).run()
        assert list(at.dataframe[0].value["document"]) == [canary.TITLE]
    else:
        shown = compared + "".join(d.value.to_string() for d in at.dataframe)
        assert canary.leaks(shown, asked=topic) == []
