"""The book's three static explorers: carepool's numbers over a grid of inputs.

Each explorer is a frame computed by carepool at build time, one row per
combination of the inputs a reader can set, and an Altair chart whose
parameters are bound to labelled inputs. The chart only *selects* rows (filter
transforms comparing fields with parameter values): no model arithmetic runs
in the browser. ``usermeta={"explorer": name}`` gives each chart a stable id
and a scenario link in the book (see `coursebook.offline_charts`).

The values each input offers are the module's constants below, drawn from
the one table of levers (`carepool.levers`), so an explorer offers what the
model accepts and the widget sliders offer. Every number shown is computed by
carepool; this module only picks rows and changes pounds to £ million.
"""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from carepool.arrangements import alliance_shares as model_alliance_shares, arrangement, arrangement_names
from carepool.levers import lever
from carepool.parameters import default
from carepool.payments import provider_income
from carepool.place import default_place
from carepool.questions import net_effect, risk_summary, wrong_pocket
from carepool.simulation import settle

# --- shared -----------------------------------------------------------------

ARRANGEMENT_LABELS = {
    "silos": "PCT era: silos",
    "acs": "Accountable care system: risk and gain share",
    "section75": "Pooled fund (Section 75)",
    "aco": "English ACO: capitated contract",
    "mssp": "US shared savings ACO",
    "four_pots": "Four-pot commissioning",
    "icb": "Integrated care board (2022-)",
}
ORGANISATION_LABELS = {
    "nhs_commissioner": "NHS commissioner",
    "acute_trust": "Acute trust",
    "community_provider": "Community provider",
    "gp_practices": "GP practices",
    "local_authority": "Local authority",
    "pooled_fund": "Pooled fund",
    "aco": "ACO",
    "first_contact_pot": "First-contact pot",
    "continuing_care_pot": "Continuing-care pot",
    "planned_specialist_pot": "Planned and specialist pot",
    "public_health_pot": "Public-health pot",
    "icb": "Integrated care board",
    "system": "Whole system (net)",
}
MILLION = 1e6  # the charts show money in £ million


def _select(name: str, options: dict, value, label: str) -> alt.Parameter:
    return alt.param(name=name, value=value, bind=alt.binding_select(
        options=list(options), labels=list(options.values()), name=label))


def _slider(name: str, values: list[float], value, label: str) -> alt.Parameter:
    return alt.param(name=name, value=value, bind=alt.binding_range(
        min=values[0], max=values[-1], step=values[1] - values[0], name=label))


def _values(df: pd.DataFrame) -> alt.Data:
    """Inline rows for a chart, with missing values as JSON null (pandas would send NaN)."""
    return alt.Data(values=[{k: (None if isinstance(v, float) and np.isnan(v) else v) for k, v in row.items()}
                            for row in df.to_dict("records")])


def _finish(chart, name: str, title: str, description: str):
    return chart.properties(title=title, description=description, usermeta={"explorer": name})


# --- 1. Paying for activity -----------------------------------------------

PAYING = "paying-for-activity"
PAYMENT_LABELS = {
    "tariff": "Tariff (Payment by Results)",
    "marginal_rate": "Tariff with a marginal rate",
    "block": "Block contract",
    "capitation": "Capitation",
    "shared_savings": "Tariff plus shared savings",
}
# This explorer's two admissions inputs are a single trust's emergency admissions, the
# quantity carepool.payments.provider_income pays for, not levers of a place: the
# baseline runs around the default place's 30,000 (100 per 1,000 of 300,000 people).
PAYING_BASELINES = list(range(20_000, 40_001, 5_000))   # emergency admissions in the baseline year
PAYING_ACTIVITY = list(range(10_000, 50_001, 1_000))    # admissions in the year
PAYING_RATES = lever("payments.emergency_marginal_rate").grid()   # marginal rate above the baseline


def paying_for_activity_frame() -> pd.DataFrame:
    """Rows of payment, baseline, rate (only for the marginal rate; else missing), activity, income (£m)."""
    activity = np.asarray(PAYING_ACTIVITY)
    rows = []
    for baseline in PAYING_BASELINES:
        for rate in PAYING_RATES:
            incomes = provider_income(activity, baseline, rate)
            # Only the marginal-rate line depends on the rate: store the others once.
            for payment in PAYMENT_LABELS if rate == PAYING_RATES[0] else ["marginal_rate"]:
                uses_rate = payment == "marginal_rate"
                for a, income in zip(activity, incomes[payment]):
                    rows.append({"payment": PAYMENT_LABELS[payment], "baseline": baseline,
                                 "rate": rate if uses_rate else None, "activity": float(a),
                                 "income": round(float(income) / MILLION, 4)})
    return pd.DataFrame(rows)


