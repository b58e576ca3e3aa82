"""Dates in inspection reports: "19 October 2015", "27 June to 1 July 2022", "5 and 6 October
2021", and the publication date (stated, a letter's date, or estimated from the inspection)."""

from __future__ import annotations

import datetime as dt
import re

from assistant.core.text import MONTH_PATTERN, MONTHS, YEAR_PATTERN

_MONTH = MONTH_PATTERN
_DATE = re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+({_MONTH})\s+({YEAR_PATTERN})\b", re.I)
# Ofsted publishes a report about six to eight weeks after the inspection ends (median 42 days
# in the pool); 52 days gets the publication year right most often, as little is published
# over Christmas. Calibrated on ofsted-pool (bench/metadata_accuracy.py).
PUBLICATION_LAG_DAYS = 52


def _iso(day: int, month: int, year: int) -> str:
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return ""


def parse_date(text: str) -> str:
    """The first full date ("19 October 2015") in `text`, as ISO, or ''."""
    m = _DATE.search(text)
    return _iso(int(m.group(1)), MONTHS[m.group(2).lower()], int(m.group(3))) if m else ""


def date_range(text: str) -> tuple[str, str]:
    """First and last day of a phrase like "27 June to 1 July 2022" or "5 and 6 October 2021"."""
    tokens = re.findall(
        rf"\b(\d{{1,2}})(?:st|nd|rd|th)?(?:\s+({_MONTH}))?(?:\s+({YEAR_PATTERN}))?\b", text, re.I
    )
    days = []
    month = year = None
    for day, mon, yr in reversed(tokens):  # months and years are written once, at the right
        if yr:
            year = int(yr)
        if mon:
            month = MONTHS[mon.lower()]
        if month and year and 1 <= int(day) <= 31:
            days.append(_iso(int(day), month, year))
    days = [d for d in reversed(days) if d]
    return (days[0], days[-1]) if days else ("", "")


def inspection_dates(head: str, doc_type: str) -> tuple[str, str]:
    m = re.search(
        r"Inspection dates?:?\s*(.{6,120}?)"
        r"(?:\n|Lead inspector|Report published|Judgement|Dates? of previous|$)",
        head,
        re.S | re.I,
    )
    if m is None:
        m = re.search(
            r"(?:visit|inspection) to .{3,120}? (?:on|between|from) (.{6,80}?\d{4})", head, re.S
        )
    if m is None:
        return "", ""
    return date_range(re.sub(r"\s+", " ", m.group(1)))


def publication_date(head: str, text: str, *, inspection_end: str = "") -> tuple[str, str]:
    """(ISO date, basis): stated, else a letter's date, else estimated from the inspection."""
    m = re.search(r"(?:Report published|Publication date|Published):?\s*(.{6,40})", head, re.I)
    if m and parse_date(m.group(1)):
        return parse_date(m.group(1)), "stated"
    dear = re.search(r"\bDear\b", head)
    if dear and dear.start() < 1500:
        letter = parse_date(head[: dear.start()])
        if letter and inspection_end and letter < inspection_end:
            # January letters sometimes carry last year's number; a letter cannot predate the visit.
            letter = str(int(letter[:4]) + 1) + letter[4:]
        if letter:
            return letter, "letter"
    m = re.search(rf"©\s*Crown copyright\s*({YEAR_PATTERN})", text[-6000:])
    copyright_year = m.group(1) if m else ""
    if inspection_end:
        end = dt.date.fromisoformat(inspection_end)
        estimate = (end + dt.timedelta(days=PUBLICATION_LAG_DAYS)).isoformat()
        # A report held over the new year carries the new year's copyright line.
        if copyright_year > estimate[:4]:
            return copyright_year, "copyright"
        return estimate, "estimated"
    if copyright_year:
        return copyright_year, "copyright"
    first = parse_date(head[:1500])
    return (first, "first date") if first else ("", "")
