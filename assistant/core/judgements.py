"""Judgements in an inspection report's grade table: the overall grade and each area's grade,
from pypdf text (one cell per line) and from two-column `pdftotext -layout` text alike."""

from __future__ import annotations

import re

GRADES = ("Outstanding", "Good", "Requires improvement to be good", "Inadequate")
# An area SEND inspection gives one of three outcomes instead of a grade, each stated in the
# framework's own sentence; a report is read by that sentence alone.
SEND_OUTCOMES = (
    ("Positive experiences and outcomes", r"typically lead to positive experiences and outcomes"),
    ("Inconsistent experiences and outcomes", r"lead to inconsistent experiences and outcomes"),
    (
        "Significant concerns",
        r"widespread and/or systemic failings leading to significant concerns",
    ),
)
# Only the third outcome requires a priority action plan, so a question may name it by that; a
# report cannot be read by it ("does not need to submit a priority action plan").
SEND_CONSEQUENCE = ("Significant concerns", r"priority action plan")
AREAS = ("help_protection", "children_in_care", "care_leavers", "leaders", "adoption")
_GRADE = re.compile(
    r"Requires?\s+improvement(?:\s+to\s+be\s+good)?|Inadequate|Good|Outstanding", re.I
)
_ROW_STARTS = re.compile(
    r"The impact of leaders|The experiences and progress|(?-i:Overall effectiveness)|"
    r"\d\.(?:\d\.?)?\s+(?:Children who need|Children looked after|Adoption performance|"
    r"Experiences and progress|Leadership, management)|The effectiveness of the (?:Local|LSCB)|"
    r"Children[’']s services in|What needs to improve|Executive summary",
    re.I,
)


def normalise_grade(text: str) -> str:
    """One of GRADES (or SEND_OUTCOMES) for a grade phrase ("requires improvement" -> the full
    form, "significant concerns" -> the third outcome), or ''."""
    low = re.sub(r"\s+", " ", text.strip().lower())
    if low.startswith("requires improvement") or low.startswith("require improvement"):
        return GRADES[2]
    for grade in GRADES:
        if low.startswith(grade.lower()):
            return grade
    for outcome, _ in SEND_OUTCOMES:
        if low.startswith(outcome.lower()):
            return outcome
    return ""


def send_outcome(text: str) -> str:
    """The outcome an area SEND inspection report states, in the framework's words, or ''."""
    for outcome, pattern in SEND_OUTCOMES:
        if re.search(pattern, text, re.I):
            return outcome
    return ""


def judgements(head: str) -> tuple[str, dict[str, str]]:
    """(overall, {area: grade}) from the grade table of a full inspection report."""
    rows = _rows(head)
    areas: dict[str, str] = {}
    overall = ""
    for label, grade in rows:
        if label == "overall":
            overall = overall or grade
        for area in _areas_of(label):
            areas.setdefault(area, grade)
    return overall, areas


def _rows(head: str) -> list[tuple[str, str]]:
    """(row label, grade) for each row of the judgement table; 'overall' for the headline."""
    out = []
    starts = [m.start() for m in _ROW_STARTS.finditer(head)] + [len(head)]
    for start, end in zip(starts, starts[1:], strict=False):
        raw = _table_part(head[start:end])
        row = re.sub(r"\s+", " ", raw).strip()
        low = row.lower()
        if (
            low.startswith(("what needs", "executive summary"))
            or "safeguarding children board" in low
            or "lscb" in low
        ):
            continue
        if low.startswith(("children’s services in", "children's services in")):
            # Only the headline sentence: "Children's services in Norfolk are inadequate."
            m = re.match(
                r"[Cc]hildren.s services in [^.]{0,120}?\b((?i:"
                + _GRADE.pattern
                + r"))(?=\s*(?:\.|$)|\s+[A-Z0-9])",
                re.sub(r"\s+", " ", head[start:end][:300]),
            )
            if m:
                out.append(("overall", normalise_grade(m.group(1))))
            continue
        grade = _grade_in(row) or _grade_line_before(head, start)
        if grade:
            label = "overall" if low.startswith("overall effectiveness") else _GRADE.sub(" ", low)
            out.append((label, grade))
    return out