def paying_for_activity_chart() -> alt.VConcatChart:
    data = paying_for_activity_frame()
    baseline = _slider("baseline", PAYING_BASELINES, 30_000, "Baseline emergency admissions (2008/09 baseline) ")
    rate = _slider("rate", PAYING_RATES, default("payments.emergency_marginal_rate"),
                   "Marginal rate above the baseline (share of tariff) ")
    activity = _slider("activity", PAYING_ACTIVITY, 35_000, "Emergency admissions this year ")
    chosen_lines = ((alt.datum.baseline == baseline)
                    & ((alt.datum.rate == None) | (alt.datum.rate == rate)))  # noqa: E711 - Vega's null test
    colour = alt.Color("payment:N", title="How the trust is paid", sort=list(PAYMENT_LABELS.values()))
    base = alt.Chart().transform_filter(chosen_lines)
    lines = base.mark_line(strokeWidth=2.5).encode(
        x=alt.X("activity:Q", title="Emergency admissions in the year"),
        y=alt.Y("income:Q", title="Trust income (£ million)"),
        color=colour,
        strokeDash=alt.StrokeDash("payment:N", sort=list(PAYMENT_LABELS.values()), legend=None),
    )
    at_activity = base.transform_filter(alt.datum.activity == activity)
    marker = at_activity.mark_point(size=70, filled=True).encode(
        x="activity:Q", y="income:Q", color=alt.Color("payment:N", sort=list(PAYMENT_LABELS.values()), legend=None),
        tooltip=["payment:N", "activity:Q", alt.Tooltip("income:Q", format=",.2f", title="income (£m)")])
    rule = at_activity.mark_rule(color="gray").encode(x="activity:Q")
    readout = at_activity.mark_text(align="left", fontSize=13).encode(
        y=alt.Y("payment:N", title=None, sort=list(PAYMENT_LABELS.values())),
        text=alt.Text("income:Q", format=",.2f"),
    ).properties(name="readout", width=120, title="Income at the chosen admissions (£m)")
    # The rows are given once, at the top, and every view filters them.
    chart = alt.vconcat((lines + rule + marker).properties(width=560, height=300), readout,
                        data=_values(data)).add_params(
        baseline, rate, activity)
    return _finish(
        chart, PAYING, "An acute trust's emergency income under five ways of paying",
        "Line chart of an acute trust's income in pounds million against its emergency admissions in the "
        "year, one line for each way of paying: tariff, tariff with a marginal rate above the baseline, "
        "block contract, capitation and tariff plus shared savings. The block and capitation lines are "
        "flat and coincide; the others meet at the baseline. A list under the chart gives each income at "
        "the chosen number of admissions.")


# --- 2. The wrong pocket ----------------------------------------------------

WRONG_POCKET = "wrong-pocket"
INVESTORS = {
    "social_care": "The council, in social care",
    "community": "The NHS commissioner, in community services",
}
WRONG_POCKET_AMOUNTS = [a / MILLION for a in lever("simulation.upstream_investment").grid()]  # £ million a year
WRONG_POCKET_SAVINGS = lever("links.avoided_acute_cost_per_pound").grid()   # £ of emergency cost avoided per £1


def wrong_pocket_frame() -> pd.DataFrame:
    """carepool's `wrong_pocket` over the grid, plus each arrangement's net system effect (£m a year)."""
    frames = []
    for line in INVESTORS:
        for k in WRONG_POCKET_SAVINGS:
            place = default_place(avoided_acute_cost_per_pound=k)
            for amount, shown in zip(lever("simulation.upstream_investment").grid(), WRONG_POCKET_AMOUNTS):
                result = wrong_pocket(place, investment_line=line, amount=amount)
                result = pd.concat([result, net_effect(result)], ignore_index=True)
                result["line"], result["saving"], result["amount"] = line, k, shown
                frames.append(result)
    df = pd.concat(frames, ignore_index=True)
    df["change"] = (df.pop("surplus_change") / MILLION).round(4)
    df["organisation"] = df["organisation"].map(ORGANISATION_LABELS)
    return df


# Narrow enough for the bars, their printed values and the y labels to fit the text column.
WRONG_POCKET_WIDTH = 480


