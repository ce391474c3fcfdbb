"""Patients: the id, ``gender`` (administrative sex) and ``birthDate`` (age at ``as_of``)."""

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
            out.sex = Sex(gender)
        except ValueError:
            choices = ", ".join(s.value for s in Sex)
            raise res.error(f"expected one of {choices}, got {gender!r}", "gender") from None
    birth = res.string(data, "birthDate")
    if birth is not None:
        try:
            parse_date(birth)
        except ValueError as error:
            raise res.error(str(error), "birthDate") from None
        out.birth_date = birth
        out.birth_label = res.label
