"""Who may see what: a document's access label and the reader who asks. The one place that
decides whether a reader may see a document; every search, list, cache and file route asks it.

A label is `public` or the sorted, comma-joined groups allowed to see the document
(`cabinet,officers`). It is stored on the document's record and on each of its passages as the
`access` field, so the same `Filter` restricts Chroma (a `where` clause inside the search) and
the keyword index (a mask before ranking): a restricted passage is never scored for a reader
outside its groups, so it cannot be cited, counted, listed or named.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from assistant.core.filters import Condition

PUBLIC = "public"
FIELD = "access"  # the metadata key the label is stored under
_GROUP = re.compile(r"[a-z0-9][a-z0-9_.-]{0,63}")


class AccessError(ValueError):
    """A group name that cannot be a label (one line naming it)."""


def groups_in(text: str | Iterable[str]) -> frozenset[str]:
    """The groups named in `cabinet, Officers` or a list of them, lower-cased and checked;
    `public` names no group (everyone may see public papers)."""
    names = text.split(",") if isinstance(text, str) else list(text)
    out = set()
    for raw in names:
        name = str(raw).strip().lower()
        if not name or name == PUBLIC:
            continue
        if not _GROUP.fullmatch(name):
            raise AccessError(
                f"'{raw}' is not a group name: use letters, digits, '.', '_' or '-' (cabinet)"
            )
        out.add(name)
    return frozenset(out)


def label_of(groups: Iterable[str]) -> str:
    """The canonical label for a document open to `groups` (none: public)."""
    names = sorted(groups_in(list(groups)))
    return ",".join(names) if names else PUBLIC


def groups_of(label: str) -> frozenset[str]:
    """The groups a stored label opens the document to (empty for public)."""
    return frozenset(g for g in (label or PUBLIC).split(",") if g and g != PUBLIC)


@dataclass(frozen=True)
class Reader:
    """Who is asking: the groups they belong to, or the machine's operator, who sees everything.
    `who` names them in the audit log (an e-mail address, a subject, "operator")."""

    groups: frozenset[str] = frozenset()
    everything: bool = False
    who: str = ""

    @classmethod
    def operator(cls, who: str = "operator") -> Reader:
        return cls(everything=True, who=who)

    @classmethod
    def public(cls, who: str = "") -> Reader:
        return cls(who=who)

    @classmethod
    def of(cls, groups: str | Iterable[str], who: str = "") -> Reader:
        """A reader in `groups` (`--as cabinet,officers`); `public` alone is the public."""
        return cls(groups=groups_in(groups), who=who)

    @property
    def key(self) -> str:
        """What this reader may see, as a cache key: readers with one key see the same papers."""
        return "*" if self.everything else label_of(self.groups)

    def may_see(self, label: str) -> bool:
        """Whether a document labelled `label` is visible to this reader. A missing label (an
        index built before labels existed) is visible to the operator only."""
        if self.everything:
            return True
        if not label:
            return False
        allowed = groups_of(label)
        return not allowed or bool(allowed & self.groups)

    def sees_all(self, labels: Iterable[str]) -> bool:
        """Whether this reader may see every label in `labels` (an index holding only papers
        they may see: a search needs no condition to be theirs)."""
        return all(self.may_see(label) for label in labels)

    def condition(self, labels: Iterable[str]) -> Condition | None:
        """The search condition for this reader over the labels an index holds: `access` is one
        of those this reader may see. None for the operator (no condition at all)."""
        if self.everything:
            return None
        visible = sorted({label for label in labels if self.may_see(label)} | {PUBLIC})
        return Condition(FIELD, "$in", tuple(visible))

    def describe(self) -> str:
        """In words, for the page and the CLI: "everything", "public papers only", or
        "public papers and those for cabinet, officers"."""
        if self.everything:
            return "every paper (operator)"
        if not self.groups:
            return "public papers only"
        return f"public papers and those for {', '.join(sorted(self.groups))}"


OPERATOR = Reader.operator()
