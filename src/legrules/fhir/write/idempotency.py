"""Idempotency keys: the same conclusion always gets the same identifier and ``fullUrl``.

A key is a plain string naming the subject, the rule-set version, the kind of resource,
the rule with its version, and a hash of what the conclusion rests on (its evidence and
outcome).  From the key come the resource's identifier (system
:func:`~legrules.fhir.canonical.identifier_system`, value a UUID) and its ``urn:uuid:``
``fullUrl``: both are version-5 UUIDs in a namespace derived from the canonical base,
so integrations that publish under their own base never collide with the default one.
Keys carry no time, so resubmitting a conclusion that already exists creates nothing.
"""

from __future__ import annotations

import hashlib
import uuid
from functools import cache
from typing import Any
from urllib.parse import quote

import orjson

from legrules.fhir.canonical import identifier_system
from legrules.model import Evidence

__all__ = ["digest", "evidence_terms", "identifier", "if_none_exist", "resource_uuid"]


def digest(*values: Any) -> str:
    """A SHA-256 hex digest of *values*: JSON values, enums (by value) and tuples."""
    data = orjson.dumps(values, option=orjson.OPT_SORT_KEYS)
    return hashlib.sha256(data).hexdigest()


def evidence_terms(evidence: tuple[Evidence, ...]) -> list[list[str | None]]:
    """*evidence* as plain values, field by field.

    Listing the fields (rather than serialising the class) keeps existing keys
    unchanged when :class:`~legrules.model.Evidence` gains a field.
    """
    return [
        [e.finding, e.value, e.laterality.value if e.laterality else None, e.source, e.note]
        for e in evidence
    ]


@cache
def _namespace(base: str) -> uuid.UUID:
    return uuid.uuid5(uuid.NAMESPACE_URL, identifier_system(base))


def resource_uuid(base: str, key: str) -> str:
    """The version-5 UUID of *key* under the canonical *base*."""
    return str(uuid.uuid5(_namespace(base), key))


def identifier(base: str, key: str) -> dict[str, str]:
    """The Identifier of the resource with idempotency *key*."""
    return {"system": identifier_system(base), "value": resource_uuid(base, key)}


def if_none_exist(ident: dict[str, str]) -> str:
    """The conditional-create query for *ident*: ``identifier=system|value``."""
    return f"identifier={quote(ident['system'], safe=':/')}|{ident['value']}"
