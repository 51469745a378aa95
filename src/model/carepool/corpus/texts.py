"""The texts of the sources: the original bytes and the reading text.

The originals are byte-for-byte copies of the files as received. The reading
texts (``reading/<id>.txt``) are the originals with page furniture removed by
the rules in each record, and nothing else changed; see
``carepool.corpus.furniture``. ``python -m carepool.corpus.regenerate`` rewrites
them from the originals after a rule changes.
"""

from __future__ import annotations

from importlib import resources

from carepool.corpus.furniture import reading_text
from carepool.corpus.records import record

FORMS = ("reading", "original")


def original_bytes(source_id: str) -> bytes:
    """The original file, byte for byte."""
    return resources.files(__package__).joinpath("originals", record(source_id).file).read_bytes()


def text(source_id: str, form: str = "reading") -> str:
    """The text of a source: ``form`` is 'reading' (furniture removed) or 'original'."""
    if form not in FORMS:
        raise ValueError(f"form must be one of {FORMS}; got {form!r}")
    if form == "original":
        return original_bytes(source_id).decode("utf-8")
    record(source_id)  # an unknown id fails with the list of known ids
    return resources.files(__package__).joinpath("reading", f"{source_id}.txt").read_text("utf-8")


def paragraphs(source_id: str) -> list[str]:
    """The reading text's paragraphs: its non-empty lines, numbered from 1 by position."""
    return [line for line in text(source_id).split("\n") if line.strip()]


def derived_reading_text(source_id: str) -> str:
    """The reading text as the record's furniture rules make it from the original."""
    return reading_text(text(source_id, "original"), record(source_id).furniture)
