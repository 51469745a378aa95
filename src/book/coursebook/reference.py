"""The "Model reference" page: what the model is for, its arrangements, its levers and
every parameter with its value, unit and source, its invariants and its equations,
rendered as MyST Markdown from the model itself, so that nothing points outside the
repository and every number is computed when the book is built."""

from __future__ import annotations

import numpy as np

from carepool import payments
from carepool.arrangements import ICB, IHO, REGISTRY, arrangement
from carepool.corpus.texts import text as source_text
from carepool.levers import all_levers, lever
from carepool.parameters import PARAMETER_FILES, Parameter, default, load_parameters
from carepool.place import LOCAL_AUTHORITY, default_place
from carepool.questions import risk_summary, wrong_pocket
from carepool.simulation import settle

PURPOSE = """
## What the model is for

The model is a local health and care economy, a *place*, with six service lines
(general practice, community health services, planned and emergency hospital
care, adult social care, public health), the organisations that provide and pay
for them, and the arrangements England and the United States have tried for
holding the budget. It exists to teach three lessons, each with an explorer
and a graded exercise:

1. **Payment shapes behaviour.** The same activity earns a provider very
   different income under a tariff, a tariff with a marginal rate above a
   baseline, a block contract, a capitated budget, shared savings, or aligned
   payment and incentive.
2. **The wrong pocket.** Money one organisation spends upstream (community
   services, social care) saves money downstream in another's budget
   (emergency admissions, delayed discharges). Who keeps the saving depends on
   the arrangement; the total never does.
3. **Risk pooling.** Demand shocks hit every budget. Sharing a combined surplus
   or deficit lowers each partner's chance of a deficit when the shares follow
   budgets; a capitated contract moves all of the risk onto its holder.

Each run returns, for each organisation, year and simulated draw, its income,
cost, surplus or deficit, activity, emergency admissions and delayed bed-days
(`carepool.simulate`); `carepool.wrong_pocket` says who gains and who pays when
one organisation invests upstream, and `carepool.deficit_risk` gives each
organisation's chance of a deficit and a bad-year figure.
"""

INVARIANTS = """
## Invariants the tests hold

- **Money is moved, never made.** In every arrangement, year and draw, the
  organisations' surpluses add up to total funding minus total cost of care.
  An arrangement changes who pays, never the funding coming in or the care
  delivered.
- **Shares are shares.** Risk and gain shares are each from 0 to 1 and sum to
  1; after sharing, each partner's position is its share of the shared total.
- **The NHS system under an ICB** has one position, the sum of its members'
  (the ICB and its partner trusts), the same before and after netting.
- **The marginal-rate payment** is continuous and piecewise linear in activity:
  full tariff up to the baseline, the marginal rate above it.
- **Pooling lowers risk when shares follow budgets:** with equal volatility per
  pound of budget and budget-proportional shares, no partner's variance rises.
- **Runs repeat:** with a fixed seed, results are identical run to run.
- **The integrated health organisation keeps what it does not share:** with
  risk share $r$ it ends with $(1 - r)$ of its position and the ICB gains
  the rest; the transfer only moves money.
- **Bad input is refused, never clipped:** a value outside its lever's bounds,
  shares that do not sum to 1, an unknown service, arrangement, payment rule
  or activity type, a track other than 1 or 2, a quality score above 1, fewer
  than 5,000 assigned beneficiaries, or an IHO risk share outside 0 to 1
  raises an error naming the field and the allowed range.
- **One table of levers:** validation, the widget sliders and the explorers'
  grids all read the same bounds, explore ranges and steps.
- **No model arithmetic outside the model:** the chart and widget modules only
  pick and show carepool's numbers.
"""

GROUP_TITLES = {
    "place": "The place",
    "services": "Service lines",
    "links": "Links between service lines",
    "payments": "National payment rules",
    "arrangements": "Arrangements",
    "simulation": "Runs",
}

