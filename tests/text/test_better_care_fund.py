"""The Better Care Fund figure: the NAO's numbers, drawn as the NAO gave them."""

import pytest

from . import course_text as text
from coursebook.better_care_fund import (
    ACTUAL,
    PLANNED,
    BetterCareFundDataError,
    load_measures,
    measures_from_records,
    planned_against_actual_chart,
    text_alternative,
)

CHAPTER = text.BOOK / "chapters" / "does_integration_save_money.md"

# The National Audit Office, "Health and social care integration" (HC 1011,
# February 2017): local areas planned 106,000 fewer emergency admissions and
# 293,000 fewer delayed days in 2015/16; admissions rose by 87,000 and delayed
# days by 185,000 against 2014/15.
NAO_2017 = {
    "Emergency admissions": (-106_000, 87_000),
    "Delayed transfer of care days": (-293_000, 185_000),
}


@pytest.fixture(scope="module")
def measures():
    return load_measures()


def test_the_data_file_holds_the_nao_figures_and_cites_the_nao_report(measures):
    found = {
        row.measure: (row.planned_change, row.actual_change) for row in measures.itertuples()
    }
    assert found == NAO_2017
    assert set(measures["source"]) == {"nao2017"}
    assert "nao2017" in text.bibliography_keys()


def test_the_chart_draws_a_planned_and_an_actual_bar_for_each_measure(measures):
    spec = planned_against_actual_chart(measures).to_dict()
    # The bars' data, beside the one-row data of the zero line.
    rows = [row for data in spec["datasets"].values() for row in data if "kind" in row]
    bars = {(row["measure"], row["kind"]): row["change"] for row in rows}
    assert len(rows) == len(bars)
    expected = {}
    for measure, (planned, actual) in NAO_2017.items():
        expected[(measure, PLANNED)] = planned
        expected[(measure, ACTUAL)] = actual
    assert bars == expected


def test_the_chart_carries_its_text_alternative(measures):
    spec = planned_against_actual_chart(measures).to_dict()
    description = spec["description"]
    assert description == text_alternative(measures)
    for planned, actual in NAO_2017.values():
        assert f"{planned:+,}" in description and f"{actual:+,}" in description


def test_the_chapter_draws_the_chart_and_gives_the_numbers_in_text_too():
    chapter = text.read(CHAPTER)
    assert "planned_against_actual_chart(" in chapter
    assert "name: fig-bcf-planned-actual" in chapter
    for planned, actual in NAO_2017.values():
        # The text alternative writes the figures with a true minus sign.
        assert f"{planned:,}".replace("-", "−") in chapter
        assert f"+{actual:,}" in chapter


def test_a_measure_without_a_number_is_rejected_naming_the_field():
    record = {"measure": "Emergency admissions", "unit": "admissions", "planned_change": "fewer"}
    record["actual_change"] = 87_000
    with pytest.raises(BetterCareFundDataError, match="'planned_change'"):
        measures_from_records([record], "nao2017")


def test_a_yes_or_no_is_not_a_count():
    record = {
        "measure": "Emergency admissions",
        "unit": "admissions",
        "planned_change": -106_000,
        "actual_change": True,
    }
    with pytest.raises(BetterCareFundDataError, match="'actual_change'"):
        measures_from_records([record], "nao2017")


def test_data_without_a_source_or_with_unknown_fields_is_rejected():
    record = {
        "measure": "Emergency admissions",
        "unit": "admissions",
        "planned_change": -106_000,
        "actual_change": 87_000,
    }
    with pytest.raises(BetterCareFundDataError, match="'source'"):
        measures_from_records([record], "")
    with pytest.raises(BetterCareFundDataError, match="unknown field"):
        measures_from_records([{**record, "saving": 171}], "nao2017")
