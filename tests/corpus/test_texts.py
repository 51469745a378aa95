"""The originals are kept byte for byte; the reading texts lose furniture only."""

from __future__ import annotations

import hashlib

import pytest

from carepool import corpus
from carepool.corpus.texts import derived_reading_text

# Furniture as a reader sees it on the page, written independently of the
# records' rules, so that a rule quietly dropped from records.yaml is noticed.
from tests.corpus.page_furniture import FURNITURE

IDS = corpus.source_ids()


def _plain(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("source_id", IDS)
def test_each_packaged_original_still_has_its_recorded_digest(source_id):
    data = corpus.original_bytes(source_id)
    record = corpus.record(source_id)
    assert hashlib.sha256(data).hexdigest() == record.sha256
    assert len(data) == record.size_bytes


@pytest.mark.parametrize("source_id", IDS)
def test_the_original_form_of_a_text_is_the_file_as_received(source_id):
    assert corpus.text(source_id, form="original").encode("utf-8") == corpus.original_bytes(source_id)


@pytest.mark.parametrize("source_id", IDS)
def test_every_reading_paragraph_occurs_verbatim_in_its_original(source_id):
    original = corpus.text(source_id, "original")
    missing = [p for p in corpus.paragraphs(source_id) if p not in original]
    assert missing == []


@pytest.mark.parametrize("source_id", IDS)
def test_reading_text_keeps_the_originals_lines_in_their_order(source_id):
    # Nothing is moved: each paragraph is found after the one before it.
    original = corpus.text(source_id, "original")
    position = 0
    for paragraph in corpus.paragraphs(source_id):
        found = original.find(paragraph, position)
        assert found >= 0, paragraph[:60]
        position = found + len(paragraph)


@pytest.mark.parametrize("source_id", IDS)
def test_no_page_furniture_survives_in_any_reading_text(source_id):
    reading = _plain(corpus.text(source_id))
    assert [f for f in FURNITURE if f.lower() in reading.lower()] == []


@pytest.mark.parametrize("source_id", IDS)
def test_stored_reading_texts_are_exactly_what_the_furniture_rules_make(source_id):
    assert corpus.text(source_id) == derived_reading_text(source_id)


def test_furniture_glued_to_a_paragraph_is_cut_and_the_rest_kept():
    letters = corpus.paragraphs("guardian-letters-2018")
    bevan = next(p for p in letters if "Aneurin Bevan" in p)
    assert bevan.endswith("we are still stuck with that centralising mentality.")
    ham = next(p for p in letters if p.startswith("Integration within the NHS"))
    assert ham.endswith("are finding ways of using existing flexibilities to make progress.")


def test_the_documents_own_words_and_slips_are_kept():
    # Typos in the originals are evidence too; the reading text keeps them.
    slips = {
        "lilley-deja-vu-2011": ["30% of trariff", "revesre effect", "controvercial", "stuffed to the gunnels"],
        "liverpool-aco-blog": ["basefon clinical need", "to each to each", "ramshackledcare"],
        "reworking-the-nhs": ["So her is my thinking", "every contract they we hold"],
        "kf-comments": ["primary care need to be involved"],
    }
    for source_id, words in slips.items():
        reading = corpus.text(source_id)
        assert [w for w in words if w not in reading] == [], source_id


def test_headings_that_carry_context_are_kept_not_taken_for_furniture():
    # "Comments" marks where the header ends and the comments begin; the date
    # and the columnist's masthead are what date and attribute the column.
    assert corpus.paragraphs("kf-comments")[3] == "Comments"
    lilley = corpus.paragraphs("lilley-deja-vu-2011")
    assert lilley[0] == "17th November 2011"
    assert lilley[2] == "News and Comment from Roy Lilley"


def test_paragraph_numbers_match_the_passages_chapters_cite():
    # Chapters cite e.g. Lilley ¶17 for the ACO "makes a lot of sense" passage
    # and the King's Fund comments ¶9 for the quoted ACO definition.
    assert corpus.paragraphs("lilley-deja-vu-2011")[16].startswith("At first sight an ACO")
    assert corpus.paragraphs("lilley-deja-vu-2011")[18].startswith("He said they were based on a British idea")
    assert corpus.paragraphs("kf-comments")[8].startswith('"First, they involve a provider')
    assert corpus.paragraphs("liverpool-aco-blog")[16] == "Information for this post comes from Keep our NHS Public."
    assert corpus.paragraphs("reworking-the-nhs")[-1].startswith("The big question is will it happen?")
