"""Who pays whom in an arrangement: the flows of money in one expected year.

`money_flows("silos")` settles one year of the place's expected demand (no
shocks, no upstream investment) under the arrangement and reads back what its
ledger recorded: each funding, payment and risk-share transfer, added up for
each payer and payee, and each organisation's cost of care and surplus. The
book draws its money-flow diagrams from this, so picture and model cannot
disagree::

    flows = money_flows("section75")
    for e in flows.edges:
        print(e.payer, "pays", e.payee, f"£{e.amount:,.0f}")

Money is moved, never made: for every organisation, the money flowing in less
the money flowing out less its cost of care is its surplus.
"""

from __future__ import annotations

from dataclasses import dataclass

from carepool.arrangements import Arrangement, arrangement as pick
from carepool.care import care, no_shocks
from carepool.ledger import OUTSIDE, SHARE, Ledger
from carepool.place import Place, default_place
from carepool import validation as check

__all__ = ["OUTSIDE", "SHARE", "Flow", "Position", "MoneyFlows", "money_flows", "flows_of"]

# Amounts under a penny are rounding, not money: such a flow is left out.
PENNY = 0.005


@dataclass(frozen=True)
class Flow:
    """``payer`` pays ``payee`` ``amount`` pounds (always positive) in the year.

    ``kind`` is ``"funding"`` (from `OUTSIDE`), ``"payment"`` or ``"share"``
    (to or from `SHARE`, the risk and gain share agreement).
    """

    payer: str
    payee: str
    kind: str
    amount: float


@dataclass(frozen=True)
class Position:
    """An organisation's year: external funding, cost of care and surplus (negative: a deficit)."""

    organisation: str
    funding: float
    care_cost: float
    surplus: float

    @property
    def keeps(self) -> str:
        """``"surplus"``, ``"deficit"`` or ``"nothing"``: what the organisation is left with."""
        if self.surplus > PENNY:
            return "surplus"
        if self.surplus < -PENNY:
            return "deficit"
        return "nothing"


@dataclass(frozen=True)
class MoneyFlows:
    """An arrangement's flows of money in one expected year, and who is left with what."""

    arrangement: str
    title: str
    budget_holder: str
    providers_paid: str
    surplus_kept_by: str
    edges: tuple[Flow, ...]
    positions: tuple[Position, ...]

    @property
    def parties(self) -> list[str]:
        """Everyone money flows between: `OUTSIDE`, the organisations, and `SHARE` if used."""
        named = [OUTSIDE] + [p.organisation for p in self.positions]
        if any(SHARE in (e.payer, e.payee) for e in self.edges):
            named.append(SHARE)
        return named

    def position(self, organisation: str) -> Position:
        return next(p for p in self.positions if p.organisation == organisation)


def flows_of(ledger: Ledger, arrangement: Arrangement, draw: int = 0, year: int = 1) -> MoneyFlows:
    """The flows of one draw and year of a settled ledger.

    Transfers between the same payer and payee (for instance a tariff and a
    marginal-rate tariff) are added up; a negative sum flows the other way.
    """
    check.whole_number("draw", draw, 0, ledger.shape[0] - 1)
    check.whole_number("year", year, 1, ledger.shape[1])
    totals: dict[tuple[str, str], tuple[str, float]] = {}
    for t in ledger.transfers:
        amount = float(t.amount[draw, year - 1])
        if amount < 0:
            payer, payee, amount = t.payee, t.payer, -amount
        else:
            payer, payee = t.payer, t.payee
        kind, total = totals.get((payer, payee), (t.kind, 0.0))
        totals[(payer, payee)] = (kind, total + amount)
    edges = tuple(Flow(payer, payee, kind, amount) for (payer, payee), (kind, amount) in totals.items()
                  if amount >= PENNY)
    positions = tuple(
        Position(org, float(book["funding"][draw, year - 1]), float(book["care_cost"][draw, year - 1]),
                 float(ledger.surplus(org)[draw, year - 1]))
        for org, book in ledger.books.items()
    )
    return MoneyFlows(arrangement.name, arrangement.title, arrangement.budget_holder, arrangement.providers_paid,
                      arrangement.surplus_kept_by, edges, positions)


def money_flows(arrangement: str | Arrangement, place: Place | None = None) -> MoneyFlows:
    """Who pays whom under ``arrangement`` (a name from `arrangement_names()` or an
    `Arrangement`) in one year of ``place``'s expected demand (default: `default_place()`)."""
    place = default_place() if place is None else place
    if not isinstance(place, Place):
        raise check.ModelInputError("place", "a Place (see default_place())", place)
    chosen = pick(arrangement)
    return flows_of(chosen.settle(place, care(place, no_shocks(1))), chosen)
