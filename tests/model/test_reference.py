"""The Model reference page lists every parameter with its value, unit and source, and the equations."""

from __future__ import annotations

from carepool.parameters import load_parameters
from coursebook.reference import markdown


def test_the_reference_page_lists_every_parameter_with_unit_and_source():
    page = markdown()
    for p in load_parameters().values():
        row = next((line for line in page.splitlines() if line.startswith(f"| `{p.key}` |")), None)
        assert row is not None, p.key
        assert " ".join(p.unit.split()) in row
        assert ("Illustrative:" in row) if p.illustrative else True
        for ref in p.references:
            assert str(ref["year"]) in row


def test_the_reference_page_states_the_equations():
    page = markdown()
    assert page.count("$$") >= 10 and page.count("$$") % 2 == 0
    assert "marginal rate" in page and "never made" in page
