"""The written summary above an answer's quotes: labelled with the model that wrote it, or one
caption saying why there is none. Nothing is shown when no model is configured.

The model's words are escaped like document text: a model can echo markup from a quote.
"""

from __future__ import annotations

import streamlit as st

from assistant.core.answer import Answer, Summary
from ui.render import esc, md_literal


def summary_html(summary: Summary) -> str:
    """The kept sentences, escaped, each ending in its styled markers, under the label."""
    sentences = " ".join(
        esc(s.text) + "".join(f' <span class="ia-cite">[{m}]</span>' for m in s.markers)
        for s in summary.kept
    )
    return (
        f'<div class="ia-summary"><div class="ia-summary-label">{esc(summary.label)}</div>'
        f'<div class="ia-summary-text">{sentences}</div></div>'
    )


def caption_for(summary: Summary) -> str:
    """Why no summary is shown: the model failed, or none of its sentences passed the check."""
    if summary.error:
        return summary.error
    return f"No summary: none of the sentences {summary.model} wrote passed the check."


def show(answer: Answer) -> None:
    """Above the answer: the summary if one was kept, else the caption; nothing without one."""
    summary = answer.summary
    if summary is None:
        return
    if summary.text:
        st.html(summary_html(summary))
    else:
        st.caption(md_literal(caption_for(summary)))  # a URL or model name, shown as written
