"""UCUM units legrules understands, and conversion to each concept's canonical unit.

Only the units the rules need are known; anything else is an :class:`UnitError`, never a
guess.  Conversions are affine (``canonical = value * factor + offset``).  A few are
approximations with a clinical caveat (D-dimer DDU to FEU); those carry a note that ends
up in the explanation trace.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

import attrs

from legrules.errors import UnitError

__all__ = ["TABLES", "Conversion", "UnitTable", "bounds_in", "convert", "units_for"]


@attrs.frozen
class Conversion:
    """How to turn a value in one unit into the canonical unit of its dimension."""

    factor: float
    offset: float = 0.0
    note: str | None = None

    def apply(self, value: float) -> float:
        """Return *value* expressed in the canonical unit."""
        return value * self.factor + self.offset


def _table(entries: Mapping[str, Conversion | float]) -> Mapping[str, Conversion]:
    return MappingProxyType(
        {k: v if isinstance(v, Conversion) else Conversion(v) for k, v in entries.items()}
    )


UnitTable = Mapping[str, Conversion]

_DDU_NOTE = (
    "D-dimer reported in D-dimer units (DDU) was doubled to fibrinogen-equivalent units "
    "(FEU); FEU is about 2 x DDU, an approximation that differs between assays"
)

# Each table maps a UCUM unit string to its conversion into the table's first unit.
_TEMPERATURE = MappingProxyType(
    {
        "Cel": Conversion(1.0),
        "[degF]": Conversion(5.0 / 9.0, -32.0 * 5.0 / 9.0),
        "K": Conversion(1.0, -273.15),
    }
)
_PER_MINUTE = _table({"/min": 1.0, "{beats}/min": 1.0, "{breaths}/min": 1.0, "/s": 60.0})
_PERCENT = _table({"%": 1.0})
_PRESSURE = _table({"mm[Hg]": 1.0, "kPa": 7.500617, "cm[H2O]": 0.735559})
_SCORE_0_10 = _table({"{score}": 1.0, "1": 1.0, "{score}/10": 1.0})
_RATIO = _table({"1": 1.0, "{ratio}": 1.0, "{index}": 1.0})
_MASS_CONC_NG_ML = _table({"ng/mL": 1.0, "ug/L": 1.0, "mg/L": 1000.0, "ug/mL": 1000.0})
_D_DIMER = _table(
    {
        "ng/mL{FEU}": 1.0,
        "ug/L{FEU}": 1.0,
        "mg/L{FEU}": 1000.0,
        "ug/mL{FEU}": 1000.0,
        "ng/mL{DDU}": Conversion(2.0, note=_DDU_NOTE),
        "ug/L{DDU}": Conversion(2.0, note=_DDU_NOTE),
        "mg/L{DDU}": Conversion(2000.0, note=_DDU_NOTE),
        "ug/mL{DDU}": Conversion(2000.0, note=_DDU_NOTE),
    }
)
_POTASSIUM = _table({"mmol/L": 1.0, "meq/L": 1.0, "mEq/L": 1.0})
# Magnesium: 1 mmol = 2 mEq (divalent ion); molar mass 24.305 g/mol.
_MAGNESIUM = _table(
    {"mmol/L": 1.0, "meq/L": 0.5, "mEq/L": 0.5, "mg/dL": 1.0 / 2.4305, "mg/L": 1.0 / 24.305}
)
# Calcium: molar mass 40.078 g/mol, so 1 mg/dL = 10 mg/L = 0.2495 mmol/L.
_CALCIUM = _table({"mmol/L": 1.0, "mg/dL": 10.0 / 40.078, "meq/L": 0.5, "mEq/L": 0.5})
# 25-hydroxyvitamin D: 1 ng/mL = 2.496 nmol/L (molar mass 400.6 g/mol).
_VITAMIN_D = _table({"nmol/L": 1.0, "ng/mL": 2.496, "ug/L": 2.496})
_LENGTH_CM = _table({"cm": 1.0, "mm": 0.1, "m": 100.0, "[in_i]": 2.54})
_DAYS = _table({"d": 1.0, "h": 1.0 / 24.0, "wk": 7.0, "min": 1.0 / 1440.0})
_WEEKS = _table({"wk": 1.0, "d": 1.0 / 7.0, "mo": 30.4375 / 7.0})
_HOURS = _table({"h": 1.0, "d": 24.0, "min": 1.0 / 60.0})
_MINUTES = _table({"min": 1.0, "s": 1.0 / 60.0, "h": 60.0})
_PER_WEEK = _table({"/wk": 1.0, "{nights}/wk": 1.0, "/d": 7.0})

#: Unit tables by the name a vocabulary concept uses.
TABLES: Mapping[str, UnitTable] = MappingProxyType(
    {
        "temperature": _TEMPERATURE,
        "per-minute": _PER_MINUTE,
        "percent": _PERCENT,
        "pressure": _PRESSURE,
        "score-0-10": _SCORE_0_10,
        "ratio": _RATIO,
        "mass-concentration": _MASS_CONC_NG_ML,
        "d-dimer": _D_DIMER,
        "potassium": _POTASSIUM,
        "magnesium": _MAGNESIUM,
        "calcium": _CALCIUM,
        "vitamin-d": _VITAMIN_D,
        "length-cm": _LENGTH_CM,
        "days": _DAYS,
        "weeks": _WEEKS,
        "hours": _HOURS,
        "minutes": _MINUTES,
        "per-week": _PER_WEEK,
    }
)


def bounds_in(unit: str, table: str, low: float, high: float) -> tuple[float, float]:
    """The canonical range ``[low, high]`` of *table* expressed in *unit*.

    The model and the JSON Schema both check values against these numbers, in the unit
    the value was given in, so they agree exactly at the edges.
    """
    conversion = TABLES[table][unit]
    ends = sorted(
        (
            (low - conversion.offset) / conversion.factor,
            (high - conversion.offset) / conversion.factor,
        )
    )
    return round(ends[0], 6), round(ends[1], 6)


def units_for(table: str) -> tuple[str, ...]:
    """Return the UCUM units accepted by a unit table, canonical unit first."""
    return tuple(TABLES[table])


def convert(value: float, unit: str, table: str) -> tuple[float, str | None]:
    """Convert *value* in *unit* to the canonical unit of *table*.

    Returns the converted value and a caveat note, if the conversion has one.

    Raises:
        UnitError: the unit is not one this table accepts (path ``unit``).
    """
    units = TABLES[table]
    conversion = units.get(unit)
    if conversion is None:
        accepted = ", ".join(repr(u) for u in units)
        raise UnitError(f"unit {unit!r} is not accepted here; use one of {accepted}", "unit")
    return conversion.apply(value), conversion.note
