"""Write an assessment back to a FHIR server as one idempotent transaction Bundle.

>>> from datetime import datetime, UTC
>>> from legrules import Presentation, assess
>>> from legrules.fhir import transaction_bundle
>>> p = Presentation.of(present=["leg-pain", "dyspnea"])
>>> result = assess(p, as_of=datetime(2026, 11, 20, 10, tzinfo=UTC))
>>> bundle = transaction_bundle(result)
>>> bundle["type"], [e["resource"]["resourceType"] for e in bundle["entry"]][:3]
('transaction', ['Device', 'GuidanceResponse', 'RequestGroup'])
>>> bundle["entry"][1]["resource"]["moduleCanonical"]
'https://legrules.org/fhir/Library/legrules|2026.12'

The Bundle holds, in this order: the legrules **Device**; the **GuidanceResponse** (rule
set, status, missing inputs, ignored inputs, and a contained Parameters with the
rule-set version, every rule's version, the policy values and the disposition); the
**RequestGroup** (R4B) or **RequestOrchestration** (R5) with one action per
recommendation; one **Flag** per met red flag; one **Observation** per score with a
value or range; one **RiskAssessment** per differential; and the **Provenance** of all
of them.

Idempotency: every resource but the Provenance is created with ``ifNoneExist`` on an
identifier derived from the subject, the rule-set version, the rule and its version,
and a hash of the evidence and outcome (:mod:`legrules.fhir.write.idempotency`); its
``fullUrl`` is the ``urn:uuid:`` of the same key.  The Provenance is ``PUT`` to an id
derived the same way.  Submitting a Bundle twice therefore creates nothing the second
time, and the same assessment always gives byte-identical output from
:func:`dumps_bundle`.

Subject: ``Patient/<assessment.patient>``, or the reference given as ``subject``.  An
assessment of an unidentified patient is written with a display-only subject
(``{"display": "patient not identified"}``), which FHIR allows where a subject is
required; its keys then include a hash of the whole assessment, so two different
anonymous assessments never share a resource.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

import orjson

from legrules.errors import InvalidValueError
from legrules.fhir.canonical import DEFAULT_BASE
from legrules.fhir.write import FHIR_VERSIONS
from legrules.fhir.write.conclusions import flags, risk_assessments, score_observations
from legrules.fhir.write.guidance import guidance_response, requests
from legrules.fhir.write.idempotency import resource_uuid
from legrules.fhir.write.provenance import device, device_key, provenance
from legrules.fhir.write.validation import validate_bundle
from legrules.fhir.write.writer import FHIRVersion, Writer, made_by, reference_type
from legrules.model import Assessment
from legrules.model.assessment_json import dumps_assessment

__all__ = [
    "FHIR_VERSIONS",
    "FHIRVersion",
    "dumps_bundle",
    "red_flag_entries",
    "transaction_bundle",
    "validate_bundle",
]


#: The subject of an assessment whose patient has no id.
ANONYMOUS_SUBJECT = {"display": "patient not identified"}

_FHIR_ID = re.compile(r"^[A-Za-z0-9\-.]{1,64}$")
_BASE = re.compile(r"^https?://[^\s|?#]+$")


def _subject(assessment: Assessment, subject: str | None, whole: str) -> tuple[dict[str, str], str]:
    """The subject Reference and the key that stands for it."""
    if subject is not None:
        if reference_type(subject) not in ("Patient", "Group"):
            raise InvalidValueError(
                f"subject {subject!r} is not a Patient or Group reference (Patient/123)",
                "subject",
            )
        return {"reference": subject}, subject
    patient = assessment.patient
    if patient is None:
        return dict(ANONYMOUS_SUBJECT), f"anonymous:{whole}"
    if reference_type(patient) == "Patient":
        return {"reference": patient}, patient
    if not _FHIR_ID.match(patient):
        raise InvalidValueError(
            f"patient id {patient!r} is not a FHIR id; pass subject='Patient/<id>'", "patient"
        )
    return {"reference": f"Patient/{patient}"}, f"Patient/{patient}"


def _writer(
    assessment: Assessment,
    version: FHIRVersion,
    base: str,
    subject: str | None,
    *,
    flags_only: bool = False,
) -> Writer:
    """The writer of *assessment*'s resources.

    The hash of the whole assessment (a millisecond or more for a full one) keys the
    GuidanceResponse, RequestGroup and Provenance, and an anonymous subject; Flags key
    on their own evidence, so *flags_only* skips it for an identified subject (the
    writer's ``digest`` is then empty, and only :func:`flags` may use the writer).
    """
    if version not in FHIR_VERSIONS:
        raise InvalidValueError(f"unknown FHIR version {version!r}; use R4B or R5", "version")
    if not _BASE.match(base):
        raise InvalidValueError(f"canonical base {base!r} is not an http(s) URL", "base")
    base = base.rstrip("/")
    anonymous = subject is None and assessment.patient is None
    whole = "" if flags_only and not anonymous else _whole_digest(assessment)
    reference, subject_key = _subject(assessment, subject, whole)
    device_url = f"urn:uuid:{resource_uuid(base, device_key(made_by(assessment)))}"
    return Writer(assessment, version, base, reference, subject_key, device_url, whole)


def _whole_digest(assessment: Assessment) -> str:
    """``digest(dump_assessment(assessment))``, hashed from the assessment's JSON text.

    :func:`~legrules.fhir.write.idempotency.digest` hashes ``orjson.dumps((document,),
    option=OPT_SORT_KEYS)``: the compact text of the document, keys sorted, in brackets,
    which :func:`~legrules.model.assessment_json.dumps_assessment` writes without making
    the document with cattrs first (that took half of a transaction Bundle's time).
    """
    return hashlib.sha256(b"[" + dumps_assessment(assessment) + b"]").hexdigest()


def transaction_bundle(
    assessment: Assessment,
    *,
    version: FHIRVersion = "R4B",
    base: str = DEFAULT_BASE,
    subject: str | None = None,
    validate: bool = False,
) -> dict[str, Any]:
    """The transaction Bundle that records *assessment* on a FHIR server.

    Args:
        assessment: what :func:`legrules.assess` returned (or any hand-built value).
        version: ``"R4B"`` (default; R4 servers accept it for these resources) or
            ``"R5"``.
        base: the canonical base of legrules' CodeSystems, Library and identifiers.
        subject: a ``Patient/...`` or ``Group/...`` reference to write instead of
            ``Patient/<assessment.patient>``.
        validate: also check the Bundle with the fhir.resources models (the CLI's
            ``--fhir-strict``).  Off by default: the writer builds plain dicts whose
            validity the test suite checks on every Bundle it writes, and validating
            costs about ten times the building (some 20 ms against 1.6 ms).

    Raises:
        InvalidValueError: an unknown version, a bad base or subject, a patient id that
            is not a FHIR id, or an assessment holding values FHIR cannot carry.
    """
    _check_arguments(assessment, base, subject, validate)
    w = _writer(assessment, version, base, subject)
    group = requests(w)
    results = [
        guidance_response(w, group.full_url if group else None),
        *([group] if group else []),
        *flags(w),
        *score_observations(w),
        *risk_assessments(w),
    ]
    trail = provenance(w, [e.full_url for e in results])
    entries = [device(w), *results, trail]
    bundle = {
        "resourceType": "Bundle",
        "type": "transaction",
        "entry": [e.as_json() for e in entries],
    }
    if validate:
        validate_bundle(bundle, version)
    return bundle


def red_flag_entries(
    assessment: Assessment,
    *,
    version: FHIRVersion = "R4B",
    base: str = DEFAULT_BASE,
    subject: str | None = None,
) -> list[dict[str, Any]]:
    """The Bundle entries of the Flags alone, as :func:`transaction_bundle` writes them.

    One entry per met red flag, with the same ``fullUrl``, resource and conditional
    request as in the whole Bundle (the Flag's author is the Bundle's Device entry).
    A CDS card offers such a Flag on its own, and this skips the rest of the Bundle
    (most of the cost: hashing the whole assessment, the GuidanceResponse, the
    Provenance).

    Raises:
        InvalidValueError: as :func:`transaction_bundle`.
    """
    _check_arguments(assessment, base, subject, False)
    w = _writer(assessment, version, base, subject, flags_only=True)
    return [e.as_json() for e in flags(w)]


def _check_arguments(assessment: Any, base: Any, subject: Any, validate: Any) -> None:
    """Refuse arguments of the wrong type at the boundary, naming the argument."""
    if not isinstance(assessment, Assessment):
        raise InvalidValueError(
            f"expected an Assessment, got {type(assessment).__name__}", "assessment"
        )
    if not isinstance(base, str):
        raise InvalidValueError(f"base must be a string, got {type(base).__name__}", "base")
    if subject is not None and not isinstance(subject, str):
        raise InvalidValueError(
            f"subject must be a string or None, got {type(subject).__name__}", "subject"
        )
    if not isinstance(validate, bool):
        raise InvalidValueError("validate must be True or False", "validate")


def dumps_bundle(bundle: dict[str, Any], *, indent: bool = False) -> bytes:
    """Serialise *bundle* deterministically: sorted keys, one line unless *indent*."""
    option = orjson.OPT_SORT_KEYS | (orjson.OPT_INDENT_2 if indent else 0)
    return orjson.dumps(bundle, option=option)
