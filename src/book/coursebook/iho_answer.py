"""The model's answer to the IHO chapter's questions, for four of England's arrangements side by side.

For the model's default place, under the PCT-era silos (``silos``), the 2018
design of the English ACO contract (``aco``), the integrated care board
(``icb``) and the integrated health organisation (``iho``), each with its
default options, `answer` returns one row per organisation:

- ``share``: the share of the area's health and care money (the NHS
  allocation plus the council's budget) the organisation is paid in a year of
  expected demand, its budget as the model counts one (`arrangements.budgets`);
  money one organisation passes to another is in both budgets, so the shares
  of an arrangement can add up to more than one;
- ``passed_on``: the share it pays on to other organisations of the place;
- ``chance_of_deficit``, ``bad_year``, ``mean_surplus``: from
  `questions.risk_summary` over the simulated years and draws;
- ``community`` and ``social_care``: the change in its yearly surplus when
  the amount of `simulation.upstream_investment` is spent on that line
  (`questions.wrong_pocket`; negative: it pays).

No arithmetic of the model happens here: every figure is read from the
model's own ledgers and questions; this module only gathers and formats them.
"""

from __future__ import annotations

import pandas as pd
from carepool.parameters import default
from carepool.place import Place, default_place
from carepool.questions import risk_summary, wrong_pocket
from carepool.simulation import settle

# The arrangements in the order England tried them, and how the chapter names each.
ERAS = {
    "silos": "PCT era (about 2010)",
    "aco": "ACO contract (2018 design)",
    "icb": "Integrated care board (2022)",
    "iho": "IHO contract (from 2027)",
}
ORGANISATIONS = {
    "nhs_commissioner": "NHS commissioner",
    "icb": "Integrated care board",
    "aco": "ACO",
    "iho": "IHO (a foundation trust)",
    "acute_trust": "Acute trust",
    "community_provider": "Community provider",
    "gp_practices": "GP practices",
    "local_authority": "Council",
}
PREVENTION_LINES = ("community", "social_care")


def holdings(place: Place) -> pd.DataFrame:
    """Each organisation's budget (``share``) and what it pays on (``passed_on``), as shares of the area's
    money, in the first year of expected demand."""
    rows = []
    for name in ERAS:
        books = settle(place, name, years=1).books
        area = sum(float(b["funding"][0, 0]) for b in books.values())
        for org, b in books.items():
            paid_on = float(b["cost"][0, 0] - b["care_cost"][0, 0])
            rows.append({"arrangement": name, "organisation": org, "share": float(b["income"][0, 0]) / area,
                         "passed_on": paid_on / area, "area_money": area})
    return pd.DataFrame(rows)


def risks(place: Place, draws: int, seed: int) -> pd.DataFrame:
    """Each organisation's chance of a deficit, bad year and mean surplus over the simulated years and draws."""
    frames = []
    for name in ERAS:
        summary = risk_summary(settle(place, name, draws=draws, seed=seed))
        summary.insert(0, "arrangement", name)
        frames.append(summary[["arrangement", "organisation", "chance_of_deficit", "bad_year", "mean_surplus"]])
    return pd.concat(frames, ignore_index=True)


def prevention(place: Place, amount: float) -> pd.DataFrame:
    """Each organisation's change in surplus when ``amount`` a year is spent on each upstream line."""
    columns = []
    for line in PREVENTION_LINES:
        moved = wrong_pocket(place, investment_line=line, amount=amount, arrangements=list(ERAS))
        columns.append(moved.set_index(["arrangement", "organisation"])["surplus_change"].rename(line))
    return pd.concat(columns, axis=1).reset_index()


def delayed_discharge_cost(place: Place, name: str, organisation: str | None = None, *, draws: int | None = None,
                           seed: int | None = None) -> float:
    """The mean yearly cost of the delayed discharges ``organisation`` bears under arrangement ``name``
    (default: the organisation of that name), over the simulated years and draws."""
    draws = default("simulation.draws") if draws is None else draws
    seed = default("simulation.seed") if seed is None else seed
    books = settle(place, name, draws=draws, seed=seed).books[organisation or name]
    return float(books["delayed_bed_days"].mean()) * place.links.excess_bed_day_cost


