"""Bad input gets a clear error naming the field and the range it must lie in.

Nothing in the model is silently clipped: a value outside its range raises
`ModelInputError` instead of being pulled back inside it.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping


class ModelInputError(ValueError):
    """A model input outside its allowed range.

    The message always names the field, the allowed range and the value given,
    e.g. ``population must be greater than 0; got -5``.
    """

    def __init__(self, field: str, allowed: str, value: object):
        self.field = field
        self.allowed = allowed
        self.value = value
        super().__init__(f"{field} must be {allowed}; got {value!r}")


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def number(field: str, value: object, low: float | None = None, high: float | None = None,
           *, low_open: bool = False) -> float:
    """`value` as a float, checked to lie in [low, high] (or (low, high] if `low_open`)."""
    allowed = _describe_range(low, high, low_open)
    # NumPy scalars count as numbers too.
    if hasattr(value, "item") and not isinstance(value, (list, tuple)):
        try:
            value = value.item()
        except (TypeError, ValueError):
            pass
    if not _is_number(value):
        raise ModelInputError(field, f"a finite number {allowed}".strip(), value)
    if low is not None and (value < low or (low_open and value == low)):
        raise ModelInputError(field, allowed, value)
    if high is not None and value > high:
        raise ModelInputError(field, allowed, value)
    return float(value)


def whole_number(field: str, value: object, low: int, high: int) -> int:
    """`value` as an int, checked to be a whole number from `low` to `high`."""
    allowed = f"a whole number from {low} to {high}"
    if hasattr(value, "item") and not isinstance(value, (list, tuple)):
        value = value.item()
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ModelInputError(field, allowed, value)
    return value


def one_of(field: str, value: object, allowed: Iterable[str]) -> str:
    """`value` checked to be one of the `allowed` names."""
    allowed = list(allowed)
    if value not in allowed:
        raise ModelInputError(field, "one of " + ", ".join(repr(a) for a in allowed), value)
    return value  # type: ignore[return-value]


def flag(field: str, value: object) -> bool:
    """`value` checked to be True or False (not a truthy number or string)."""
    if not isinstance(value, bool):
        raise ModelInputError(field, "True or False", value)
    return value


def shares(field: str, value: Mapping[str, float], partners: Iterable[str]) -> dict[str, float]:
    """Risk and gain shares: one per partner, each from 0 to 1, summing to 1."""
    partners = list(partners)
    if not isinstance(value, Mapping):
        raise ModelInputError(field, "a mapping from partner to share", value)
    for name in value:
        one_of(f"{field} partner", name, partners)
    checked = {name: number(f"{field}[{name!r}]", value[name], 0.0, 1.0) for name in value}
    total = sum(checked.values())
    if not math.isclose(total, 1.0, rel_tol=0.0, abs_tol=1e-9):
        raise ModelInputError(field, "shares that sum to 1 (each from 0 to 1)", dict(value))
    return checked


def _describe_range(low: float | None, high: float | None, low_open: bool) -> str:
    if low is not None and high is not None:
        return f"greater than {low:g} and at most {high:g}" if low_open else f"from {low:g} to {high:g}"
    if low is not None:
        return f"greater than {low:g}" if low_open else f"{low:g} or more"
    if high is not None:
        return f"at most {high:g}"
    return ""
