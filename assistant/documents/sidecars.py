"""Sidecar files that set or correct a document's metadata: `NAME.meta.json` beside the file,
or its row in the folder's `metadata.csv` (column `file`). They win over what the text says.

A JSON sidecar is written for one file, so a key that is not a metadata field is a mistake and
is reported (the file is skipped with the reason, its last good version kept); a metadata.csv
is often a council's own register, so its other columns are ignored.
"""

from __future__ import annotations

import csv
import json
import re
from dataclasses import replace
from datetime import date
from pathlib import Path

from assistant.core.access import AccessError, groups_in, label_of
from assistant.core.canonical import canonical
from assistant.core.meta import FIELD_NAMES, JUDGEMENT_PREFIX, DocumentMeta, year_of

# access_basis and marking are the index's own findings (why a label was given, the paper's
# own exempt marking), not something a sidecar states.
_TEXT_FIELDS = FIELD_NAMES - {"judgements", "years_mentioned", "year", "access_basis", "marking"}


def apply(meta: DocumentMeta, path: Path) -> tuple[DocumentMeta, dict[str, str | int]]:
    """`meta` with the sidecar overrides for the file at `path` applied, and the overrides."""
    overrides = overrides_for(path)
    for key, value in overrides.items():
        if key.startswith(JUDGEMENT_PREFIX):
            meta = meta.with_judgement(key.removeprefix(JUDGEMENT_PREFIX), str(value))
        else:
            meta = replace(meta, **{key: value})
    if "published" in overrides:
        meta = replace(meta, published_basis="sidecar")
        if "year" not in overrides:
            meta = replace(meta, year=year_of(meta.published))
    return meta, overrides


def overrides_for(path: Path) -> dict[str, str | int]:
    """Fields set by `NAME.meta.json` beside the file, or its row in the folder's metadata.csv."""
    out: dict[str, str | int] = {}
    table = path.parent / "metadata.csv"
    if table.exists():
        row = _csv_row(table, path.name)
        out.update(_clean({k: v for k, v in row.items() if _known(k)}, source=table.name))
    sidecar = _json_sidecar(path)
    if sidecar.exists():
        out.update(_clean(_read_json(sidecar), source=sidecar.name))
    return out


def _json_sidecar(path: Path) -> Path:
    sidecar = path.with_name(path.name + ".meta.json")
    return sidecar if sidecar.exists() else path.with_suffix(".meta.json")


def sources_of(path: Path) -> str:
    """The sidecar files that apply to `path`, by name ("report.pdf.meta.json")."""
    found = [path.parent / "metadata.csv", _json_sidecar(path)]
    return " and ".join(f.name for f in found if f.exists())


def _known(key: str) -> bool:
    return key in _TEXT_FIELDS or key == "year" or key.startswith(JUDGEMENT_PREFIX)


def _read_json(sidecar: Path) -> dict:
    try:
        data = json.loads(sidecar.read_text(encoding="utf-8"))
    except (ValueError, TypeError) as exc:  # shown as the file's skip reason
        raise ValueError(f"sidecar {sidecar.name} is not a JSON object ({exc})") from exc
    if not isinstance(data, dict):
        raise ValueError(f"sidecar {sidecar.name} is not a JSON object")
    unknown = sorted(k for k in data if not _known(k))
    if unknown:
        known = ", ".join(sorted(_TEXT_FIELDS | {"year", "judgement_<area>"}))
        raise ValueError(
            f"sidecar {sidecar.name}: unknown field {', '.join(map(repr, unknown))} "
            f"(known: {known})"
        )
    return data


def _csv_row(table: Path, name: str) -> dict[str, str]:
    with table.open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            key = row.pop("file", None) or row.pop("source", None) or row.pop("path", None) or ""
            if Path(key).name == name:
                return {k: v for k, v in row.items() if k and v not in (None, "")}
    return {}


def _clean(raw: dict, *, source: str) -> dict[str, str | int]:
    out: dict[str, str | int] = {}
    for key, value in raw.items():
        if value is None or value == "":
            continue
        if key == "access":
            out[key] = _access(value, source=source)
            continue
        if isinstance(value, list | dict):
            raise ValueError(f"sidecar {source}: field {key!r} must be a single value")
        if key == "year":
            try:
                out[key] = int(value)
            except (TypeError, ValueError) as exc:
                raise ValueError(f"sidecar {source}: year must be a number, not {value!r}") from exc
            continue
        text = str(value).strip()
        if key in _DATE_FIELDS and not _is_iso_date(text):
            raise ValueError(
                f"sidecar {source}: {key} must be an ISO date (2024-06-20, 2024-06 or 2024), "
                f"not {text!r}"
            )
        out[key] = canonical(key, text)
    return out


def _access(value, *, source: str) -> str:
    """A label from "cabinet, officers" or ["cabinet", "officers"] ("public" when it names no
    group)."""
    if isinstance(value, dict) or (isinstance(value, list) and not value):
        raise ValueError(f"sidecar {source}: access must name groups, or public")
    try:
        return label_of(groups_in(value if isinstance(value, list) else str(value)))
    except AccessError as exc:
        raise ValueError(f"sidecar {source}: access: {exc}") from exc


_DATE_FIELDS = frozenset({"published", "inspection_start", "inspection_end"})


def _is_iso_date(text: str) -> bool:
    """YYYY, YYYY-MM or YYYY-MM-DD, and a real day: months and date spans are read from these."""
    try:
        if re.fullmatch(r"\d{4}", text):
            return True
        if re.fullmatch(r"\d{4}-\d{2}", text):
            return 1 <= int(text[5:]) <= 12
        return bool(re.fullmatch(r"\d{4}-\d{2}-\d{2}", text)) and bool(date.fromisoformat(text))
    except ValueError:
        return False
