"""The IHO chapter's answer comes from the model: its helper's figures are the model's own, its
tables have a row for every organisation, and the section types none of its numbers."""

from __future__ import annotations

import re

import pytest
from carepool.flows import money_flows
from carepool.place import default_place
from carepool.questions import deficit_risk, wrong_pocket
from coursebook import iho_answer

from . import course_text as text

CHAPTER = text.BOOK / "chapters" / "integrated_health_organisations.md"
DRAWS, SEED, AMOUNT = 300, 7, 1e6
CELL = re.compile(r"^```\{code-cell\}.*?^```", re.MULTILINE | re.DOTALL)
GLUED = re.compile(r"\{glue:text\}`([a-z-]+)")


@pytest.fixture(scope="module")
def answer():
    return iho_answer.answer(default_place(), draws=DRAWS, seed=SEED, amount=AMOUNT)


def test_there_is_a_row_for_every_organisation_of_the_four_arrangements_and_no_other(answer):
    for name in iho_answer.ERAS:
        expected = {p.organisation for p in money_flows(name).positions}
        assert set(answer.loc[answer["arrangement"] == name, "organisation"]) == expected
    assert set(answer["organisation"]) <= set(iho_answer.ORGANISATIONS)
    assert list(dict.fromkeys(answer["arrangement"])) == list(iho_answer.ERAS)


def test_each_budget_is_what_the_organisation_is_paid_in_an_expected_year(answer):
    for name in iho_answer.ERAS:
        flows = money_flows(name)
        area = sum(e.amount for e in flows.edges if e.kind == "funding")
        for p in flows.positions:
            paid = sum(e.amount for e in flows.edges if e.payee == p.organisation)
            passed = sum(e.amount for e in flows.edges if e.payer == p.organisation)
            row = answer[(answer["arrangement"] == name) & (answer["organisation"] == p.organisation)].iloc[0]
            assert row["share"] == pytest.approx(paid / area, rel=1e-9)
            assert row["passed_on"] == pytest.approx(passed / area, rel=1e-9, abs=1e-12)


def test_the_iho_holds_what_the_board_pays_it_and_the_board_keeps_the_rest(answer):
    flows = money_flows("iho")
    area = sum(e.amount for e in flows.edges if e.kind == "funding")
    [capitation] = [e.amount for e in flows.edges if (e.payer, e.payee) == ("icb", "iho")]
    at = answer.set_index(["arrangement", "organisation"])
    assert at.loc[("iho", "iho"), "share"] == pytest.approx(capitation / area)
    assert at.loc[("iho", "icb"), "share"] - at.loc[("iho", "icb"), "passed_on"] == pytest.approx(
        flows.position("icb").surplus / area)


@pytest.mark.parametrize("name", list(iho_answer.ERAS))
def test_each_chance_of_a_deficit_and_bad_year_is_the_models(answer, name):
    risk = deficit_risk(arrangement=name, compare_with=None, draws=DRAWS, seed=SEED).set_index("organisation")
    mine = answer[answer["arrangement"] == name].set_index("organisation")
    for column in ("chance_of_deficit", "bad_year", "mean_surplus"):
        assert mine[column].to_dict() == pytest.approx(risk[column].to_dict())


@pytest.mark.parametrize("line", iho_answer.PREVENTION_LINES)
def test_who_gains_and_who_pays_is_the_models_wrong_pocket(answer, line):
    moved = wrong_pocket(investment_line=line, amount=AMOUNT, arrangements=list(iho_answer.ERAS))
    model = moved.set_index(["arrangement", "organisation"])["surplus_change"]
    mine = answer.set_index(["arrangement", "organisation"])[line]
    assert mine.to_dict() == pytest.approx(model.to_dict())


def test_the_delayed_discharges_the_iho_bears_are_a_cost_of_shortfalls_in_social_care():
    place = default_place()
    assert iho_answer.delayed_discharge_cost(place, "iho", draws=DRAWS, seed=SEED) > 0
    # With room in the council's plan for any need the shocks bring, nobody waits in a hospital bed.
    roomy = place.with_changes(social_care_capacity_headroom=1.0)
    assert iho_answer.delayed_discharge_cost(roomy, "iho", draws=DRAWS, seed=SEED) == 0


def test_the_tables_have_a_row_for_each_organisation_named_and_labelled(answer):
    holdings = iho_answer.holding_table(answer, default_place(), DRAWS)
    prevention = iho_answer.prevention_table(answer, AMOUNT)
    for table, name in [(holdings, "tbl-iho-model-holdings"), (prevention, "tbl-iho-model-prevention")]:
        assert table.startswith("```{table} ") and f":name: {name}" in table and table.endswith("```")
        rows = [line for line in table.splitlines() if line.startswith("| ") and "---" not in line][1:]
        assert len(rows) == len(answer)
    iho_row = next(line for line in holdings.splitlines() if "| IHO (a foundation trust) |" in line)
    at = answer.set_index(["arrangement", "organisation"]).loc[("iho", "iho")]
    assert f"{at['share']:.1%}" in iho_row and iho_answer.millions(at["bad_year"]) in iho_row
    assert "10,000 times" not in holdings and f"{DRAWS:,} times" in holdings


def test_money_is_written_with_a_true_minus_and_a_change_under_a_penny_is_none():
    assert iho_answer.millions(-13_382_700) == "−£13.4m" and iho_answer.millions(2_746_775) == "£2.7m"
    assert iho_answer.change(-1_000_000) == "−£1,000,000" and iho_answer.change(122_500) == "+£122,500"
    assert iho_answer.change(0.004) == "none" and iho_answer.change(-0.004) == "none"
    assert [iho_answer.ordinal(n) for n in (1, 2, 3, 5, 11, 22, 2.5)] == [
        "1st", "2nd", "3rd", "5th", "11th", "22nd", "2.5th"]


# --- the chapter ------------------------------------------------------------------

def model_section() -> str:
    return text.section(text.read(CHAPTER), "The model's answer")


def test_the_models_answer_is_computed_by_the_chapters_cells_from_the_model():
    section = model_section()
    cells = [c.group(0) for c in CELL.finditer(section)]
    assert cells and "iho_answer.answer(" in cells[0]
    glued = set(re.findall(r'glue\("([a-z-]+)"', cells[0]))
    used = set(GLUED.findall(text.read(CHAPTER)))
    assert used and used <= glued, used - glued
    assert any("holding_table(" in c for c in cells) and any("prevention_table(" in c for c in cells)


def test_the_models_answer_types_none_of_its_numbers():
    prose = CELL.sub("", model_section())
    prose = re.sub(r"\{[a-z:]+\}`[^`]*`", "", prose)   # glued figures, references, citations
    typed = set(re.findall(r"\d+(?:[.,]\d+)*%?", prose))
    # Years name the designs; "£1" is the unit the link is stated per; 75 and 2006 name the Act.
    assert typed <= {"2006", "2010", "2018", "2022", "2026", "2027", "1", "75"}, typed


def test_the_chapter_no_longer_says_the_iho_is_not_in_the_model():
    chapter = text.read(CHAPTER)
    assert not re.search(r"not (yet )?in the (course's )?model", chapter, re.IGNORECASE)
    assert "{ref}`model reference <model-reference>`" in model_section()
    assert "{ref}`iho-model-answer`" in text.section(chapter, "Three contracts compared")
