"""Patients: the id, ``gender`` (administrative sex) and ``birthDate`` (age at ``as_of``).

An export may hold the same Patient more than once (two pages of a search, a history
Bundle).  Copies that agree are one patient; where they disagree on ``gender`` or
``birthDate`` the element is left unknown, listed as ignored and warned about, whatever
the order of the copies: letting the last copy win made the age, and so the red flags,
depend on the order of the export.
"""

from __future__ import annotations

from legrules.fhir.read.context import Collected, Settings
from legrules.fhir.read.elements import Resource, parse_date
from legrules.model import Sex

__all__ = ["read_patient"]


def read_patient(res: Resource, settings: Settings, out: Collected) -> None:
    """Read a Patient's id, gender and birthDate into *out*."""
    data = res.data
    if out.saw_patient and out.patient_id != res.id:
        out.warn(f"{res.label}: several Patient resources for one subject; the last wins")
    out.patient_id = res.id
    out.saw_patient = True
    gender = res.string(data, "gender")
    if gender is not None:
        try:
            sex = Sex(gender)
        except ValueError:
            choices = ", ".join(s.value for s in Sex)
            raise res.error(f"expected one of {choices}, got {gender!r}", "gender") from None
        out.sex = sex if _agrees(res, out, "gender", out.sex, sex) else None
    birth = res.string(data, "birthDate")
    if birth is not None:
        try:
            parse_date(birth)
        except ValueError as error:
            raise res.error(str(error), "birthDate") from None
        out.birth_date = birth if _agrees(res, out, "birthDate", out.birth_date, birth) else None
        out.birth_label = res.label


def _agrees(res: Resource, out: Collected, element: str, held: object, new: object) -> bool:
    """Whether *new* may stand: no other copy of the Patient gave *element* another value.

    Once two copies disagree the element stays unknown for good, so that the outcome
    (and the one ignored entry saying so) is the same in any order of the copies.
    """
    if element in out.disputed:
        return False
    if held is None or held == new:
        return True
    out.disputed |= {element}
    reason = f"copies of this Patient disagree on {element}; left unknown"
    out.ignore(res.label, reason)
    out.warn(f"{res.label}: {reason}")
    return False
