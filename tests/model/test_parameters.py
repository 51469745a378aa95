"""Parameters carry their sources; defaults use the course's checked figures where one fits."""

from __future__ import annotations

import pytest

from carepool.parameters import _parameter, default, load_parameters
from carepool.place import SERVICES, default_place

PARAMETERS = load_parameters()


@pytest.mark.parametrize("key", sorted(PARAMETERS))
def test_every_parameter_has_a_value_unit_description_and_a_source(key):
    p = PARAMETERS[key]
    assert p.value is not None, key
    assert p.unit.strip(), key
    assert p.description.strip(), key
    assert p.has_source, f"{key} has neither a reference (title or citation, and year) nor an illustrative note"


def test_a_record_with_neither_reference_nor_illustrative_note_is_caught():
    bare = _parameter("place", "population", {"value": 1, "unit": "people", "description": "x"})
    assert not bare.has_source
    no_year = _parameter("place", "population", {"value": 1, "unit": "people", "description": "x",
                                                 "reference": {"title": "A report"}})
    assert not no_year.has_source
    blank_note = _parameter("place", "population", {"value": 1, "unit": "u", "description": "x",
                                                    "illustrative": "  "})
    assert not blank_note.has_source


def test_no_reference_invents_a_web_address():
    """FACTS.md gives no addresses, so no parameter may carry one."""
    for p in PARAMETERS.values():
        for ref in p.references:
            assert not any(k in ref for k in ("url", "doi", "address")), p.key


def test_defaults_use_the_checked_reference_costs():
    place = default_place()
    assert place.lines["emergency"].unit_cost == 1590      # non-elective admission, reference costs 2016/17
    assert place.lines["elective"].unit_cost == 3684       # elective admission, reference costs 2016/17
    assert place.links.excess_bed_day_cost == 313          # excess bed-day, reference costs 2016/17
    assert place.emergency_marginal_rate == 0.3            # 30% of tariff above the baseline


def test_shared_savings_defaults_are_the_one_sided_track_with_sequestration():
    assert default("arrangements.mssp.track") == 1            # the one-sided track
    assert 0 <= default("arrangements.mssp.quality_score") <= 1
    assert default("arrangements.mssp.sequestration") is True  # payments to ACOs cut by 2% from 2013


def test_aco_contract_default_is_the_draft_contracts_ten_years():
    assert default("arrangements.aco.contract_years") == 10


def test_avoidance_link_default_reflects_the_disagreement_between_studies():
    p = PARAMETERS["links.avoided_acute_cost_per_pound"]
    # Between no effect (Seamer et al. 2019) and £0.35 per £1 (Forder 2009), not at either end.
    assert 0 < p.value < 0.35
    assert "Forder" in p.description and "Seamer" in p.description
    authors = {r.get("author") for r in p.references}
    assert {"Forder", "Seamer et al."} <= authors
    assert p.illustrative, "the midpoint is a choice, and the record must say so"


def test_every_service_line_has_its_four_parameters():
    for s in SERVICES:
        for field in ("activity_per_1000", "unit_cost", "trend_growth", "volatility"):
            assert f"services.{s}.{field}" in PARAMETERS
