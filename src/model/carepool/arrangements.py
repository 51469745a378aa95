"""The eight arrangements of the model: who holds the budget, how providers are
paid, and who keeps a surplus or bears a deficit (the model reference page,
book/model/model_reference.md, describes each, with its equations).

Pick one by name, with options, and inspect it::

    >>> a = arrangement("section75", pooled_fraction=0.3)
    >>> print(a.describe())

Each arrangement is a frozen dataclass whose `settle(place, care)` returns the
`Ledger` of the place's money: funding, cost of care and payments between
organisations. Defaults for every option come from ``parameters/arrangements.yaml``.
"""

from __future__ import annotations

import dataclasses
import textwrap
from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from carepool import payments, pooling
from carepool import validation as check
from carepool.care import Care, no_shocks
from carepool.care import care as make_care
from carepool.ledger import Ledger
from carepool.levers import checked
from carepool.parameters import default
from carepool.place import (ACUTE_TRUST, COMMUNITY_PROVIDER, GP_PRACTICES, LOCAL_AUTHORITY, NHS_COMMISSIONER,
                            NHS_SERVICES, SERVICES, Place)

ACO = "aco"
POOLED_FUND = "pooled_fund"
ICB = "icb"
IHO = "iho"
SILO_ORGANISATIONS = (NHS_COMMISSIONER, ACUTE_TRUST, COMMUNITY_PROVIDER, GP_PRACTICES, LOCAL_AUTHORITY)

# Each name an arrangement's results may hold, in plain words (a student meets these names in tables).
ORGANISATIONS: Mapping[str, str] = {
    NHS_COMMISSIONER: "the NHS commissioner, holding the NHS budget (a PCT in the PCT era; Medicare in mssp)",
    ACUTE_TRUST: "the acute trust (the hospital)",
    COMMUNITY_PROVIDER: "the provider of community services",
    GP_PRACTICES: "the GP practices",
    LOCAL_AUTHORITY: "the council, paying for social care and public health",
    ACO: ("the accountable care organisation: in aco one provider holding the budget for NHS services; "
          "in mssp the providers, paid fee-for-service with a share of savings"),
    POOLED_FUND: ("the section 75 pooled fund: not an organisation but the partners' shared budget, "
                  "kept in books of its own"),
    ICB: "the integrated care board, holding the NHS budget",
    IHO: "the integrated health organisation: the foundation trust holding the capitated contract",
    "first_contact_pot": "the first-contact pot (general practice)",
    "continuing_care_pot": "the continuing-care pot (community services, emergency care and social care)",
    "planned_specialist_pot": "the planned and specialist pot (elective care)",
    "public_health_pot": "the public health pot",
}


@dataclass(frozen=True)
class Arrangement:
    """What every arrangement has: a name, its description (as on the model reference page) and a
    `settle` rule."""

    name: ClassVar[str]
    title: ClassVar[str]
    budget_holder: ClassVar[str]
    providers_paid: ClassVar[str]
    surplus_kept_by: ClassVar[str]

    @property
    def options(self) -> dict:
        """The arrangement's chosen options (empty for those with none)."""
        return {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}

    def organisations(self) -> list[str]:
        """The names this arrangement's results hold a row for (see `ORGANISATIONS`), in their order."""
        from carepool.place import default_place  # settled once, on the expected path, to see whose books open
        return list(self.settle(default_place(), make_care(default_place(), no_shocks(1))).books)

    def describe(self) -> str:
        """A plain-words account of the arrangement: who holds the budget, its organisations, its options."""
        present = self.organisations()
        lines = [
            f"{self.title} ({self.name!r})",
            f"  who holds the budget: {self.budget_holder}",
            f"  how providers are paid: {self.providers_paid}",
            f"  who keeps a surplus or bears a deficit: {self.surplus_kept_by}",
            "  organisations in its results:",
            *(f"    {org}: {ORGANISATIONS.get(org, org)}" for org in present),
        ]
        absent = [org for org in SILO_ORGANISATIONS if org not in present]
        if absent:
            lines.append(f"  not in its results (they do not exist under it): {', '.join(absent)}; in a table "
                         "of several arrangements their cells here are empty (NaN), not 0")
        if self.options:
            lines.append("  options: " + ", ".join(f"{k}={v!r}" for k, v in self.options.items()))
        indent = lambda line: " " * (len(line) - len(line.lstrip()) + 2)  # noqa: E731
        return "\n".join(textwrap.fill(line, 88, subsequent_indent=indent(line)) for line in lines)

    def __str__(self) -> str:
        return self.describe()

    def _repr_pretty_(self, printer, cycle) -> None:
        # What a notebook shows for an arrangement: the plain words, not the dataclass's fields.
        printer.text(self.describe())

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        # IPython prefers a class's own __repr__ (each dataclass writes one) to an inherited
        # _repr_pretty_, so each arrangement carries the method itself.
        cls._repr_pretty_ = Arrangement._repr_pretty_

    def settle(self, place: Place, care: Care) -> Ledger:
        raise NotImplementedError


