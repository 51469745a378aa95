"""The notebooks' widget apps, driven in-process: set levers, check against carepool."""

from __future__ import annotations

import math
import re

import pandas as pd
import pytest

from carepool.arrangements import arrangement
from carepool.levers import lever
from carepool.parameters import default
from carepool.place import default_place
from carepool.questions import deficit_risk, wrong_pocket
from carepool.simulation import simulate
from carepool import widgets
from carepool.charts import ARRANGEMENT_LABELS, INVESTMENT_LINE_LABELS, ORGANISATION_LABELS

APPS = [widgets.paying_for_activity_app, widgets.wrong_pocket_app, widgets.sharing_risk_app]


@pytest.fixture(scope="module", params=APPS, ids=lambda f: f.__name__)
def app(request):
    return request.param()


def _model_default(key: str):
    """The model's own default for a lever key, read from the place or the parameter records."""
    place = default_place()
    if "__" in key:
        service, attr = key.split("__")
        return getattr(place.lines[service], attr)
    if hasattr(place, key):
        return getattr(place, key)
    if hasattr(place.links, key):
        return getattr(place.links, key)
    if key in ("upstream_investment", "investment_line"):
        return default(f"simulation.{key}")
    return default(f"arrangements.{key}")


def _on_grid(value, low, step) -> bool:
    """What a browser slider keeps: the nearest point of low + k * step."""
    snapped = low + round((value - low) / step) * step
    return math.isclose(snapped, value, rel_tol=1e-12, abs_tol=1e-12)


def test_every_lever_of_the_model_is_offered():
    levers = widgets.Levers("A")
    place = default_place()
    keys = set(levers.place_levers) | set(levers.link_levers) | set(levers.line_levers)
    assert {"population", "years", "funding_headroom", "shock_correlation", "emergency_marginal_rate",
            "avoided_acute_cost_per_pound", "excess_bed_day_cost", "delayed_bed_days_per_unmet_care_week",
            "social_care_capacity_headroom"} <= keys
    assert all(f"{s}__{a}" in keys for s in place.lines
               for a in ("activity_per_1000", "unit_cost", "trend_growth", "volatility"))
    assert {code for _, code in levers.arrangement_name.options} == {
        "silos", "acs", "section75", "aco", "mssp", "four_pots", "icb", "iho"}


def test_menus_show_the_readers_words_and_give_the_model_its_codes():
    levers = widgets.Levers("A")
    assert dict(levers.arrangement_name.options) == {words: code for code, words in ARRANGEMENT_LABELS.items()}
    assert dict(levers.investment_line.options) == {words: code for code, words in INVESTMENT_LINE_LABELS.items()}
    levers.arrangement_name.label = ARRANGEMENT_LABELS["section75"]  # what a reader picks
    assert levers.arrangement().name == "section75"


def test_every_slider_starts_at_the_models_default_and_keeps_it_when_drawn(app):
    for side in (app.left, app.right):
        sliders = side.sliders()
        assert len(sliders) > 40
        for key, control in sliders.items():
            assert control.value == _model_default(key), key
            if hasattr(control, "step"):
                assert control.min <= control.value <= control.max, key
                # The browser snaps a slider to its grid: the default must already be on it.
                assert _on_grid(control.value, control.min, control.step), (key, control.value, control.step)
        assert side.place() == default_place()
        assert side.investment_line.value == default("simulation.investment_line")


def test_slider_bounds_and_steps_are_the_lever_tables(app):
    for key, control in app.left.sliders().items():
        spec = lever(key)
        if hasattr(control, "step"):
            assert (control.min, control.max, control.step) == (spec.explore_min, spec.explore_max, spec.step), key
            assert control.description == spec.label
        elif hasattr(control, "options"):
            assert tuple(code for _, code in control.options) == spec.choices, key


def test_readouts_are_plain_numbers_never_exponents(app):
    for key, control in app.left.sliders().items():
        fmt = getattr(control, "readout_format", None)
        if fmt is None or not hasattr(control, "step"):
            continue
        # d3 and Python share this subset of format specifiers (f, %, thousands comma).
        for value in (control.min, control.value, control.max):
            shown = format(value, fmt)
            assert "e" not in shown, (key, shown)
        # Every point of the grid reads differently: the readout never hides a step.
        grid = lever(key).grid()
        shown = [format(v, fmt) for v in grid]
        assert len(set(shown)) == len(grid), (key, shown[:5])


