"""The Medicare Shared Savings Program's reported results: a cited data file and a chart.

The figures are CMS's (``data/shared_savings_results.yaml``): for each
performance year, Medicare's net savings against the ACOs' benchmarks and the
shared savings payments the ACOs earned, in billions of US dollars, each year
with its bibliography key. A figure a source does not give stays missing; the
chart draws what is there and does no arithmetic on it.
"""

from __future__ import annotations

from importlib import resources
from numbers import Real
from pathlib import Path

import altair as alt
import pandas as pd
import yaml

FIELDS = ("year", "acos", "net_savings", "payments", "source")
MEASURES = {"net_savings": "Net savings to Medicare", "payments": "Payments earned by ACOs"}


class SharedSavingsDataError(ValueError):
    """The results file is missing a field or holds a value of the wrong kind."""


def default_path() -> Path:
    """The packaged data file of CMS's reported results."""
    return Path(str(resources.files("coursebook") / "data" / "shared_savings_results.yaml"))


def _number_or_none(value, where: str, field: str, unit: str):
    if value is None:
        return None
    # bool is a Real in Python; a yes/no is never an amount.
    if not isinstance(value, Real) or isinstance(value, bool) or value < 0:
        raise SharedSavingsDataError(
            f"{where}: field '{field}' must be a number of {unit} at least 0, or left blank, got {value!r}")
    return value


def results_from_records(records: list) -> pd.DataFrame:
    """Check raw records and return one row per performance year, in year order."""
    if not isinstance(records, list) or not records:
        raise SharedSavingsDataError("field 'years' must be a non-empty list of performance years")
    rows = []
    for number, record in enumerate(records, 1):
        where = f"year {number}"
        if not isinstance(record, dict):
            raise SharedSavingsDataError(f"{where}: must be a mapping of fields, got {record!r}")
        unknown = set(record) - set(FIELDS)
        if unknown:
            raise SharedSavingsDataError(f"{where}: unknown field(s) {sorted(unknown)}; allowed: {list(FIELDS)}")
        year = record.get("year")
        if not isinstance(year, int) or isinstance(year, bool) or not 2012 <= year <= 2036:
            raise SharedSavingsDataError(f"{where}: field 'year' must be a performance year from 2012 to 2036, got {year!r}")
        source = record.get("source")
        if not isinstance(source, str) or not source.strip():
            raise SharedSavingsDataError(f"{where} ({year}): field 'source' is required: a key in book/references.bib")
        rows.append({
            "year": year,
            "acos": _number_or_none(record.get("acos"), f"{where} ({year})", "acos", "ACOs"),
            "net_savings": _number_or_none(record.get("net_savings"), f"{where} ({year})", "net_savings", "billion dollars"),
            "payments": _number_or_none(record.get("payments"), f"{where} ({year})", "payments", "billion dollars"),
            "source": source.strip(),
        })
    frame = pd.DataFrame(rows, columns=list(FIELDS))
    if frame["year"].duplicated().any():
        raise SharedSavingsDataError(f"field 'year': each performance year once, got {list(frame['year'])}")
    return frame.sort_values("year").reset_index(drop=True)


def load_results(path: str | Path | None = None) -> pd.DataFrame:
    """CMS's reported results, one row per performance year."""
    path = Path(path) if path is not None else default_path()
    with open(path, encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    if not isinstance(data, dict):
        raise SharedSavingsDataError(f"{path}: expected a mapping with a list under 'years'")
    return results_from_records(data.get("years"))


def long_form(results: pd.DataFrame) -> pd.DataFrame:
    """One row per year and measure that a source gives, for charting."""
    parts = [results.assign(measure=label, billions=results[field]) for field, label in MEASURES.items()]
    both = pd.concat(parts, ignore_index=True)
    both = both[both["billions"].notna()]
    return both.assign(year=both["year"].astype(str))[["year", "measure", "billions", "source"]]


def text_alternative(results: pd.DataFrame) -> str:
    """The chart's content in one sentence per year, for screen readers."""
    def amount(value) -> str:
        return "not given" if pd.isna(value) else f"{value:.1f} billion dollars"
    sentences = [
        f"{row.year}: net savings to Medicare {amount(row.net_savings)}; payments earned by ACOs {amount(row.payments)}."
        for row in results.itertuples()
    ]
    return "Medicare Shared Savings Program, as CMS reported it. " + " ".join(sentences)


SHARED_SAVINGS_WIDTH = 560


def savings_and_payments_chart(results: pd.DataFrame | None = None) -> alt.LayerChart:
    """Bars of Medicare's net savings and ACOs' payments for each year the sources give."""
    results = load_results() if results is None else results
    data = long_form(results)
    measures = list(MEASURES.values())
    base = alt.Chart(data).encode(
        x=alt.X("year:N", title="Performance year"),
        xOffset=alt.XOffset("measure:N", sort=measures),
    )
    bars = base.mark_bar().encode(
        y=alt.Y("billions:Q", title="Billions of US dollars"),
        color=alt.Color("measure:N", title=None, sort=measures,
                        scale=alt.Scale(domain=measures, range=["#2166ac", "#b2182b"]),
                        legend=alt.Legend(orient="bottom", direction="vertical")),
        tooltip=[
            alt.Tooltip("year:N", title="Performance year"),
            alt.Tooltip("measure:N", title="Measure"),
            alt.Tooltip("billions:Q", title="Billions of dollars", format=".1f"),
            alt.Tooltip("source:N", title="Source (bibliography key)"),
        ],
    )
    labels = base.mark_text(dy=-6).encode(y="billions:Q", text=alt.Text("billions:Q", format=".1f"))
    # A designed width, which the book narrows to fit the column beside vega-embed's actions button
    # (sphinx/static/charts.js): drawn at the container's width, the chart ran under the button,
    # which covered the end of its title on a phone.
    return alt.layer(bars, labels).properties(
        width=SHARED_SAVINGS_WIDTH,
        height=260,
        title=["Shared Savings Program:", "savings to Medicare and payments to ACOs"],
        description=text_alternative(results),
    )
