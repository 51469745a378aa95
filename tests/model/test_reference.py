"""The Model reference page lists every parameter with its value, unit and source, and the equations."""

from __future__ import annotations

import re

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


def test_the_reference_page_says_what_the_model_is_for_and_lists_every_arrangement():
    from carepool.arrangements import REGISTRY

    page = markdown()
    for heading in ("## What the model is for", "## The arrangements", "## Invariants the tests hold",
                    "## Defaults: what is calibrated and what is a lever", "## Four pots and the single emergency line"):
        assert heading in page, heading
    for name, cls in REGISTRY.items():
        row = next(line for line in page.splitlines() if f"| `{name}` |" in line)
        assert cls.budget_holder in row and cls.surplus_kept_by in row
    assert "MODEL.md" not in page


def test_the_reference_page_states_the_mssp_aligned_payment_and_system_equations():
    page = markdown()
    for phrase in ("42 CFR 425.604", "aligned payment", "sequestration", "NHS system under an ICB",
                   "Pooled fund (section 75)", "emergency_baseline_lag"):
        assert phrase in page, phrase


def test_the_reference_pages_structural_deficit_figures_are_the_models():
    """The page's figures for the acute trust with a fixed baseline are computed from the model."""
    import numpy as np

    from carepool.place import default_place
    from carepool.simulation import settle

    page = markdown()
    ledger = settle(default_place(emergency_baseline_lag=10), "silos", draws=2000, seed=2002)
    mean = float(np.mean(ledger.surplus("acute_trust")))
    assert f"averages −£{abs(mean) / 1e6:,.1f}m" in page


def test_every_dollar_in_the_reference_page_opens_or_closes_maths():
    """Parsed as MyST parses it (dollarmath), no `$` is left in plain text: a formula broken across
    lines so that a line starts with `+` becomes a list item and its maths plain text."""
    from markdown_it import MarkdownIt
    from mdit_py_plugins.dollarmath import dollarmath_plugin

    tokens = MarkdownIt("commonmark").enable("table").use(dollarmath_plugin, double_inline=True).parse(markdown())
    # A dollar before a digit is money ("$2"), which dollarmath leaves as text, as it should.
    stray = [child.content for token in tokens if token.type == "inline"
             for child in token.children or [] if child.type == "text" and re.search(r"\$(?!\d)", child.content)]
    assert stray == []


def test_the_reference_page_names_and_cites_each_iho_assumption_and_works_the_payment_rule():
    from carepool import payments
    from carepool.parameters import default

    page = markdown()
    section = page.split("## The integrated health organisation: its assumptions and their sources")[1]
    section = section.split("\n## ")[0]
    for option in ("capitation_margin", "general_practice", "community_services", "risk_share",
                   "section75_fraction"):
        row = next(line for line in section.splitlines() if f"`iho.{option}`" in line)
        assert "NHS England" in row or "Hempsons" in row or "Illustrative:" in row, option
    assert "a contract-based delivery mechanism, not a new type of organisation" in " ".join(section.split())
    worked = page.split("## Paying NHS trusts by activity type")[1].split("\n## ")[0]
    el = default("services.elective.unit_cost")
    assert f"£{float(payments.nhs_payment_scheme(10_500, 10_000, el, 'elective')):,.0f}" in worked
    assert "£86,382,000" in worked and "£85,226,400" in worked  # the sums worked by hand