def test_sliders_fill_their_column(app):
    for control in app.left.sliders().values():
        assert control.layout.width == "auto"  # stretched to the column by its box


def test_no_row_appears_twice(app):
    frame = app.frame()
    assert not frame.duplicated(["scenario", "arrangement", "organisation"]).any()


def test_the_risk_apps_scenarios_draw_the_same_shocks_so_scenario_a_is_the_comparison():
    app = widgets.sharing_risk_app()
    a, b = app.result(app.left), app.result(app.right)
    assert set(a["arrangement"]) == {"silos"} and set(b["arrangement"]) == {"acs"}
    assert not a["organisation"].duplicated().any()
    app.left.arrangement_name.value = "acs"
    pd.testing.assert_frame_equal(app.result(app.left), b)


# A table cell as the reader reads it: money in £ million to £0.1m, a share to 0.1%, or a dash.
CELL = re.compile(r"^(?P<sign>[\u2212+]?)£(?P<m>\d[\d,]*\.\d)m$|^(?P<share>\d+\.\d)%$|^\u2014$")


def _tables(html: str) -> list[dict]:
    """Each table of an app: its caption and {organisation: [scenario A cell, scenario B cell]}."""
    out = []
    for caption, body in re.findall(r"<caption[^>]*>(.*?)</caption>.*?<tbody>(.*?)</tbody>", html, re.S):
        rows = {}
        for row in re.findall(r"<tr>(.*?)</tr>", body, re.S):
            name = re.search(r"<th[^>]*>(.*?)</th>", row).group(1)
            rows[name] = re.findall(r"<td[^>]*>(.*?)</td>", row)
        out.append({"caption": caption, "rows": rows})
    return out


def _read(cell: str) -> float | None:
    match = CELL.match(cell)
    assert match, cell
    if match["share"]:
        return float(match["share"]) / 100
    if match["m"]:
        return float(match["m"].replace(",", "")) * (-1 if match["sign"] == "\u2212" else 1)
    return None


def test_each_table_is_short_in_the_readers_words_and_in_pounds_million_and_matches_the_model(app):
    """An organisation a row and a scenario a column (not a row per organisation and scenario, which a
    phone stacks into cards), figures in £ million as printed, each the model's figure to the last digit shown."""
    tables = _tables(app.table.value)
    assert [t["caption"] for t in tables] == [m.title for m in app.measures]
    frame = app.frame()
    for table, measure in zip(tables, app.measures):
        assert len(table["rows"]) == frame["organisation"].nunique() <= 8
        assert set(table["rows"]) <= set(ORGANISATION_LABELS.values())
        codes = {ORGANISATION_LABELS[o]: o for o in frame["organisation"].unique()}
        for name, cells in table["rows"].items():
            assert len(cells) == len(widgets.SCENARIOS)
            for scenario, cell in zip(widgets.SCENARIOS, cells):
                row = frame[(frame["scenario"] == scenario) & (frame["organisation"] == codes[name])]
                shown = _read(cell)
                if row.empty:
                    assert shown is None, (name, scenario, cell)
                    continue
                value = float(row[measure.column].iloc[0])
                value = value if measure.kind in ("share", "money_m") else value / 1e6
                step = 0.001 if measure.kind == "share" else 0.1
                assert shown == pytest.approx(value, abs=step / 2 + 1e-9), (name, scenario, cell, value)


def test_rows_keep_their_places_when_an_arrangement_changes():
    app = widgets.wrong_pocket_app()
    order = list(_tables(app.table.value)[0]["rows"])
    app.left.arrangement_name.value = "section75"
    app.right.arrangement_name.value = "silos"
    assert list(_tables(app.table.value)[0]["rows"]) == order


def test_the_risk_app_says_why_its_figures_are_not_the_chapter_explorers():
    """The notebook starts from every lever's default, spending upstream included, and runs fewer
    draws than Pooling the pot's risk explorer: its header says so, with the figures computed."""
    header = widgets.sharing_risk_app().widget.children[0].value
    assert f"{widgets.RISK_DRAWS:,} draws" in header and f"{default('simulation.draws'):,} draws" in header
    who, _, where = INVESTMENT_LINE_LABELS[default("simulation.investment_line")].partition(", ")
    assert f"{who.lower()} spending £{default('simulation.upstream_investment') / 1e6:,.1f}m a year upstream {where}" \
        in header


