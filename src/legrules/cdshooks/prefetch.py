"""The data the service asks for (prefetch templates) and how it gets it.

Each template names a key the EHR fills in the ``prefetch`` of a call.  The CDS Hooks
2.0 rules for a key ("Prefetch Template"): a key set to ``null`` means the EHR has no
such data; an OperationOutcome means the EHR tried and failed (it is not fetched
again); a missing key, or a search page with a ``next`` link, is fetched from
``fhirServer`` with the lent token.  A *required* key that cannot be had makes the call
fail with 412 (the specification's status for it); an optional one is noted on the
card, and its facts stay unknown (never negative).
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

import attrs

from legrules.cdshooks.fetch import FetchError, FhirFetcher, next_link, resources_of
from legrules.errors import LegrulesError
from legrules.fhir import DEFAULT_BASE, finding_system

__all__ = ["TEMPLATES", "Gathered", "PrefetchError", "Template", "expand", "gather"]

# LOINC codes of the laboratory results the rules read, as listed in legrules' FHIR
# contract (fhir.md, "Codes"): D-dimer FEU and DDU, ferritin, transferrin saturation.
_LAB_CODES = ("48065-7", "71427-9", "48066-5", "48058-2", "91556-1", "2276-4", "2502-3")


@attrs.frozen
class Template:
    """One prefetch key: its FHIR query, whether the service can work without it."""

    key: str
    query: str
    required: bool
    description: str


TEMPLATES = (
    Template("patient", "Patient/{{context.patientId}}", True, "age and sex"),
    Template(
        "vitals",
        "Observation?patient={{context.patientId}}&category=vital-signs&_sort=-date",
        True,
        "vital signs",
    ),
    Template(
        "labs",
        "Observation?patient={{context.patientId}}&code="
        + ",".join(f"http://loinc.org|{code}" for code in _LAB_CODES)
        + "&_sort=-date",
        True,
        "laboratory results",
    ),
    Template(
        "findings",
        "Observation?patient={{context.patientId}}&category=survey,exam&_sort=-date",
        True,
        "symptoms and examination findings",
    ),
    # Observations coded with legrules' own finding codes (as legrules.fhir.capture and
    # symptom apps write them, often with no category) and the recorded age (LOINC
    # 30525-0, which capture writes when no birth date is known): "system|" matches any
    # code of that system (FHIR token search).
    Template(
        "captured",
        "Observation?patient={{context.patientId}}&code="
        f"{finding_system(DEFAULT_BASE)}|,http://loinc.org|30525-0&_sort=-date",
        False,
        "findings recorded with legrules' codes",
    ),
    Template("conditions", "Condition?patient={{context.patientId}}", False, "conditions"),
    Template(
        "medications",
        "MedicationRequest?patient={{context.patientId}}&status=active",
        False,
        "active medication requests",
    ),
)

_TOKEN = re.compile(r"\{\{\s*context\.(\w+)\s*\}\}")


class PrefetchError(LegrulesError):
    """Required data could not be had: the call answers 412 with an OperationOutcome."""

    def __init__(self, key: str, reason: str) -> None:
        super().__init__(f"prefetch {key!r}: {reason}")
        self.key, self.reason = key, reason


def expand(query: str, context: Mapping[str, Any]) -> str:
    """*query* with its ``{{context.x}}`` tokens replaced by the context's values."""

    def value(match: re.Match[str]) -> str:
        found = context.get(match.group(1))
        if not isinstance(found, str | int):
            raise PrefetchError(match.group(0), "the context has no such value")
        return quote(str(found), safe="")

    return _TOKEN.sub(value, query)


@attrs.frozen
class Gathered:
    """The resources gathered, and the optional data that could not be had."""

    resources: tuple[dict[str, Any], ...]
    unavailable: tuple[Template, ...] = ()


def _prefetched(template: Template, prefetch: Mapping[str, Any]) -> list[dict[str, Any]] | None:
    """The template's resources when the prefetch holds them all; ``None`` to fetch.

    Raises:
        FetchError: the EHR reported a failure, or the value is not a resource.
    """
    if template.key not in prefetch:
        return None
    value = prefetch[template.key]
    if value is None:
        return []  # the EHR has no such data
    if not isinstance(value, dict) or "resourceType" not in value:
        raise FetchError("the prefetched value is not a FHIR resource")
    if value["resourceType"] == "OperationOutcome":
        raise FetchError("the EHR reported it could not fetch it")
    return resources_of(value) if next_link(value) is None else None


async def _fetched(
    template: Template,
    prefetch: Mapping[str, Any],
    context: Mapping[str, Any],
    fetcher: FhirFetcher | None,
) -> list[dict[str, Any]]:
    """The template's resources from the FHIR server: a missing key or later pages."""
    if template.key in prefetch:
        if fetcher is None:
            raise FetchError("the prefetch is paginated and no FHIR server was given")
        return await fetcher.complete(prefetch[template.key])
    if fetcher is None:
        raise FetchError("not prefetched and no FHIR server was given")
    return await fetcher.query(expand(template.query, context))


async def _results(
    templates: tuple[Template, ...],
    prefetch: Mapping[str, Any],
    context: Mapping[str, Any],
    fetcher: FhirFetcher | None,
) -> list[list[dict[str, Any]] | BaseException]:
    """Each template's resources or error; only what must be fetched runs as a task."""
    results: list[list[dict[str, Any]] | BaseException | None] = []
    for template in templates:
        try:
            results.append(_prefetched(template, prefetch))
        except FetchError as error:
            results.append(error)
    missing = [i for i, result in enumerate(results) if result is None]
    if missing:  # fetched concurrently (a full prefetch, the usual call, fetches nothing)
        fetched = await asyncio.gather(
            *(_fetched(templates[i], prefetch, context, fetcher) for i in missing),
            return_exceptions=True,
        )
        for i, result in zip(missing, fetched, strict=True):
            results[i] = result
    return [r for r in results if r is not None]  # every slot is filled by now


async def gather(
    prefetch: Mapping[str, Any] | None,
    context: Mapping[str, Any],
    fetcher: FhirFetcher | None,
    templates: tuple[Template, ...] = TEMPLATES,
) -> Gathered:
    """Every template's resources, from the prefetch or the FHIR server, concurrently.

    Resources seen under several keys are kept once.

    Raises:
        PrefetchError: a required key could not be had.
    """
    results = await _results(templates, prefetch or {}, context, fetcher)
    resources: dict[tuple[Any, Any], dict[str, Any]] = {}
    unavailable = []
    for template, result in zip(templates, results, strict=True):
        if isinstance(result, FetchError | PrefetchError):
            if template.required:
                raise PrefetchError(template.key, str(result))
            unavailable.append(template)
            continue
        if isinstance(result, BaseException):
            raise result
        for index, resource in enumerate(result):
            key = (resource.get("resourceType"), resource.get("id") or (template.key, index))
            resources.setdefault(key, resource)
    return Gathered(tuple(resources.values()), tuple(unavailable))