EQUATIONS = r"""
## Equations

Years are $t = 1, \dots, T$; year $0$ is the baseline year. For service line
$s$ with baseline activity $a_s$ per 1,000 people, population $N$, trend
growth $g_s$ and unit cost $c_s$, expected activity and its cost are

$$
\bar{A}_{s,t} = a_s \, \frac{N}{1000} \, (1 + g_s)^t, \qquad \bar{C}_{s,t} = c_s \, \bar{A}_{s,t}.
$$

**Demand shocks.** In draw $d$ a common factor $z_0$ and a factor of each line
$z_s$ (independent standard normals) give, with correlation $\rho$ and
volatility $\sigma_s$,

$$
\varepsilon_{s} = \sqrt{\rho}\, z_0 + \sqrt{1-\rho}\, z_s, \qquad
A_{s,t,d} = \bar{A}_{s,t} \exp\!\left(\sigma_s \varepsilon_{s} - \tfrac{1}{2}\sigma_s^2\right),
$$

so activity stays positive and its expected value stays on trend.

**Link 1: upstream spending avoids emergency admissions.** Spending $I$ a year
upstream avoids $k I$ of emergency cost, a fraction of each year's emergency
activity (allowed only while that fraction is below 1):

$$
A_{\text{em},t,d} \leftarrow A_{\text{em},t,d} \left(1 - \frac{k I}{\bar{C}_{\text{em},t}}\right).
$$

**Link 2: unmet social care becomes delayed bed-days.** The council buys care
up to a capacity $K_t = \bar{A}_{\text{sc},t} (1 + h)$; unmet need becomes
delayed bed-days $B$ at the acute trust, at $b$ bed-days per care-week and
$c_B$ per bed-day:

$$
B_{t,d} = b \, \max\!\left(A_{\text{sc},t,d} - K_t,\ 0\right), \qquad \text{delayed cost} = c_B\, B_{t,d}.
$$

**Funding.** The NHS allocation and the council budget are the expected cost of
the lines each pays for, times $(1 + \text{funding headroom})$.

**Payment mechanisms.** For activity $A$, price $p$ (the unit cost), baseline
$A_0$ and marginal rate $r$:

$$
\text{tariff} = p A, \qquad
\text{marginal rate} = p \min(A, A_0) + r\, p \max(A - A_0, 0), \qquad
\text{capitation} = N \times \text{rate per head}.
$$

The marginal rate's baseline in year $t$ is the expected activity of year
$\max(t - \ell, 0)$, where $\ell$ is the baseline's lag in years
(`payments.emergency_baseline_lag`): $\ell = 0$ re-sets it every year, and
$\ell \ge T$ fixes it at the baseline year, as the marginal rate emergency
tariff fixed its 2008/09 baseline.

A block contract pays a fixed sum whatever the activity. A withhold $w$ on an
amount $X$ with outcome achievement $q \in [0, 1]$ pays $X(1 - w) + X w q$.

**Aligned payment and incentive** (and the 2019/20 blended payment) pays a
fixed element for the planned activity $A_P$ and a variable element, a share
$v$ of the price, for each unit above plan (refunded below it):

$$
\text{aligned payment} = p A_P + v\, p\, (A - A_P),
$$

so $v = 1$ is the tariff and $v = 0$ a block contract for the plan.

**The NHS Payment Scheme by activity type** (`payments.nhs_payment_scheme`,
the ICB's `payment_rule`). Under the 2025/26 rule elective activity is paid
through the variable element at 100% of the unit price and urgent and
emergency care through the fixed element:

$$
\text{elective} = p_{\text{el}}\, A_{\text{el}}, \qquad
\text{urgent and emergency} = p_{\text{em}}\, A_{P,\text{em}},
$$

with the plan $A_P$ the year's expected activity. Under the 2019/20 rule both
are the blended payment above, with $v = 20\%$.

**Medicare shared savings** (42 CFR 425.604 and 425.606). With benchmark
$S_0$ and expenditure $S$ for the ACO's $n$ assigned beneficiaries, savings
are $S_0 - S$. On track 1 the minimum savings rate $m(n)$ runs from 3.9% at
5,000 beneficiaries to 2.0% at 60,000 or more, interpolated linearly within
each size band between the band's rates at its fewest and most beneficiaries;
on track 2 it is a flat 2% (agreements of 2012 to 2015). With quality score
$q$ the final sharing rate is $\lambda = \bar\lambda q$, with
$\bar\lambda = 0.5$ (track 1) or $0.6$ (track 2), and the payment cap is
$c = 10\%$ or $15\%$ of the benchmark. The payment to the ACO is

$$
(1 - s)\min\!\big(\lambda (S_0 - S),\ c S_0\big) \quad \text{if } S_0 - S \ge m(n) S_0;
$$

on track 2 the ACO repays

$$
\min\!\big(\min(1 - \lambda, 0.6)\,(S - S_0),\ L_y S_0\big) \quad \text{if } S - S_0 \ge 0.02\, S_0;
$$

and otherwise nothing is paid either way. Here $s = 2\%$ is the budget sequestration of payments to ACOs (from 2013;
losses the ACO repays are not cut) and $L_y$ is 5%, 7.5% and 10% in the
ACO's first, second, and third and later years on track 2. Savings are
shared from the first dollar once the minimum savings rate is met, so the
payment jumps at the threshold. The tests hold the functions against CMS's
published results. For performance years 2013 and 2014 they take every ACO
in each year's file with at least 5,000 assigned beneficiaries (218 of 220
and 319 of 333, on both tracks, paid, unpaid and, once, repaying losses;
quality scores are published to nine decimals or, in an ACO's first year,
scored on complete reporting alone, which makes the score exactly 1 or 0):
the minimum savings rates match to the published precision and the payments
to within $2 (the ACOs below 5,000 have rates the rule leaves to CMS, 42 CFR
425.110(b), and the functions refuse them). For performance year 2016 they take
nine track 1 rows whose quality score is printed to four decimals only, so
those payments are held to the same two dollars plus what that rounding can
move them.

**Risk and gain share.** Partners with positions $s_i$ and shares
$\theta_i \ge 0$, $\sum_i \theta_i = 1$, each end with $\theta_i \sum_j s_j$,
through transfers $\theta_i \sum_j s_j - s_i$ that sum to zero. The
explorers blend the two share rules:
$\theta_i = (1 - e)\,B_i / \sum_j B_j + e / n$ for an equal weight $e$ from 0 to 1.

**Pooled fund (section 75).** A pool of a fraction $f$ of each partner's
budget $F_i$ pays the same fraction of what each spends, $f C_i$, and hands
its total back by contribution, so partner $i$ ends with
$(1 - f)\, s_i + f \, \frac{F_i}{\sum_j F_j} \sum_j s_j$.

**The NHS system under an ICB.** The ICB and its partner trusts (the acute
and community trusts; general practices hold their own contracts) share a
financial duty. The system's position is the sum of its members',
$s_{\text{NHS}} = s_{\text{ICB}} + s_{\text{acute}} + s_{\text{community}}$,
and each member ends with its budget share of it (a risk share as above,
among the members only). The council keeps its own position, apart from any
section 75 pool beside the ICB. Payments between members cancel in the
system's total, so the payment rule moves risk between the ICB and the trust
before netting (under the 2025/26 rule the trust bears emergency demand and
the ICB elective demand) but leaves every member's netted position the same.

**The integrated health organisation.** The ICB pays the IHO a capitated
budget for the NHS lines $S$ in its contract (all four, or all but general
practice), at the year's expected cost per head times $1 + m$ for a margin
$m$:

$$
K_t = N \cdot \frac{(1 + m) \sum_{s \in S} \bar{C}_{s,t}}{N} = (1 + m) \sum_{s \in S} \bar{C}_{s,t}.
$$

The IHO pays general practice by capitation and a subcontracted community
provider a fixed sum (its expected cost plus any upstream investment in
community services), and bears the cost of the hospital's care and delayed
discharges (and of community services, if it runs them in house). With
position $s_{\text{IHO}}$ after any section 75 pool beside it, a risk share $r$
moves $r\, s_{\text{IHO}}$ to the ICB, so the IHO ends with
$(1 - r)\, s_{\text{IHO}}$.

**Money is moved, never made.** Payments are one organisation's cost and
another's income, so in every arrangement, year and draw

$$
\sum_{\text{organisations}} \text{surplus} = \text{total funding} - \text{total cost of care}.
$$

**Why pooling lowers risk, and when.** If each partner's position has standard
deviation $\sigma B_i$ (equal volatility per pound of budget $B_i$) and shares
are proportional to budgets, $\theta_i = B_i / \sum_j B_j$, then

$$
\operatorname{Var}\!\Big(\theta_i \sum_j s_j\Big) \le \theta_i^2 \Big(\sum_j \sigma B_j\Big)^2 = \sigma^2 B_i^2
= \operatorname{Var}(s_i),
$$

with equality only when all positions move perfectly together. With other
shares a partner can take on more risk than it had alone.
"""


