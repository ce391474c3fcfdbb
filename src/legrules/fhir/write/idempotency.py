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
def _namespace(base: str) -> bytes:
    return uuid.uuid5(uuid.NAMESPACE_URL, identifier_system(base)).bytes


#: The bits a version-5 UUID fixes (RFC 9562): the version, then the variant.
_CLEARED = ~((0xF000 << 64) | (0xC000 << 48))
_SET = (5 << 76) | (0x8000 << 48)


def resource_uuid(base: str, key: str) -> str:
    """The version-5 UUID of *key* under the canonical *base*, as text.

    ``str(uuid.uuid5(namespace, key))``, computed as :func:`uuid.uuid5` does but without
    making a :class:`uuid.UUID` (a bundle makes some fifty; the class's checks were a
    tenth of the bundle's time).
    """
    hashed = hashlib.sha1(_namespace(base) + key.encode()).digest()  # SHA-1: version 5's hash
    text = f"{int.from_bytes(hashed[:16]) & _CLEARED | _SET:032x}"
    return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"


def identifier(base: str, key: str) -> dict[str, str]:
    """The Identifier of the resource with idempotency *key*."""
    return {"system": identifier_system(base), "value": resource_uuid(base, key)}


def if_none_exist(ident: dict[str, str]) -> str:
    """The conditional-create query for *ident*: ``identifier=system|value``."""
    return f"identifier={quote(ident['system'], safe=':/')}|{ident['value']}"
