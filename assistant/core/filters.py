"""Metadata filters: parsed from `--where` expressions, applied by Chroma and by the keyword index.

One Filter object produces the Chroma `where` clause and evaluates the same condition in Python,
so both retrievers apply exactly the same rule and a filtered question never cites outside it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_OPS = {"=": "$eq", "!=": "$ne", ">=": "$gte", "<=": "$lte", ">": "$gt", "<": "$lt"}
_EXPR = re.compile(r"^\s*([A-Za-z_][\w]*)\s*(!=|>=|<=|=|>|<)\s*(.+?)\s*$")
NUMERIC_FIELDS = {"year", "page"}


class FilterError(ValueError):
    """A --where expression that cannot be understood."""


@dataclass(frozen=True)
class Condition:
    field: str
    op: str  # a Chroma operator: $eq, $ne, $gt, $gte, $lt, $lte, $in
    value: str | int | float | tuple

    def chroma(self) -> dict:
        value = list(self.value) if isinstance(self.value, tuple) else self.value
        return {self.field: {self.op: value}}

    def matches(self, fields: dict) -> bool:
        actual = fields.get(self.field)
        if actual is None:
            return self.op == "$ne"
        if self.op == "$in":
            return actual in self.value
        if self.op == "$eq":
            return actual == self.value
        if self.op == "$ne":
            return actual != self.value
        try:
            return {
                "$gt": actual > self.value,
                "$gte": actual >= self.value,
                "$lt": actual < self.value,
                "$lte": actual <= self.value,
            }[self.op]
        except TypeError:
            return False


@dataclass(frozen=True)
class Filter:
    """A conjunction of conditions (all must hold)."""

    conditions: tuple[Condition, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.conditions)

    def chroma(self) -> dict | None:
        if not self.conditions:
            return None
        if len(self.conditions) == 1:
            return self.conditions[0].chroma()
        return {"$and": [c.chroma() for c in self.conditions]}

    def matches(self, fields: dict) -> bool:
        return all(c.matches(fields) for c in self.conditions)

    def and_(self, other: Filter) -> Filter:
        return Filter(self.conditions + other.conditions)


def parse_where(expressions: list[str] | None, *, canonical=None) -> Filter:
    """Parse `field=value`, `year>=2022`, `council=Kent,Norfolk` (any of) into a Filter.

    `canonical(field, value)` may map user spellings to stored values (e.g. council names).
    """
    conditions = []
    for expression in expressions or []:
        m = _EXPR.match(expression)
        if not m:
            raise FilterError(f"cannot read filter '{expression}': use FIELD=VALUE or year>=2022")
        name, op, raw = m.group(1).lower(), m.group(2), m.group(3).strip("'\"")
        values = [_coerce(name, v.strip(), canonical) for v in raw.split(",") if v.strip()]
        if not values:
            raise FilterError(f"filter '{expression}' has no value")
        if len(values) > 1:
            if op != "=":
                raise FilterError(f"filter '{expression}': a list of values needs '='")
            conditions.append(Condition(name, "$in", tuple(values)))
        else:
            conditions.append(Condition(name, _OPS[op], values[0]))
    return Filter(tuple(conditions))


def _coerce(name: str, value: str, canonical) -> str | int | float:
    if name in NUMERIC_FIELDS:
        try:
            return int(value)
        except ValueError as exc:
            raise FilterError(f"'{name}' needs a number, not '{value}'") from exc
    return canonical(name, value) if canonical else value
