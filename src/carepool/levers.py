"""The one table of levers: every input a reader can move, defined once.

A lever is a parameter record in ``carepool/parameters/*.yaml`` that carries a
``label`` and either ``bounds`` (a number: ``bounds: [minimum, maximum]``, an
``explore: [low, high]`` range for sliders and explorer grids, and a
``step``) or ``choices`` (a pick from a list). The model's validation, the
widget sliders and the explorers' grids all read it, so the three cannot
disagree::

    >>> from carepool.levers import lever
    >>> lever("links.avoided_acute_cost_per_pound").maximum
    1.75

Bounds are the values the model accepts: outside them `Lever.check` raises
`ModelInputError` naming the field and the range; nothing is clipped. The
explore range is the part of that range a reader is offered.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from carepool import validation as check
from carepool.parameters import PARAMETER_FILES, _records


@dataclass(frozen=True)
class Lever:
    """One lever: what it is called, its unit, default, bounds, explore range and step.

    ``minimum``/``maximum`` bound the values the model accepts (``minimum``
    itself excluded when ``minimum_exclusive``; whole numbers only when
    ``whole``, as for years, draws or a track); ``explore_min``/``explore_max``
    and ``step`` are what a slider or an explorer grid offers. A choice lever
    has ``choices`` and no numbers.
    """

    key: str
    label: str
    unit: str
    default: Any
    minimum: float | None = None
    maximum: float | None = None
    explore_min: float | None = None
    explore_max: float | None = None
    step: float | None = None
    minimum_exclusive: bool = False
    whole: bool = False
    choices: tuple | None = None

    @property
    def field(self) -> str:
        """The last part of the key, as the model's objects name the field (``unit_cost``)."""
        return self.key.split(".")[-1]

    @property
    def kind(self) -> str:
        """``"choice"``, ``"whole number"`` or ``"number"``."""
        return "choice" if self.choices is not None else "whole number" if self.whole else "number"

    def grid(self) -> list:
        """The values a slider or an explorer offers: explore_min to explore_max by step
        (rounded, so 0.1 * 3 is 0.3), or the choices."""
        if self.choices is not None:
            return list(self.choices)
        count = int(round((self.explore_max - self.explore_min) / self.step))
        values = [round(self.explore_min + i * self.step, 9) for i in range(count + 1)]
        return [int(v) for v in values] if self.whole else values

    def check(self, value, field: str | None = None):
        """`value` checked against the lever's bounds (or choices); raises `ModelInputError` naming
        ``field`` (default: the lever's field name) and the allowed range."""
        name = self.field if field is None else field
        if self.choices is not None:
            if set(self.choices) == {True, False} and all(isinstance(c, bool) for c in self.choices):
                return check.flag(name, value)
            return check.one_of(name, value, self.choices)
        if self.whole:
            return check.whole_number(name, value, int(self.minimum), int(self.maximum))
        return check.number(name, value, self.minimum, self.maximum, low_open=self.minimum_exclusive)


def _lever(key: str, record: dict) -> Lever:
    label = " ".join(str(record["label"]).split())
    if "choices" in record:
        return Lever(key=key, label=label, unit=str(record.get("unit", "")), default=record["value"],
                     choices=tuple(record["choices"]))
    low, high = record["bounds"]
    explore_low, explore_high = record["explore"]
    return Lever(key=key, label=label, unit=str(record.get("unit", "")), default=record["value"],
                 minimum=low, maximum=high, explore_min=explore_low, explore_max=explore_high,
                 step=record["step"], minimum_exclusive=bool(record.get("minimum_exclusive", False)),
                 whole=bool(record.get("whole", False)))


@cache
def _table() -> dict[str, Lever]:
    table = {}
    for group in PARAMETER_FILES:
        for key, record in _records(group).items():
            if "label" in record and ("bounds" in record or "choices" in record):
                table[f"{group}.{key}"] = _lever(f"{group}.{key}", record)
    return table


def all_levers() -> dict[str, Lever]:
    """Every lever, keyed by its full parameter key (``group.key``), in file order."""
    return dict(_table())


def lever(key: str) -> Lever:
    """A lever by its full parameter key (``"links.avoided_acute_cost_per_pound"``,
    ``"services.emergency.unit_cost"``, ``"arrangements.section75.pooled_fraction"``), or by
    a shorter name that picks out one lever: the key without its group
    (``"section75.pooled_fraction"``), a field name (``"population"``), or the
    ``<service>__<field>`` form `Place.with_changes` takes (``"emergency__unit_cost"``)."""
    table = _table()
    if key in table:
        return table[key]
    name = str(key).replace("__", ".")
    matches = [k for k in table if k.endswith("." + name)]
    if len(matches) == 1:
        return table[matches[0]]
    allowed = "a lever key such as " + ", ".join(repr(k) for k in list(table)[:3]) + " (see all_levers())"
    if matches:
        allowed = "one lever's key; it could be " + ", ".join(repr(k) for k in matches)
    raise check.ModelInputError("lever", allowed, key)


def checked(key: str, value, field: str | None = None):
    """`value` checked against the bounds of the lever ``key``; see `Lever.check`."""
    return lever(key).check(value, field)
