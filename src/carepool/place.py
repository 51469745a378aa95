"""A place: a local health and care economy, its six service lines and two links.

A place is plain data (frozen dataclasses), checked when it is made: a bad
value raises `ModelInputError` naming the field and its allowed range.
`default_place()` builds one from the parameter files.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from types import MappingProxyType
from typing import Mapping

from carepool import validation as check
from carepool.levers import checked
from carepool.parameters import default

# The organisations of a place in silos (more appear under some arrangements).
NHS_COMMISSIONER = "nhs_commissioner"
ACUTE_TRUST = "acute_trust"
COMMUNITY_PROVIDER = "community_provider"
GP_PRACTICES = "gp_practices"
LOCAL_AUTHORITY = "local_authority"

# Service line -> (who provides it, who pays for it in silos); see the model reference page.
# The council buys social care and runs public health itself, so in the model
# it is both payer and (through the care it buys) provider of those two lines.
SERVICES: Mapping[str, tuple[str, str]] = MappingProxyType({
    "primary_care": (GP_PRACTICES, NHS_COMMISSIONER),
    "community": (COMMUNITY_PROVIDER, NHS_COMMISSIONER),
    "elective": (ACUTE_TRUST, NHS_COMMISSIONER),
    "emergency": (ACUTE_TRUST, NHS_COMMISSIONER),
    "social_care": (LOCAL_AUTHORITY, LOCAL_AUTHORITY),
    "public_health": (LOCAL_AUTHORITY, LOCAL_AUTHORITY),
})
NHS_SERVICES = tuple(s for s, (_, payer) in SERVICES.items() if payer == NHS_COMMISSIONER)
COUNCIL_SERVICES = tuple(s for s, (_, payer) in SERVICES.items() if payer == LOCAL_AUTHORITY)
# Lines a reader can invest in "upstream" of the hospital.
UPSTREAM_SERVICES = ("community", "social_care")
# The place's own fields and the levers (parameter keys) that bound them.
PLACE_LEVERS = {
    "population": "place.population",
    "years": "place.years",
    "funding_headroom": "place.funding_headroom",
    "shock_correlation": "place.shock_correlation",
    "emergency_marginal_rate": "payments.emergency_marginal_rate",
}


@dataclass(frozen=True)
class ServiceLine:
    """One service line: baseline activity per 1,000 people, unit cost, trend and volatility."""

    name: str
    activity_per_1000: float
    unit_cost: float
    trend_growth: float
    volatility: float

    def __post_init__(self):
        check.one_of("service", self.name, SERVICES)
        n = self.name
        for attr in ("activity_per_1000", "unit_cost", "trend_growth", "volatility"):
            object.__setattr__(self, attr, checked(f"services.{n}.{attr}", getattr(self, attr), f"{n}.{attr}"))

    @property
    def provider(self) -> str:
        return SERVICES[self.name][0]

    @property
    def payer(self) -> str:
        """Who pays for the line in silos."""
        return SERVICES[self.name][1]


@dataclass(frozen=True)
class Links:
    """The two links: upstream spending avoids emergency admissions; unmet social care delays discharges."""

    avoided_acute_cost_per_pound: float
    excess_bed_day_cost: float
    delayed_bed_days_per_unmet_care_week: float
    social_care_capacity_headroom: float

    def __post_init__(self):
        for f in fields(self):
            object.__setattr__(self, f.name, checked(f"links.{f.name}", getattr(self, f.name)))


@dataclass(frozen=True)
class Place:
    """A local health and care economy over a number of years.

    ``lines`` maps each of the six service names to its `ServiceLine`.
    ``funding_headroom`` sets each year's NHS allocation and council budget at
    expected cost times (1 + headroom). ``emergency_marginal_rate`` is the
    national marginal rate for emergency admissions above the baseline.
    """

    population: float
    years: int
    lines: Mapping[str, ServiceLine]
    links: Links
    funding_headroom: float
    shock_correlation: float
    emergency_marginal_rate: float

    def __post_init__(self):
        for name, key in PLACE_LEVERS.items():
            object.__setattr__(self, name, checked(key, getattr(self, name)))
        if not isinstance(self.links, Links):
            raise check.ModelInputError("links", "a Links value", self.links)
        for name, line in self.lines.items():
            check.one_of("service", name, SERVICES)
            if not isinstance(line, ServiceLine) or line.name != name:
                raise check.ModelInputError(f"lines[{name!r}]", f"a ServiceLine named {name!r}", line)
        missing = [s for s in SERVICES if s not in self.lines]
        if missing:
            raise check.ModelInputError("lines", "all six services: " + ", ".join(SERVICES), sorted(self.lines))
        object.__setattr__(self, "lines", MappingProxyType({s: self.lines[s] for s in SERVICES}))

    def with_changes(self, **changes) -> "Place":
        """A copy with some fields changed: place-level fields, link fields, or
        ``<service>__<field>`` for a service line (e.g. ``emergency__unit_cost=1600``)."""
        top, link, line_changes = {}, {}, {}
        link_names = {f.name for f in fields(Links)}
        for key, value in changes.items():
            if "__" in key:
                service, attr = key.split("__", 1)
                check.one_of("service", service, SERVICES)
                check.one_of(f"{service} field", attr, [f.name for f in fields(ServiceLine) if f.name != "name"])
                line_changes.setdefault(service, {})[attr] = value
            elif key in link_names:
                link[key] = value
            else:
                check.one_of("place field", key, [f.name for f in fields(Place) if f.name not in ("lines", "links")]
                             + sorted(link_names) + ["<service>__<field>"])
                top[key] = value
        lines = {s: replace(l, **line_changes.get(s, {})) for s, l in self.lines.items()}
        return replace(self, lines=lines, links=replace(self.links, **link), **top)


def default_place(**changes) -> Place:
    """The default place, from the parameter files, with optional changes (see `Place.with_changes`)."""
    lines = {
        s: ServiceLine(
            name=s,
            activity_per_1000=default(f"services.{s}.activity_per_1000"),
            unit_cost=default(f"services.{s}.unit_cost"),
            trend_growth=default(f"services.{s}.trend_growth"),
            volatility=default(f"services.{s}.volatility"),
        )
        for s in SERVICES
    }
    links = Links(**{f.name: default(f"links.{f.name}") for f in fields(Links)})
    place = Place(
        population=default("place.population"),
        years=default("place.years"),
        lines=lines,
        links=links,
        funding_headroom=default("place.funding_headroom"),
        shock_correlation=default("place.shock_correlation"),
        emergency_marginal_rate=default("payments.emergency_marginal_rate"),
    )
    return place.with_changes(**changes) if changes else place
