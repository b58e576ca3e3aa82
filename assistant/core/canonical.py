"""User spellings of metadata values to the stored ones: "Kent County Council" is "Kent",
"focused visit" is `focused_visit`, "requires improvement" is the full grade. Used by `--where`
filters and by sidecar files alike, so both mean the same values."""

from __future__ import annotations

from assistant.core import councils
from assistant.core.judgements import normalise_grade
from assistant.core.meta import DOC_TYPES, JUDGEMENT_PREFIX

_DOC_TYPE_WORDS = {
    "inspection": "full_inspection",
    "full": "full_inspection",
    "ilacs": "full_inspection",
    "sif": "full_inspection",
    "fv": "focused_visit",
    "focused": "focused_visit",
    "monitoring": "monitoring_visit",
    "send": "area_send",
    "scrutiny": "scrutiny_report",
    "committee": "committee_paper",
    "news": "news_article",
    "annual": "annual_report",
}
_INSPECTORATES = {
    "ofsted": "Ofsted",
    "ciw": "Care Inspectorate Wales",
    "cssiw": "Care Inspectorate Wales",
    "care inspectorate wales": "Care Inspectorate Wales",
    "care inspectorate": "Care Inspectorate",
    "cqc": "CQC",
    "joint": "joint",
}


def doc_type(value: str) -> str:
    key = value.strip().lower().replace(" ", "_").replace("-", "_")
    return key if key in DOC_TYPES else _DOC_TYPE_WORDS.get(key.split("_")[0], key)


def canonical(field_name: str, value: str) -> str:
    """The stored form of `value` for `field_name` (a `filters.parse_where` hook)."""
    if field_name == "council":
        return councils.canonical_name(value)
    if field_name == "doc_type":
        return doc_type(value)
    if field_name.endswith("judgement") or field_name.startswith(JUDGEMENT_PREFIX):
        return normalise_grade(value) or value
    if field_name == "framework":
        return value.strip().upper()
    if field_name == "inspectorate":
        return _INSPECTORATES.get(value.strip().lower(), value)
    return value