def _cell(text: object) -> str:
    """Text safe inside a Markdown table cell."""
    return " ".join(str(text).split()).replace("|", "\\|")


def _value(p: Parameter) -> str:
    v = p.value
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, (int, float)):
        return f"{v:,}" if isinstance(v, int) or float(v).is_integer() and abs(v) >= 1000 else f"{v:g}"
    return str(v)


def _lever_text(key: str) -> str:
    """A lever's allowed values and the range a reader is offered, or nothing for a fixed parameter."""
    spec = all_levers().get(key)
    if spec is None:
        return ""
    if spec.choices is not None:
        return " (lever: " + " or ".join(_choice(c) for c in spec.choices) + ")"
    low = f"above {spec.minimum:g}" if spec.minimum_exclusive else f"{spec.minimum:g}"
    return (f" (lever: allowed {low} to {spec.maximum:g}; "
            f"explore {spec.explore_min:g} to {spec.explore_max:g} in steps of {spec.step:g})")


def _choice(c) -> str:
    return ("yes" if c else "no") if isinstance(c, bool) else str(c)


def parameter_table(group: str) -> str:
    """One Markdown table of the parameters in a group (one YAML file)."""
    rows = ["| parameter | value | unit | description | source |", "|---|---|---|---|---|"]
    for p in load_parameters().values():
        if p.group != group:
            continue
        value = _value(p) + _lever_text(f"{p.group}.{p.key}")
        rows.append("| " + " | ".join(_cell(x) for x in (f"`{p.key}`", value, p.unit, p.description,
                                                         p.source_text())) + " |")
    return "\n".join(rows)


