"""Paying providers: what one more admission earns a trust under four payments.

The figures are an illustrative trust's: its price per non-elective admission
drawn around NHS reference costs 2016/17 (£1,590, reported by HFMA), its
baseline, its population and the cost of one more admission. Within these
ranges every payment keeps its lesson: the marginal rate's 30% of price is
always below the cost of one more admission, and the full price above it.
"""

from __future__ import annotations

from carepool.exercises.kit import Assignment, Figure, close, mapping, names, need

RATE = 0.3  # the marginal rate emergency tariff's share of price above the baseline (2010/11 on)
MECHANISMS = ["tariff", "marginal rate", "block", "capitation"]

assignment = Assignment("paying_providers", {
    "price": Figure(1590, 1200, 2000, 10, "price of one non-elective admission", "£"),
    "baseline": Figure(30_000, 24_000, 36_000, 1000, "the trust's baseline", "admissions a year"),
    "population": Figure(300_000, 200_000, 400_000, 10_000, "people covered", "people"),
    "marginal_cost": Figure(800, 650, 1150, 50, "cost to the trust of one more admission", "£"),
})
your_figures, check = assignment.your_figures, assignment.check
visible = assignment.visible


def extra_income(f) -> dict[str, float]:
    """What one more admission above the baseline earns under each payment."""
    return {"tariff": float(f["price"]), "marginal rate": RATE * f["price"], "block": 0.0, "capitation": 0.0}


@visible("tariff_pays_every_unit_at_price", hundred="tariff_income(100, {price})",
         one_more="tariff_income(101, {price}) - tariff_income(100, {price})")
def tariff_pays_for_every_admission(a, f):
    close(a["hundred"], 100 * f["price"], "tariff_income(100, PRICE)",
          "under a tariff every admission is paid at the price, so 100 admissions earn 100 times PRICE")
    close(a["one_more"], f["price"], "the income from admission 101",
          "under a tariff one more admission earns the full price: the more a trust admits, the more it earns")


@visible("mret_full_tariff_up_to_baseline", below="marginal_rate_income({baseline} - 100, {baseline}, {price})",
         one_more="marginal_rate_income({baseline} - 99, {baseline}, {price})"
                  " - marginal_rate_income({baseline} - 100, {baseline}, {price})")
def full_price_below_the_baseline(a, f):
    close(a["below"], (f["baseline"] - 100) * f["price"], "marginal_rate_income(BASELINE - 100, BASELINE, PRICE)",
          "below the baseline every admission earns the full price")
    close(a["one_more"], f["price"], "the income from one more admission below the baseline",
          "below the baseline one more admission still earns the full price: the marginal rate only changes "
          "what growth above the baseline earns")


@visible("mret_payment_above_baseline", above="marginal_rate_income({baseline} + 100, {baseline}, {price})")
def thirty_percent_above_the_baseline(a, f):
    close(a["above"], f["baseline"] * f["price"] + RATE * f["price"] * 100,
          "marginal_rate_income(BASELINE + 100, BASELINE, PRICE)",
          "the 100 admissions above the baseline should each earn 30% of the price, on top of the full price "
          "for the admissions up to the baseline. Are you paying emergency growth at the full price?")


@visible("block_pays_same_whatever_activity",
         each="block_income({baseline} * {price}, np.array([0, {baseline}, 2 * {baseline}]))")
def block_pays_the_same(a, f):
    got = a["each"]
    need(type(got) is list and len(got) == 3,
         f"block_income(amount, activity) should give one income for each activity level; it gave {got!r}")
    for value in got:
        close(value, f["baseline"] * f["price"], "each income",
              "a block contract pays the same sum whatever the activity, so one more admission earns "
              "the provider nothing")


@visible("capitation_pays_per_person_covered", got="capitation_income({population}, 150.0)")
def capitation_pays_per_person(a, f):
    close(a["got"], 150.0 * f["population"], "capitation_income(POPULATION, 150.0)",
          "capitation pays for the people covered, not for what is done for them: POPULATION people at "
          "£150 a head")


@visible("income_from_one_more_admission", got="extra_income")
def one_more_admission_earns(a, f):
    got = mapping(a["got"], "extra_income (a dict from payment to pounds)")
    why = {"tariff": "a tariff pays the full price for every admission",
           "marginal rate": "above the 2008/09 baseline growth earns only 30% of the price",
           "block": "a block contract pays the same sum whatever the activity",
           "capitation": "capitation pays per person covered, whatever is done for them"}
    for mechanism, pounds in extra_income(f).items():
        need(mechanism in got, f"extra_income needs an entry for {mechanism!r}; it has {sorted(got)}")
        close(got[mechanism], pounds, f"extra_income[{mechanism!r}]",
              f"{mechanism}: what one more admission above the baseline earns follows from how it is paid: "
              f"{why[mechanism]}")


@visible("payments_that_make_growth_a_loss", named="loses_money_on_one_more")
def growth_that_loses_money(a, f):
    named = names(a["named"], "loses_money_on_one_more")
    need("tariff" not in named, "under a tariff one more admission earns the full price, more than its cost: "
                                "a tariff rewards activity")
    expected = sorted(m for m, pounds in extra_income(f).items() if pounds < f["marginal_cost"])
    need(named == expected, "a payment loses the trust money on one more admission when it earns less than "
                            f"MARGINAL_COST for it; your list is {a['named']!r}")
