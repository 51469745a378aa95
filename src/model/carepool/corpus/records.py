"""The record of each primary source: what it is, where and when it appeared.

Records live in ``records.yaml`` beside this module. ``check_record`` is the
schema: every field present with the right type, dates that say how they are
known, and inferred dates that carry their evidence. A bad record fails with
an error naming its id, the field and what is allowed.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, fields
from functools import cache
from importlib import resources
from typing import Any

import yaml

from carepool.corpus.furniture import rule_kind

DATE_STATUSES = ("stated", "inferred", "unknown")
CONTEXTS = ("single", "mixed", "uncertain")
ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
NUMBER_PATTERN = re.compile(r"^\d{3}$")
SHA256_PATTERN = re.compile(r"^[0-9a-f]{64}$")


class RecordError(ValueError):
    """A source record breaks the schema."""


class UnknownSourceError(KeyError):
    """No source has this id."""

    def __init__(self, source_id: object, known: list[str]):
        self.source_id = source_id
        self.known = known
        super().__init__(source_id)

    def __str__(self) -> str:
        return f"unknown source id {self.source_id!r}; known ids: {', '.join(self.known)}"


@dataclass(frozen=True)
class SourceRecord:
    """One primary source, as far as the document and cited sources show."""

    id: str
    number: str
    file: str
    sha256: str
    size_bytes: int
    title: str
    kind: str
    kind_basis: str
    venue: str
    date: str
    date_status: str
    date_earliest: str | None
    date_latest: str | None
    date_confidence: str
    date_evidence: str
    authors: tuple[str, ...]
    authors_note: str
    people_mentioned: tuple[str, ...]
    arrangements: tuple[str, ...]
    organisations: tuple[str, ...]
    stance: str
    context: str
    context_note: str
    unknowns: tuple[str, ...]
    inferences: tuple[dict, ...]
    citations: tuple[str, ...]
    themes: tuple[str, ...]
    furniture: tuple[dict, ...]

    def as_dict(self) -> dict[str, Any]:
        """The record as plain data (lists, not tuples)."""
        return {
            f.name: list(v) if isinstance(v := getattr(self, f.name), tuple) else v
            for f in fields(self)
        }


_TEXT = {"id", "number", "file", "sha256", "title", "kind", "kind_basis", "venue", "date",
         "date_status", "date_confidence", "date_evidence", "authors_note", "stance",
         "context", "context_note"}
_LISTS = {"authors", "people_mentioned", "arrangements", "organisations", "unknowns",
          "citations", "themes"}
# Lists a record may leave empty: a document may name no author, for example.
_MAY_BE_EMPTY = {"authors", "people_mentioned"}
_DATES = {"date_earliest", "date_latest"}
_INFERENCE_KEYS = {"claim", "evidence", "strength"}


def _fail(source_id: object, field: str, allowed: str, got: object) -> RecordError:
    return RecordError(f"source {source_id!r}: field {field!r} must be {allowed}; got {got!r}")


def _iso(source_id: str, field: str, value: object) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise _fail(source_id, field, "an ISO date (YYYY-MM-DD) or null", value) from None


def check_record(raw: dict) -> SourceRecord:
    """A validated record, or a RecordError naming the field and what is allowed."""
    sid = raw.get("id", "<no id>")
    expected = {f.name for f in fields(SourceRecord)}
    if missing := expected - raw.keys():
        raise _fail(sid, sorted(missing)[0], "present", "missing")
    if extra := raw.keys() - expected:
        raise _fail(sid, sorted(extra)[0], f"one of {sorted(expected)}", "an unknown field")
    for name in _TEXT:
        if not isinstance(raw[name], str) or not raw[name].strip():
            raise _fail(sid, name, "non-empty text", raw[name])
    for name in _LISTS:
        value = raw[name]
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise _fail(sid, name, "a list of non-empty texts", value)
        if not value and name not in _MAY_BE_EMPTY:
            raise _fail(sid, name, "a non-empty list (write what is unknown, if that is all)", value)
    checks = [
        ("id", ID_PATTERN.match(raw["id"]), "lowercase words joined by hyphens"),
        ("number", NUMBER_PATTERN.match(raw["number"]), "three digits, e.g. '002'"),
        ("file", raw["file"].startswith(raw["number"] + "_") and raw["file"].endswith(".txt"),
         "'<number>_<name>.txt'"),
        ("sha256", SHA256_PATTERN.match(raw["sha256"]), "64 lowercase hex digits"),
        ("date_status", raw["date_status"] in DATE_STATUSES, f"one of {DATE_STATUSES}"),
        ("context", raw["context"] in CONTEXTS, f"one of {CONTEXTS}"),
    ]
    for name, ok, allowed in checks:
        if not ok:
            raise _fail(sid, name, allowed, raw[name])
    if not isinstance(raw["size_bytes"], int) or raw["size_bytes"] <= 0:
        raise _fail(sid, "size_bytes", "a positive whole number", raw["size_bytes"])
    earliest, latest = (_iso(sid, name, raw[name]) for name in ("date_earliest", "date_latest"))
    _check_date(raw, earliest, latest)
    for name in ("inferences", "furniture"):
        if not isinstance(raw[name], list):
            raise _fail(sid, name, "a list", raw[name])
    for inference in raw["inferences"]:
        if not isinstance(inference, dict) or set(inference) != _INFERENCE_KEYS or not all(
            isinstance(v, str) and v.strip() for v in inference.values()
        ):
            raise _fail(sid, "inferences", f"items with exactly {sorted(_INFERENCE_KEYS)}", inference)
    for rule in raw["furniture"]:
        rule_kind(rule)  # raises FurnitureRuleError naming the problem
    return SourceRecord(**{
        name: tuple(value) if isinstance(value, list) else value for name, value in raw.items()
    })


def _check_date(raw: dict, earliest: dt.date | None, latest: dt.date | None) -> None:
    sid, status = raw["id"], raw["date_status"]
    if earliest and latest and earliest > latest:
        raise _fail(sid, "date_earliest", f"on or before date_latest ({latest})", str(earliest))
    if status == "stated":
        if _iso(sid, "date", raw["date"]) is None or not (earliest == latest == dt.date.fromisoformat(raw["date"])):
            raise _fail(sid, "date", "an ISO date equal to date_earliest and date_latest "
                        "when the date is stated", raw["date"])
    elif status == "inferred":
        if earliest is None and latest is None:
            raise _fail(sid, "date_earliest", "a bound (or date_latest) when the date is inferred", None)
        # An inferred date must show its reasoning: a few words are not evidence.
        if len(raw["date_evidence"].split()) < 25:
            raise _fail(sid, "date_evidence", "the internal evidence for an inferred date "
                        "(at least 25 words)", raw["date_evidence"])
    elif raw["date"] != "unknown" or earliest or latest:
        raise _fail(sid, "date", "'unknown' with no bounds when date_status is 'unknown'", raw["date"])


@cache
def all_records() -> tuple[SourceRecord, ...]:
    """Every record, checked, in the order of the sources' numbers."""
    raw = yaml.safe_load(resources.files(__package__).joinpath("records.yaml").read_text("utf-8"))
    records = tuple(sorted((check_record(r) for r in raw), key=lambda r: r.number))
    ids = [r.id for r in records]
    if len(set(ids)) != len(ids):
        raise RecordError(f"source ids must be unique; got {ids}")
    return records


def source_ids() -> list[str]:
    """The ids of all sources, in order."""
    return [r.id for r in all_records()]


def record(source_id: str) -> SourceRecord:
    """The record of one source; UnknownSourceError lists the known ids."""
    for r in all_records():
        if r.id == source_id:
            return r
    raise UnknownSourceError(source_id, source_ids())
