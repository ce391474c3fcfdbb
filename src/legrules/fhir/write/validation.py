"""Validate a written Bundle with the fhir.resources models of its FHIR version.

The models are imported on first use: importing legrules stays cheap for callers that
never write FHIR.  A Bundle that fails validation is reported as an
:class:`~legrules.errors.InvalidValueError` whose path is the JSON path of the bad
element (``$.entry[3].resource.code.coding[0].code``); in practice that means an
assessment holding a value FHIR cannot carry (an id with spaces, say).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from legrules.errors import InvalidValueError
from legrules.fhir.write.writer import FHIRVersion

__all__ = ["validate_bundle"]


def _path(location: Sequence[int | str]) -> str:
    path = "$"
    for step in location:
        path += f"[{step}]" if isinstance(step, int) else f".{step}"
    return path


def _model(version: FHIRVersion) -> Any:
    if version == "R4B":
        from fhir.resources.R4B.bundle import Bundle as R4BBundle

        return R4BBundle
    if version == "R5":
        from fhir.resources.bundle import Bundle as R5Bundle

        return R5Bundle
    raise InvalidValueError(f"unknown FHIR version {version!r}; use R4B or R5", "version")


def validate_bundle(bundle: dict[str, Any], version: FHIRVersion = "R4B") -> None:
    """Check *bundle* against the fhir.resources models of *version* (``R4B`` or ``R5``).

    Raises:
        InvalidValueError: the Bundle is not valid FHIR; the path names the element.
    """
    model = _model(version)
    try:
        model.model_validate(bundle)
    except (KeyError, TypeError, ValueError) as error:
        # pydantic's ValidationError (a ValueError) lists the failures with locations;
        # fhir.resources raises a bare KeyError for a resource type its version lacks
        # (an R4B RequestGroup checked as R5).  Both become an InvalidValueError.
        listing = getattr(error, "errors", None)
        failures: list[dict[str, Any]] = listing() if callable(listing) else []
        if failures:
            message = f"not valid FHIR {version}: {failures[0]['msg']}"
            raise InvalidValueError(message, _path(failures[0]["loc"])) from None
        message = f"not valid FHIR {version}: {type(error).__name__} {error}"
        raise InvalidValueError(message, "$") from None
