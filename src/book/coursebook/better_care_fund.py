"""The Better Care Fund's first year against its plan: a cited data file and a chart.

The figures are the National Audit Office's (``data/better_care_fund_2015_16.yaml``,
bibliography key ``nao2017``): for each measure, the change local areas planned
for 2015/16 and the change that happened, both against 2014/15. The chart is a
thin layer over that file; it does no arithmetic beyond putting the two
changes side by side.
"""

from __future__ import annotations

from importlib import resources
from numbers import Real
from pathlib import Path

import altair as alt
import pandas as pd
import yaml

FIELDS = ("measure", "unit", "planned_change", "actual_change")
PLANNED = "Planned change"
ACTUAL = "Actual change"


class BetterCareFundDataError(ValueError):
    """The plan-and-outcome file is missing a field or holds a value of the wrong kind."""


def default_path() -> Path:
    """The packaged data file of the NAO's figures."""
    return Path(str(resources.files("coursebook") / "data" / "better_care_fund_2015_16.yaml"))


def measures_from_records(records: list, source: str) -> pd.DataFrame:
    """Check raw records and return one row per measure.

    Columns: measure, unit, planned_change, actual_change, source.
    """
    if not isinstance(source, str) or not source.strip():
        raise BetterCareFundDataError("field 'source' is required: a key in book/references.bib")
    if not isinstance(records, list) or not records:
        raise BetterCareFundDataError("field 'measures' must be a non-empty list of measures")
    rows = []
    for number, record in enumerate(records, 1):
        where = f"measure {number}"
        if not isinstance(record, dict):
            raise BetterCareFundDataError(f"{where}: must be a mapping of fields, got {record!r}")
        unknown = set(record) - set(FIELDS)
        if unknown:
            raise BetterCareFundDataError(
                f"{where}: unknown field(s) {sorted(unknown)}; allowed: {list(FIELDS)}"
            )
        for field in ("measure", "unit"):
            value = record.get(field)
            if not isinstance(value, str) or not value.strip():
                raise BetterCareFundDataError(f"{where}: field '{field}' must be non-empty text")
        for field in ("planned_change", "actual_change"):
            value = record.get(field)
            # bool is a Real in Python; a yes/no is never a count.
            if not isinstance(value, Real) or isinstance(value, bool):
                raise BetterCareFundDataError(
                    f"{where} ({record['measure']}): field '{field}' must be a number "
                    f"(a change against the year before; negative for a fall), got {value!r}"
                )
        rows.append({**{field: record[field] for field in FIELDS}, "source": source.strip()})
    return pd.DataFrame(rows, columns=[*FIELDS, "source"])


def load_measures(path: str | Path | None = None) -> pd.DataFrame:
    """The NAO's planned and actual changes, one row per measure."""
    path = Path(path) if path is not None else default_path()
    with open(path, encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    if not isinstance(data, dict):
        raise BetterCareFundDataError(f"{path}: expected a mapping with 'source' and 'measures'")
    return measures_from_records(data.get("measures"), data.get("source"))


def long_form(measures: pd.DataFrame) -> pd.DataFrame:
    """One row per measure and kind of change (planned or actual), for charting."""
    planned = measures.assign(kind=PLANNED, change=measures["planned_change"])
    actual = measures.assign(kind=ACTUAL, change=measures["actual_change"])
    both = pd.concat([planned, actual], ignore_index=True)
    return both[["measure", "unit", "kind", "change", "source"]]


def text_alternative(measures: pd.DataFrame) -> str:
    """The chart's content in one sentence per measure, for screen readers."""
    sentences = [
        f"{row.measure}: planned change {row.planned_change:+,} {row.unit}, "
        f"actual change {row.actual_change:+,} {row.unit}, both against 2014/15."
        for row in measures.itertuples()
    ]
    return "Better Care Fund, 2015/16, planned against actual. " + " ".join(sentences)


# Designed for a laptop's column; the book narrows the plots to fit a phone's (sphinx/static/charts.js).
# Each measure is a panel under its own name, so no long axis label takes a phone's width.
PANEL_WIDTH = 320
TEXT = {"axis": {"labelFontSize": 12, "titleFontSize": 12}, "title": {"fontSize": 14},
        "header": {"labelFontSize": 12}}


def _panel(measure: str, unit: str, domain: list[float], last: bool) -> alt.LayerChart:
    kinds = [PLANNED, ACTUAL]
    base = alt.Chart().transform_filter(alt.datum.measure == measure).encode(
        y=alt.Y("kind:N", title=None, sort=kinds, axis=alt.Axis(labelLimit=120)),
    )
    x = alt.X("change:Q", scale=alt.Scale(domain=domain, nice=True),
              title="Change in 2015/16 against 2014/15" if last else None,
              axis=alt.Axis(format="~s", tickCount=4, labelOverlap=True))
    bars = base.mark_bar(size=16).encode(
        x=x,
        color=alt.Color("kind:N", sort=kinds, scale=alt.Scale(domain=kinds, range=["#8c8c8c", "#b2182b"]),
                        legend=None),
        tooltip=[
            alt.Tooltip("measure:N", title="Measure"),
            alt.Tooltip("kind:N", title="Which"),
            alt.Tooltip("change:Q", title="Change", format="+,d"),
            alt.Tooltip("unit:N", title="Counted in"),
            alt.Tooltip("source:N", title="Source (bibliography key)"),
        ],
    )
    # Each figure sits across zero from its bar, where the plot is empty: a long figure never runs
    # past the drawing's edge, however narrow the column.
    at_zero = {"x": alt.datum(0), "text": alt.Text("change:Q", format="+,d")}
    rises = base.transform_filter("datum.change >= 0").mark_text(align="right", dx=-4, fontSize=12).encode(**at_zero)
    falls = base.transform_filter("datum.change < 0").mark_text(align="left", dx=4, fontSize=12).encode(**at_zero)
    zero = alt.Chart().mark_rule(color="black", aria=False).encode(x=alt.datum(0))
    return alt.layer(bars, rises, falls, zero).properties(
        width=PANEL_WIDTH, height=alt.Step(22), title=alt.TitleParams(f"{measure} ({unit})", anchor="start",
                                                                      fontSize=12, fontWeight="normal"))


def planned_against_actual_chart(measures: pd.DataFrame | None = None) -> alt.VConcatChart:
    """For each measure, a panel of bars of its planned and actual change, with a zero line."""
    measures = load_measures() if measures is None else measures
    data = long_form(measures)
    low, high = float(data["change"].min()), float(data["change"].max())
    domain = [min(low, 0.0), max(high, 0.0)]
    rows = list(measures.itertuples())
    panels = [_panel(row.measure, row.unit, domain, last=i == len(rows) - 1) for i, row in enumerate(rows)]
    return (
        alt.vconcat(*panels, data=data, spacing=14)
        .resolve_scale(x="shared")
        .properties(
            # Two short lines fit a phone's width.
            title=["Better Care Fund, first year:", "planned against actual"],
            description=text_alternative(measures),
        )
        .configure_axis(**TEXT["axis"]).configure_title(**TEXT["title"])
    )
