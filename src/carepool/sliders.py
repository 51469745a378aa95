"""What a slider needs to know about each lever: label, unit, bounds, step and default.

Read from the parameter records (``carepool/parameters/*.yaml``). The step is
chosen so that the default lies exactly on the slider's grid: a browser's
slider snaps its value to ``low + k * step``, and a default off that grid
would silently become another number once drawn.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from functools import cache

from carepool.arrangements import REGISTRY
from carepool.parameters import load_parameters
from carepool.place import SERVICES, UPSTREAM_SERVICES, Links

# Ranges a reader explores where the record gives none (the model accepts wider).
SIGNED = {"trend_growth": (-0.1, 0.1), "funding_headroom": (-0.1, 0.2), "capitation_uplift": (-0.1, 0.1),
          "social_care_capacity_headroom": (-0.5, 1.0)}


@dataclass(frozen=True)
class Lever:
    key: str          # the name `default_place(**changes)` takes, or "<arrangement>.<option>"
    group: str
    label: str
    unit: str
    default: object
    low: float = 0.0
    high: float = 1.0
    step: float = 1.0
    kind: str = "float"   # float, int, bool or choice
    choices: tuple = ()

    @property
    def percent(self) -> bool:
        return self.kind == "float" and self.unit.startswith("fraction") and self.high <= 1.0


def _nice_ceiling(x: float) -> float:
    magnitude = 10 ** math.floor(math.log10(x))
    return next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= x)


def grid_step(low: float, high: float, value: float) -> float:
    """About a hundredth of the range, a power of ten, with ``value`` exactly on the grid from ``low``."""
    step = 10 ** math.floor(math.log10((high - low) / 100))
    while abs(round((value - low) / step) * step + low - value) > 1e-9 * max(1.0, abs(value)):
        step /= 10
    return step


def _number(key, group, record, label) -> Lever:
    value, field = record.value, key.split("__")[-1].split(".")[-1]
    if isinstance(value, bool):
        return Lever(key, group, label, record.unit, value, kind="bool")
    if record.range:
        low, high = record.range
    elif field in SIGNED:
        low, high = SIGNED[field]
    elif record.unit.startswith(("fraction", "correlation")):
        low, high = 0.0, 1.0
    else:
        low, high = 0.0, _nice_ceiling(max(3 * value, 1))
    if isinstance(value, int) and record.unit in ("years", "people") and value < 100:
        return Lever(key, group, label, record.unit, value, 1, max(int(high), 20), 1, kind="int")
    return Lever(key, group, label, record.unit, value, float(low), float(high), grid_step(low, high, value))


def _label(field: str) -> str:
    return field.replace("_", " ").capitalize()


@cache
def lever_table() -> dict[str, Lever]:
    """Every lever of a scenario, by key."""
    p = load_parameters()
    out: dict[str, Lever] = {}
    for field in ("population", "years", "funding_headroom", "shock_correlation"):
        out[field] = _number(field, "place", p[f"place.{field}"], _label(field))
    out["emergency_marginal_rate"] = _number("emergency_marginal_rate", "place",
                                             p["payments.emergency_marginal_rate"], "Emergency marginal rate")
    for f in dataclasses.fields(Links):
        out[f.name] = _number(f.name, "links", p[f"links.{f.name}"], _label(f.name))
    for s in SERVICES:
        for attr in ("activity_per_1000", "unit_cost", "trend_growth", "volatility"):
            key = f"{s}__{attr}"
            out[key] = _number(key, "services", p[f"services.{s}.{attr}"], _label(attr).replace("1000", "1,000"))
    out["upstream_investment"] = _number("upstream_investment", "simulation", p["simulation.upstream_investment"],
                                         "Upstream investment")
    out["investment_line"] = Lever("investment_line", "simulation", "Invest upstream in", "service line",
                                   p["simulation.investment_line"].value, kind="choice",
                                   choices=tuple(UPSTREAM_SERVICES))
    for name, cls in REGISTRY.items():
        for f in dataclasses.fields(cls):
            record = p[f"arrangements.{name}.{f.name}"]
            if f.name == "shares":
                out[f"{name}.shares"] = Lever(f"{name}.shares", "arrangements", "Shares", record.unit, record.value,
                                              kind="choice", choices=("budget", "equal"))
            else:
                out[f"{name}.{f.name}"] = _number(f"{name}.{f.name}", "arrangements", record, _label(f.name))
    return out
