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
from carepool.charts import ARRANGEMENT_LABELS, INVESTMENT_LINE_LABELS, ORGANISATION_LABELS
from carepool.levers import lever
from carepool.parameters import default
from carepool.payments import provider_income
from carepool.place import default_place
from carepool.questions import net_effect, risk_summary, wrong_pocket
from carepool.simulation import settle
from coursebook import budget_holders  # its chart uses this module's helpers, imported when it is drawn

# --- shared -----------------------------------------------------------------

MILLION = 1e6  # the charts show money in £ million


def _select(name: str, options: dict, value, label: str) -> alt.Parameter:
    return alt.param(name=name, value=value, bind=alt.binding_select(
        options=list(options), labels=list(options.values()), name=label))


def _slider(name: str, values: list[float], value, label: str) -> alt.Parameter:
    return alt.param(name=name, value=value, bind=alt.binding_range(
        min=values[0], max=values[-1], step=values[1] - values[0], name=label))


def _values(df: pd.DataFrame) -> alt.InlineData:
    """Inline rows for a chart, as CSV: a third of the bytes of JSON records, which repeat every
    field name in every row. Each column's type is given, so nothing is guessed; an empty
    number field (a missing value) is read as null."""
    # A column of numbers with gaps (None for "does not apply") has dtype object: still numbers.
    numbers = [c for c in df.columns if pd.api.types.is_numeric_dtype(df[c]) or (
        df[c].notna().any() and df[c].dropna().map(lambda v: isinstance(v, (int, float)) and not isinstance(v, bool)).all())]
    df = df.assign(**{c: pd.to_numeric(df[c]) for c in numbers})
    parse = {c: "number" if c in numbers else "string" for c in df.columns}
    return alt.InlineData(values=df.to_csv(index=False, float_format="%.10g"),
                          format=alt.DataFormat(type="csv", parse=parse))


def _finish(chart, name: str, title: str | list[str], description: str, applies: dict | None = None):
    usermeta = {"explorer": name}
    if applies:
        usermeta["applies"] = applies
    return chart.properties(title=title, description=description, usermeta=usermeta)


def _money_label(field: str, signed: bool = False) -> str:
    """A Vega expression printing a £m figure to £0.1m, as "£12.3m" (or "+£1.8m"/"−£5.0m" when signed)."""
    amount = f"format(abs(datum.{field}), ',.1f')"
    if signed:
        return f"(datum.{field} < 0 ? '\u2212' : datum.{field} > 0 ? '+' : '') + '£' + {amount} + 'm'"
    return f"(datum.{field} < 0 ? '\u2212' : '') + '£' + {amount} + 'm'"


def _domain(*columns: pd.Series, include_zero: bool = True) -> list[float]:
    """A scale domain covering every value an explorer can show, so its axis holds still as inputs move."""
    low = min(float(c.min()) for c in columns)
    high = max(float(c.max()) for c in columns)
    if include_zero:
        low, high = min(low, 0.0), max(high, 0.0)
    return [low, high]


# The least the scale shows either side of zero (£ million): it follows the bars shown, which at
# the model's defaults are a fraction of the largest any setting gives, and are drawn wide enough
# to see; with nothing to show (no investment) the axis still reads.
WRONG_POCKET_LEAST = 0.5
WRONG_POCKET_LEAST_ENDS = (-0.5, WRONG_POCKET_LEAST)  # the scale's least extent, as a layer of unseen points

