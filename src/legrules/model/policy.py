"""Policy settings: the thresholds that guidelines disagree on.

Where sources differ (which Wells variant, whether to age-adjust the D-dimer cut-off,
the lowest ABI that still allows compression), legrules does not pick silently: the
choice is a policy setting with a documented default, and every result records the
values it used so that it can be reproduced.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from typing import Any

import attrs

from legrules.errors import PolicyError, did_you_mean
from legrules.model._enums import ValueEnum

__all__ = ["Policy", "WellsVariant"]


class WellsVariant(ValueEnum):
    """Which published form of the Wells DVT score to apply."""

    NICE_2020 = "nice-2020"
    WELLS_1997 = "wells-1997"


def _doc(text: str) -> dict[str, str]:
    return {"doc": text}


def _bounded(low: float, high: float) -> Any:
    def check(_: object, attribute: attrs.Attribute[Any], value: float) -> None:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise PolicyError("must be a number", attribute.name)
        if not low <= value <= high:
            raise PolicyError(f"must be between {low:g} and {high:g}", attribute.name)

    return check


@attrs.frozen(kw_only=True)
class Policy:
    """Every policy value legrules reads, with its default.

    >>> Policy().wells_variant
    <WellsVariant.NICE_2020: 'nice-2020'>
    >>> Policy.from_strings({"compression_min_abi": "0.9"}).compression_min_abi
    0.9
    """

    wells_variant: WellsVariant = attrs.field(
        default=WellsVariant.NICE_2020,
        validator=attrs.validators.instance_of(WellsVariant),
        metadata=_doc(
            "Wells DVT variant: 'nice-2020' (calf difference >= 3 cm, bedridden >= 3 days, "
            "surgery within 12 weeks, two-level) or 'wells-1997' (> 3 cm, > 3 days, "
            "4 weeks, three-level)."
        ),
    )
    age_adjusted_d_dimer: bool = attrs.field(
        default=True,
        validator=attrs.validators.instance_of(bool),
        metadata=_doc(
            "Above age 50, use age x 10 ng/mL FEU as the D-dimer cut-off instead of 500."
        ),
    )
    compression_min_abi: float = attrs.field(
        default=0.8,
        validator=_bounded(0.5, 1.0),
        metadata=_doc("Lowest ABI at which compression may be advised."),
    )
    not_improving_days: int = attrs.field(
        default=7,
        validator=_bounded(1, 90),
        metadata=_doc("Days of self-care without improvement before a clinician should see it."),
    )
    lookback_signs_days: int = attrs.field(
        default=14,
        validator=_bounded(1, 365),
        metadata=_doc("How far back (days) FHIR symptom and sign observations count."),
    )
    lookback_vitals_hours: int = attrs.field(
        default=24,
        validator=_bounded(1, 720),
        metadata=_doc("How far back (hours) FHIR vital-sign observations count."),
    )
    lookback_labs_days: int = attrs.field(
        default=7,
        validator=_bounded(1, 365),
        metadata=_doc("How far back (days) FHIR laboratory and imaging results count."),
    )

    @classmethod
    def names(cls) -> tuple[str, ...]:
        """The names of every policy setting."""
        return tuple(a.name for a in attrs.fields(cls))

    @classmethod
    def describe(cls) -> dict[str, str]:
        """Each setting's description, by name."""
        return {a.name: a.metadata["doc"] for a in attrs.fields(cls)}

    def as_dict(self) -> dict[str, Any]:
        """The settings as JSON-ready values."""
        return {
            name: value.value if isinstance(value, enum.Enum) else value
            for name, value in attrs.asdict(self, recurse=False).items()
        }

    @classmethod
    def from_dict(cls, values: Mapping[str, Any]) -> Policy:
        """Build a policy from JSON-style values; unknown keys are an error."""
        return cls().replace(values)

    @classmethod
    def from_strings(cls, values: Mapping[str, str]) -> Policy:
        """Build a policy from ``KEY=VALUE`` strings, as the command line gives them."""
        return cls().replace({k: _parse(k, v) for k, v in values.items()})

    def replace(self, values: Mapping[str, Any]) -> Policy:
        """Return a copy with *values* changed, validating names and types."""
        if not isinstance(values, Mapping):
            raise PolicyError(
                f"policy must be a Policy or a mapping, got {type(values).__name__}", "policy"
            )
        changes: dict[str, Any] = {}
        for key, value in values.items():
            if key not in self.names():
                raise PolicyError(_unknown(key), key)
            changes[key] = _coerce(key, value)
        return attrs.evolve(self, **changes)


def _unknown(key: object) -> str:
    return f"unknown policy setting {key!r}{did_you_mean(key, Policy.names())}"


def _kind(key: str) -> type:
    """The type of a setting, read off its default value."""
    return type(getattr(_DEFAULTS, key))


def _coerce(key: str, value: Any) -> Any:
    kind = _kind(key)
    if kind is WellsVariant:
        try:
            return WellsVariant(value)
        except ValueError:
            choices = ", ".join(v.value for v in WellsVariant)
            raise PolicyError(f"must be one of {choices}", key) from None
    if kind is int and isinstance(value, float) and value.is_integer():
        return int(value)
    if kind is int and (isinstance(value, bool) or not isinstance(value, int)):
        raise PolicyError("must be a whole number", key)
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    return value


_TRUE, _FALSE = ("true", "on", "yes", "1"), ("false", "off", "no", "0")


def _parse(key: str, text: str) -> Any:
    if key not in Policy.names():
        raise PolicyError(_unknown(key), key)
    kind = _kind(key)
    lowered = text.strip().lower()
    try:
        if kind is bool:
            if lowered not in _TRUE + _FALSE:
                raise ValueError(text)
            return lowered in _TRUE
        if kind is int or kind is float:
            return kind(text)
    except ValueError:
        raise PolicyError(f"cannot read {text!r} as {kind.__name__}", key) from None
    return text


_DEFAULTS = Policy()
