"""Pooling budgets: who gains from an upstream investment, and how pooling moves risk.

The figures are the council's extra spending on social care and the seed of
the Monte Carlo draws. Every answer is computed here from the model with the
student's own figures, so a check says whether an answer is right without the
notebook ever holding the answer.
"""

from __future__ import annotations

from functools import lru_cache

from carepool import questions
from carepool.exercises.kit import Assignment, Figure, close, mapping, names, need, number

ARRANGEMENTS = ["silos", "section75", "aco"]
DRAWS = 500
ORGANISATIONS = ["acute_trust", "community_provider", "gp_practices", "local_authority", "nhs_commissioner"]

assignment = Assignment("pooling_budgets", {
    "amount": Figure(1_000_000, 500_000, 2_000_000, 50_000, "the council's extra spending on social care, a year", "£"),
    "seed": Figure(2024, 1, 9999, 1, "the seed of the Monte Carlo draws of demand shocks"),
})
your_figures, check = assignment.your_figures, assignment.check
visible = assignment.visible


@lru_cache(maxsize=64)
def pocket(amount: float):
    """The model's change in each organisation's surplus (rows) under each arrangement (columns)."""
    moves = questions.wrong_pocket(investment_line="social_care", amount=amount, arrangements=ARRANGEMENTS)
    return moves.pivot(index="organisation", columns="arrangement", values="surplus_change")[ARRANGEMENTS]


@lru_cache(maxsize=64)
def chance(seed: int):
    """The model's chance of a deficit of each organisation, in silos and under an ACS."""
    risk = questions.deficit_risk(arrangement="acs", draws=DRAWS, seed=seed)
    return risk.pivot(index="organisation", columns="arrangement", values="chance_of_deficit")[["silos", "acs"]]


@visible("wrong_pocket_in_silos", council="council_change_in_silos", gain="gain_in_silos")
def the_council_pays_and_the_nhs_gains(a, f):
    table = pocket(f["amount"])
    close(a["council"], table.loc["local_authority", "silos"], "council_change_in_silos",
          "in silos the council pays for the whole investment and none of the saving comes back to it: "
          "its surplus falls by AMOUNT")
    gains = names(a["gain"], "gain_in_silos")
    need("local_authority" not in gains, "the council pays; it gains nothing in silos")
    need(gains == sorted(table.index[table["silos"] > 0.01]),
         "the saving lands in the NHS's pockets: which NHS organisations have fewer delayed discharges and "
         f"emergency admissions to absorb or to pay for? gain_in_silos is {a['gain']!r}")


@visible("council_pays_less_when_pooled", council="council_change_pooled")
def pooling_shares_the_cost(a, f):
    council = number(a["council"], "council_change_pooled")
    need(-f["amount"] < council < 0,
         "in a Section 75 pool the partners share the pool's costs and savings, so the council still pays for "
         f"part of the investment but no longer all of it; council_change_pooled is {a['council']!r}")


@visible("arrangement_moves_money_never_makes_it", totals="system_change", holder="holder_change")
def the_total_is_the_same_under_every_arrangement(a, f):
    totals = mapping(a["totals"], "system_change (a dict from arrangement to pounds)")
    values = [number(totals.get(arrangement), f"system_change[{arrangement!r}]") for arrangement in ARRANGEMENTS]
    need(max(values) - min(values) < 1,
         "the arrangement decides who gets which part, not how much there is: the three totals should be "
         f"equal (to the pound); yours are {a['totals']!r}")
    need(-f["amount"] < values[0] < 0,
         "the whole system pays AMOUNT and saves part of it back (the model's default link saves less than £1 "
         f"for each £1 spent), so the total lies between -AMOUNT and 0; yours is {values[0]!r}")
    close(a["holder"], values[2], "holder_change",
          "a single holder of the whole budget pays for the investment and keeps the whole saving, so its "
          "change is the system's", within=1)


@visible("pooling_makes_each_partners_risk_the_systems", pooled="pooled_chances", council="council_chance")
def each_partner_shares_the_systems_result(a, f):
    pooled = mapping(a["pooled"], "pooled_chances (a dict from organisation to chance)")
    values = [number(pooled.get(o), f"pooled_chances[{o!r}]") for o in ORGANISATIONS]
    need(max(values) - min(values) < 1e-9,
         "with shares in proportion to budgets, each partner ends with its share of the system's result, so "
         "each is in deficit exactly when the system is: every partner's chance is the system's. "
         f"Yours differ: {a['pooled']!r}")
    council = mapping(a["council"], "council_chance (a dict with keys 'silos' and 'acs')")
    expected = chance(f["seed"]).loc["local_authority"]
    for arrangement in ("silos", "acs"):
        close(council.get(arrangement), expected[arrangement], f"council_chance[{arrangement!r}]",
              "read the council's (local_authority) chance of a deficit from `chance`, for the seed SEED",
              within=1e-9)


@visible("pooling_raises_risk_for_the_partners_above_the_system", named="more_deficits_when_pooled")
def pooling_raises_some_partners_risk(a, f):
    named = names(a["named"], "more_deficits_when_pooled")
    need("acute_trust" not in named, "the acute trust runs a deficit in most years in silos; sharing the "
                                     "system's result lowers its chance")
    table = chance(f["seed"])
    need(named == sorted(table.index[table["acs"] > table["silos"]]),
         "pooling raises the chance of a deficit for the partners whose own margin was above the system's and "
         f"lowers it for those below; more_deficits_when_pooled is {a['named']!r}")