def arrangement_table() -> str:
    """Every arrangement: who holds the budget, how providers are paid, who keeps a surplus."""
    rows = ["| arrangement | name | who holds the budget | how providers are paid | "
            "who keeps a surplus or bears a deficit |", "|---|---|---|---|---|"]
    for name, cls in REGISTRY.items():
        rows.append("| " + " | ".join(_cell(x) for x in (cls.title, f"`{name}`", cls.budget_holder,
                                                         cls.providers_paid, cls.surplus_kept_by)) + " |")
    return "\n".join(rows)


def _millions(value: float) -> str:
    return f"−£{abs(value) / 1e6:,.1f}m" if value < 0 else f"£{value / 1e6:,.1f}m"


def structural_position() -> str:
    """Which defaults are calibrated and which are levers, with the acute trust's position computed now."""
    fixed = default_place().years
    rate = default("payments.emergency_marginal_rate")
    rows = []
    for lag in (default("payments.emergency_baseline_lag"), fixed, 0):
        ledger = settle(default_place(emergency_baseline_lag=lag), "silos", draws=2000, seed=default("simulation.seed"))
        surplus = ledger.surplus("acute_trust")
        rows.append((lag, float(np.mean(surplus)), float(np.mean(surplus < -0.01))))
    (lag_default, mean_default, chance_default), (_, mean_fixed, chance_fixed), (_, mean0, chance0) = rows
    delayed = settle(default_place(), "silos", draws=2000, seed=default("simulation.seed")).books["acute_trust"]
    return f"""
## Defaults: what is calibrated and what is a lever

The unit costs of admissions and of an excess bed-day, the marginal rate, the
blended payment's variable share and the shared-savings rules are cited; most
activity rates, growth rates and volatilities are illustrative, chosen for
teaching and marked so in the tables below.

The acute trust's structural position is **a lever, not a calibration**:
`payments.emergency_baseline_lag`, labelled "{lever("payments.emergency_baseline_lag").label}".
The marginal rate emergency tariff paid {rate:.0%} of the price above a baseline fixed
at 2008/09 activity, so as demand grew a trust facing expected demand fell
further into deficit every year. With the lag at the length of a run
({fixed} years) the default place shows that: under silos the acute trust's
yearly surplus averages {_millions(mean_fixed)}, in deficit in
{chance_fixed:.0%} of simulated years. By default the lag is {lag_default}
year: each year's baseline is the year before's expected admissions, so the
trust bears one year's growth at the marginal rate, and its average is
{_millions(mean_default)} (in deficit in {chance_default:.0%} of years). With
the lag at 0 (the baseline re-set to each year's expected admissions) it is
{_millions(mean0)} (in deficit in {chance0:.0%} of years): what remains is the
cost of the delayed discharges it bears (about
{_millions(float(np.mean(delayed["delayed_bed_days"])) * default("links.excess_bed_day_cost"))} a year)
and the marginal rate's asymmetry (a surge above the baseline is paid at
{rate:.0%}, a lull costs it nothing). The default keeps most of the deficit
nobody chose out of the explorers' stories while the marginal rate still
bites; move the lever to see the rest.
"""