def wrong_pocket_chart() -> alt.Chart:
    data = wrong_pocket_frame()
    line = _select("investor", INVESTORS, default("simulation.investment_line"), "Who invests upstream ")
    amount = _slider("amount", WRONG_POCKET_AMOUNTS, 5.0, "Upstream investment (£ million a year) ")
    saving = alt.param(name="saving", value=0.35, bind=alt.binding_radio(
        options=WRONG_POCKET_SAVINGS, name="Emergency cost avoided per £1 invested (£) "))
    chosen = _select("arrangement", ARRANGEMENT_LABELS, "silos", "Arrangement ")
    selected = ((alt.datum.line == line) & (alt.datum.saving == saving) & (alt.datum.amount == amount)
                & (alt.datum.arrangement == chosen))
    base = alt.Chart().transform_filter(selected).encode(
        y=alt.Y("organisation:N", title=None, sort=list(ORGANISATION_LABELS.values())))
    bars = base.mark_bar().encode(
        x=alt.X("change:Q", title="Change in yearly surplus (£ million; negative: it pays)"),
        color=alt.Color("role:N", title="Role", legend=alt.Legend(orient="bottom"), scale=alt.Scale(
            domain=["gains", "pays", "unaffected", "net"], range=["#1a9850", "#d73027", "#999999", "#4575b4"])),
        tooltip=["organisation:N", "role:N", alt.Tooltip("change:Q", format=",.3f", title="change (£m a year)")],
    )
    labels = base.mark_text(align="left", dx=4).encode(
        x=alt.value(WRONG_POCKET_WIDTH + 5), text=alt.Text("change:Q", format="+,.3f")).properties(name="readout")
    chart = alt.layer(bars, labels, data=_values(data)).add_params(line, amount, saving, chosen).properties(
        width=WRONG_POCKET_WIDTH, height=260)
    return _finish(
        chart, WRONG_POCKET, "The wrong pocket: who gains and who pays when one organisation invests upstream",
        "Bar chart of the change in each organisation's yearly surplus, in pounds million, when the chosen "
        "organisation spends the chosen amount upstream, under the chosen arrangement. Green bars gain, red "
        "bars pay; the last bar is the net effect on the whole system, the emergency cost avoided minus "
        "the amount spent. Each bar's value is printed beside it.")


# --- 3. Sharing risk --------------------------------------------------------

SHARING_RISK = "sharing-risk"
POOLED_FRACTIONS = lever("arrangements.section75.pooled_fraction").grid()   # Section 75 pooled fund
EQUAL_WEIGHTS = lever("arrangements.acs.equal_weight").grid()   # alliance shares: 0 by budget, 1 equal
RISK_DRAWS = default("simulation.draws")
QUANTILES = {"p5": 5, "p25": 25, "p50": 50, "p75": 75, "p95": 95}
CASES = ("chosen arrangement", "silos, for comparison")


def alliance_shares(equal_weight: float) -> dict[str, float]:
    """The model's alliance shares for the default place (see `carepool.arrangements.alliance_shares`)."""
    return model_alliance_shares(default_place(), equal_weight)


def sharing_risk_cases() -> list[tuple[object, float | None, float | None]]:
    """Every (arrangement, pooled fraction, equal weight) the explorer offers."""
    cases = []
    for name in arrangement_names():
        if name == "section75":
            cases += [(arrangement(name, pooled_fraction=f), f, None) for f in POOLED_FRACTIONS]
        elif name == "acs":
            cases += [(arrangement(name, shares=alliance_shares(w)), None, w) for w in EQUAL_WEIGHTS]
        else:
            cases.append((arrangement(name), None, None))
    return cases


def risk_rows(arr, draws: int = RISK_DRAWS) -> pd.DataFrame:
    """Each organisation's yearly surplus distribution (£m) and chance of a deficit under an arrangement."""
    ledger = settle(default_place(), arr, draws=draws, seed=default("simulation.seed"))
    summary = risk_summary(ledger, quantiles=QUANTILES.values())
    for column in QUANTILES:
        summary[column] = summary[column] / MILLION
    return summary


