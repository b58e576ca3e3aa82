"""Compare and timeline views: one council's history, and every council's best finding on a topic.

Document text is escaped (ui.render.esc) before any markup is added, as in the chat.
"""

from __future__ import annotations

import streamlit as st

from assistant.core.access import Reader
from assistant.core.filters import Filter
from assistant.core.record import DocumentRecord
from assistant.insights.compare import compare
from assistant.insights.timeline import timeline
from ui.render import esc


def compare_panel(assistant, where: Filter, reader: Reader) -> None:
    """Topic in, one row per council out: its best cited sentence, judgement and date."""
    with st.form("compare-form", border=False):
        topic = st.text_input(
            "Topic", placeholder="management oversight of social workers' caseloads"
        )
        by = st.radio("One row per", ["council", "document"], horizontal=True, key="compare-by")
        submitted = st.form_submit_button("Compare")
    if not (submitted and topic.strip()):
        return
    with st.spinner("Searching each council's documents\u2026"):
        result = compare(assistant, topic.strip(), by=by, where=where or None, reader=reader)
    if not result.rows:
        st.info("No documents match the filters.")
        return
    for row in result.rows:
        st.html(_row_html(row))


def _row_html(row) -> str:
    grade = esc(row.overall_judgement or "no overall grade")
    latest = f" \u00b7 latest overall grade {esc(row.latest_grade)}" if row.latest_grade else ""
    date = esc(row.published[:10] or "no date")
    head = f"<b>{esc(row.group)}</b> <small>{grade} \u00b7 {date}{latest}</small>"
    if row.citation is None:
        return f'<div class="ia-card">{head}<p><i>Nothing on this topic.</i></p></div>'
    c = row.citation
    page = f", page {c.page}" if c.page else ""
    return (
        f'<div class="ia-card">{head}<p><mark>{esc(c.quote)}</mark></p>'
        f"<small>{esc(c.title)} ({esc(c.source)}{page})</small></div>"
    )


def timeline_panel(assistant, records: list[DocumentRecord]) -> None:
    """A council's documents by date with judgements, and whether it has improved; `records`
    are those the reader may see (assistant.sources(reader))."""
    councils = sorted({r.meta.council for r in records if r.meta.council})
    if not councils:
        st.info("No council is recorded for the indexed documents.")
        return
    council = st.selectbox("Council", councils, key="timeline-council")
    history = timeline(records, council)
    rows = [
        {
            "published": e.published[:10],
            "document": e.title,
            "kind": e.doc_type.replace("_", " "),
            "overall judgement": e.overall_judgement or "\u2014",
        }
        for e in history.entries
    ]
    st.dataframe(rows, hide_index=True, width="stretch")
    trend = history.trend()
    if trend:
        first, last = history.graded[-2], history.graded[-1]
        st.markdown(
            f"Since the {first.published[:4]} inspection ({first.overall_judgement}), "
            f"the latest ({last.published[:4]}, {last.overall_judgement}) has **{trend}**."
        )