def four_pots_note() -> str:
    """How the model places emergency care in source 004's pots, quoting the source."""
    source = " ".join(source_text("reworking-the-nhs").split())
    quotes = {
        "continuing": "many patients are admitted to hospital – so called unplanned care – or to care homes. "
                      "So again, let’s bring all of the contracts together",
        "first": "through community pharmacy and general practice to out of hours and A&E",
        "planned": "the trauma and emergency response services",
    }
    missing = [q for q in quotes.values() if q not in source]
    if missing:
        raise ValueError(f"not in source 004 word for word: {missing}")
    return f"""
## Four pots and the single emergency line

Source 004 ("Reworking the NHS") divides commissioning into four pots. Of its
continuing-care pot, for patients with medium and long-term conditions, it
says: "{quotes["continuing"]}". The model therefore puts emergency admissions
in the continuing-care pot. That is a simplification: the model has a single
emergency line, while the source also puts A&E in the first-contact ("Primary
Care") pot ("{quotes["first"]}") and "{quotes["planned"]}" in the planned and
specialist pot. The model does not split emergency care between the three.
"""


def _pounds(value: float) -> str:
    return f"£{value:,.0f}"


def payment_rule_note() -> str:
    """The NHS Payment Scheme's rule by activity type, with a year worked by hand from the model."""
    rule = lever("arrangements.icb.payment_rule")
    el, em = default("services.elective.unit_cost"), default("services.emergency.unit_cost")
    plan_el, plan_em, done_el, done_em = 10_000, 30_000, 10_500, 31_000

    def paid(activity, plan, price, kind, year):
        return float(payments.nhs_payment_scheme(activity, plan, price, kind, year))

    now = (paid(done_el, plan_el, el, "elective", "2025/26"), paid(done_em, plan_em, em, "urgent_and_emergency", "2025/26"))
    then = (paid(done_el, plan_el, el, "elective", "2019/20"), paid(done_em, plan_em, em, "urgent_and_emergency", "2019/20"))
    rate = default("payments.aligned_payment_variable_rate")
    return f"""
## Paying NHS trusts by activity type

The integrated care board pays the acute trust by the lever
`arrangements.icb.payment_rule` ("{rule.label}", default {rule.default}). Under
the 2025/26 NHS Payment Scheme's aligned payment and incentive, elective
activity goes through the variable element at 100% of the unit price and urgent
and emergency care through the fixed element, a sum for the planned activity. The
2019/20 blended payment, kept for history, pays a fixed element for the plan and
{rate:.0%} of the price either side of it, on both lines. The model's fixed
element is the year's expected activity at full price; the scheme leaves it to
local agreement.

A year worked by hand (and checked by the tests): a trust plans
{plan_el:,} elective admissions at £{el:,} and {plan_em:,} emergency admissions
at £{em:,}, and delivers {done_el:,} and {done_em:,}. Under the 2025/26 rule it
is paid {_pounds(now[0])} for elective care ({done_el:,} × £{el:,}) and
{_pounds(now[1])} for emergency care ({plan_em:,} × £{em:,}, nothing for the
{done_em - plan_em:,} above plan): {_pounds(sum(now))}. Under the 2019/20 rule it
is paid {_pounds(then[0])} and {_pounds(then[1])}: {_pounds(sum(then))}. So an
emergency admission avoided under the 2025/26 rule saves the trust its whole
cost and the ICB nothing, until the NHS system nets its members' positions.
"""