def _table_part(segment: str) -> str:
    """A table row ends where prose starts: table lines are short, paragraphs are long lines."""
    lines = segment.split("\n")
    kept = [lines[0]]
    for line in lines[1:]:
        if len(line) > 140:
            break
        kept.append(line)
    return "\n".join(kept)[:260]


def _grade_in(row: str) -> str:
    m = _GRADE.search(row)
    if m is None:
        return ""
    # Two-column layouts split "Requires improvement / to be good" across rows: a bare
    # "to be good" is the tail of that grade, not "Good".
    if re.search(r"(?<!improvement )to be good", row[: m.end()], re.I):
        return GRADES[2]
    return normalise_grade(m.group(0))


def _grade_line_before(head: str, start: int) -> str:
    """A grade printed on its own line just above the label (vertically centred cells)."""
    before = head[:start].rstrip("\n ").rsplit("\n", 1)[-1]
    return normalise_grade(before) if _GRADE.fullmatch(before.strip()) else ""


def _areas_of(label: str) -> tuple[str, ...]:
    if label == "overall":
        return ()
    if "leaders" in label or "leadership" in label:
        return ("leaders",)
    if "adoption" in label:
        return ("adoption",)
    if "help and protection" in label or "need help" in label:
        return ("help_protection",)
    in_care = "in care" in label or "looked after" in label
    leavers = "care leavers" in label
    if in_care and leavers:
        return ("children_in_care", "care_leavers")
    return ("children_in_care",) if in_care else ("care_leavers",) if leavers else ()


# --- judgement statements in the text, for quoting ---------------------------------------------

# Row labels of the grade tables (ILACS and SIF), at the start of a line.
_ROW_LABEL = re.compile(
    r"(?:\d(?:\.\d)?\.?\s+)?(?:The impact of leaders|The experiences and progress|"
    r"Overall effectiveness|Children who need help|Children looked after|Adoption performance|"
    r"Experiences and progress|Leadership, management)",
    re.I,
)
# The headline of a SIF report: "Children's services in Birmingham are inadequate".
_HEADLINE = re.compile(
    r"(?:Children[’']s )?[Ss]ervices in .{2,120}?\b(?:are|is|requires?)\s+(?i:"
    + _GRADE.pattern
    + r")\b"
)
# The three outcomes of an area SEND inspection, in the framework's own words.
_SEND_OUTCOME = re.compile("|".join(pattern for _, pattern in SEND_OUTCOMES), re.I)
# A graded section heading: "The experiences and progress of children in care: outstanding".
_GRADED_HEADING = re.compile(r":\s*(?i:" + _GRADE.pattern + r")\s*$")


def grade_only(line: str) -> bool:
    """A table cell holding nothing but a grade ("Good", "Requires improvement to be good")."""
    return bool(_GRADE.fullmatch(line.strip()))


def is_row_label(line: str) -> bool:
    return bool(_ROW_LABEL.match(line))


def is_graded_heading(line: str) -> bool:
    return bool(_GRADED_HEADING.search(line.strip())) and len(line.strip()) < 160


def states_judgement(line: str) -> bool:
    """A line that states a judgement: a grade-table row with its grade, a graded heading, or a
    report's headline verdict."""
    stripped = line.strip()
    if is_row_label(stripped) and _GRADE.search(stripped):
        return True
    if is_graded_heading(stripped) or _SEND_OUTCOME.search(stripped):
        return True
    return bool(_HEADLINE.match(stripped)) and len(stripped) < 200


def is_overall_statement(text: str) -> bool:
    """The overall verdict: the grade table's "Overall effectiveness" row, a SIF report's
    headline, or an area SEND inspection's outcome."""
    stripped = text.strip()
    return bool(
        re.match(r"overall effectiveness", stripped, re.I)
        or _HEADLINE.match(stripped)
        or _SEND_OUTCOME.search(stripped)
    )
