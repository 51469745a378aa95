"""The Shared Savings Program figure: CMS's reported results, drawn as reported."""

import re

import pytest

from coursebook.shared_savings import (
    SharedSavingsDataError,
    load_results,
    long_form,
    results_from_records,
    savings_and_payments_chart,
    text_alternative,
)

from . import course_text as text

CHAPTER = text.BOOK / "chapters" / "integrated_health_organisations.md"


@pytest.fixture(scope="module")
def results():
    return load_results()


def test_every_year_cites_a_work_in_the_bibliography(results):
    assert set(results["source"]) <= set(text.bibliography_keys())


def test_a_figure_the_sources_do_not_give_stays_missing_not_worked_out(results):
    # CMS's 2022 announcement, as reported, gives net savings but not payments;
    # the chart must not invent the payments by subtraction.
    row = results.set_index("year").loc[2022]
    assert row["net_savings"] == 1.8 and row["payments"] != row["payments"]  # NaN
    drawn = long_form(results)
    assert len(drawn) == results[["net_savings", "payments"]].notna().sum().sum()


def test_the_chapter_text_alternative_matches_the_data_file(results):
    chapter = text.read(CHAPTER)
    block = chapter.split(":::{dropdown} Text alternative for the chart", 1)[1].split(":::", 1)[0]
    rows = re.findall(r"^\| (\d{4}) \| ([\d.]+|not given) \| ([\d.]+|not given) \|$", block, re.MULTILINE)
    typed = {int(y): (n, p) for y, n, p in rows}

    def shown(value):
        return "not given" if value != value else f"{value:.1f}"

    assert typed == {r.year: (shown(r.net_savings), shown(r.payments)) for r in results.itertuples()}


def test_the_chart_carries_every_reported_figure_and_its_source(results):
    spec = savings_and_payments_chart(results).to_dict()
    [rows] = spec["datasets"].values()
    assert len(rows) == len(long_form(results))
    assert {row["source"] for row in rows} == set(results["source"])
    assert "2.4 billion dollars" in text_alternative(results)


def test_bad_records_are_refused_naming_the_field():
    good = {"year": 2024, "acos": 476, "net_savings": 2.4, "payments": 4.1, "source": "cms-mssp-2024-results"}
    with pytest.raises(SharedSavingsDataError, match="'source'"):
        results_from_records([{**good, "source": ""}])
    with pytest.raises(SharedSavingsDataError, match="'net_savings'"):
        results_from_records([{**good, "net_savings": "2.4bn"}])
    with pytest.raises(SharedSavingsDataError, match="'payments'"):
        results_from_records([{**good, "payments": -1}])
    with pytest.raises(SharedSavingsDataError, match="2012 to 2036"):
        results_from_records([{**good, "year": 2040}])
    with pytest.raises(SharedSavingsDataError, match="each performance year once"):
        results_from_records([good, good])
