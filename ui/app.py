"""The chat page: answers beside their source excerpts, filters, uploads and briefing export.

Run from the repository root: `streamlit run ui/app.py` (or `make demo`). Settings come from the
environment (ASSISTANT_INDEX, ...); ASSISTANT_DOCS lists the folders holding the original files
(default `corpus`), so a source card can offer the original document.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # `streamlit run` puts only ui/ on sys.path; helpers import as ui.*
    sys.path.insert(0, str(ROOT))

import streamlit as st  # noqa: E402

from assistant.offline import offline_environment  # noqa: E402

offline_environment()

from assistant import (  # noqa: E402
    Answer,
    Assistant,
    DocumentRecord,
    Filter,
    FilterError,
    IndexMissing,
    IndexUnavailable,
    Settings,
    SettingsError,
    Turn,
)
from assistant.core.access import Reader  # noqa: E402
from assistant.evidence.briefing import BriefingOptions, to_docx, to_markdown  # noqa: E402
from ui import identity, insights, render, summary  # noqa: E402
from ui.filtering import FIELD_LABELS, Selection, build_filter, describe, options_from  # noqa: E402
from ui.source_views import DOCX_MIME, Originals, original_controls, page_clip  # noqa: E402
from ui.upload_panel import upload_panel  # noqa: E402
from ui.uploads import upload_root  # noqa: E402

PANE_HEIGHT = 680  # pixels
HISTORY_TURNS = 5  # earlier exchanges passed to `ask` for follow-up questions


@dataclass(frozen=True)
class PageConfig:
    """Read once at the edge: the engine settings and where original files live."""

    settings: Settings
    doc_roots: tuple[Path, ...]

    @classmethod
    def from_env(cls) -> PageConfig:
        settings = Settings.from_env()
        return cls(settings, (*settings.doc_roots, upload_root(settings.index_dir)))


@dataclass(frozen=True)
class AskOptions:
    k: int
    where: Filter
    note: str


@st.cache_resource(show_spinner="Loading the model and the index\u2026")
def load_assistant(_settings: Settings, key: str) -> Assistant:
    """One Assistant per server and index: the model and stores load once, then stay warm."""
    assistant = Assistant(_settings, create=False)
    assistant.warm()
    return assistant


def open_assistant(settings: Settings) -> Assistant:
    """The cached assistant for these settings, or a message saying why there is none."""
    # Every setting is in the key, so a changed one (threads, context headers) loads afresh.
    key = f"{settings.index_dir.resolve()}|{settings!r}"
    try:
        return load_assistant(settings, key)
    except IndexMissing as exc:
        st.warning(f"{str(exc)[0].upper()}{str(exc)[1:]} (or `make demo` for the sample reports).")
        st.stop()
    except IndexUnavailable as exc:
        st.error(f"The index cannot be opened: {exc}")
        st.stop()
    raise AssertionError("unreachable: st.stop() ends the script run")


def main() -> None:
    st.set_page_config(
        page_title="Inspection report assistant", page_icon="\U0001f4d1", layout="wide"
    )
    st.html(render.CSS)
    try:
        config = PageConfig.from_env()
    except SettingsError as exc:
        st.error(f"A setting is wrong: {exc}")
        st.stop()
    # Who is asking, decided once per run; every route below is given this reader.
    person = identity.current(config.settings.groups_claim)
    assistant = open_assistant(config.settings)
    _own_conversation(person.reader)
    try:
        page(assistant, config, person)
    except IndexUnavailable as exc:  # the server went away, the folder was damaged meanwhile
        st.error(f"The index cannot be used: {exc}")


def _own_conversation(reader: Reader) -> None:
    """A session's answers are its reader's: when the person changes (signed in or out in this
    tab), the earlier answers and follow-up history go, as they may show other papers."""
    if st.session_state.get("reader") != (reader.who, reader.key):
        st.session_state["reader"] = (reader.who, reader.key)
        _new_chat()
    st.session_state.setdefault("turns", [])


def page(assistant: Assistant, config: PageConfig, person: identity.Identity) -> None:
    reader = person.reader
    records = assistant.sources(reader)
    originals = Originals.for_reader(
        assistant, reader, roots=config.doc_roots, settings=config.settings
    )
    options = sidebar(assistant, records, config, person)
    left, right = st.columns([3, 2], gap="large")
    # Fixed-height panes scroll on their own, keeping an answer and its sources side by side.
    chat, sources = left.container(height=PANE_HEIGHT), right.container(height=PANE_HEIGHT)
    question = st.chat_input("Ask about the indexed reports\u2026")
    if question and question.strip():
        with chat, st.spinner("Searching the documents\u2026"):
            ask(assistant, question.strip(), options, reader)
    with chat:
        conversation(records)
    with sources:
        sources_panel(originals)
    with st.expander("Compare councils on a topic"):
        insights.compare_panel(assistant, options.where, reader)
    with st.expander("Council timeline: has it improved?"):
        insights.timeline_panel(assistant, records)
    with st.sidebar:  # after asking, so the briefing includes the newest answer
        briefing_panel(options.note, originals)


# --- sidebar ---------------------------------------------------------------------------------


def sidebar(
    assistant: Assistant,
    records: list[DocumentRecord],
    config: PageConfig,
    person: identity.Identity,
) -> AskOptions:
    with st.sidebar:
        st.title("Inspection report assistant")
        identity.identity_panel(person)
        st.button("New chat", on_click=_new_chat, width="stretch", key="new-chat")
        index_status(records)
        where, note = filters(records)
        # Adding and removing documents is the operator's: offered only where no identity
        # provider is configured (one person's own machine). With sign-in, papers are added
        # with `assistant ingest`, where their access labels are set.
        if not person.configured:
            upload_panel(assistant, records, config.settings.index_dir)
        with st.expander("Advanced", expanded=False):
            k = st.slider(
                "Passages to search per question",
                1,
                30,
                12,
                key="k",
                help="More passages find more sources but answer a little slower.",
            )
    return AskOptions(k=k, where=where, note=note)


def _new_chat() -> None:
    st.session_state["turns"] = []
    st.session_state.pop("selected", None)


def index_status(records: list[DocumentRecord]) -> None:
    st.subheader("Index")
    left, right = st.columns(2)
    left.metric("Documents", len(records))
    right.metric("Passages", sum(r.passages for r in records))
    last = max((r.ingested_at for r in records), default=0.0)
    st.caption(f"Last ingest: {render.when(last)}")


def filters(records: list[DocumentRecord]) -> tuple[Filter, str]:
    options = options_from(records)
    with st.expander("Filters", expanded=False):
        sources = st.multiselect(
            "Documents",
            list(options.documents),
            format_func=lambda s: options.documents.get(s, s),
            key="f-docs",
        )
        choices = {
            name: tuple(
                st.multiselect(
                    FIELD_LABELS.get(name, name),
                    values,
                    key=f"f-{name}",
                    format_func=lambda v: v.replace("_", " "),
                )
            )
            for name, values in options.choices.items()
        }
        years = None
        if options.years and options.years[0] < options.years[1]:
            years = st.slider(
                "Year",
                options.years[0],
                options.years[1],
                options.years,
                key=f"f-year-{options.years[0]}-{options.years[1]}",
            )
    selection = Selection(tuple(sources), choices, tuple(years) if years else None)
    return build_filter(selection, options), describe(selection, options)


def briefing_panel(note: str, originals: Originals) -> None:
    turns: list[Answer] = st.session_state.get("turns", [])
    st.subheader("Briefing")
    if not turns:
        st.caption("Ask a question, then download the conversation as a briefing.")
        return
    options = BriefingOptions(
        title="Briefing", note=note, generated=datetime.now(UTC).strftime("%d %B %Y, %H:%M UTC")
    )
    with_pages = st.checkbox(
        "Show each quote on its page (Word)",
        key="brief-pages",
        help="Each reference carries a picture of its page around the quote, highlighted.",
    )
    clip = partial(page_clip, originals=originals)  # a page picture passes the reader's guard
    st.download_button(
        "Download briefing (Markdown)",
        partial(to_markdown, list(turns), options=options),  # built only when clicked
        file_name="briefing.md",
        mime="text/markdown",
        on_click="ignore",
        key="brief-md",
        width="stretch",
    )
    st.download_button(
        "Download briefing (Word)",
        partial(to_docx, list(turns), options=options, page_image=clip if with_pages else None),
        file_name="briefing.docx",
        mime=DOCX_MIME,
        on_click="ignore",
        key="brief-docx",
        width="stretch",
    )


# --- conversation ----------------------------------------------------------------------------


def ask(assistant: Assistant, question: str, options: AskOptions, reader: Reader) -> None:
    turns: list[Answer] = st.session_state["turns"]
    history = [Turn(a.question, a) for a in turns[-HISTORY_TURNS:]]
    try:
        answer = assistant.ask(
            question, k=options.k, where=options.where or None, history=history, reader=reader
        )
    except FilterError as exc:
        st.error(f"Filter not understood: {exc}")
        return
    except IndexUnavailable as exc:
        st.error(f"Not answered: the index cannot be used: {exc}")
        return
    st.session_state["turns"] = [*turns, answer]
    st.session_state["selected"] = len(turns)


def conversation(records: list[DocumentRecord]) -> None:
    turns: list[Answer] = st.session_state["turns"]
    if not turns:
        if records:
            st.info(
                f"Ask a question about the {len(records)} indexed documents. Every answer "
                "quotes the documents verbatim, with numbered citations shown on the right."
            )
        else:
            st.warning(
                "The index is empty. Run `make demo` (or `assistant ingest corpus/`), "
                "or add documents in the sidebar."
            )
        return
    for number, answer in enumerate(turns):
        with st.chat_message("user"):
            st.html(f"<p>{render.esc(answer.question)}</p>")
        with st.chat_message("assistant"):
            summary.show(answer)
            st.html(render.answer_html(answer))
            found = (
                render.plural(len(answer.citations), "source")
                if answer.answered
                else "not answered"
            )
            st.caption(f"{found} \u00b7 {answer.seconds:.2f} s")
            st.button("Show sources", key=f"show-{number}", on_click=_select, args=(number,))


def _select(number: int) -> None:
    st.session_state["selected"] = number


def sources_panel(originals: Originals) -> None:
    turns: list[Answer] = st.session_state["turns"]
    st.subheader("Sources")
    if not turns:
        st.caption(
            "The sources of the selected answer appear here, the cited sentence highlighted."
        )
        return
    if st.session_state.get("selected") not in range(len(turns)):
        st.session_state["selected"] = len(turns) - 1
    number = st.selectbox(
        "Answer",
        range(len(turns)),
        key="selected",
        format_func=lambda i: f"{i + 1}. {turns[i].question[:80]}",
    )
    answer = turns[number]
    correcting = not answer.answered and bool(answer.citations)
    if correcting:
        st.warning("The question's premise is not what the documents say; this is what they say.")
    elif not answer.answered:
        st.warning(
            "No answer was found. These are the closest passages; they do not answer the question."
        )
    cited = answer.citations if answer.answered or correcting else answer.related
    for citation in cited:
        st.html(render.card_html(citation, related=not (answer.answered or correcting)))
        original_controls(citation, originals=originals, key=f"orig-{number}-{citation.id}")


if __name__ == "__main__":
    main()