def iho_note() -> str:
    """The integrated health organisation's assumptions, each with its lever and source, and what
    the defaults do in the default place, computed from the model."""
    params = load_parameters()
    rows = ["| assumption | lever (default) | source |", "|---|---|---|"]
    named = {
        "capitation_margin": "The ICB pays a foundation trust a capitated budget for the place's NHS services, "
                             "at their expected cost per head times (1 + margin); the ICB keeps the rest of its "
                             "allocation, standing for its running-cost budget.",
        "general_practice": "General practice is inside the budget, paid by the IHO by capitation (a subcontract "
                            "or delegated commissioning), or left with the ICB.",
        "community_services": "Community services are subcontracted for a fixed sum or run in house.",
        "risk_share": "The IHO keeps its surplus and bears its deficit, less any share passed to the ICB.",
        "section75_fraction": "The council keeps social care and public health, unless a section 75 pool is "
                              "chosen.",
    }
    for option, text in named.items():
        p = params[f"arrangements.iho.{option}"]
        rows.append("| " + " | ".join(_cell(x) for x in (text, f"`iho.{option}` ({_value(p)})",
                                                         p.source_text())) + " |")
    place = default_place()
    seed, draws = default("simulation.seed"), 2000
    iho = risk_summary(settle(place, "iho", draws=draws, seed=seed)).set_index("organisation")
    icb = risk_summary(settle(place, "icb", draws=draws, seed=seed)).set_index("organisation")
    amount = default("simulation.upstream_investment")

    def moved(line: str) -> dict[str, float]:
        rows = wrong_pocket(place, investment_line=line, amount=amount, arrangements=["iho"])
        return rows.set_index("organisation")["surplus_change"].to_dict()

    community, social = moved("community"), moved("social_care")
    return f"""
## The integrated health organisation: its assumptions and their sources

NHS England's Advanced Foundation Trust Programme guidance (Annex 2) begins:
"The 10 Year Health Plan sets out that high-performing advanced foundation
trusts can hold the health budget for a defined local population through an
IHO contract." It defines the integrated health organisation (IHO) as "a
contract-based delivery mechanism, not a new type of organisation": IHO
contract holders "will hold capitated budgets for a defined population,
commissioned by their ICB". The model's `iho` arrangement follows
that design. Where the guidance read leaves a choice open, the choice is a
lever with a default, and the source column says which:

{chr(10).join(rows)}

With the defaults, in the default place over {draws:,} simulated runs, the IHO
is in deficit in {iho.loc[IHO, "chance_of_deficit"]:.0%} of years (5th-percentile
year {_millions(iho.loc[IHO, "bad_year"])}): its budget is set at expected cost
and it bears the delayed discharges. The ICB, which has passed its demand risk
to the IHO, is in deficit in {iho.loc[ICB, "chance_of_deficit"]:.0%} of years. Under the
`icb` arrangement, where the NHS system nets its members' positions, the acute
trust is in deficit in {icb.loc["acute_trust", "chance_of_deficit"]:.0%} of years
and the ICB in {icb.loc[ICB, "chance_of_deficit"]:.0%}.

When the IHO spends {_millions(amount)} a year more on community services, its
own position moves by {_millions(community[IHO])}: the emergency admissions
avoided (at the model's default link, worth less than the spending) less the
spending, both in one budget. When the council spends the same on social care,
the council's position moves by {_millions(social[LOCAL_AUTHORITY])} and the
IHO's by {_millions(social[IHO])}: between the council and the NHS the wrong
pocket remains.
"""


def markdown() -> str:
    """The whole Model reference page body as MyST Markdown."""
    parts = [
        PURPOSE.strip(),
        "## The arrangements\n\n" + arrangement_table(),
        structural_position().strip(),
        four_pots_note().strip(),
        payment_rule_note().strip(),
        iho_note().strip(),
        "## Levers and parameters\n\n"
        "Every default of the model, from the files in `src/model/carepool/parameters/`. "
        "A value marked *Illustrative* is a teaching choice, not an estimate; "
        "vary it and see what changes. A parameter a reader can move is a *lever*: "
        "its row gives the values the model accepts and the range and step the "
        "explorers and sliders offer, the one table all of them read.",
    ]
    for group in PARAMETER_FILES:
        parts.append(f"### {GROUP_TITLES.get(group, group)}\n\n{parameter_table(group)}")
    parts.append(EQUATIONS.strip())
    parts.append(INVARIANTS.strip())
    return "\n\n".join(parts) + "\n"
