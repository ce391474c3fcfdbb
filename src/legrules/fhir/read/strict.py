"""Opt-in strict mode: validate every input resource with fhir.resources.

R4 and R4B resources are validated with ``fhir.resources.R4B`` and R5 resources with
the package root.  The root is never used for R4 data: its R5 models silently drop R4
elements.  With no version given, strict mode validates as R4B, what EHRs send.
Validation costs about 150 us a resource (the reader itself a few), which is why it is
opt-in.  pydantic errors become :class:`~legrules.errors.FHIRInputError` naming the
resource type, id and element path.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

from legrules.errors import FHIRInputError
from legrules.fhir.read.elements import JSON, Resource
from legrules.fhir.versions import FHIRVersion

__all__ = ["validate"]


@cache
def _model(version: FHIRVersion, resource_type: str) -> Callable[[JSON], Any] | None:
    if version is FHIRVersion.R5:
        from fhir.resources import get_fhir_model_class
    else:
        from fhir.resources.R4B import get_fhir_model_class
    try:
        model = get_fhir_model_class(resource_type)
    except (KeyError, ValueError, AttributeError, ImportError):
        return None
    validate: Callable[[JSON], Any] = model.model_validate
    return validate


def _path(loc: tuple[Any, ...]) -> str:
    parts: list[str] = []
    for step in loc:
        if isinstance(step, int):
            parts.append(f"[{step}]")
        elif parts:
            parts.append(f".{step}")
        else:
            parts.append(str(step))
    return "".join(parts)


def validate(res: Resource, version: FHIRVersion | None) -> None:
    """Validate *res* fully; raise :class:`FHIRInputError` at the first invalid element."""
    from pydantic import ValidationError

    model = _model(version or FHIRVersion.R4B, res.type)
    if model is None:
        raise res.error(
            f"{res.type} is not a FHIR {(version or FHIRVersion.R4B).value} resource type",
            "resourceType",
        )
    try:
        model(res.data)
    except ValidationError as error:
        first = error.errors()[0]
        element = _path(tuple(first.get("loc", ())))
        raise res.error(f"not valid FHIR: {first.get('msg', 'invalid')}", element) from None
    except (TypeError, ValueError) as error:
        raise FHIRInputError(
            f"not valid FHIR: {error}", res.label, resource_type=res.type, resource_id=res.id
        ) from None
