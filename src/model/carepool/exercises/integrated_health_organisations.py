"""Integrated health organisations: the budget goes back to a provider?

The figures are the seed of the simulated years, the council's extra spending
on social care, and an elective price and plan. Every expected answer is the
model's, computed here from the student's own figures: who bears a bad year
under the 2018 ACO contract, the ICB and the IHO; whether the wrong pocket
remains, and for whom; and what a capitated budget does to the reward for one
more elective admission under the 2025/26 payment rule.
"""

from __future__ import annotations

from functools import lru_cache

from carepool import payments, questions
from carepool.exercises.kit import Assignment, Figure, close, mapping, names, need, number

DRAWS = 500
ARRANGEMENTS = ["aco", "icb", "iho"]
POPULATION, RATE_PER_HEAD = 300_000, 150.0  # an illustrative capitated budget (its size does not matter here)

assignment = Assignment("integrated_health_organisations", {
    "seed": Figure(2024, 1, 9999, 1, "the seed of the Monte Carlo draws of demand shocks"),
    "amount": Figure(1_000_000, 500_000, 2_000_000, 50_000, "the council's extra spending on social care, a year",
                     "£"),
    "elective_price": Figure(3684, 3000, 4500, 10, "the price of one elective admission", "£"),
    "elective_plan": Figure(10_000, 8000, 12_000, 500, "the trust's planned elective admissions", "admissions a year"),
})
your_figures, check = assignment.your_figures, assignment.check
visible = assignment.visible


@lru_cache(maxsize=64)
def chance(arrangement: str, seed: int):
    """Each organisation's chance of a deficit under `arrangement` (the model's, for this seed)."""
    risk = questions.deficit_risk(arrangement=arrangement, draws=DRAWS, seed=seed)
    return risk[risk["arrangement"] == arrangement].set_index("organisation")["chance_of_deficit"]


@lru_cache(maxsize=64)
def pocket(amount: float):
    moves = questions.wrong_pocket(investment_line="social_care", amount=amount, arrangements=ARRANGEMENTS)
    return moves.pivot(index="organisation", columns="arrangement", values="surplus_change")[ARRANGEMENTS]


def elective_income_of_one_more(f) -> dict[str, float]:
    plan, price = f["elective_plan"], f["elective_price"]
    scheme = [payments.nhs_payment_scheme(n, plan, price, "elective") for n in (plan + 1, plan)]
    capitated = [payments.capitation(POPULATION, RATE_PER_HEAD) for _ in (plan + 1, plan)]
    return {"payment scheme 2025/26": float(scheme[0] - scheme[1]),
            "IHO capitated budget": float(capitated[0] - capitated[1])}


@visible("the_holder_bears_the_bad_years", commissioner="commissioner_chance", holder="holder_chance")
def the_holder_bears_the_bad_years(a, f):
    commissioner = mapping(a["commissioner"], "commissioner_chance (a dict with keys 'icb' and 'iho')")
    under_icb = number(commissioner.get("icb"), "commissioner_chance['icb']")
    under_iho = number(commissioner.get("iho"), "commissioner_chance['iho']")
    need(under_iho < under_icb, "under an IHO the ICB pays a capitated budget and the IHO keeps any surplus and bears "
                                "any deficit: does the ICB still share the bad years? Yours are "
                                f"{a['commissioner']!r}")
    close(under_icb, chance("icb", f["seed"])["icb"], "commissioner_chance['icb']",
          "read the ICB's chance of a deficit under the `icb` arrangement from your table, for the seed SEED",
          within=1e-9)
    close(under_iho, chance("iho", f["seed"])["icb"], "commissioner_chance['iho']",
          "read the ICB's chance of a deficit under the `iho` arrangement from your table", within=1e-9)
    holder = mapping(a["holder"], "holder_chance (a dict with keys 'aco' and 'iho')")
    for arrangement in ("aco", "iho"):
        close(holder.get(arrangement), chance(arrangement, f["seed"])[arrangement], f"holder_chance[{arrangement!r}]",
              f"read the chance of a deficit of the holder of the capitated budget (the organisation `{arrangement}`) "
              f"under `{arrangement}`", within=1e-9)


@visible("the_wrong_pocket_remains_for_the_council", council="council_change", gains="gain_under_iho")
def the_wrong_pocket_remains(a, f):
    table = pocket(f["amount"])
    council = mapping(a["council"], "council_change (a dict from arrangement to pounds)")
    for arrangement in ARRANGEMENTS:
        close(council.get(arrangement), table.loc["local_authority", arrangement], f"council_change[{arrangement!r}]",
              "who pays for the council's investment depends on whether social care is in the capitated budget: "
              "it was in the 2018 ACO's whole-population budget, and stays with the council under an ICB and an "
              "IHO", within=1)
    gains = names(a["gains"], "gain_under_iho")
    need(gains == sorted(table.index[table["iho"] > 0.01]),
         "under an IHO, whose budget has fewer delayed discharges and emergency admissions to pay for? "
         f"gain_under_iho is {a['gains']!r}")


@visible("capitation_turns_activity_into_cost", got="income_from_one_more_elective")
def capitation_turns_activity_into_cost(a, f):
    got = mapping(a["got"], "income_from_one_more_elective (a dict from payment to pounds)")
    why = {"payment scheme 2025/26": "in 2025/26 elective activity is paid through the variable element at 100% of "
                                     "the price for each admission delivered",
           "IHO capitated budget": "a capitated budget pays per person covered, whatever is done for them"}
    for payment, pounds in elective_income_of_one_more(f).items():
        need(payment in got, f"income_from_one_more_elective needs an entry for {payment!r}; it has {sorted(got)}")
        close(got[payment], pounds, f"income_from_one_more_elective[{payment!r}]", why[payment])