def sharing_risk_frame(draws: int = RISK_DRAWS) -> pd.DataFrame:
    silos = risk_rows(arrangement("silos"), draws).assign(case=CASES[1])
    frames = []
    for arr, fraction, weight in sharing_risk_cases():
        rows = pd.concat([risk_rows(arr, draws).assign(case=CASES[0]), silos], ignore_index=True)
        rows["arrangement"], rows["fraction"], rows["equal_weight"] = arr.name, fraction, weight
        frames.append(rows)
    df = pd.concat(frames, ignore_index=True)
    df["organisation"] = df["organisation"].map(ORGANISATION_LABELS)
    df["chance_of_deficit"] = df["chance_of_deficit"].round(4)
    for column in QUANTILES:
        df[column] = df[column].round(3)
    return df[["arrangement", "fraction", "equal_weight", "case", "organisation", "chance_of_deficit",
               *QUANTILES]]


def sharing_risk_chart(draws: int = RISK_DRAWS) -> alt.VConcatChart:
    data = sharing_risk_frame(draws)
    chosen = _select("arrangement", ARRANGEMENT_LABELS, "acs", "Arrangement ")
    fraction = _slider("fraction", POOLED_FRACTIONS, default("arrangements.section75.pooled_fraction"),
                       "Pooled fraction of budgets (pooled fund only) ")
    weight = _slider("equal_weight", EQUAL_WEIGHTS, 0.0,
                     "Shares: 0 by budget, 1 equal (risk and gain share only) ")
    selected = ((alt.datum.arrangement == chosen)
                & ((alt.datum.fraction == None) | (alt.datum.fraction == fraction))  # noqa: E711
                & ((alt.datum.equal_weight == None) | (alt.datum.equal_weight == weight)))  # noqa: E711
    base = alt.Chart().transform_filter(selected).encode(
        y=alt.Y("organisation:N", title=None, sort=list(ORGANISATION_LABELS.values())),
        yOffset=alt.YOffset("case:N", sort=list(CASES)),
        color=alt.Color("case:N", title=None, sort=list(CASES), scale=alt.Scale(range=["#b2182b", "#999999"])),
    )
    money = alt.Axis(title="Yearly surplus (£ million; below 0 a deficit)")
    whiskers = base.mark_rule().encode(x=alt.X("p5:Q", axis=money), x2="p95:Q")
    box = base.mark_bar(size=7).encode(x="p25:Q", x2="p75:Q", tooltip=[
        "organisation:N", "case:N", alt.Tooltip("p5:Q", title="bad year, 5th percentile (£m)", format=",.2f"),
        alt.Tooltip("p50:Q", title="median (£m)", format=",.2f"),
        alt.Tooltip("p95:Q", title="good year, 95th percentile (£m)", format=",.2f")])
    median = base.mark_tick(color="black", thickness=2, size=9).encode(x="p50:Q")
    zero = alt.Chart(alt.Data(values=[{}])).mark_rule(strokeDash=[3, 3], color="black", aria=False).encode(x=alt.datum(0))
    spread = alt.layer(whiskers, box, median, zero).properties(
        width=560, height=300, title="Each organisation's yearly surplus: 5th, 25th, 50th, 75th, 95th percentiles")
    chance = base.mark_bar().encode(
        x=alt.X("chance_of_deficit:Q", title="Chance of a deficit in a year", axis=alt.Axis(format="%"),
                scale=alt.Scale(domain=[0, 1])))
    chance_text = base.mark_text(align="left", dx=3, fontSize=11).encode(
        x="chance_of_deficit:Q", text=alt.Text("chance_of_deficit:Q", format=".1%")).properties(name="readout")
    chart = alt.vconcat(spread, alt.layer(chance, chance_text).properties(width=560, height=300),
                        data=_values(data)).add_params(
        chosen, fraction, weight)
    return _finish(
        chart, SHARING_RISK, "Sharing risk: each organisation's good and bad years under an arrangement",
        f"Two charts over {draws:,} simulated runs of demand shocks. The first shows, for each "
        "organisation, the spread of its yearly surplus or deficit in pounds million: a line from the 5th "
        "to the 95th percentile, a box from the 25th to the 75th and a tick at the median, in red for the "
        "chosen arrangement and grey for silos. The second shows each organisation's chance of a deficit "
        "in a year, red for the chosen arrangement and grey for silos, with the percentage printed.")


CHARTS = {PAYING: paying_for_activity_chart, WRONG_POCKET: wrong_pocket_chart, SHARING_RISK: sharing_risk_chart}


def explorer_chart(name: str):
    """The chart of the explorer called ``name`` (one of `CHARTS`)."""
    from carepool import validation as check

    return CHARTS[check.one_of("explorer", name, CHARTS)]()
