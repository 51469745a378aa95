"""The corpus API: a table, texts by id, and a keyword-in-context concordance."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from carepool import corpus

IDS = corpus.source_ids()


def test_load_gives_one_row_per_source_with_its_provenance():
    frame = corpus.load()
    assert list(frame["id"]) == IDS
    for column in ["number", "title", "kind", "venue", "date", "date_status", "date_evidence",
                   "authors", "arrangements", "organisations", "stance", "sha256", "file"]:
        assert column in frame.columns
    assert set(frame["date_status"]) <= {"stated", "inferred", "unknown"}
    row = frame.set_index("id").loc["guardian-letters-2018"]
    assert row["authors"] == ["Peter Thistlethwaite", "Chris Ham"]
    assert row["date_earliest"] == pd.Timestamp("2018-02-25")
    assert pd.isna(frame.set_index("id").loc["kf-comments", "date_latest"])
    assert (frame["paragraph_count"] == [len(corpus.paragraphs(i)) for i in IDS]).all()


def test_a_record_can_be_fetched_by_id():
    record = corpus.record("lilley-deja-vu-2011")
    assert record.authors == ("Roy Lilley",) and record.date == "2011-11-17"


@pytest.mark.parametrize(
    "call",
    [
        lambda: corpus.record("lilley"),
        lambda: corpus.text("lilley"),
        lambda: corpus.text("lilley", form="original"),
        lambda: corpus.original_bytes("lilley"),
        lambda: corpus.paragraphs("lilley"),
        lambda: corpus.concordance("ACO", source_ids=["lilley"]),
    ],
)
def test_an_unknown_id_fails_listing_the_known_ids(call):
    with pytest.raises(corpus.UnknownSourceError) as error:
        call()
    assert isinstance(error.value, KeyError)
    message = str(error.value)
    assert "'lilley'" in message and all(i in message for i in IDS)


def test_a_text_form_must_be_reading_or_original():
    with pytest.raises(ValueError, match="form must be one of \\('reading', 'original'\\); got 'clean'"):
        corpus.text("kf-comments", form="clean")


def test_a_concordance_finds_a_word_whatever_its_case():
    rows = corpus.concordance("primary care trusts", source_ids=["lilley-deja-vu-2011"])
    assert list(rows.columns) == ["id", "paragraph", "left", "keyword", "right"]
    assert rows[["paragraph", "keyword"]].values.tolist() == [[19, "Primary Care Trusts"]]
    assert rows.iloc[0]["left"].endswith("a British idea; ")


def test_whole_word_matching_tells_an_aco_from_acos():
    # Paragraph 10 of Lilley opens "ACOs are new hybrid organisations": a
    # substring search counts it as "ACO", a whole-word search must not.
    loose = corpus.concordance("ACO", source_ids=["lilley-deja-vu-2011"])
    whole = corpus.concordance("ACO", source_ids=["lilley-deja-vu-2011"], whole_word=True)
    assert 10 in set(loose["paragraph"]) and 10 not in set(whole["paragraph"])
    assert set(whole["keyword"]) == {"ACO"}
    assert len(whole) < len(loose)


def test_the_context_is_cut_to_the_width_asked_for():
    rows = corpus.concordance("NHS", width=5)
    assert (rows["left"].str.len() <= 5).all() and (rows["right"].str.len() <= 5).all()
    assert set(rows["id"]) == set(IDS)  # every source mentions the NHS


def test_a_word_no_source_uses_gives_an_empty_table_with_the_columns():
    rows = corpus.concordance("fundholding")
    assert rows.empty and list(rows.columns) == ["id", "paragraph", "left", "keyword", "right"]


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"keyword": ""}, "keyword must be non-empty text"),
        ({"keyword": "ACO", "width": -1}, "width must be a whole number of characters, 0 or more; got -1"),
        ({"keyword": "ACO", "width": 2.5}, "width must be a whole number"),
    ],
)
def test_bad_concordance_arguments_are_refused_with_the_allowed_range(kwargs, message):
    with pytest.raises(ValueError, match=message):
        corpus.concordance(**kwargs)


@st.composite
def _a_word_from_a_source(draw):
    source_id = draw(st.sampled_from(IDS))
    paragraph = draw(st.sampled_from(corpus.paragraphs(source_id)))
    start = draw(st.integers(0, len(paragraph) - 1))
    return source_id, paragraph[start: start + draw(st.integers(1, 12))]


@settings(max_examples=60, deadline=None)
@given(_a_word_from_a_source(), st.integers(0, 60))
def test_every_hit_puts_the_keyword_back_in_its_own_paragraph(found, width):
    source_id, keyword = found
    if not keyword.strip():
        return
    rows = corpus.concordance(keyword, width=width, source_ids=[source_id])
    assert not rows.empty  # the word was taken from this source
    paragraphs = corpus.paragraphs(source_id)
    for row in rows.itertuples():
        assert row.keyword.lower() == keyword.lower()
        assert row.left + row.keyword + row.right in paragraphs[row.paragraph - 1]
