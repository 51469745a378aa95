"""Hidden checks of comparing_models: judged by the grader, never sent to a student."""

from carepool.exercises.comparing_models import assignment as public, column, missing
from carepool.exercises.kit import need

# The visible checks (carepool.exercises.comparing_models) and, added here, the hidden ones.
assignment = public.extended()
hidden = assignment.hidden


@hidden("who_holds_the_budget", models="models")
def the_pct_held_it(a, f):
    need(column(a, "budget_holder").get("PCT") == "the commissioner", "the PCT, a commissioner, held the budget")


@hidden("how_providers_are_paid", models="models")
def acs_and_aco_payment(a, f):
    payment = column(a, "payment")
    need(payment.get("ACS") == "existing contracts plus a risk and gain share",
         "ACS partners keep their contracts and share risk and gain")
    need(payment.get("ACO") == "one budget for the whole population, from the commissioners",
         "an ACO holds a budget from commissioners for a defined population")


@hidden("who_bears_the_risk", models="models")
def pct_and_aco_risk(a, f):
    risk = column(a, "risk_bearer")
    need(risk.get("PCT") == "each organisation alone", "in the PCT era each organisation kept its own surplus or deficit")
    need(risk.get("ACO") == "the contract holder", "in the course's model the ACO's contract holder bears the risk")


@hidden("how_long_and_on_what_basis", models="models")
def no_contract_and_the_legal_bases(a, f):
    years, basis = column(a, "contract_years"), column(a, "legal_basis")
    need(missing(years.get("PCT")) and missing(years.get("ACS")),
         "PCTs and ACSs held no whole-population contract: NaN")
    need(basis.get("PCT") == "statutory NHS bodies", "PCTs were statutory NHS bodies")
    need(basis.get("ACS") == "a voluntary partnership without statutory form", "ACSs had no statutory form before 2022")