def test_the_chart_draws_both_scenarios_from_the_models_frame(app):
    frame = app.frame()
    data = pd.DataFrame(app.chart.to_dict()["datasets"].popitem()[1])
    assert len(data) == len(frame)
    for scenario in widgets.SCENARIOS:
        assert data["scenario"].str.startswith(scenario).any()
    shown = app.chart_view.value
    svg = shown[shown.index("<svg"):]
    assert svg.rstrip().endswith("</svg>") and "Scenario A" in svg and "Scenario B" in svg
    # Above it, the arrangement each scenario uses, in the menu's words.
    for side in (app.left, app.right):
        assert f"{side.title}: <b>{ARRANGEMENT_LABELS[side.arrangement_name.value]}</b>" in shown[:shown.index("<svg")]


def test_the_wrong_pocket_app_follows_its_levers_and_matches_carepool():
    app = widgets.wrong_pocket_app()
    side = app.left
    before_svg, right_before = app.chart_view.value, app.result(app.right).copy()
    side.link_levers["avoided_acute_cost_per_pound"].value = 0.35
    side.investment.value = 4_000_000
    side.investment_line.value = "community"
    side.arrangement_name.value = "section75"
    side.option_levers[("section75", "pooled_fraction")].value = 0.5
    expected = wrong_pocket(default_place(avoided_acute_cost_per_pound=0.35), investment_line="community",
                            amount=4_000_000, arrangements=[arrangement("section75", pooled_fraction=0.5)])
    pd.testing.assert_frame_equal(app.result(side), expected)
    assert app.chart_view.value != before_svg
    pd.testing.assert_frame_equal(app.result(app.right), right_before)  # the other scenario is untouched


def test_the_paying_app_shows_carepools_run_for_the_chosen_arrangement():
    app = widgets.paying_for_activity_app()
    side = app.right
    before = app.result(side).copy()
    side.place_levers["emergency_marginal_rate"].value = 0.6
    side.line_levers["emergency__unit_cost"].value = 2000.0
    side.arrangement_name.value = "silos"
    run = simulate(default_place(emergency_marginal_rate=0.6, emergency__unit_cost=2000.0), "silos",
                   upstream_investment=side.investment.value, investment_line=side.investment_line.value)
    expected = run.groupby("organisation", observed=True)["surplus"].mean() / 1e6
    got = app.result(side).set_index("organisation")["surplus £m"]
    assert got.to_dict() == pytest.approx(expected.to_dict())
    assert not app.result(side).equals(before)
    chart_rows = pd.DataFrame(app.chart.to_dict()["datasets"].popitem()[1])
    shown = chart_rows[chart_rows["scenario"] == "Scenario B"].set_index("organisation")["value"]
    assert shown.to_dict() == pytest.approx({ORGANISATION_LABELS[k]: v for k, v in expected.items()})


def test_the_sharing_risk_app_matches_carepools_deficit_risk():
    app = widgets.sharing_risk_app()
    side = app.left
    before = app.result(side).copy()
    side.place_levers["shock_correlation"].value = 0.8
    side.arrangement_name.value = "acs"
    side.option_levers[("acs", "shares")].value = "equal"
    expected = deficit_risk(default_place(shock_correlation=0.8), arrangement("acs", shares="equal"),
                            draws=widgets.RISK_DRAWS, compare_with=None, upstream_investment=side.investment.value,
                            investment_line=side.investment_line.value)
    pd.testing.assert_frame_equal(app.result(side), expected)
    assert not app.result(side).equals(before)
    assert "Chance of a deficit in a year" in app.table.value


def test_a_rejected_scenario_shows_the_models_message_and_keeps_the_last_answer():
    """The sliders offer only the lever table's explore range, which the model accepts; a question
    that still rejects a combination (here: more than 600 thousand people under a Section 75 fund)
    must say so in the app, naming the field, not fail silently or blank the chart."""
    from carepool.validation import ModelInputError

    def picky(side):
        if side.place_levers["population"].value > 600_000:
            raise ModelInputError("population", "at most 600000 for this test question", 700_000)
        return widgets.who_gains_and_who_pays(side)

    app = widgets.Comparison("test", picky, widgets.CHANGE, (widgets.CHANGE,))
    before, chart_before = app.result(app.left).copy(), app.chart_view.value
    app.left.place_levers["population"].value = 700_000
    assert "population must be at most 600000" in app.error.value and "Scenario A" in app.error.value
    pd.testing.assert_frame_equal(app.result(app.left), before)
    assert app.chart_view.value == chart_before
    app.left.place_levers["population"].value = 200_000
    assert app.error.value == ""
