"""Comparing models: PCT, ACS and ACO side by side.

Every automatic question here is about the historical record, the same for
every student, so this assignment has no figures of its own; its checks are
judged by the grader as every other assignment's are.
"""

from __future__ import annotations

import math

from carepool.exercises.kit import Assignment, mapping, need

MODELS = ["PCT", "ACS", "ACO"]
assignment = Assignment("comparing_models", {})
your_figures, check = assignment.your_figures, assignment.check
visible = assignment.visible


def column(a, name: str) -> dict:
    table = mapping(a["models"], "models (a DataFrame indexed by model)")
    got = table.get(name)
    need(type(got) is dict, f"models needs a {name} column, indexed by 'PCT', 'ACS' and 'ACO'")
    return got


def missing(value) -> bool:
    return type(value) is float and math.isnan(value)


@visible("who_holds_the_budget", models="models", choices="CHOICES['budget_holder']")
def who_holds_it(a, f):
    holder = column(a, "budget_holder")
    for model in MODELS:
        need(holder.get(model) in a["choices"],
             f"budget_holder for {model} should be one of CHOICES['budget_holder']; it is {holder.get(model)!r}")
    need(holder.get("ACO") == "a provider or alliance of providers",
         "in the King's Fund definition an ACO is 'a provider or, more usually, an alliance of providers' that "
         "takes responsibility for a commissioner's budget; check budget_holder for ACO")
    need(holder.get("ACS") == "commissioners and providers together",
         "an ACS is a 'system', not an 'organisation': commissioners and providers 'agree to manage resources "
         "together'; check budget_holder for ACS")


@visible("how_providers_are_paid", models="models")
def how_paid(a, f):
    need(column(a, "payment").get("PCT") == "tariff and block contracts",
         "PCTs paid hospitals by tariff (Payment by Results) and most community services by block contract")


@visible("who_bears_the_risk", models="models")
def who_bears_it(a, f):
    need(column(a, "risk_bearer").get("ACS") == "the partners, by agreed shares",
         "ACS partners 'share risk and gain' (the Liverpool blog's words for an ACS): by agreed shares")


@visible("how_long_and_on_what_basis", models="models")
def how_long(a, f):
    years = column(a, "contract_years").get("ACO")
    need(type(years) in (int, float) and not missing(years) and 10 <= years <= 15,
         f"the draft ACO contract ran for about ten years (Dudley's was planned for 15); contract_years for ACO "
         f"is {years!r}")
    need(column(a, "legal_basis").get("ACO") == "a contract, without a new Act of Parliament",
         "the ACO was a form of contract: 'This has never gone through Parliament', as the Liverpool blog says")


# Every year the record in section 1 of the notebook can defend, and why.
DEFENSIBLE = {
    ("PCT", "era_start"): [2000, 2002],  # the first PCTs (April 2000), or full coverage (April 2002)
    ("PCT", "era_end"): [2013],          # abolished on 31 March 2013
    ("ACS", "era_start"): [2017],        # Next Steps (March 2017); the first ACSs confirmed in June 2017
    ("ACS", "era_end"): [2018, 2022],    # renamed ICSs in February 2018; or given statutory form from July 2022
    ("ACO", "era_start"): [2016, 2017],  # the draft ACO contract (2017); or the community provider contract
    ("ACO", "era_end"): [2018, 2019],    # renamed the Integrated Care Provider contract in 2018; or until it took over
}


@visible("era_of_each_model", models="models")
def eras(a, f):
    for (model, name), years in DEFENSIBLE.items():
        got = column(a, name).get(model)
        need(type(got) in (int, float) and got in years,
             f"{name} for {model} should be a year the record in section 1 supports; it is {got!r}")


@visible("longest_single_holder_of_demand_risk", label="one_holder_longest")
def one_holder(a, f):
    label = a["label"]
    need(type(label) is str, f"one_holder_longest should be a model's label, a string; it is {label!r}")
    need(label == "ACO", "which model's contract holder bears the risk of its whole budget alone, and under the "
                         "longest whole-population contract? A PCT also bore its own risk, but held no "
                         f"whole-population contract, and ACS partners share theirs. one_holder_longest is {label!r}")
