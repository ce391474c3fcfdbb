"""What every resource the writer builds shares: the write context, codings, references.

The writer works on plain JSON dicts (``orjson`` serialises them deterministically) and
validates the finished Bundle with fhir.resources; see :mod:`legrules.fhir.write.transaction`.
"""

from __future__ import annotations

import re
from typing import Any, Literal

import attrs

from legrules._version import __version__
from legrules.fhir.canonical import finding_system, library_url, rule_system
from legrules.fhir.write.idempotency import identifier, if_none_exist, resource_uuid
from legrules.model import VOCABULARY, Assessment, Evidence, Laterality

__all__ = [
    "SNOMED",
    "Entry",
    "FHIRVersion",
    "Writer",
    "condition_name",
    "input_coding",
    "input_references",
    "laterality_concept",
    "made_by",
    "reference_to",
    "reference_type",
    "rule_coding",
    "sources_of",
]

#: The FHIR versions the writer emits.
FHIRVersion = Literal["R4B", "R5"]

SNOMED = "http://snomed.info/sct"

# SNOMED CT laterality qualifiers, as fhir.md lists them for Observation.bodySite.
_LATERALITY = {
    Laterality.LEFT: ("7771000", "Left"),
    Laterality.RIGHT: ("24028007", "Right"),
    Laterality.BOTH: ("51440002", "Right and left"),
}

# A literal reference a FHIR server can resolve: ``Type/id`` (optionally versioned), or
# an absolute URL ending in one.  Anything else (``urn:uuid:`` placeholders of someone
# else's Bundle, questionnaire labels) is written as a display-only reference.
_LITERAL = re.compile(
    r"^(?:https?://\S+/)?(?P<type>[A-Z][A-Za-z]+)/[A-Za-z0-9\-.]{1,64}"
    r"(?:/_history/[A-Za-z0-9\-.]{1,64})?$"
)


@attrs.frozen
class Entry:
    """One Bundle entry: its ``fullUrl``, the resource, and the transaction request."""

    full_url: str
    resource: dict[str, Any]
    request: dict[str, str]

    @property
    def resource_type(self) -> str:
        """The ``resourceType`` of the entry's resource."""
        resource_type: str = self.resource["resourceType"]
        return resource_type

    def as_json(self) -> dict[str, Any]:
        """The entry as Bundle JSON."""
        return {"fullUrl": self.full_url, "resource": self.resource, "request": self.request}


@attrs.frozen
class Writer:
    """Everything a resource builder needs to know about the Bundle being written.

    ``subject`` is the Reference every resource points at; ``subject_key`` stands for
    the subject in idempotency keys; ``device`` is the ``fullUrl`` of the legrules
    Device entry; ``digest`` hashes the whole assessment document.
    """

    assessment: Assessment
    version: FHIRVersion
    base: str
    subject: dict[str, str]
    subject_key: str
    device: str
    digest: str

    @property
    def as_of(self) -> str:
        """The assessment instant as a FHIR dateTime/instant."""
        return self.assessment.as_of.isoformat()

    @property
    def legrules_version(self) -> str:
        """The legrules version that made the assessment (see :func:`made_by`)."""
        return made_by(self.assessment)

    @property
    def module(self) -> str:
        """The rule set's versioned canonical (``.../Library/legrules|2026.11``)."""
        return f"{library_url(self.base)}|{self.assessment.ruleset.version}"

    def device_reference(self) -> dict[str, str]:
        """A Reference to the legrules Device entry."""
        return {"reference": self.device}

    def key(self, kind: str, rule: str = "", version: str = "", detail: str = "") -> str:
        """The idempotency key of one written resource.

        It names the subject, the rule-set version, the kind of resource, the rule and
        its version, and *detail* (a laterality, a hash of the evidence used).
        """
        ruleset = self.assessment.ruleset
        parts = ("legrules-fhir/1", self.subject_key, f"{ruleset.id}@{ruleset.version}")
        return "|".join((*parts, kind, f"{rule}@{version}", detail))

    def created(self, key: str, resource: dict[str, Any]) -> Entry:
        """An entry that creates *resource* once: conditional on its identifier."""
        ident = identifier(self.base, key)
        resource = {**resource, "identifier": [ident]}
        request = {
            "method": "POST",
            "url": resource["resourceType"],
            "ifNoneExist": if_none_exist(ident),
        }
        return Entry(f"urn:uuid:{resource_uuid(self.base, key)}", resource, request)


def made_by(assessment: Assessment) -> str:
    """The legrules version that made *assessment*; this one's when it is not recorded."""
    return assessment.legrules_version or __version__


def rule_coding(base: str, rule: str, version: str | None = None) -> dict[str, str]:
    """A Coding of a legrules rule, with the rule's version when given."""
    coding = {"system": rule_system(base), "code": rule}
    if version:
        coding["version"] = version
    return coding


def input_coding(base: str, input_id: str) -> dict[str, str]:
    """A Coding of an input: a finding of the legrules vocabulary, or a rule's result."""
    concept = VOCABULARY.get(input_id)
    if concept is None:
        return rule_coding(base, input_id)
    return {"system": finding_system(base), "code": input_id, "display": concept.display}


def laterality_concept(side: Laterality) -> dict[str, Any]:
    """The SNOMED CT laterality of a leg, for ``bodySite``."""
    code, display = _LATERALITY[side]
    return {"coding": [{"system": SNOMED, "code": code, "display": display}]}


def reference_to(source: str) -> dict[str, str]:
    """A Reference to an input: literal when resolvable, otherwise display only."""
    if _LITERAL.match(source):
        return {"reference": source}
    return {"display": source}


def reference_type(source: str) -> str | None:
    """The resource type of a literal reference (``None`` for display-only ones)."""
    match = _LITERAL.match(source)
    return match["type"] if match else None


def sources_of(evidence: tuple[Evidence, ...]) -> list[str]:
    """The distinct input references behind *evidence*, sorted."""
    return sorted({e.source for e in evidence if e.source})


def input_references(assessment: Assessment) -> list[str]:
    """Every input reference the assessment used: red flags, scores, differentials, trace."""
    evidence = [e for f in assessment.red_flags for e in f.evidence]
    evidence += [e for s in assessment.scores for e in s.evidence]
    evidence += [e for d in assessment.differentials for e in d.evidence]
    for trace in assessment.trace:
        for criterion in trace.criteria:
            evidence.extend(criterion.evidence)
    return sources_of(tuple(evidence))


def condition_name(rule: str) -> str:
    """A readable name from a rule id: ``ddx.nocturnal-cramps`` -> ``nocturnal cramps``."""
    return rule.partition(".")[2].replace("-", " ") or rule
