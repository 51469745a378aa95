"""Model parameters as data: one YAML record each, with its unit and its source.

Every default value of the model lives in ``carepool/parameters/*.yaml``, not
in code. A record has a ``value``, a ``unit``, a one-line ``description`` and
a ``reference`` (a mapping, or a list of them, with a title or citation, a
publisher or journal, and a year) or an ``illustrative`` note saying why the
value is only illustrative, or both. A record a reader can move also carries
a ``label`` and its bounds, explore range and step (or its choices): that
makes it a lever (see `carepool.levers`).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml

PARAMETER_FILES = ("place", "services", "links", "payments", "arrangements", "simulation")


@dataclass(frozen=True)
class Parameter:
    """One parameter record: where it lives, its value and where the value comes from."""

    key: str
    group: str
    value: Any
    unit: str
    description: str
    references: tuple[dict, ...] = ()
    illustrative: str | None = None

    @property
    def has_source(self) -> bool:
        """True when the record carries a usable reference or an illustrative note."""
        return any(_is_usable_reference(r) for r in self.references) or bool(
            self.illustrative and self.illustrative.strip()
        )

    def source_text(self) -> str:
        """The sources as one line of text: references, then any illustrative note."""
        parts = [format_reference(r) for r in self.references]
        if self.illustrative:
            parts.append("Illustrative: " + " ".join(self.illustrative.split()))
        return " ".join(parts)


def _is_usable_reference(ref: dict) -> bool:
    return isinstance(ref, dict) and bool(ref.get("title") or ref.get("citation")) and bool(ref.get("year"))


def format_reference(ref: dict) -> str:
    """A reference as a short citation: author, title or citation, journal or publisher, year."""
    bits = [ref.get("author"), ref.get("title") or ref.get("citation"), ref.get("journal") or ref.get("publisher")]
    text = ". ".join(" ".join(str(b).split()) for b in bits if b)
    return f"{text} ({ref.get('year')})."


def _records(group: str) -> dict[str, dict]:
    text = resources.files("carepool").joinpath("parameters", f"{group}.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text) or {}


def _parameter(group: str, key: str, record: dict) -> Parameter:
    refs = record.get("reference") or ()
    if isinstance(refs, dict):
        refs = (refs,)
    return Parameter(
        key=key,
        group=group,
        value=record.get("value"),
        unit=str(record.get("unit", "")),
        description=" ".join(str(record.get("description", "")).split()),
        references=tuple(refs),
        illustrative=record.get("illustrative"),
    )


@cache
def load_parameters() -> dict[str, Parameter]:
    """Every parameter record, keyed ``group.key`` (e.g. ``services.emergency.unit_cost``)."""
    out: dict[str, Parameter] = {}
    for group in PARAMETER_FILES:
        for key, record in _records(group).items():
            out[f"{group}.{key}"] = _parameter(group, key, record)
    return out


def default(key: str) -> Any:
    """The default value of one parameter, by its full key, e.g. ``default("links.excess_bed_day_cost")``."""
    params = load_parameters()
    if key not in params:
        from carepool.validation import ModelInputError

        raise ModelInputError("parameter", "one of the keys in carepool/parameters/*.yaml", key)
    return params[key].value