# What each explorer asks of its reader, shown above it.
HOW_TO_USE = {
    "paying-for-activity": (
        "Move the number of emergency admissions this year and read each way of paying at that "
        "activity: the grey line on the chart and the list under it. The baseline and the marginal "
        "rate change the rules. The block contract and capitation lines lie on top of each other, "
        "and tariff plus shared savings runs along the tariff wherever admissions are at or above "
        "the baseline."),
    "wrong-pocket": (
        "Choose who invests upstream, how much, how much emergency cost each £1 avoids, and the "
        "arrangement. Each bar is the change in one organisation's yearly surplus: green gains, red "
        "pays; the blue bar is the net effect on the whole system. The scale follows the bars shown "
        f"(at least £{WRONG_POCKET_LEAST:g}m either side of zero), so read the figures beside the bars to "
        "compare settings."),
    "sharing-risk": (
        "Choose an arrangement and compare each organisation's good and bad years with silos (grey). "
        "The pooled fraction applies only to the pooled fund (Section 75), and the shares only to the "
        "accountable care system's risk and gain share; each is switched off for other arrangements."),
}


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
    order = list(PAYMENT_LABELS.values())
    # One legend for colour and dash: the lines that coincide (block and capitation; tariff and shared
    # savings above the baseline) stay distinguishable by their dashes.
    legend = alt.Legend(title="How the trust is paid", orient="bottom", columns=1, symbolStrokeWidth=3,
                        symbolSize=400, labelLimit=400)
    colour = alt.Color("payment:N", sort=order, legend=legend,
                       scale=alt.Scale(domain=order, range=["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e"]))
    dash = alt.StrokeDash("payment:N", sort=order, legend=legend,
                          scale=alt.Scale(domain=order, range=[[1, 0], [1, 0], [8, 4], [2, 3], [10, 3, 2, 3]]))
    base = alt.Chart().transform_filter(chosen_lines)
    income_scale = alt.Scale(domain=_domain(data["income"]), nice=True)
    lines = base.mark_line(strokeWidth=2.5).encode(
        x=alt.X("activity:Q", title="Emergency admissions in the year", axis=alt.Axis(format=",d")),
        y=alt.Y("income:Q", title="Trust income (£ million)", scale=income_scale),
        color=colour,
        strokeDash=dash,
    )
    at_activity = base.transform_filter(alt.datum.activity == activity).transform_calculate(
        shown=_money_label("income"))
    marker = at_activity.mark_point(size=70, filled=True).encode(
        x="activity:Q", y=alt.Y("income:Q", scale=income_scale),
        color=alt.Color("payment:N", sort=order, legend=None, scale=alt.Scale(domain=order, range=[
            "#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e"])),
        tooltip=[alt.Tooltip("payment:N", title="way of paying"),
                 alt.Tooltip("activity:Q", title="admissions", format=","),
                 alt.Tooltip("shown:N", title="income")])
    rule = at_activity.mark_rule(color="gray").encode(x="activity:Q")
    readout = at_activity.mark_text(align="left", fontSize=13).encode(
        y=alt.Y("payment:N", title=None, sort=order, axis=alt.Axis(labelLimit=400)),
        text=alt.Text("shown:N"),
    ).properties(name="readout", width=90, title="Income at the chosen admissions")
    # The rows are given once, at the top, and every view filters them.
    chart = alt.vconcat((lines + rule + marker).properties(width=560, height=300), readout,
                        data=_values(data)).add_params(
        baseline, rate, activity)
    return _finish(
        chart, PAYING, ["An acute trust's emergency income", "under five ways of paying"],
        "Line chart of an acute trust's income in pounds million against its emergency admissions in the "
        "year, one line for each way of paying: tariff, tariff with a marginal rate above the baseline, "
        "block contract, capitation and tariff plus shared savings. The block and capitation lines are "
        "flat and coincide; the others meet at the baseline. A list under the chart gives each income at "
        "the chosen number of admissions.")


# --- 2. The wrong pocket ----------------------------------------------------

WRONG_POCKET = "wrong-pocket"
INVESTORS = INVESTMENT_LINE_LABELS
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


# The designed width; the book narrows it to fit the column (sphinx/static/charts.js).
WRONG_POCKET_WIDTH = 420
ROLE_COLOURS = {"gains": "#1a9850", "pays": "#d73027", "unaffected": "#999999", "net": "#4575b4"}


