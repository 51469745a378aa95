"""Hidden checks of paying_providers: edge cases, judged by the grader, never sent to a student."""

from carepool.exercises.kit import close, need
from carepool.exercises.paying_providers import assignment as public

# The visible checks (carepool.exercises.paying_providers) and, added here, the hidden ones.
assignment = public.extended()
hidden = assignment.hidden


@hidden("tariff_pays_every_unit_at_price", nothing="tariff_income(0, {price})",
        each="tariff_income(np.array([0, 10, 25]), 2.0)")
def tariff_edges(a, f):
    close(a["nothing"], 0.0, "tariff_income(0, price)", "no activity earns nothing under a tariff")
    need(a["each"] == [0.0, 20.0, 50.0], "tariff_income should work element by element on an array")


@hidden("mret_full_tariff_up_to_baseline", at="marginal_rate_income({baseline}, {baseline}, {price})",
        nothing="marginal_rate_income(0, {baseline}, {price})")
def baseline_edges(a, f):
    close(a["at"], f["baseline"] * f["price"], "the income at the baseline",
          "at the baseline the income is exactly the tariff income")
    close(a["nothing"], 0.0, "the income for no admissions", "no admissions earn nothing")


@hidden("mret_payment_above_baseline",
        each="marginal_rate_income(np.array([0.0, 500.0, 1000.0, 1001.0, 2500.0]), 1000, {price})",
        half_rate="marginal_rate_income(1200, 1000, 100, rate=0.5)",
        step="marginal_rate_income(1000.001, 1000, {price}) - marginal_rate_income(1000, 1000, {price})")
def above_baseline_edges(a, f):
    p = f["price"]
    expected = [0.0, 500 * p, 1000 * p, 1000 * p + 0.3 * p, 1000 * p + 0.3 * p * 1500]
    got = a["each"]
    need(type(got) is list and len(got) == 5 and all(type(v) in (int, float) for v in got)
         and all(abs(g - e) < 0.01 for g, e in zip(got, expected)),
         "marginal_rate_income should work element by element on an array, below and above the baseline")
    close(a["half_rate"], 110_000, "the income at rate=0.5",
          "the rate above the baseline is the `rate` argument, not always 30%")
    step = a["step"]
    need(type(step) in (int, float) and 0 <= step < p, "the income should not jump at the baseline")


@hidden("block_pays_same_whatever_activity", none="block_income(7.5, 0)")
def block_edges(a, f):
    value = a["none"]
    if type(value) is list:  # an array of one value is as good as the number
        value = value[0] if len(value) == 1 else value
    close(value, 7.5, "block_income(7.5, 0)", "a block contract pays even when there is no activity")


@hidden("capitation_pays_per_person_covered", each="capitation_income(np.array([0, 10]), 3.0)")
def capitation_edges(a, f):
    need(a["each"] == [0.0, 30.0], "capitation_income should work on an array of populations")
