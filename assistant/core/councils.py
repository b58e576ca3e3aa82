"""UK local authorities: canonical names, their aliases, and finding them in text.

The list ships as data (`data/councils.csv`). One council has one canonical, short name
("Kent"); "Kent County Council", "KCC" and "kent" all resolve to it, in filters and in text.
Councils that were replaced by others in a reorganisation (Poole by BCP in 2019,
Northamptonshire by North and West Northamptonshire in 2021, Cumbria by Cumberland and
Westmorland and Furness in 2023) are registered in `data/successors.csv`.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

_DATA = Path(__file__).parents[1] / "data" / "councils.csv"
_SUCCESSORS = _DATA.with_name("successors.csv")

# Forms every council may be written in besides its own aliases.
_SUFFIXES = (
    "county council",
    "city council",
    "borough council",
    "metropolitan borough council",
    "metropolitan district council",
    "district council",
    "council",
    "county borough council",
)
_PREFIXES = ("london borough of", "royal borough of", "city of", "county of", "the")
# Short names that are also ordinary words or first names: trusted only in a council context.
_AMBIGUOUS = {
    # ordinary words, surnames, first names, or other places first ("New York", "Stoke Newington")
    "reading",
    "bury",
    "angus",
    "highland",
    "sutton",
    "stoke",
    "newport",
    "poole",
    "stockton",
    "hull",
    "newcastle",
    "york",
    "derby",
    "moray",
    "halton",
    "merton",
    "brent",
    "wirral",
}


@dataclass(frozen=True)
class Council:
    name: str  # canonical
    nation: str
    aliases: tuple[str, ...]


@dataclass(frozen=True)
class Mention:
    council: Council
    start: int
    end: int
    text: str

    @property
    def ambiguous(self) -> bool:
        return normalise(self.text) in _AMBIGUOUS


def normalise(name: str) -> str:
    """Comparable form: lower case, '&' as 'and', punctuation and hyphens as single spaces."""
    name = name.lower().replace("&", " and ").replace("\u2019", "'")
    name = re.sub(r"'s\b", "s", name)
    return re.sub(r"[^a-z0-9\u00e0-\u00ff]+", " ", name).strip()


@lru_cache(maxsize=1)
def councils() -> tuple[Council, ...]:
    """All councils in the shipped list."""
    with _DATA.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    return tuple(
        Council(r["canonical"], r["nation"], tuple(a for a in r["aliases"].split(";") if a))
        for r in rows
    )


@lru_cache(maxsize=1)
def _by_key() -> dict[str, Council]:
    index: dict[str, Council] = {}
    for council in councils():
        for form in (council.name, *council.aliases):
            index.setdefault(normalise(form), council)
    return index


def _strip_generic(key: str) -> str:
    for prefix in _PREFIXES:
        if key.startswith(prefix + " "):
            key = key[len(prefix) + 1 :]
    for suffix in _SUFFIXES:
        if key.endswith(" " + suffix):
            return key[: -len(suffix) - 1]
    return key


def lookup(name: str) -> Council | None:
    """The council a user or file name means ("Kent County Council", "kent", "telford_wrekin")."""
    key = normalise(name.replace("_", " "))
    index = _by_key()
    if key in index:
        return index[key]
    stripped = _strip_generic(key)
    if stripped in index:
        return index[stripped]
    squashed = key.replace(" and ", " ")  # file names drop "and": "telford_wrekin"
    for known, council in index.items():
        if known.replace(" and ", " ") == squashed:
            return council
    return None


def canonical_name(name: str) -> str:
    """The canonical name, or `name` unchanged when it is not a council we know."""
    council = lookup(name)
    return council.name if council else name


@lru_cache(maxsize=1)
def _pattern() -> re.Pattern:
    forms = set()
    for council in councils():
        forms.update((council.name, *council.aliases))
    alternatives = sorted(
        forms, key=len, reverse=True
    )  # longest first: "North Yorkshire" over "York"
    body = "|".join(_form_regex(f) for f in alternatives)
    return re.compile(rf"(?<![\w-])(?:{body})(?![\w-])", re.IGNORECASE)


def _form_regex(form: str) -> str:
    words = re.split(r"[\s\-]+", form.replace("&", " & "))
    parts = []
    for word in words:
        if word.lower() in ("and", "&"):
            parts.append("(?:and|&)")
        else:
            parts.append(re.escape(word).replace("'", "['\u2019]"))
    return r"[\s\-]+".join(parts)


def mentions(text: str) -> list[Mention]:
    """Council names in `text`, in order; only capitalised forms ("reading" is not Reading)."""
    index = _by_key()
    out = []
    for m in _pattern().finditer(text):
        found = m.group(0)
        if not found[0].isupper():
            continue
        council = index.get(normalise(found))
        if council is not None:
            out.append(Mention(council, m.start(), m.end(), found))
    return out


_CONTEXT_AFTER = re.compile(
    r"(?:[’']s)?\s*(?:County|City|Borough|Metropolitan|Council|children|local auth|"
    r"social|services|inspection|SEND|partnership)"
)


def in_council_context(text: str, end: int) -> bool:
    """Whether the words after a mention ending at `end` make it a council ("Bury Council",
    "Reading's children's services"), for names that are also ordinary words."""
    return bool(_CONTEXT_AFTER.match(text, end, end + 30))


def named(text: str, *, trust_capitals: bool = False) -> list[str]:
    """Canonical names of the councils `text` names, in order, each once. An ambiguous short
    name ("Reading", "Bury", "Poole") counts in a council context, or, with `trust_capitals`
    (a question, where a capital mid-sentence is a place), anywhere but the first word."""
    out: list[str] = []
    for m in mentions(text):
        trusted = trust_capitals and text[: m.start].strip() != ""
        if m.ambiguous and not (trusted or in_council_context(text, m.end)):
            continue
        if m.council.name not in out:
            out.append(m.council.name)
    return out


@dataclass(frozen=True)
class Reorganisation:
    """A council replaced by one or more others, from a year on."""

    predecessor: str
    successors: tuple[str, ...]
    year: int

    def describe(self) -> str:
        new = " and ".join(self.successors)
        return f"{self.predecessor} was replaced by {new} in {self.year}"


@lru_cache(maxsize=1)
def _reorganisations() -> dict[str, Reorganisation]:
    with _SUCCESSORS.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    found: dict[str, Reorganisation] = {}
    for row in rows:
        old = canonical_name(row["predecessor"])
        earlier = found.get(old)
        successors = (*(earlier.successors if earlier else ()), canonical_name(row["successor"]))
        found[old] = Reorganisation(old, successors, int(row["year"]))
    return found


def reorganised(name: str) -> Reorganisation | None:
    """How a council was replaced, when it was; None for a council still in being."""
    return _reorganisations().get(canonical_name(name))
