"""The books of a place: money comes in as funding and is then only moved.

Every arrangement settles a year's money through a `Ledger`: external funding
(`fund`), the cost of care (`spend`) and payments between organisations
(`pay`). A payment is one organisation's cost and another's income, so the
organisations' surpluses always add up to total funding minus total cost of
care: money is moved, never made.
"""

from __future__ import annotations

import numpy as np

COLUMNS = ("funding", "income", "care_cost", "cost", "activity", "emergency_admissions", "delayed_bed_days")


class Ledger:
    """Per-organisation totals of arrays shaped (draws, years)."""

    def __init__(self, shape: tuple[int, int]):
        self.shape = shape
        self.books: dict[str, dict[str, np.ndarray]] = {}

    def open(self, org: str) -> dict[str, np.ndarray]:
        """The organisation's books, opened empty on first use (so it appears in results)."""
        if org not in self.books:
            self.books[org] = {c: np.zeros(self.shape) for c in COLUMNS}
        return self.books[org]

    def _add(self, org: str, column: str, amount) -> None:
        book = self.open(org)
        book[column] += amount  # each book owns its arrays, so adding in place is safe

    def fund(self, org: str, amount) -> None:
        """External money arriving (an NHS allocation, a council budget)."""
        self._add(org, "funding", amount)
        self._add(org, "income", amount)

    def spend(self, org: str, amount) -> None:
        """The cost of care the organisation delivers."""
        self._add(org, "care_cost", amount)
        self._add(org, "cost", amount)

    def pay(self, payer: str, payee: str, amount) -> None:
        """A payment from one organisation to another (negative: it flows back)."""
        self._add(payer, "cost", amount)
        self._add(payee, "income", amount)

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

    def record(self, org: str, column: str, amount) -> None:
        """Activity, emergency admissions or delayed bed-days delivered by `org`."""
        self._add(org, column, amount)

    def surplus(self, org: str) -> np.ndarray:
        book = self.books[org]
        return book["income"] - book["cost"]
