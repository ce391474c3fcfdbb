"""One flat row per patient: the columns both runners write to Parquet.

The columns depend only on the rule set, so every file of a run, and the embedded and
Spark runners, share one schema: the patient and its age band, the disposition and the
worst case (the most urgent level any completion of the unknown findings could reach), each
red flag's status (``red_flag:<id>``), each differential's likelihood
(``differential:<id>``) and each score's range (``score:<id>:value`` / ``:min`` /
``:max``), named by the rules' public ids.  A lateralised score reported for both legs
fills its columns from the leg with the higher maximum (the more concerning one).
A patient whose data could not be read has its ``error`` and no disposition.
"""

from __future__ import annotations

from typing import Any, Literal

import attrs

from legrules.model import Assessment
from legrules.population.partition import PatientResult
from legrules.rules import get_ruleset

__all__ = ["AGE_BANDS", "Column", "Columns", "age_band", "arrow_schema", "columns", "row"]

Kind = Literal["string", "int", "double"]
Column = tuple[str, Kind]

#: Age bands as ``(lowest age, label)``, youngest first.
AGE_BANDS = ((0, "0-17"), (18, "18-39"), (40, "40-59"), (60, "60-79"), (80, "80+"))

_FIXED: tuple[Column, ...] = (
    ("patient", "string"),
    ("patient_id", "string"),
    ("age", "int"),
    ("age_band", "string"),
    ("sex", "string"),
    ("disposition", "string"),
    ("worst_case_disposition", "string"),
    ("ruleset", "string"),
    ("resources", "int"),
    ("ignored", "int"),
    ("error", "string"),
)


@attrs.frozen
class Columns:
    """The columns of one rule set's rows, and the rule ids behind them."""

    ruleset: str
    red_flags: tuple[str, ...]
    differentials: tuple[str, ...]
    scores: tuple[str, ...]

    @property
    def all(self) -> tuple[Column, ...]:
        """Every column as ``(name, kind)``, in file order."""
        return (
            *_FIXED,
            *((f"red_flag:{i}", "string") for i in self.red_flags),
            *((f"differential:{i}", "string") for i in self.differentials),
            *((f"score:{i}:{part}", "double") for i in self.scores for part in _RANGE),
        )


_RANGE = ("value", "min", "max")


def columns(ruleset: str | None = None) -> Columns:
    """The columns for *ruleset* (a version; default the latest)."""
    rules = get_ruleset(ruleset)
    return Columns(
        rules.version,
        tuple(r.id for r in rules.of_kind("red-flag")),
        tuple(r.id for r in rules.of_kind("differential")),
        tuple(r.id for r in rules.of_kind("score")),
    )


def age_band(age: int | None) -> str | None:
    """The band *age* falls in (``"40-59"``), or ``None`` when the age is unknown."""
    if age is None:
        return None
    return next(label for lowest, label in reversed(AGE_BANDS) if age >= lowest)


def row(result: PatientResult, cols: Columns) -> dict[str, Any]:
    """*result* as one row with every column of *cols*."""
    out: dict[str, Any] = dict.fromkeys(name for name, _ in cols.all)
    key = result.key
    out.update(
        patient=key,
        patient_id=key.removeprefix("Patient/"),
        age=result.age,
        age_band=age_band(result.age),
        sex=result.sex,
        ruleset=cols.ruleset,
        resources=result.resources,
        error=result.error,
    )
    if result.assessment is not None:
        _assessment(out, result.assessment)
    return out


def _assessment(out: dict[str, Any], assessment: Assessment) -> None:
    out["disposition"] = assessment.disposition.value
    out["worst_case_disposition"] = assessment.worst_case_disposition.value
    out["ignored"] = len(assessment.ignored)
    for flag in assessment.red_flags:
        out[f"red_flag:{flag.id}"] = flag.status.value
    for differential in assessment.differentials:
        out[f"differential:{differential.id}"] = differential.likelihood.value
    chosen: dict[str, float] = {}
    for score in assessment.scores:
        highest = -1.0 if score.max is None else score.max
        if score.id in chosen and chosen[score.id] >= highest:
            continue
        chosen[score.id] = highest
        for part in _RANGE:
            value = getattr(score, part)
            out[f"score:{score.id}:{part}"] = None if value is None else float(value)


def arrow_schema(cols: Columns) -> Any:
    """The ``pyarrow.Schema`` of *cols* (needs the ``population`` extra)."""
    from legrules.population._extras import pyarrow

    pa = pyarrow()
    kinds = {"string": pa.string(), "int": pa.int32(), "double": pa.float64()}
    return pa.schema([pa.field(name, kinds[kind]) for name, kind in cols.all])