def _deliver(ledger: Ledger, org: str, care: Care, services) -> None:
    """Record the activity (and emergency admissions, delayed bed-days) `org` delivers."""
    for s in services:
        ledger.record(org, "activity", care.activity[s])
        if s == "emergency":
            ledger.record(org, "emergency_admissions", care.activity[s])
            ledger.record(org, "delayed_bed_days", care.delayed_bed_days)


def usual_contracts(place: Place, care: Care) -> Ledger:
    """The PCT-era contracts: capitation for GPs, a block for community services,
    tariff for planned care and a marginal-rate tariff for emergencies (above a
    baseline set ``place.emergency_baseline_lag`` years back); the council pays
    for social care and public health itself.

    Investment in community services is paid for by the commissioner as an
    uplift to the block; investment in social care is the council's own spend.
    """
    L = Ledger(care.shape)
    C, LA = NHS_COMMISSIONER, LOCAL_AUTHORITY
    L.fund(C, care.nhs_allocation)
    L.fund(LA, care.council_budget)
    block = care.expected_cost["community"] + (care.investment if care.investment_line == "community" else 0.0)
    L.pay(C, GP_PRACTICES, payments.capitation(place.population, care.expected_cost["primary_care"] / place.population))
    L.pay(C, COMMUNITY_PROVIDER, payments.block(block, care.activity["community"]))
    L.pay(C, ACUTE_TRUST, payments.tariff(care.activity["elective"], place.lines["elective"].unit_cost))
    L.pay(C, ACUTE_TRUST, payments.marginal_rate(care.activity["emergency"], marginal_rate_baseline(place, care),
                                                 place.lines["emergency"].unit_cost, place.emergency_marginal_rate))
    L.spend(GP_PRACTICES, care.cost["primary_care"])
    L.spend(COMMUNITY_PROVIDER, care.cost["community"])
    L.spend(ACUTE_TRUST, care.cost["elective"] + care.cost["emergency"] + care.delayed_cost)
    L.spend(LA, care.cost["social_care"] + care.cost["public_health"])
    _deliver(L, GP_PRACTICES, care, ["primary_care"])
    _deliver(L, COMMUNITY_PROVIDER, care, ["community"])
    _deliver(L, ACUTE_TRUST, care, ["elective", "emergency"])
    _deliver(L, LA, care, ["social_care", "public_health"])
    return L


def marginal_rate_baseline(place: Place, care: Care) -> np.ndarray:
    """(Y,) the emergency admissions the marginal rate is measured against each year: the expected
    admissions of the year ``place.emergency_baseline_lag`` years back (the baseline year at the earliest)."""
    earlier = np.maximum(care.years - place.emergency_baseline_lag, 0)
    return care.baseline["emergency"] * (1.0 + place.lines["emergency"].trend_growth) ** earlier


def budgets(place: Place) -> dict[str, float]:
    """Each silo organisation's budget: its expected income in year 1 under the usual contracts."""
    expected = make_care(place, no_shocks(1))
    ledger = usual_contracts(place, expected)
    return {org: float(ledger.books[org]["income"][0, 0]) for org in SILO_ORGANISATIONS}


