"""One table of levers: every lever is defined once, and the model's validation obeys it.

Each lever's bounds are tried through the model's own entry points (a place,
an arrangement, a run, a payment), so the test fails if any of them keeps a
range of its own that disagrees with the table.
"""

from __future__ import annotations

import math

import pytest

from carepool import payments
from carepool.arrangements import alliance_shares, arrangement
from carepool.care import draw_shocks
from carepool.levers import Lever, all_levers, lever
from carepool.parameters import load_parameters
from carepool.place import default_place
from carepool.questions import risk_summary
from carepool.simulation import settle
from carepool.validation import ModelInputError

LEVERS = all_levers()
# Where an entry point names its argument differently from the lever's field.
FIELD_NAMES = {"payments.aligned_payment_variable_rate": "variable_rate", "simulation.bad_year_percentile": "percentile"}
NUMBERS = {k: v for k, v in LEVERS.items() if v.choices is None}


def apply(key: str, value):
    """Put one lever's value through the model, the way a reader's input reaches it."""
    group, rest = key.split(".", 1)
    if group == "place" or group == "links" or key == "payments.emergency_marginal_rate":
        return default_place(**{rest: value})
    if group == "services":
        service, field = rest.split(".")
        return default_place(**{f"{service}__{field}": value})
    if key == "payments.aligned_payment_variable_rate":
        return payments.aligned_payment(110.0, 100.0, 1590.0, value)
    if key == "arrangements.acs.equal_weight":
        return alliance_shares(default_place(), value)
    if group == "arrangements":
        name, option = rest.split(".")
        return arrangement(name, **{option: value})
    if key == "simulation.draws":
        return settle(years=1, draws=value)
    if key == "simulation.seed":
        return draw_shocks(default_place(), 1, 1, value)
    if key == "simulation.upstream_investment":
        # With no avoidance link there is no ceiling below the lever's own maximum.
        return settle(default_place(avoided_acute_cost_per_pound=0.0), years=1, upstream_investment=value)
    if key == "simulation.bad_year_percentile":
        return risk_summary(settle(years=1), value)
    if key == "simulation.investment_line":
        return settle(years=1, upstream_investment=1.0, investment_line=value)
    raise AssertionError(f"no way to put lever {key} through the model: add one here")


def beyond(spec: Lever) -> list:
    """Values just outside the lever's bounds."""
    gap = 1 if spec.whole else max(abs(spec.maximum - spec.minimum) * 1e-6, 1e-9)
    return [spec.minimum - gap, spec.maximum + gap]


def test_the_table_holds_every_lever_the_course_moves():
    for key in ("place.population", "links.avoided_acute_cost_per_pound", "services.emergency.unit_cost",
                "payments.emergency_marginal_rate", "arrangements.section75.pooled_fraction",
                "arrangements.mssp.track", "arrangements.mssp.quality_score", "simulation.upstream_investment"):
        assert key in LEVERS, key
    assert len(LEVERS) >= 40


@pytest.mark.parametrize("key", sorted(LEVERS))
def test_every_lever_has_a_label_a_unit_and_its_default_from_the_parameter_file(key):
    spec = LEVERS[key]
    assert spec.label.strip() and spec.unit.strip()
    assert spec.default == load_parameters()[key].value


@pytest.mark.parametrize("key", sorted(NUMBERS))
def test_every_default_lies_on_its_levers_grid_inside_the_bounds(key):
    spec = NUMBERS[key]
    assert spec.minimum <= spec.explore_min < spec.explore_max <= spec.maximum
    assert spec.step > 0
    steps = (spec.explore_max - spec.explore_min) / spec.step
    assert math.isclose(steps, round(steps), abs_tol=1e-9), "the explore range is a whole number of steps"
    assert spec.explore_min <= spec.default <= spec.explore_max
    assert any(math.isclose(spec.default, v, abs_tol=1e-9) for v in spec.grid()), "a slider can return to the default"


@pytest.mark.parametrize("key", sorted(NUMBERS))
def test_the_model_accepts_each_levers_whole_explore_range(key):
    spec = NUMBERS[key]
    for value in (spec.explore_min, spec.explore_max, spec.default):
        apply(key, value)


@pytest.mark.parametrize("key", sorted(NUMBERS))
def test_the_model_refuses_values_beyond_each_levers_bounds_naming_field_and_range(key):
    spec = NUMBERS[key]
    for value in beyond(spec):
        with pytest.raises(ModelInputError) as info:
            apply(key, value)
        message = str(info.value)
        assert message.startswith(FIELD_NAMES.get(key, spec.field)) or f".{spec.field} must" in message, message
        shown = {f"{spec.maximum:g}"} | ({str(int(spec.maximum))} if float(spec.maximum).is_integer() else set())
        assert any(s in message for s in shown), message


@pytest.mark.parametrize("key", sorted(k for k, v in NUMBERS.items() if not v.minimum_exclusive))
def test_the_model_accepts_each_levers_bounds_themselves(key):
    spec = NUMBERS[key]
    for value in (spec.minimum, spec.maximum):
        apply(key, value)


@pytest.mark.parametrize("key", sorted(k for k, v in LEVERS.items() if v.choices is not None))
def test_choice_levers_accept_their_choices_and_refuse_others(key):
    spec = LEVERS[key]
    for choice in spec.choices:
        apply(key, choice)
    with pytest.raises(ModelInputError, match=spec.field):
        apply(key, "no such choice")


def test_the_avoided_cost_lever_is_settled_once_from_no_effect_to_five_times_forders_figure():
    spec = lever("links.avoided_acute_cost_per_pound")
    assert (spec.minimum, spec.maximum) == (0.0, 1.75)
    grid = spec.grid()
    # No effect (Seamer et al. 2019), Forder's 2009 figure and the midpoint default are all on the grid.
    assert grid[0] == 0.0 and 0.35 in grid and spec.default in grid and grid[-1] == 1.75


def test_short_names_find_the_one_lever_they_name():
    assert lever("population").key == "place.population"
    assert lever("emergency__unit_cost").key == "services.emergency.unit_cost"
    assert lever("section75.pooled_fraction").key == "arrangements.section75.pooled_fraction"
    with pytest.raises(ModelInputError, match="lever"):
        lever("unit_cost")   # one for each service: ambiguous
    with pytest.raises(ModelInputError, match="lever"):
        lever("no_such_lever")
