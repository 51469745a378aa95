"""Integrated care and the evidence: the Better Care Fund's plan and outcome, payment, and the ICB.

The Better Care Fund's figures are the National Audit Office's and the same
for everyone; the verdicts on what they can show are judgements, also the
same. A student's own figures are the price and plan of the payment question,
the seed of the simulated years and the council's extra spending on social
care; every answer that depends on them is computed here from the model.
"""

from __future__ import annotations

from functools import lru_cache

from carepool import payments, questions
from carepool.exercises.kit import Assignment, Figure, close, mapping, names, need, number

DRAWS = 500
# National Audit Office, Health and social care integration (February 2017): planned and actual changes.
BCF_2015_16 = {"emergency admissions": (-106_000, 87_000), "delayed transfer days": (-293_000, 185_000)}

assignment = Assignment("integrated_care", {
    "price": Figure(1590, 1200, 2000, 10, "price of one emergency admission", "£"),
    "planned": Figure(30_000, 24_000, 36_000, 1000, "the trust's planned emergency admissions", "admissions a year"),
    "seed": Figure(2024, 1, 9999, 1, "the seed of the Monte Carlo draws of demand shocks"),
    "amount": Figure(1_000_000, 500_000, 2_000_000, 50_000, "the council's extra spending on social care, a year",
                     "£"),
})
your_figures, check = assignment.your_figures, assignment.check
visible = assignment.visible


@lru_cache(maxsize=64)
def chance(seed: int):
    risk = questions.deficit_risk(arrangement="icb", draws=DRAWS, seed=seed)
    return risk.pivot(index="organisation", columns="arrangement", values="chance_of_deficit")


@lru_cache(maxsize=64)
def under_icb(amount: float):
    moves = questions.wrong_pocket(investment_line="social_care", amount=amount, arrangements=["silos", "icb"])
    return moves[moves["arrangement"] == "icb"].set_index("organisation")["surplus_change"]


def income_lost(f) -> dict[str, float]:
    """The income a trust loses by admitting one emergency patient fewer than planned, under each payment."""
    price, planned = f["price"], f["planned"]

    def lost(rule):
        income = [payments.nhs_payment_scheme(n, planned, price, "urgent_and_emergency", rule=rule)
                  for n in (planned, planned - 1)]
        return float(income[0] - income[1])

    return {"tariff": float(price), "blended payment 2019/20": lost("2019/20"), "payment scheme 2025/26": lost("2025/26")}


@visible("better_care_fund_missed_its_plan", missed="missed_by")
def the_plan_was_missed(a, f):
    missed = mapping(a["missed"], "missed_by (a dict from measure to a number)")
    for measure, (planned, actual) in BCF_2015_16.items():
        close(missed.get(measure), actual - planned, f"missed_by[{measure!r}]",
              "how far the outcome fell short of the plan is the actual change less the planned change: a "
              "planned fall followed by a rise misses by both together")


@visible("plan_against_outcome_is_not_cause", given="verdicts")
def plan_against_outcome(a, f):
    given = mapping(a["given"], "verdicts (a dict from claim to verdict)")
    need(given.get("missed_admissions_plan") == "shows it",
         "the NAO reports that admissions rose against a planned fall: direct evidence that the plan was missed")
    need(given.get("fund_raised_admissions") == "cannot show",
         "a plan compared with an outcome has no comparison with what would have happened without the fund: "
         "admissions might have risen faster, or as fast, without it, so the figures cannot show cause")


@visible("absence_of_evidence", given="verdicts")
def the_report_is_evidence_of_its_finding(a, f):
    given = mapping(a["given"], "verdicts (a dict from claim to verdict)")
    need(given.get("nao_found_no_compelling_evidence") == "shows it",
         "the report is the evidence of its own finding: the NAO wrote that there was 'no compelling evidence' "
         "that integration saves money")


@visible("aligned_payment_rewards_avoiding_admissions", lost="income_lost_per_avoided_admission")
def avoiding_an_admission_costs_less(a, f):
    lost = mapping(a["lost"], "income_lost_per_avoided_admission (a dict from payment to pounds)")
    why = {"tariff": "under a tariff each admission avoided loses the trust the whole price",
           "blended payment 2019/20": "under the 2019/20 blended payment the fixed element pays for the plan "
                                      "whatever happens, and only the variable element, 20% of the price, is "
                                      "refunded for an admission below plan",
           "payment scheme 2025/26": "in 2025/26 urgent and emergency care is paid through the fixed element, a "
                                     "sum for the planned activity whatever is delivered"}
    for payment, pounds in income_lost(f).items():
        need(payment in lost, f"income_lost_per_avoided_admission needs an entry for {payment!r}; it has "
                              f"{sorted(lost)}")
        close(lost[payment], pounds, f"income_lost_per_avoided_admission[{payment!r}]", why[payment])


@visible("shared_duty_lowers_the_trusts_risk", got="trust_chance")
def the_trusts_risk_falls(a, f):
    got = mapping(a["got"], "trust_chance (a dict with keys 'silos' and 'icb')")
    alone, shared = number(got.get("silos"), "trust_chance['silos']"), number(got.get("icb"), "trust_chance['icb']")
    need(shared < alone, "under the shared duty the trust ends with its share of the NHS system's result, not its "
                         f"own, so it is in deficit only when the whole NHS system is: its chance falls; yours are "
                         f"{a['got']!r}")
    table = chance(f["seed"])
    for arrangement in ("silos", "icb"):
        close(got.get(arrangement), table.loc["acute_trust", arrangement], f"trust_chance[{arrangement!r}]",
              "read the acute trust's chance of a deficit from your table, for the seed SEED", within=1e-9)


@visible("shared_duty_leaves_the_council_out", named="same_as_in_silos")
def the_council_is_outside(a, f):
    named = names(a["named"], "same_as_in_silos")
    need("acute_trust" not in named, "the acute trust's chance changes: it shares the NHS system's result")
    both = chance(f["seed"]).dropna()
    need(named == sorted(both.index[both["icb"] == both["silos"]]),
         "the duty binds the ICB and its partner NHS trusts only: who keeps their own budget and their own "
         f"result? same_as_in_silos is {a['named']!r}")


@visible("the_wrong_pocket_outlives_the_icb", council="council_change_under_icb", nhs="nhs_gain_under_icb")
def the_council_still_pays(a, f):
    moves = under_icb(f["amount"])
    close(a["council"], moves["local_authority"], "council_change_under_icb",
          "the council is outside the NHS system's shared duty: it still pays the whole of AMOUNT and none of "
          "the saving comes back to it, as in silos", within=1)
    nhs = number(a["nhs"], "nhs_gain_under_icb")
    need(0 < nhs < f["amount"], "the saving (fewer delayed discharges and emergency admissions) lands inside the "
                                "NHS system, and is smaller than the spend at the model's default link; "
                                f"nhs_gain_under_icb is {a['nhs']!r}")
