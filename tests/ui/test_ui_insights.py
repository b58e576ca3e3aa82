"""The compare and timeline views of the chat page, in Streamlit's AppTest on a real index."""

from __future__ import annotations

from helpers.chat_page import app_for


def test_compare_view_gives_each_council_its_own_cited_finding(ui_index, monkeypatch):
    at = app_for(ui_index, monkeypatch)
    topic = next(t for t in at.text_input if t.label == "Topic")
    topic.set_value("management oversight of social work")
    next(b for b in at.button if b.label == "Compare").click().run()
    assert not at.exception, [e.value for e in at.exception]
    rows = [h.value for h in at.get("html") if 'class="ia-card"' in h.value and "<mark>" in h.value]
    groups = {r.split("<b>")[1].split("</b>")[0] for r in rows}
    assert {"Norfolk", "Kent"} <= groups
    assert all("<script" not in r for r in rows)


def test_timeline_view_lists_a_councils_documents(ui_index, monkeypatch):
    at = app_for(ui_index, monkeypatch)
    box = next(s for s in at.selectbox if s.label == "Council")
    box.set_value("Norfolk").run()
    assert not at.exception, [e.value for e in at.exception]
    table = at.dataframe[0].value
    assert list(table["document"]) == ["Norfolk — focused visit, 2021"]