def alliance_shares(place: Place, equal_weight: float) -> dict[str, float]:
    """Risk and gain shares between budget-proportional (``equal_weight`` 0) and equal (1)."""
    weight = checked("arrangements.acs.equal_weight", equal_weight, "equal_weight")
    by_budget = pooling.budget_shares(budgets(place))
    equal = {org: 1.0 / len(SILO_ORGANISATIONS) for org in SILO_ORGANISATIONS}
    return pooling.blend_shares(by_budget, equal, weight)


@dataclass(frozen=True)
class Silos(Arrangement):
    name: ClassVar[str] = "silos"
    title: ClassVar[str] = "PCT era (2002-2013), silos"
    budget_holder: ClassVar[str] = "the PCT (NHS) and the local authority, separately"
    providers_paid: ClassVar[str] = "tariff with a marginal rate, block contract, capitation"
    surplus_kept_by: ClassVar[str] = "each organisation, alone"

    def settle(self, place, care):
        return usual_contracts(place, care)


@dataclass(frozen=True)
class AccountableCareSystem(Arrangement):
    """An alliance: the usual contracts, then a risk and gain share of the system's total.

    ``shares`` is ``"budget"`` (proportional to each partner's year-1 budget),
    ``"equal"``, or a mapping from each of the five organisations to its share.
    """

    shares: str | Mapping[str, float]

    name: ClassVar[str] = "acs"
    title: ClassVar[str] = "Accountable care system (2017-), alliance"
    budget_holder: ClassVar[str] = "commissioners and providers agree a system control total"
    providers_paid: ClassVar[str] = "contracts as before, plus a risk and gain share"
    surplus_kept_by: ClassVar[str] = "shared by agreed shares (shares sum to 1)"

    def __post_init__(self):
        if isinstance(self.shares, str):
            checked("arrangements.acs.shares", self.shares, "shares")
        else:
            check.shares("shares", self.shares, SILO_ORGANISATIONS)
            if set(self.shares) != set(SILO_ORGANISATIONS):
                raise check.ModelInputError("shares", "a share for each of " + ", ".join(SILO_ORGANISATIONS),
                                            dict(self.shares))
            object.__setattr__(self, "shares", dict(self.shares))

    def partner_shares(self, place: Place) -> dict[str, float]:
        """The shares in use for this place."""
        if self.shares == "budget":
            return pooling.budget_shares(budgets(place))
        if self.shares == "equal":
            return {org: 1.0 / len(SILO_ORGANISATIONS) for org in SILO_ORGANISATIONS}
        return dict(self.shares)

    def settle(self, place, care):
        L = usual_contracts(place, care)
        positions = {org: L.surplus(org) for org in SILO_ORGANISATIONS}
        L.share(pooling.share_out(positions, self.partner_shares(place)))
        return L


@dataclass(frozen=True)
class PooledFund(Arrangement):
    """A Section 75 pooled fund holding a fraction of the NHS and council budgets.

    The pool takes ``pooled_fraction`` of each partner's budget and pays the
    same fraction of the care each partner pays for, so that fraction of each
    partner's over- or underspend lands in the pool; the pool's total is then
    split between the partners in proportion to their contributions.
    """

    pooled_fraction: float

    name: ClassVar[str] = "section75"
    title: ClassVar[str] = "Pooled fund (Section 75 / Better Care Fund)"
    budget_holder: ClassVar[str] = "a pooled fund of a chosen fraction of NHS and council budgets"
    providers_paid: ClassVar[str] = "jointly commissioned"
    surplus_kept_by: ClassVar[str] = "by the pool agreement (here: in proportion to contributions)"

    def __post_init__(self):
        object.__setattr__(self, "pooled_fraction", checked("arrangements.section75.pooled_fraction", self.pooled_fraction))

    def settle(self, place, care):
        L = usual_contracts(place, care)
        L.open(POOLED_FUND)   # shown even when empty, so every run of this arrangement has the same books
        section75_pool(L, (NHS_COMMISSIONER, LOCAL_AUTHORITY), self.pooled_fraction)
        return L


