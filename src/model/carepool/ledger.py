"""The books of a place: money comes in as funding and is then only moved.

Every arrangement settles a year's money through a `Ledger`: external funding
(`fund`), the cost of care (`spend`) and payments between organisations
(`pay`). A payment is one organisation's cost and another's income, so the
organisations' surpluses always add up to total funding minus total cost of
care: money is moved, never made.

The ledger also keeps each movement of money as a `Transfer` (who paid whom,
how much), in the order the arrangement made it, so that the book's money-flow
diagrams are drawn from what the model did (see `carepool.flows`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

COLUMNS = ("funding", "income", "care_cost", "cost", "activity", "emergency_admissions", "delayed_bed_days")


# The two parties of a transfer that are not organisations of the place.
OUTSIDE = "outside"  # where funding comes from: an NHS allocation, a council budget
SHARE = "risk_and_gain_share"  # the agreement a risk and gain share is settled through


@dataclass(frozen=True, eq=False)
class Transfer:
    """One movement of money: ``payer`` pays ``payee`` ``amount``, shaped (draws, years).

    ``kind`` is ``"funding"`` (from `OUTSIDE`), ``"payment"`` or ``"share"``
    (through `SHARE`, to each partner). A negative amount flows back, from
    payee to payer.
    """

    kind: str
    payer: str
    payee: str
    amount: np.ndarray


class Ledger:
    """Per-organisation totals of arrays shaped (draws, years)."""

    def __init__(self, shape: tuple[int, int]):
        self.shape = shape
        self.books: dict[str, dict[str, np.ndarray]] = {}
        self.transfers: list[Transfer] = []

    def open(self, org: str) -> dict[str, np.ndarray]:
        """The organisation's books, opened empty on first use (so it appears in results)."""
        if org not in self.books:
            self.books[org] = {c: np.zeros(self.shape) for c in COLUMNS}
        return self.books[org]

    def _add(self, org: str, column: str, amount) -> None:
        book = self.open(org)
        book[column] += amount  # each book owns its arrays, so adding in place is safe

    def _transfer(self, kind: str, payer: str, payee: str, amount) -> None:
        # A copy: the caller may go on to change the array it passed.
        self.transfers.append(Transfer(kind, payer, payee, np.array(np.broadcast_to(amount, self.shape), float)))

    def fund(self, org: str, amount) -> None:
        """External money arriving (an NHS allocation, a council budget)."""
        self._add(org, "funding", amount)
        self._add(org, "income", amount)
        self._transfer("funding", OUTSIDE, org, amount)

    def spend(self, org: str, amount) -> None:
        """The cost of care the organisation delivers."""
        self._add(org, "care_cost", amount)
        self._add(org, "cost", amount)

    def pay(self, payer: str, payee: str, amount) -> None:
        """A payment from one organisation to another (negative: it flows back)."""
        self._add(payer, "cost", amount)
        self._add(payee, "income", amount)
        self._transfer("payment", payer, payee, amount)

    def share(self, transfers: dict[str, np.ndarray]) -> None:
        """Transfers among partners that sum to zero (a risk and gain share).

        A positive transfer is income, a negative one a cost. Transfers that do
        not sum to zero would make or destroy money, so they are refused.
        """
        total = sum(np.broadcast_to(t, self.shape) for t in transfers.values())
        scale = 1.0 + sum(np.abs(t) for t in transfers.values())
        if np.any(np.abs(total) > 1e-9 * scale):
            raise ValueError("transfers must sum to zero in every year and draw")
        for org, t in transfers.items():
            self._add(org, "income", np.maximum(t, 0.0))
            self._add(org, "cost", np.maximum(-t, 0.0))
            self._transfer("share", SHARE, org, t)

    def record(self, org: str, column: str, amount) -> None:
        """Activity, emergency admissions or delayed bed-days delivered by `org`."""
        self._add(org, column, amount)

    def surplus(self, org: str) -> np.ndarray:
        book = self.books[org]
        return book["income"] - book["cost"]
