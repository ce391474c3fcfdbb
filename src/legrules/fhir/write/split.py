"""Split a transaction Bundle into smaller transactions a size-limited server accepts.

Some servers cap the entries of a transaction: a stock Medplum server runs every
transaction holding a conditional create (``ifNoneExist``) in strict isolation and
refuses those with more than 8 entries, while a legrules write-back holds some 20.
:func:`split_transaction` cuts such a Bundle into transactions of at most
``max_entries`` entries, to be posted one after the other in the order returned:

* **Dependency order.**  An entry comes after every entry it references, and the
  original order is kept where references allow (the legrules Device first, the
  RequestGroup before the GuidanceResponse pointing at it, the Provenance last).
* **References between transactions** are conditional references, which the FHIR
  transaction rules define (``Flag?identifier=<system>|<value>``, resolved by the server
  to the one resource matching them): an entry created with ``ifNoneExist`` is
  referenced by its resource type and that query, an entry ``PUT`` to ``Type/id`` by
  ``Type/id``.  References inside one transaction keep their ``urn:uuid:`` fullUrl.
* **Idempotency** is kept: every part is conditional (or a ``PUT`` of identical
  content), so posting all the parts again creates nothing, and a part that failed
  can be posted again after the earlier ones.

The trade-off is **atomicity**: one transaction is all or nothing, several are not.  If
posting stops part-way, the server holds the earlier parts (a Device and some Flags,
say, without the Provenance that ties them to the assessment) until the remaining
parts are posted; posting every part again, in order, completes the record without
duplicating anything.  A Bundle that already fits is returned unchanged, as the only
part.

>>> from datetime import datetime, UTC
>>> from legrules import Presentation, assess
>>> from legrules.fhir import split_transaction, transaction_bundle
>>> p = Presentation.of(present=["leg-pain", "dyspnea", "hemoptysis"])
>>> bundle = transaction_bundle(assess(p, as_of=datetime(2026, 11, 20, 10, tzinfo=UTC)))
>>> parts = split_transaction(bundle, max_entries=8)
>>> [len(part["entry"]) for part in parts] == [8] * (len(parts) - 1) + [len(parts[-1]["entry"])]
True
>>> sum(len(part["entry"]) for part in parts) == len(bundle["entry"])
True
>>> parts[-1]["entry"][-1]["resource"]["target"][0]["reference"]  # doctest: +ELLIPSIS
'GuidanceResponse?identifier=https://legrules.org/fhir/identifier|...'
"""

from __future__ import annotations

import heapq
from typing import Any

from legrules.errors import InvalidValueError

__all__ = ["split_transaction"]

JSON = dict[str, Any]


