"""Each record passes the schema and says only what the document shows."""

from __future__ import annotations

import copy
import datetime as dt
import re

import pytest

from carepool import corpus
from carepool.corpus.records import RecordError, all_records, check_record

# The ids other parts of the course rely on, by the file each names.
FIXED = {
    "000_750495a41cadef9f.txt": "kf-comments",
    "001_64db60fde8c833b1.txt": "guardian-letters-2018",
    "002_5513e78f7d07b43b.txt": "lilley-deja-vu-2011",
    "003_2ff3151b5739238a.txt": "liverpool-aco-blog",
    "004_d48728b0a9456eaa.txt": "reworking-the-nhs",
}


def _plain(text: str) -> str:
    # Compare words, not typography: curly and straight quotes, any spaces.
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"').replace("\u201d", '"')
    return " ".join(text.split()).lower()


def _raw(source_id: str) -> dict:
    return copy.deepcopy(corpus.record(source_id).as_dict())


def test_the_five_sources_keep_their_fixed_ids_numbers_and_files():
    assert {r.file: r.id for r in all_records()} == FIXED
    assert [r.number for r in all_records()] == ["000", "001", "002", "003", "004"]


@pytest.mark.parametrize("source_id", FIXED.values())
def test_every_record_passes_the_schema(source_id):
    assert check_record(_raw(source_id)) == corpus.record(source_id)


@pytest.mark.parametrize("record", all_records(), ids=lambda r: r.id)
def test_inferred_dates_carry_their_evidence_and_bounds(record):
    if record.date_status == "inferred":
        assert record.date_earliest or record.date_latest
        assert "No date is printed" in record.date_evidence
        # The bound rests on publications the record cites, never on the
        # course's own fact file.
        assert record.citations
        assert "FACTS" not in record.date_evidence
    if record.date_status == "stated":
        # A stated date must be printed in the document in some form.
        day = dt.date.fromisoformat(record.date)
        original = corpus.text(record.id, "original")
        assert day.strftime("%B") in original or day.strftime("%B").lower() in original.lower()
        assert str(day.year) in original


def test_the_liverpool_meeting_weekday_is_computed_not_assumed():
    evidence = corpus.record("liverpool-aco-blog").date_evidence
    claim = evidence.split("fell on a Thursday in")[1].split("(computed")[0]
    listed = [int(y) for y in re.findall(r"\d{4}", claim)]
    thursdays = [y for y in range(1995, 2031) if dt.date(y, 1, 11).weekday() == 3]
    assert listed == thursdays
    assert corpus.record("liverpool-aco-blog").date_latest == "2018-01-11"
    assert dt.date(2018, 1, 11).strftime("%A") == "Thursday"


@pytest.mark.parametrize("record", all_records(), ids=lambda r: r.id)
def test_titles_and_authors_are_as_the_document_gives_them(record):
    original = _plain(corpus.text(record.id, "original"))
    assert _plain(record.title) in original
    assert [a for a in record.authors if _plain(a) not in original] == []


@pytest.mark.parametrize("record", all_records(), ids=lambda r: r.id)
def test_quotations_in_a_stance_are_word_for_word(record):
    original = _plain(corpus.text(record.id, "original"))
    quotes = re.findall(r'"([^"]+)"', record.stance)
    assert quotes, "a stance should let the document speak"
    for quote in quotes:
        for part in re.split(r"\s*\.\.\.\s*", quote):
            assert _plain(part) in original, part


def test_a_person_the_text_does_not_name_is_named_only_as_an_inference():
    lilley = corpus.record("lilley-deja-vu-2011")
    assert "Lansley" not in corpus.text("lilley-deja-vu-2011", "original")
    named = " ".join([*lilley.authors, *lilley.people_mentioned, lilley.stance])
    assert "Lansley" not in named
    (guess,) = [i for i in lilley.inferences if "Lansley" in i["claim"]]
    assert "probably" in guess["claim"] and "does not name him" in guess["evidence"]


def test_a_page_made_of_parts_from_different_contexts_says_so():
    kf = corpus.record("kf-comments")
    assert kf.context == "mixed"
    assert "different article" in kf.context_note
    # Its only date bound belongs to the header, and the record says so.
    assert "comments are undated" in kf.date


def test_unsigned_documents_name_no_author():
    for source_id in ("liverpool-aco-blog", "reworking-the-nhs"):
        record = corpus.record(source_id)
        assert record.authors == ()
        assert "No author is named" in record.authors_note


@pytest.mark.parametrize(
    "change, field, allowed",
    [
        (lambda r: r.pop("stance"), "stance", "present"),
        (lambda r: r.update(date_status="guessed"), "date_status", "one of ('stated', 'inferred', 'unknown')"),
        (lambda r: r.update(date_evidence="From the meeting."), "date_evidence", "at least 25 words"),
        (lambda r: r.update(date_earliest=None, date_latest=None), "date_earliest", "a bound"),
        (lambda r: r.update(date_earliest="2018-02-01"), "date_earliest", "on or before date_latest"),
        (lambda r: r.update(sha256="abc"), "sha256", "64 lowercase hex digits"),
        (lambda r: r.update(id="Liverpool Blog"), "id", "lowercase words joined by hyphens"),
        (lambda r: r.update(unknowns=[]), "unknowns", "a non-empty list"),
        (lambda r: r.update(colour="red"), "colour", "one of"),
    ],
)
def test_a_bad_record_fails_naming_the_field_and_what_is_allowed(change, field, allowed):
    raw = _raw("liverpool-aco-blog")
    change(raw)
    with pytest.raises(RecordError) as error:
        check_record(raw)
    assert f"field {field!r}" in str(error.value) and allowed in str(error.value)


def test_a_stated_date_must_agree_with_its_bounds():
    raw = _raw("guardian-letters-2018")
    raw["date_latest"] = "2018-03-01"
    with pytest.raises(RecordError, match="field 'date'.*equal to date_earliest and date_latest"):
        check_record(raw)


def test_an_unknown_date_has_no_bounds():
    raw = _raw("reworking-the-nhs")
    raw["date_status"] = "unknown"
    with pytest.raises(RecordError, match="'unknown' with no bounds"):
        check_record(raw)
    raw.update(date="unknown", date_earliest=None, date_latest=None)
    assert check_record(raw).date_status == "unknown"