def answer(place: Place | None = None, *, draws: int | None = None, seed: int | None = None,
           amount: float | None = None) -> pd.DataFrame:
    """Holdings, risks and the effects of prevention, one row per arrangement and organisation, in `ERAS`'
    order (defaults: the default place, and the simulation's draws, seed and upstream investment)."""
    place = default_place() if place is None else place
    draws = default("simulation.draws") if draws is None else draws
    seed = default("simulation.seed") if seed is None else seed
    amount = default("simulation.upstream_investment") if amount is None else amount
    keys = ["arrangement", "organisation"]
    merged = holdings(place).merge(risks(place, draws, seed), on=keys, how="outer", validate="one_to_one")
    merged = merged.merge(prevention(place, amount), on=keys, how="outer", validate="one_to_one")
    if merged.isna().any().any():
        raise ValueError("an organisation appears in one of the model's answers and not in another")
    order = {name: i for i, name in enumerate(ERAS)}
    rank = {org: i for i, org in enumerate(ORGANISATIONS)}
    merged["_order"] = merged["arrangement"].map(order) * 100 + merged["organisation"].map(rank)
    return merged.sort_values("_order").drop(columns="_order").reset_index(drop=True)


# --- formatting, for the chapter's tables -------------------------------------------

def percent(value: float) -> str:
    return f"{value:.0%}"


def millions(value: float) -> str:
    """£ millions to one decimal place, a deficit with a true minus sign."""
    return f"−£{abs(value) / 1e6:,.1f}m" if round(value / 1e5) < 0 else f"£{abs(value) / 1e6:,.1f}m"


def change(value: float) -> str:
    """A change in surplus in whole pounds: "+£122,500", "−£1,000,000" or "none" (under a penny)."""
    if abs(value) < 0.01:
        return "none"
    return f"{'+' if value > 0 else '−'}£{abs(value):,.0f}"


def _rows(frame: pd.DataFrame, cells) -> list[str]:
    lines = []
    for _, r in frame.iterrows():
        lines.append("| " + " | ".join([ERAS[r["arrangement"]], ORGANISATIONS[r["organisation"]], *cells(r)]) + " |")
    return lines


def _table(name: str, caption: str, header: list[str], rows: list[str]) -> str:
    return "\n".join([f"```{{table}} {caption}", f":name: {name}", "",
                      "| " + " | ".join(header) + " |", "|" + "---|" * len(header), *rows, "```"])


def ordinal(number: float) -> str:
    """5 -> "5th", 1 -> "1st", 22 -> "22nd", 2.5 -> "2.5th"."""
    n = int(number)
    if n != number or n % 100 in (11, 12, 13):
        return f"{number:g}th"
    return f"{n}{({1: 'st', 2: 'nd', 3: 'rd'}).get(n % 10, 'th')}"


def holding_table(frame: pd.DataFrame, place: Place, draws: int, name: str = "tbl-iho-model-holdings") -> str:
    """A MyST table: each organisation's budget, chance of a deficit and bad year, under each arrangement,
    its caption naming the run (``place`` and ``draws`` as `answer` was given them)."""
    percentile = default("simulation.bad_year_percentile")
    header = ["arrangement", "organisation", "budget (share of the area's money)", "chance of a deficit",
              f"surplus in a bad year ({ordinal(percentile)} percentile)"]
    caption = (f"Who holds what, and who bears a bad year, in the model's default place of "
               f"{place.population:,.0f} people, each design run {draws:,} times over {place.years} years")
    return _table(name, caption,
                  header, _rows(frame, lambda r: [f"{r['share']:.1%}", percent(r["chance_of_deficit"]),
                                                  millions(r["bad_year"])]))


def prevention_table(frame: pd.DataFrame, amount: float, name: str = "tbl-iho-model-prevention") -> str:
    """A MyST table: each organisation's change in surplus when ``amount`` is spent on each upstream line."""
    header = ["arrangement", "organisation", f"{millions(amount)} a year more on community services",
              f"{millions(amount)} a year more on social care"]
    return _table(name, "Who gains and who pays when money is spent upstream, in the model's default place",
                  header, _rows(frame, lambda r: [change(r["community"]), change(r["social_care"])]))