def split_transaction(bundle: JSON, *, max_entries: int) -> list[JSON]:
    """*bundle* as transactions of at most *max_entries* entries, in posting order.

    Args:
        bundle: a transaction Bundle, such as :func:`~legrules.fhir.transaction_bundle`
            writes; it is not modified.
        max_entries: the most entries one transaction may hold (1 or more; 8 for a
            stock Medplum server).

    Returns:
        The transactions to post one after the other, each only after the one before
        it succeeded; ``[bundle]`` when it already fits.

    Raises:
        InvalidValueError: *max_entries* is not a whole number of 1 or more, *bundle*
            is not a transaction Bundle, its entries reference each other in a cycle,
            or an entry referenced across parts can be found by no conditional
            reference (a plain ``POST`` without ``ifNoneExist``).

    .. versionadded:: 0.2
    """
    entries = _check(bundle, max_entries)
    if len(entries) <= max_entries:
        return [bundle]
    urls = {e["fullUrl"]: i for i, e in enumerate(entries) if isinstance(e.get("fullUrl"), str)}
    needs = [sorted(_targets(e.get("resource"), urls) - {i}) for i, e in enumerate(entries)]
    order = _dependency_order(needs)
    part_of = {index: position // max_entries for position, index in enumerate(order)}
    stay = {url: part_of[index] for url, index in urls.items()}
    head = {key: value for key, value in bundle.items() if key != "entry"}
    parts: list[JSON] = []
    for start in range(0, len(order), max_entries):
        part = start // max_entries
        chosen = order[start : start + max_entries]
        moved = {
            url: _conditional(entries[urls[url]], url)
            for index in chosen
            for url in (entries[n]["fullUrl"] for n in needs[index])
            if stay[url] < part
        }
        parts.append({**head, "entry": [_rewritten(entries[i], moved) for i in chosen]})
    return parts


def _check(bundle: Any, max_entries: Any) -> list[JSON]:
    """The entries of *bundle*, once the arguments are known to be usable."""
    if not isinstance(max_entries, int) or isinstance(max_entries, bool) or max_entries < 1:
        raise InvalidValueError("max_entries must be a whole number, 1 or more", "max_entries")
    if not isinstance(bundle, dict) or bundle.get("resourceType") != "Bundle":
        raise InvalidValueError("expected a Bundle", "bundle")
    if bundle.get("type") != "transaction":
        raise InvalidValueError(
            f"expected a transaction Bundle, got {bundle.get('type')!r}", "bundle.type"
        )
    entries = bundle.get("entry", [])
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise InvalidValueError("expected a list of entries", "bundle.entry")
    return entries


def _targets(value: Any, urls: dict[str, int]) -> set[int]:
    """The entries (by index) that references inside *value* point at."""
    found: set[int] = set()
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            reference = item.get("reference")
            if isinstance(reference, str) and reference in urls:
                found.add(urls[reference])
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return found


def _dependency_order(needs: list[list[int]]) -> list[int]:
    """Entry indices with each after those it needs, otherwise in their original order."""
    waiting = [len(n) for n in needs]
    needed_by: list[list[int]] = [[] for _ in needs]
    for index, targets in enumerate(needs):
        for target in targets:
            needed_by[target].append(index)
    ready = [i for i, count in enumerate(waiting) if count == 0]
    heapq.heapify(ready)
    order: list[int] = []
    while ready:
        index = heapq.heappop(ready)
        order.append(index)
        for later in needed_by[index]:
            waiting[later] -= 1
            if waiting[later] == 0:
                heapq.heappush(ready, later)
    if len(order) != len(needs):
        raise InvalidValueError(
            "entries reference each other in a cycle; the transaction cannot be split",
            "bundle.entry",
        )
    return order


def _conditional(entry: JSON, url: str) -> str:
    """How a later transaction finds the resource *entry* writes."""
    request = entry.get("request")
    request = request if isinstance(request, dict) else {}
    method, target = request.get("method"), request.get("url")
    query = request.get("ifNoneExist")
    if method == "POST" and isinstance(target, str) and isinstance(query, str) and query:
        return f"{target}?{query}"
    if method == "PUT" and isinstance(target, str) and "?" not in target and "/" in target:
        return target
    raise InvalidValueError(
        f"entry {url} is referenced across parts but is created without ifNoneExist "
        "(no conditional reference can find it); raise max_entries",
        "max_entries",
    )


def _rewritten(entry: JSON, moved: dict[str, str]) -> JSON:
    """*entry* with its references to entries of earlier parts made conditional."""
    if not moved:
        return entry
    return {
        key: _replace(value, moved) if key == "resource" else value for key, value in entry.items()
    }


def _replace(value: Any, moved: dict[str, str]) -> Any:
    """A copy of *value* with each ``reference`` in *moved* replaced (inputs untouched)."""
    if isinstance(value, dict):
        copy = {key: _replace(inner, moved) for key, inner in value.items()}
        reference = value.get("reference")
        if isinstance(reference, str) and reference in moved:
            copy["reference"] = moved[reference]
        return copy
    if isinstance(value, list):
        return [_replace(inner, moved) for inner in value]
    return value
