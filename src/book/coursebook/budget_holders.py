"""The explorer "Who holds the budget?": England's answers from 2002 to 2027, side by side.

For the model's default place, and for each of the PCT era's silos, the English
ACO contract, the integrated care board, the integrated health organisation
(IHO) and the US shared savings ACO, it shows what carepool computes:

- the budget each organisation holds: the money paid to it in an expected
  year (its allocation, or what its commissioner pays it), as a share of the
  area's health and care money (`carepool.flows.money_flows`);
- each organisation's chance of a deficit in a year and its bad year (the 5th
  percentile of its yearly surplus) over the simulated runs
  (`carepool.questions.deficit_risk`);
- who gains and who pays when the council spends upstream on social care, or
  the NHS on community services (`carepool.questions.wrong_pocket`).

The IHO's rows follow what the guidance leaves open, its levers in
``parameters/arrangements.yaml`` (``iho.*``), each over its lever's grid. To keep
the page light (and the build quick: each case is a Monte Carlo run) the
choices are varied one at a time from their defaults, one case for each value
of each, not every combination of them: the reader picks which one to vary,
and the other inputs are disabled with the reason. As in
`coursebook.explorers`, the chart only selects precomputed rows; every number
is carepool's.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from carepool.arrangements import Arrangement, arrangement
from carepool.flows import money_flows
from carepool.levers import lever
from carepool.parameters import default
from carepool.place import default_place
from carepool.questions import deficit_risk, wrong_pocket

NAME = "who-holds-the-budget"
HOW_TO_USE = (
    "Read down the five answers to \"who holds the budget?\" for the same place: the share of the area's health "
    "and care money each organisation holds, its chance of a deficit in a year, its bad year, and who gains "
    "(green) and who pays (red) when the organisation you choose spends upstream. The IHO's inputs move only its "
    "rows: choose which of the choices its guidance leaves open to vary, then move it; the others stay at their "
    "starting values.")

MILLION = 1e6  # money in £ million, as in coursebook.explorers

# In the order England met them; the American programme last, for comparison.
ARRANGEMENTS = {
    "silos": "PCT era (2002-2013): silos",
    "aco": "English ACO contract (2017-18 draft)",
    "icb": "Integrated care board (2022-)",
    "iho": "Integrated health organisation (2027-)",
    "mssp": "For comparison: US shared savings ACO",
}
ORGANISATIONS = {
    "nhs_commissioner": "NHS commissioner",
    "icb": "Integrated care board",
    "iho": "IHO (foundation trust)",
    "aco": "ACO",
    "acute_trust": "Acute trust",
    "community_provider": "Community provider",
    "gp_practices": "GP practices",
    "local_authority": "Council",
    "pooled_fund": "Section 75 pool",
}
INVESTORS = {
    "social_care": "The council, in social care",
    "community": "The NHS, in community services",
}
INVESTMENT = default("simulation.upstream_investment")   # £ a year, as the wrong-pocket explorer starts
DRAWS = default("simulation.draws")

# What the IHO guidance leaves open: each an input, over its lever's grid.
IHO_CHOICES = {
    "risk_share": "Share of its surplus or deficit passed to the ICB",
    "capitation_margin": "Capitated budget above expected cost",
    "general_practice": "General practice in its budget",
    "community_services": "Community services",
    "section75_fraction": "Section 75 pool with the council",
}
IHO_GRIDS = {option: lever(f"arrangements.iho.{option}").grid() for option in IHO_CHOICES}
IHO_DEFAULTS = {option: default(f"arrangements.iho.{option}") for option in IHO_CHOICES}
CHOICE_WORDS = {
    "general_practice": {"subcontract": "In its budget: it pays the practices",
                         "icb": "Left with the ICB"},
    "community_services": {"subcontract": "Subcontracted for a fixed sum", "in_house": "Run in house"},
}
# The input each open choice is bound to (its name in a scenario link).
INPUTS = {"risk_share": "risk_share", "capitation_margin": "margin", "general_practice": "general_practice",
          "community_services": "community", "section75_fraction": "section75"}


def iho_cases() -> list[tuple[str, object, Arrangement]]:
    """(open choice varied, its value, the IHO) for each value of each choice, the others at their defaults."""
    return [(option, value, arrangement("iho", **{option: value}))
            for option in IHO_CHOICES for value in IHO_GRIDS[option]]


def _rows(arr: Arrangement) -> pd.DataFrame:
    """One row per organisation of ``arr``: the budget it holds (share of the area's money), chance of
    a deficit, bad year (£m) and the change in its yearly surplus (£m) when each investor spends."""
    flows = money_flows(arr)
    area = sum(e.amount for e in flows.edges if e.kind == "funding")
    held = {p.organisation: sum(e.amount for e in flows.edges
                                if e.payee == p.organisation and e.kind in ("funding", "payment"))
            for p in flows.positions}
    risk = deficit_risk(default_place(), arr, draws=DRAWS, compare_with=None).set_index("organisation")
    rows = pd.DataFrame({"organisation": list(held), "held": [held[o] / area for o in held]})
    rows["chance"] = rows.organisation.map(risk["chance_of_deficit"])
    rows["bad_year"] = rows.organisation.map(risk["bad_year"]) / MILLION
    for line in INVESTORS:
        changes = wrong_pocket(default_place(), investment_line=line, amount=INVESTMENT,
                               arrangements=[arr]).set_index("organisation")
        rows[f"change_{line}"] = rows.organisation.map(changes["surplus_change"]) / MILLION
        rows[f"role_{line}"] = rows.organisation.map(changes["role"])
    return rows


def budget_holders_frame() -> pd.DataFrame:
    """Every row the explorer can show: the four fixed answers (``vary`` missing) and the IHO's cases
    (``vary`` the open choice varied, ``value`` its number or ``choice`` its word)."""
    frames = []
    for name in ARRANGEMENTS:
        if name == "iho":
            for option, value, arr in iho_cases():
                numeric = option not in CHOICE_WORDS
                frames.append(_rows(arr).assign(arrangement=name, vary=option,
                                                value=value if numeric else None,
                                                choice=None if numeric else value))
        else:
            frames.append(_rows(arrangement(name)).assign(arrangement=name, vary=None, value=None, choice=None))
    df = pd.concat(frames, ignore_index=True)
    # A row key for the y axis: an organisation under its arrangement.
    df["organisation"] = df.organisation.map(ORGANISATIONS)
    df["row"] = df.arrangement + "|" + df.organisation
    df["held"] = df["held"].round(4)
    df["chance"] = df["chance"].round(4)
    for column in ["bad_year"] + [f"change_{line}" for line in INVESTORS]:
        df[column] = df[column].round(3)
    return df[["arrangement", "vary", "value", "choice", "row", "organisation", "held", "chance", "bad_year",
               *[f"{k}_{line}" for line in INVESTORS for k in ("change", "role")]]]


def row_order(df: pd.DataFrame) -> list[str]:
    """The y axis: each arrangement's heading (``<arrangement>|``), then its organisations
    (``<arrangement>|<organisation's name>``, the axis printing the name) in a fixed
    order, every organisation any of its cases has (so the axis holds still as inputs move)."""
    order = []
    for name in ARRANGEMENTS:
        present = set(df.row[df.arrangement == name])
        order += [f"{name}|"] + [f"{name}|{o}" for o in ORGANISATIONS.values() if f"{name}|{o}" in present]
    return order


# The wrong-pocket columns of the chosen investor.
CHOSEN_LINE = {"change": "investor == 'community' ? datum.change_community : datum.change_social_care",
               "role": "investor == 'community' ? datum.role_community : datum.role_social_care"}
ROLE_COLOURS = {"gains": "#1a9850", "pays": "#d73027", "unaffected": "#999999"}
LABEL_WIDTH = 132   # the organisations' names; each arrangement's heading starts under them
PLOT_WIDTH = 300    # designed; the book narrows it to fit the column (sphinx/static/charts.js)


def budget_holders_chart() -> alt.VConcatChart:
    # The shared helpers, imported here: coursebook.explorers imports this module to register it.
    from coursebook.explorers import _finish, _select, _slider, _values

    data = budget_holders_frame()
    vary = _select("vary", IHO_CHOICES, "risk_share", "IHO: the open choice to vary ")
    inputs = [
        _slider("risk_share", IHO_GRIDS["risk_share"], IHO_DEFAULTS["risk_share"],
                "IHO: share of its surplus or deficit passed to the ICB "),
        _slider("margin", IHO_GRIDS["capitation_margin"], IHO_DEFAULTS["capitation_margin"],
                "IHO: capitated budget above expected cost (fraction) "),
        _select("general_practice", CHOICE_WORDS["general_practice"], IHO_DEFAULTS["general_practice"],
                "IHO: general practice "),
        _select("community", CHOICE_WORDS["community_services"], IHO_DEFAULTS["community_services"],
                "IHO: community services "),
        _slider("section75", IHO_GRIDS["section75_fraction"], IHO_DEFAULTS["section75_fraction"],
                "IHO: section 75 pool with the council (fraction of budgets) "),
    ]
    investor = _select("investor", INVESTORS, default("simulation.investment_line"), "Who spends upstream ")
    # The fixed answers always; the IHO's rows for the chosen open choice at its input's value.
    picked = " || ".join(
        f"(vary == '{option}' && datum.{'choice' if option in CHOICE_WORDS else 'value'} == {INPUTS[option]})"
        for option in IHO_CHOICES)
    shown = f"datum.vary == null || (datum.vary == vary && ({picked}))"

    headings = alt.Data(values=[{"row": f"{name}|", "heading": label} for name, label in ARRANGEMENTS.items()])
    y = alt.Y("row:N", title=None, scale=alt.Scale(domain=row_order(data)), axis=alt.Axis(
        labelExpr="split(datum.value, '|')[1]", ticks=False, domain=False, labelFontSize=11, labelLimit=LABEL_WIDTH - 6, labelOverlap=False, labelSeparation=0,
        minExtent=LABEL_WIDTH, maxExtent=LABEL_WIDTH))

    def panel(x: alt.X, colour, title: str | list[str], readout: str, **calculate) -> alt.LayerChart:
        base = alt.Chart().transform_filter(shown).transform_calculate(**calculate).encode(y=y)
        bars = base.mark_bar(aria=False).encode(x=x, color=colour, tooltip=[
            alt.Tooltip("organisation:N", title="organisation"), alt.Tooltip("shown:N", title="value")])
        # Printed at the right of the plot, where no bar reaches.
        printed = base.mark_text(align="left", dx=4, fontSize=11).encode(
            x=alt.value("width"), text=alt.Text("shown:N")).properties(name=readout)
        # Each arrangement's name heads its rows, from the left edge of the names.
        heading = alt.Chart(headings).mark_text(align="left", fontWeight="bold", fontSize=12, x=-LABEL_WIDTH,
                                                aria=False).encode(y=y, text="heading:N")
        return alt.layer(heading, bars, printed).properties(
            width=PLOT_WIDTH, height=alt.Step(16), title=alt.TitleParams(title, fontSize=13, anchor="start"))

    fraction = alt.Axis(format="%")
    share = panel(alt.X("held:Q", title="Share of the area's money", axis=fraction, scale=alt.Scale(domain=[0, 1])),
                  alt.value("#4575b4"), ["The budget each holds: its share of the", "area's health and care money (money passed", "on counts for each who holds it)"],
                  "readout_held", shown="format(datum.held, '.1%')")
    chance = panel(alt.X("chance:Q", title="Chance of a deficit", axis=fraction, scale=alt.Scale(domain=[0, 1])),
                   alt.value("#b2182b"), "Its chance of a deficit in a year", "readout_chance",
                   shown="format(datum.chance, '.1%')")
    bad = panel(alt.X("bad_year:Q", title=["Surplus, £ million", "(below 0: a deficit)"], axis=alt.Axis(format=",.0f"),
                      scale=alt.Scale(domain=_domain(data["bad_year"]), nice=True)),
                alt.value("#d6604d"), ["Its bad year: the surplus that 1 year", "in 20 falls below"],
                "readout_bad_year", shown=_pounds("bad_year"))
    pocket = panel(
        alt.X("change:Q", title=["Change in yearly surplus, £ million", "(below 0: it pays)"],
              axis=alt.Axis(format=",.1f"),
              scale=alt.Scale(domain=_domain(*(data[f"change_{line}"] for line in INVESTORS)), nice=True)),
        alt.Color("role:N", title=None, scale=alt.Scale(domain=list(ROLE_COLOURS), range=list(ROLE_COLOURS.values())),
                  legend=alt.Legend(orient="bottom", direction="horizontal", labelFontSize=11)),
        ["Who gains and who pays when the chosen", f"organisation spends £{INVESTMENT / MILLION:g}m a year upstream"],
        "readout_change", **CHOSEN_LINE, shown=_pounds("change", signed=True))

    chart = alt.vconcat(share, chance, bad, pocket, data=_values(data), spacing=30).add_params(
        vary, *inputs, investor)
    reason = "At its starting value: choose it under “IHO: the open choice to vary” to move it."
    return _finish(
        chart, NAME, ["Who holds the budget?", "Five answers for the same place"],
        f"Four bar charts, one row for each organisation under five arrangements for the same place: the PCT "
        f"era's silos, the English ACO contract, the integrated care board, the integrated health organisation "
        f"and the US shared savings ACO. The first shows the share of the area's health and care money each "
        f"organisation holds in an expected year; the second its chance of a deficit in a year, over "
        f"{DRAWS:,} simulated runs; the third its surplus in a bad year (the 5th percentile), in pounds "
        f"million; the fourth the change in its yearly surplus when the council or the NHS spends "
        f"£{INVESTMENT / MILLION:g} million a year upstream, green where it gains and red where it pays. "
        f"Each value is printed beside its row.",
        applies={INPUTS[o]: {"when": {"vary": [o]}, "reason": reason} for o in IHO_CHOICES})


def _pounds(field: str, signed: bool = False) -> str:
    """A Vega expression printing a £m figure to £0.01m, as "−£13.38m" (or "+£0.18m" when signed): the
    upstream spend is £1m, so its effects are a few tenths of that (`coursebook.explorers._money_label`
    prints to £0.1m)."""
    amount = f"format(abs(datum.{field}), ',.2f')"
    sign = f"datum.{field} < 0 ? '\u2212' : " + (f"datum.{field} > 0 ? '+' : ''" if signed else "''")
    return f"({sign}) + '£' + {amount} + 'm'"


def _domain(*columns: pd.Series) -> list[float]:
    """A scale domain covering every value the explorer can show, and 0, so its axis holds still."""
    return [min(0.0, *(float(c.min()) for c in columns)), max(0.0, *(float(c.max()) for c in columns))]