def section75_pool(L: Ledger, partners: tuple[str, str], fraction: float) -> None:
    """A section 75 pooled fund beside two partners' books: the pool takes ``fraction`` of each
    partner's funding and pays the same fraction of what each spends, so that fraction of each
    partner's over- or underspend lands in the pool, which hands its total back in proportion to
    contributions. With a fraction of 0 nothing moves and the pool is not opened."""
    if fraction == 0:
        return
    funding = {p: L.books[p]["funding"].copy() for p in partners}
    spending = {p: L.books[p]["cost"].copy() for p in partners}
    L.open(POOLED_FUND)
    for p in partners:
        L.pay(p, POOLED_FUND, fraction * funding[p])
        L.pay(POOLED_FUND, p, fraction * spending[p])
    pool = L.surplus(POOLED_FUND)
    contributed = sum(funding.values())
    for p in partners:
        # Equal halves only in the degenerate case of nothing contributed.
        part = np.divide(funding[p], contributed, out=np.full(L.shape, 0.5), where=contributed > 0)
        L.pay(POOLED_FUND, p, pool * part)


@dataclass(frozen=True)
class EnglishACO(Arrangement):
    """One provider holds a long, capitated, whole-population contract.

    The ACO runs general practice, community services and the acute hospital
    (and social care if ``social_care_in_scope``). Its budget per head is set
    at expected cost when each contract of ``contract_years`` begins, then
    uplifted by ``capitation_uplift`` a year; ``withhold_rate`` of it is paid
    only in years when emergency admissions are at or below their expected level.
    """

    contract_years: int
    withhold_rate: float
    social_care_in_scope: bool
    capitation_uplift: float

    name: ClassVar[str] = "aco"
    title: ClassVar[str] = "Accountable care organisation (English draft contract, 2017-18)"
    budget_holder: ClassVar[str] = "one provider, long contract (10-15 years), whole-population capitated budget"
    providers_paid: ClassVar[str] = "the ACO pays its own services"
    surplus_kept_by: ClassVar[str] = "the ACO alone, with a withhold paid on outcomes"

    def __post_init__(self):
        object.__setattr__(self, "contract_years", checked("arrangements.aco.contract_years", self.contract_years))
        object.__setattr__(self, "withhold_rate", checked("arrangements.aco.withhold_rate", self.withhold_rate))
        checked("arrangements.aco.social_care_in_scope", self.social_care_in_scope)
        object.__setattr__(self, "capitation_uplift",
                           checked("arrangements.aco.capitation_uplift", self.capitation_uplift))

    def scope(self) -> tuple[str, ...]:
        """The service lines inside the ACO's budget."""
        return NHS_SERVICES + (("social_care",) if self.social_care_in_scope else ())

    def _per_head(self, place: Place, care: Care, services) -> np.ndarray:
        """Capitation per head each year: expected cost at each contract's start, then uplifted."""
        t = care.years
        start_index = ((t - 1) // self.contract_years) * self.contract_years  # index of the contract's first year
        start_cost = sum(care.expected_cost[s] for s in services)[start_index]
        return start_cost / place.population * (1.0 + self.capitation_uplift) ** (t - 1 - start_index)

    def settle(self, place, care):
        L = Ledger(care.shape)
        C, LA = NHS_COMMISSIONER, LOCAL_AUTHORITY
        L.fund(C, care.nhs_allocation)
        L.fund(LA, care.council_budget)
        met = (care.activity["emergency"] <= care.expected["emergency"]).astype(float)
        payers = [(C, NHS_SERVICES)] + ([(LA, ("social_care",))] if self.social_care_in_scope else [])
        for payer, services in payers:
            budget = payments.capitation(place.population, self._per_head(place, care, services))
            L.pay(payer, ACO, payments.withhold(budget, self.withhold_rate, met))
        scope = self.scope()
        L.spend(ACO, sum(care.cost[s] for s in scope) + care.delayed_cost)
        council_lines = [s for s in ("social_care", "public_health") if s not in scope]
        L.spend(LA, sum(care.cost[s] for s in council_lines))
        _deliver(L, ACO, care, scope)
        _deliver(L, LA, care, council_lines)
        return L


@dataclass(frozen=True)
class SharedSavingsACO(Arrangement):
    """US Medicare Shared Savings: fee-for-service continues, plus shared savings (or losses).

    The commissioner (in Medicare's role) pays the ACO's providers the tariff
    for every unit of NHS care; then, each year, Medicare's shared-savings
    payment of `payments.mssp_payment` on the benchmark (expected
    fee-for-service spending) and the fee-for-service actually paid, with the
    place's population as the ACO's assigned beneficiaries. On ``track`` 2
    the ACO also repays shared losses, up to a limit that rises over its
    first three years on the track (year 1 of the run is its first).
    """

    track: int
    quality_score: float
    sequestration: bool

    name: ClassVar[str] = "mssp"
    title: ClassVar[str] = "US Medicare Shared Savings ACO"
    budget_holder: ClassVar[str] = "Medicare (here the NHS commissioner); fee-for-service continues"
    providers_paid: ClassVar[str] = "fee-for-service plus a share of savings beyond a minimum savings rate"
    surplus_kept_by: ClassVar[str] = "Medicare and the ACO, by the sharing rate (and on track 2 the loss rate)"

    def __post_init__(self):
        object.__setattr__(self, "track", checked("arrangements.mssp.track", self.track, "track"))
        object.__setattr__(self, "quality_score",
                           checked("arrangements.mssp.quality_score", self.quality_score, "quality_score"))
        checked("arrangements.mssp.sequestration", self.sequestration, "sequestration")

    def settle(self, place, care):
        L = Ledger(care.shape)
        C, LA = NHS_COMMISSIONER, LOCAL_AUTHORITY
        L.fund(C, care.nhs_allocation)
        L.fund(LA, care.council_budget)
        fee_for_service = sum(payments.tariff(care.activity[s], place.lines[s].unit_cost) for s in NHS_SERVICES)
        benchmark = sum(care.expected_cost[s] for s in NHS_SERVICES) * np.ones(care.shape)
        L.pay(C, ACO, fee_for_service)
        L.pay(C, ACO, payments.mssp_payment(
            benchmark, fee_for_service, track=self.track, assigned_beneficiaries=place.population,
            quality_score=self.quality_score, sequestration=self.sequestration,
            year_on_track=np.broadcast_to(care.years, care.shape)))
        L.spend(ACO, sum(care.cost[s] for s in NHS_SERVICES) + care.delayed_cost)
        L.spend(LA, care.cost["social_care"] + care.cost["public_health"])
        _deliver(L, ACO, care, NHS_SERVICES)
        _deliver(L, LA, care, ["social_care", "public_health"])
        return L


# The ICB and its partner NHS trusts carry a joint financial duty (Health and Care Act 2022);
# GP practices hold their own contracts and are not NHS trusts, so they stay outside it.
NHS_SYSTEM = (ICB, ACUTE_TRUST, COMMUNITY_PROVIDER)


def nhs_system_position(ledger: Ledger) -> np.ndarray:
    """The NHS system's combined surplus (negative: deficit): the sum of its members' surpluses."""
    return sum(ledger.surplus(org) for org in NHS_SYSTEM)


@dataclass(frozen=True)
class IntegratedCareBoard(Arrangement):
    """The system England runs today (Health and Care Act 2022).

    The integrated care board (ICB) holds the NHS budget. It pays the acute
    trust by activity type under ``payment_rule`` (`payments.nhs_payment_scheme`):
    by default the 2025/26 NHS Payment Scheme's aligned payment and incentive,
    elective admissions at 100% of the price each through the variable element
    and emergency admissions through the fixed element (the planned, expected,
    admissions at full price, whatever happens); or, for history, the 2019/20
    blended payment, a fixed element for the planned activity and the place's
    variable share of the price for each admission above or below plan
    (`payments.aligned_payment`), on both lines. It pays the community trust a
    fixed sum (its planned cost, plus any upstream investment in community
    services) and general practice by capitation. The ICB and its partner NHS
    trusts share a financial duty, so their surpluses and deficits are netted
    as one NHS system: each member ends with its budget share of the system's
    combined position (`nhs_system_position`); how a system shares it is
    agreed locally, and budget shares are the model's illustrative choice.
    The council keeps its own budget for social care and public health, with
    an optional section 75 pool of ``section75_fraction`` of its and the
    ICB's budgets beside it (0: no pool).
    """

    section75_fraction: float
    payment_rule: str | None = None   # None: the default in parameters/arrangements.yaml

    name: ClassVar[str] = "icb"
    title: ClassVar[str] = "Integrated care board (Health and Care Act 2022-)"
    budget_holder: ClassVar[str] = ("the ICB holds the NHS budget; the council keeps social care and public health "
                                    "(optionally with a section 75 pool)")
    providers_paid: ClassVar[str] = ("aligned payment and incentive (2025/26 NHS Payment Scheme): elective "
                                     "activity at 100% of the unit price through the variable element, urgent and "
                                     "emergency care through the fixed element")
    surplus_kept_by: ClassVar[str] = ("the ICB and its partner trusts as one NHS system, under a shared financial "
                                      "duty; the council alone")

    def __post_init__(self):
        object.__setattr__(self, "section75_fraction",
                           checked("arrangements.icb.section75_fraction", self.section75_fraction))
        rule = default("arrangements.icb.payment_rule") if self.payment_rule is None else self.payment_rule
        object.__setattr__(self, "payment_rule", checked("arrangements.icb.payment_rule", rule))

    def settle(self, place, care):
        L = self.contracts(place, care)
        positions = {org: L.surplus(org) for org in NHS_SYSTEM}
        L.share(pooling.share_out(positions, pooling.budget_shares(icb_budgets(place))))
        return L

    def contracts(self, place: Place, care: Care) -> Ledger:
        """The books after the ICB's payments and any section 75 pool, before the system is netted."""
        L = Ledger(care.shape)
        LA = LOCAL_AUTHORITY
        L.fund(ICB, care.nhs_allocation)
        L.fund(LA, care.council_budget)
        rate = place.aligned_payment_variable_rate
        community = care.expected_cost["community"] + (care.investment if care.investment_line == "community" else 0.0)
        L.pay(ICB, GP_PRACTICES, payments.capitation(place.population,
                                                     care.expected_cost["primary_care"] / place.population))
        L.pay(ICB, COMMUNITY_PROVIDER, payments.block(community, care.activity["community"]))
        for s in ("elective", "emergency"):
            L.pay(ICB, ACUTE_TRUST, payments.nhs_payment_scheme(
                care.activity[s], care.expected[s], place.lines[s].unit_cost, payments.ACTIVITY_TYPES[s],
                self.payment_rule, rate))
        L.spend(GP_PRACTICES, care.cost["primary_care"])
        L.spend(COMMUNITY_PROVIDER, care.cost["community"])
        L.spend(ACUTE_TRUST, care.cost["elective"] + care.cost["emergency"] + care.delayed_cost)
        L.spend(LA, care.cost["social_care"] + care.cost["public_health"])
        _deliver(L, GP_PRACTICES, care, ["primary_care"])
        _deliver(L, COMMUNITY_PROVIDER, care, ["community"])
        _deliver(L, ACUTE_TRUST, care, ["elective", "emergency"])
        _deliver(L, LA, care, ["social_care", "public_health"])
        section75_pool(L, (ICB, LA), self.section75_fraction)
        return L


def icb_budgets(place: Place) -> dict[str, float]:
    """Each NHS system member's budget: its expected income in year 1 under the ICB's contracts."""
    expected = make_care(place, no_shocks(1))
    # Either payment rule pays the plan's price at expected activity, so the budgets do not depend on it.
    ledger = IntegratedCareBoard(section75_fraction=0.0).contracts(place, expected)
    return {org: float(ledger.books[org]["income"][0, 0]) for org in NHS_SYSTEM}


@dataclass(frozen=True)
class IntegratedHealthOrganisation(Arrangement):
    """The integrated health organisation (10 Year Health Plan, July 2025; first contracts from 2027).

    Each assumption is a named lever with its source on the model reference
    page (``parameters/arrangements.yaml``, keys ``iho.*``):

    - The ICB, as strategic commissioner, holds the NHS allocation and pays a
      foundation trust, the IHO contract holder, a capitated budget for the
      place's NHS services: the year's expected cost of the services in the
      contract, per head, times ``1 + capitation_margin``. "The IHO model is a
      contract-based delivery mechanism, not a new type of organisation"
      (NHS England's Advanced Foundation Trust Programme guidance, Annex 2),
      so the IHO is the foundation trust that runs the hospital, under a
      contract. The ICB keeps the rest of its allocation, standing for its
      running-cost budget.
    - The IHO runs planned and emergency hospital care itself and bears the
      cost of delayed discharges. General practice is inside its budget
      (``general_practice="subcontract"``: the IHO pays the practices by
      capitation) or left with the ICB (``"icb"``). Community services are
      subcontracted for a fixed sum, their expected cost plus any upstream
      investment in them (``community_services="subcontract"``), or run in
      house (``"in_house"``); the guidance allows "sub-contracting arrangements
      or some delegation of commissioning responsibilities".
    - The IHO keeps its surplus and bears its deficit, except a ``risk_share``
      of it that passes to the ICB (the guidance read sets none; 0 by default).
    - The council keeps social care and public health, with an optional
      section 75 pool of ``section75_fraction`` of its and the ICB's budgets.
    """

    capitation_margin: float
    risk_share: float
    general_practice: str
    community_services: str
    section75_fraction: float

    name: ClassVar[str] = "iho"
    title: ClassVar[str] = "Integrated health organisation (10 Year Health Plan, 2025; first contracts 2027)"
    budget_holder: ClassVar[str] = ("an NHS foundation trust holds a capitated budget for its population's NHS "
                                    "services, under a contract from the ICB (a contract, not a new body)")
    providers_paid: ClassVar[str] = ("the IHO runs hospital care and pays or subcontracts general practice and "
                                     "community services, or holds them in house")
    surplus_kept_by: ClassVar[str] = ("the IHO, within any risk share the contract sets; the ICB keeps its "
                                      "running-cost budget; the council alone, unless a section 75 pool")

    def __post_init__(self):
        for option in ("capitation_margin", "risk_share", "general_practice", "community_services",
                       "section75_fraction"):
            object.__setattr__(self, option, checked(f"arrangements.iho.{option}", getattr(self, option)))

    def scope(self) -> tuple[str, ...]:
        """The NHS service lines inside the IHO's capitated budget."""
        return tuple(s for s in NHS_SERVICES if s != "primary_care" or self.general_practice == "subcontract")

    def settle(self, place, care):
        L = Ledger(care.shape)
        LA = LOCAL_AUTHORITY
        L.fund(ICB, care.nhs_allocation)
        L.fund(LA, care.council_budget)
        scope = self.scope()
        per_head = sum(care.expected_cost[s] for s in scope) * (1.0 + self.capitation_margin) / place.population
        L.pay(ICB, IHO, payments.capitation(place.population, per_head))
        gp_payer = IHO if "primary_care" in scope else ICB
        L.pay(gp_payer, GP_PRACTICES, payments.capitation(place.population,
                                                          care.expected_cost["primary_care"] / place.population))
        L.spend(GP_PRACTICES, care.cost["primary_care"])
        _deliver(L, GP_PRACTICES, care, ["primary_care"])
        hospital = ["community"] if self.community_services == "in_house" else []
        if not hospital:
            invested = care.investment if care.investment_line == "community" else 0.0
            L.pay(IHO, COMMUNITY_PROVIDER, payments.block(care.expected_cost["community"] + invested,
                                                          care.activity["community"]))
            L.spend(COMMUNITY_PROVIDER, care.cost["community"])
            _deliver(L, COMMUNITY_PROVIDER, care, ["community"])
        hospital += ["elective", "emergency"]
        L.spend(IHO, sum(care.cost[s] for s in hospital) + care.delayed_cost)
        _deliver(L, IHO, care, hospital)
        L.spend(LA, care.cost["social_care"] + care.cost["public_health"])
        _deliver(L, LA, care, ["social_care", "public_health"])
        section75_pool(L, (ICB, LA), self.section75_fraction)
        if self.risk_share > 0:
            passed = self.risk_share * L.surplus(IHO)
            L.share({IHO: -passed, ICB: passed})
        return L


# Source 004's four pots. The model has one emergency line, and it goes with continuing care;
# see FourPots for why, and for what that simplifies.
POTS: Mapping[str, tuple[str, ...]] = {
    "first_contact_pot": ("primary_care",),
    "continuing_care_pot": ("community", "emergency", "social_care"),
    "planned_specialist_pot": ("elective",),
    "public_health_pot": ("public_health",),
}


@dataclass(frozen=True)
class FourPots(Arrangement):
    """Four-pot commissioning (source 004, "Reworking the NHS"): each pot's commissioners and
    providers work co-operatively within a fixed budget; surpluses are pooled within a pot, not
    across pots. The NHS commissioner and the council pass each pot the money they would have
    spent on its services (expected cost plus headroom).

    Emergency admissions sit in the continuing-care pot, following the source's account of it:
    "many patients are admitted to hospital – so called unplanned care – or to care homes. So
    again, let’s bring all of the contracts together". The model's single emergency line is a
    simplification: the source also puts A&E in the first-contact pot ("through community
    pharmacy and general practice to out of hours and A&E") and "the trauma and emergency
    response services" in the planned and specialist pot, which the model does not split out.
    See the model reference page (book/model/model_reference.md).
    """

    name: ClassVar[str] = "four_pots"
    title: ClassVar[str] = "Four-pot commissioning (source 004)"
    budget_holder: ClassVar[str] = ("four pots: first contact, continuing care, planned and specialist, "
                                    "public health")
    providers_paid: ClassVar[str] = "within each pot, co-operatively"
    surplus_kept_by: ClassVar[str] = "pooled within a pot, not across pots"

    def settle(self, place, care):
        L = Ledger(care.shape)
        C, LA = NHS_COMMISSIONER, LOCAL_AUTHORITY
        L.fund(C, care.nhs_allocation)
        L.fund(LA, care.council_budget)
        for pot, services in POTS.items():
            for s in services:
                payer = SERVICES[s][1]
                L.pay(payer, pot, care.expected_cost[s] * (1.0 + care.funding_headroom))
            L.spend(pot, sum(care.cost[s] for s in services)
                    + (care.delayed_cost if "emergency" in services else 0.0))
            _deliver(L, pot, care, services)
        return L


REGISTRY: Mapping[str, type[Arrangement]] = {
    cls.name: cls for cls in (Silos, AccountableCareSystem, PooledFund, EnglishACO, SharedSavingsACO, FourPots,
                              IntegratedCareBoard, IntegratedHealthOrganisation)
}


def arrangement_names() -> list[str]:
    """The names `arrangement` accepts."""
    return list(REGISTRY)


def arrangement(name: str, **options) -> Arrangement:
    """An arrangement by name, with options; options not given take their defaults from the YAML files.

    Names: ``silos``, ``acs``, ``section75``, ``aco``, ``mssp``, ``four_pots``, ``icb``, ``iho``.
    """
    if isinstance(name, Arrangement):
        return dataclasses.replace(name, **options) if options else name
    cls = REGISTRY[check.one_of("arrangement", name, REGISTRY)]
    allowed = [f.name for f in dataclasses.fields(cls)]
    for key in options:
        check.one_of(f"{name} option", key, allowed or ["(no options)"])
    values = {f: options[f] if f in options else default(f"arrangements.{name}.{f}") for f in allowed}
    return cls(**values)


def all_arrangements() -> list[Arrangement]:
    """Every arrangement with its default options, in the model reference's order."""
    return [arrangement(n) for n in REGISTRY]