def wrong_pocket_chart() -> alt.Chart:
    data = wrong_pocket_frame()
    line = _select("investor", INVESTORS, default("simulation.investment_line"), "Who invests upstream ")
    amount = _slider("amount", WRONG_POCKET_AMOUNTS, lever("simulation.upstream_investment").default / MILLION,
                     "Upstream investment (£ million a year) ")
    saving = alt.param(name="saving", value=lever("links.avoided_acute_cost_per_pound").default, bind=alt.binding_radio(
        options=WRONG_POCKET_SAVINGS, labels=[f"£{k:g}" for k in WRONG_POCKET_SAVINGS],
        name="Emergency cost avoided per £1 invested "))
    chosen = _select("arrangement", ARRANGEMENT_LABELS, "silos", "Arrangement ")
    selected = ((alt.datum.line == line) & (alt.datum.saving == saving) & (alt.datum.amount == amount)
                & (alt.datum.arrangement == chosen))
    base = alt.Chart().transform_filter(selected).transform_calculate(shown=_money_label("change", signed=True)).encode(
        y=alt.Y("organisation:N", title=None, sort=list(ORGANISATION_LABELS.values())))
    bars = base.mark_bar().encode(
        # The scale fits the bars shown (with the `least` layer below), so they are wide enough to see.
        x=alt.X("change:Q", title=["Change in yearly surplus, £ million", "(below 0: it pays)"],
                scale=alt.Scale(nice=True, zero=True), axis=alt.Axis(format=",.1~f")),
        color=alt.Color("role:N", title="Role", legend=alt.Legend(orient="bottom", columns=2),
                        scale=alt.Scale(domain=list(ROLE_COLOURS), range=list(ROLE_COLOURS.values()))),
        tooltip=["organisation:N", "role:N", alt.Tooltip("shown:N", title="change a year")],
    )
    labels = base.mark_text(align="left", dx=4).encode(
        x=alt.value("width"), text=alt.Text("shown:N")).properties(name="readout")
    least = alt.Chart(alt.Data(values=[{"change": end} for end in WRONG_POCKET_LEAST_ENDS])).mark_point(
        opacity=0, aria=False).encode(x="change:Q")
    chart = alt.layer(bars, labels, least, data=_values(data)).add_params(line, amount, saving, chosen).properties(
        width=WRONG_POCKET_WIDTH, height=260)
    return _finish(
        chart, WRONG_POCKET, ["The wrong pocket: who gains and who pays", "when one organisation invests upstream"],
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
                       "Pooled fraction of budgets ")
    weight = _slider("equal_weight", EQUAL_WEIGHTS, 0.0, "Shares: 0 in proportion to budgets, 1 equal ")
    selected = ((alt.datum.arrangement == chosen)
                & ((alt.datum.fraction == None) | (alt.datum.fraction == fraction))  # noqa: E711
                & ((alt.datum.equal_weight == None) | (alt.datum.equal_weight == weight)))  # noqa: E711
    base = alt.Chart().transform_filter(selected).encode(
        y=alt.Y("organisation:N", title=None, sort=list(ORGANISATION_LABELS.values())),
        yOffset=alt.YOffset("case:N", sort=list(CASES)),
        color=alt.Color("case:N", title=None, sort=list(CASES), scale=alt.Scale(range=["#b2182b", "#999999"]),
                        # One entry a line: side by side they were wider than a phone's column.
                        legend=alt.Legend(orient="top", direction="vertical", labelLimit=300)),
    )
    # One scale for every arrangement and share, so the spreads can be compared as the inputs move.
    money = alt.Axis(title=["Yearly surplus, £ million", "(below 0: a deficit)"], format=",.0f")
    money_scale = alt.Scale(domain=_domain(data["p5"], data["p95"]), nice=True)
    # Shapes are hidden from screen readers (aria=False): the figure is described by its
    # aria-label and the chances are printed as text marks; an empty, unnamed mark container
    # is what axe-core reports as svg-img-alt.
    whiskers = base.mark_rule(aria=False).encode(x=alt.X("p5:Q", axis=money, scale=money_scale), x2="p95:Q")
    box = base.mark_bar(size=7, aria=False).encode(x="p25:Q", x2="p75:Q", tooltip=[
        "organisation:N", "case:N", alt.Tooltip("p5:Q", title="bad year, 5th percentile (£m)", format=",.1f"),
        alt.Tooltip("p50:Q", title="median (£m)", format=",.1f"),
        alt.Tooltip("p95:Q", title="good year, 95th percentile (£m)", format=",.1f")])
    median = base.mark_tick(color="black", thickness=2, size=9, aria=False).encode(x="p50:Q")
    zero = alt.Chart(alt.Data(values=[{}])).mark_rule(strokeDash=[3, 3], color="black", aria=False).encode(x=alt.datum(0))
    spread = alt.layer(whiskers, box, median, zero).properties(
        width=520, height=300,
        title=alt.TitleParams(["Yearly surplus: line 5th to 95th percentile,", "box 25th to 75th, tick the median"],
                              fontSize=13, anchor="start"))
    chance = base.mark_bar(aria=False).encode(
        x=alt.X("chance_of_deficit:Q", title="Chance of a deficit in a year", axis=alt.Axis(format="%"),
                scale=alt.Scale(domain=[0, 1])))
    chance_text = base.mark_text(align="left", dx=3, fontSize=11).encode(
        x="chance_of_deficit:Q", text=alt.Text("chance_of_deficit:Q", format=".1%")).properties(name="readout")
    risk = alt.layer(chance, chance_text).properties(
        width=520, height=300,
        title=alt.TitleParams("Chance of a deficit in a year", fontSize=13, anchor="start"))
    chart = alt.vconcat(spread, risk, data=_values(data)).add_params(chosen, fraction, weight)
    return _finish(
        chart, SHARING_RISK, ["Sharing risk: each organisation's good", "and bad years under an arrangement"],
        f"Two charts over {draws:,} simulated runs of demand shocks. The first shows, for each "
        "organisation, the spread of its yearly surplus or deficit in pounds million: a line from the 5th "
        "to the 95th percentile, a box from the 25th to the 75th and a tick at the median, in red for the "
        "chosen arrangement and grey for silos. The second shows each organisation's chance of a deficit "
        "in a year, red for the chosen arrangement and grey for silos, with the percentage printed.",
        applies={
            "fraction": {"when": {"arrangement": ["section75"]},
                         "reason": "Only for the pooled fund (Section 75): choose it under Arrangement."},
            "equal_weight": {"when": {"arrangement": ["acs"]},
                             "reason": "Only for the accountable care system's risk and gain share: "
                                       "choose it under Arrangement."},
        })


CHARTS = {PAYING: paying_for_activity_chart, WRONG_POCKET: wrong_pocket_chart, SHARING_RISK: sharing_risk_chart,
          budget_holders.NAME: budget_holders.budget_holders_chart}
HOW_TO_USE[budget_holders.NAME] = budget_holders.HOW_TO_USE


def explorer_chart(name: str):
    """The chart of the explorer called ``name`` (one of `CHARTS`)."""
    from carepool import validation as check

    return CHARTS[check.one_of("explorer", name, CHARTS)]()
