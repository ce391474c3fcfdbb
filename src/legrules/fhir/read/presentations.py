"""Read FHIR resources into presentations: the public entry points of the reader.

>>> from datetime import datetime, UTC
>>> from legrules.fhir import read_presentation
>>> bundle = {"resourceType": "Bundle", "type": "collection", "entry": [{"resource": {
...     "resourceType": "Observation", "id": "o1", "status": "final",
...     "code": {"coding": [{"system": "http://snomed.info/sct", "code": "10601006"}]},
...     "effectiveDateTime": "2026-11-20T09:00:00Z"}}]}
>>> result = read_presentation(bundle, as_of=datetime(2026, 11, 20, 10, tzinfo=UTC))
>>> [(f.id, f.state.value, f.source.reference) for f in result.presentation.findings]
[('leg-pain', 'present', 'Observation/o1')]
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from datetime import UTC, datetime
from itertools import chain
from typing import Any

import attrs

from legrules.errors import FHIRInputError, InvalidValueError
from legrules.fhir.canonical import DEFAULT_BASE
from legrules.fhir.codes import terminology
from legrules.fhir.read.assemble import ReadResult, assemble
from legrules.fhir.read.containers import DEFAULT_MAX_DEPTH, Item, Items, Source
from legrules.fhir.read.context import Collected, Settings
from legrules.fhir.read.dispatch import ItemReader, OnError, Options
from legrules.fhir.read.grouping import (
    Grouping,
    Medications,
    attach_loose,
    in_memory,
    replay,
    runs,
    spilled,
)
from legrules.fhir.versions import FHIRVersion, semantics
from legrules.model import Policy

__all__ = ["ReadResult", "read_presentation", "read_presentations"]

# The spill gathers rows by patient over a window of this many bytes of input lines
# before writing them (``legrules.fhir.read.grouping.runs``).  Rows take about as much
# memory as their lines; the wider the window, the fewer records an interleaved export
# is written as and read back from.  20 MiB: shuffled input about 1.36x the CPU of sorted
# input at 10,000 patients (12 MiB: 1.48x, once sorted input got faster), some 46 MB
# peak at 30,000 shuffled patients (12 MiB: 40 MB at 10,000, 43 MB with 20).
_WINDOW_BYTES = 20 << 20


def _options(
    as_of: datetime | None,
    policy: Policy | Mapping[str, Any] | None,
    version: FHIRVersion | str | None,
    extra: Mapping[str, Any],
) -> Options:
    instant = datetime.now(UTC) if as_of is None else as_of
    if not isinstance(instant, datetime) or instant.utcoffset() is None:
        raise InvalidValueError("as_of must be a datetime with a time-zone offset", "as_of")
    try:
        parsed = None if version is None else FHIRVersion(version)
    except ValueError:
        raise InvalidValueError(
            f"unknown FHIR version {version!r}; use R4, R4B or R5", "version"
        ) from None
    _check_types(policy, extra)
    on_error = extra.get("on_error", "raise")
    if on_error not in ("raise", "skip"):
        raise InvalidValueError("on_error must be 'raise' or 'skip'", "on_error")
    settings = Settings(
        instant,
        policy if isinstance(policy, Policy) else Policy.from_dict(policy or {}),
        terminology(extra.get("base", DEFAULT_BASE)),
        semantics(parsed),
    )
    return Options(settings, parsed, extra.get("strict", False), on_error, extra["max_depth"])


def _check_types(policy: Any, extra: Mapping[str, Any]) -> None:
    """Refuse arguments of the wrong type at the boundary, naming the argument."""
    if policy is not None and not isinstance(policy, Policy | Mapping):
        raise InvalidValueError(
            f"policy must be a Policy or a mapping, got {type(policy).__name__}", "policy"
        )
    depth = extra["max_depth"]
    if not isinstance(depth, int) or isinstance(depth, bool) or depth < 0:
        raise InvalidValueError("max_depth must be a whole number, 0 or more", "max_depth")
    if not isinstance(extra.get("strict", False), bool):
        raise InvalidValueError("strict must be True or False", "strict")
    if not isinstance(extra.get("base", DEFAULT_BASE), str):
        raise InvalidValueError("base must be a string", "base")


def read_presentation(
    source: Source,
    *,
    as_of: datetime | None = None,
    policy: Policy | Mapping[str, Any] | None = None,
    strict: bool = False,
    version: FHIRVersion | str | None = None,
    on_error: OnError = "raise",
    base: str = DEFAULT_BASE,
    max_depth: int = DEFAULT_MAX_DEPTH,
) -> ReadResult:
    """Read the resources of one patient from *source* into a presentation.

    *source* is a path, a file object, ``bytes``, a parsed resource or Bundle, or a list
    of resources (see ``legrules.fhir.read.containers``).  ``as_of`` (default: now) is
    the instant the presentation describes: later resources are ignored and look-back
    windows (from *policy*) count back from it.  ``version`` is ``"R4"``, ``"R4B"`` or
    ``"R5"`` (default: either, per resource).  ``strict`` validates every resource with
    fhir.resources first.  ``on_error="skip"`` lists a malformed resource as ignored
    (with a warning) instead of raising.  Resources without a subject are read as the
    patient's; a resource whose subject names no Patient of the input (a lower-case
    ``patient/1``, an unknown ``urn:uuid:``, an identifier no Patient carries) is
    listed as ignored with the reason, or raises in strict mode.

    Raises:
        FHIRInputError: a resource the reader needs is malformed (path names the
            resource and element), or the input holds more than one patient.
        DocumentError: the input is not JSON or NDJSON.
    """
    options = _options(
        as_of,
        policy,
        version,
        {"strict": strict, "on_error": on_error, "base": base, "max_depth": max_depth},
    )
    medications = Medications()
    items = Items(source, max_depth, strict=strict, skip=on_error == "skip")
    groups = list(attach_loose(in_memory(items, medications, strict=strict)))
    reader = ItemReader(options, medications)
    if len(groups) > 1:
        patients = sum(key is not None for key, _, _ in groups)
        raise FHIRInputError(
            f"the input holds {patients} patients; read it with read_presentations", "$"
        )
    key, members, loose = groups[0] if groups else (None, [], False)
    return _read_group(key, members, options, reader, loose)


def read_presentations(
    source: Source,
    *,
    as_of: datetime | None = None,
    policy: Policy | Mapping[str, Any] | None = None,
    strict: bool = False,
    version: FHIRVersion | str | None = None,
    on_error: OnError = "raise",
    base: str = DEFAULT_BASE,
    max_depth: int = DEFAULT_MAX_DEPTH,
    grouping: Grouping | None = None,
) -> Iterator[ReadResult]:
    """Read *source* into one presentation per patient, lazily.

    Takes the options of :func:`read_presentation`.  ``grouping`` chooses how
    resources are gathered per patient (``legrules.fhir.read.grouping``): by default in
    memory for JSON documents and via a temporary file (``"spill"``) for NDJSON, which
    keeps memory bounded for inputs of any size and order (and the same for a document
    large enough to be streamed, ``legrules.fhir.read.streamed``); ``"contiguous"`` streams
    without disk when each patient's resources are adjacent.  Subjects are resolved
    as a FHIR server would (``legrules.fhir.read.subjects``).  In a one-patient input,
    resources with no subject are read as the patient's and those whose subject names
    no Patient of the input are listed as ignored in its result, exactly as
    :func:`read_presentation` does; with several patients they come out last, as a
    presentation of their own with no patient id.
    """
    options = _options(
        as_of,
        policy,
        version,
        {"strict": strict, "on_error": on_error, "base": base, "max_depth": max_depth},
    )
    if grouping not in (None, "memory", "spill", "contiguous"):
        raise InvalidValueError("grouping must be 'memory', 'spill' or 'contiguous'", "grouping")
    items = Items(source, max_depth, strict=strict, skip=on_error == "skip")
    stream = iter(items)
    first = next(stream, None)
    how: Grouping = grouping or ("spill" if items.ndjson or items.streamed else "memory")
    items.keep_raw = how == "spill"  # lines kept for the resources spilled as they were read
    medications = Medications()
    reader = ItemReader(options, medications)
    everything: Iterable[Item] = chain([] if first is None else [first], stream)
    if how == "memory":
        for key, members, loose in attach_loose(in_memory(everything, medications, strict=strict)):
            yield _read_group(key, members, options, reader, loose)
        return
    streamed = runs(
        everything,
        medications,
        reader,
        contiguous=how == "contiguous",
        limit=_WINDOW_BYTES,
        subjects=items.subjects,
    )
    grouped = spilled(streamed) if how == "spill" else streamed
    for key, parts, loose in attach_loose(grouped):
        result = assemble(key, replay(parts, reader.read), options.settings)
        yield _noted(result, loose)


def _read_group(
    key: str | None, items: list[Item], options: Options, reader: ItemReader, loose: bool
) -> ReadResult:
    out = Collected()
    for item in items:
        reader.read(item, out)
    return _noted(assemble(key, out, options.settings), loose)


def _noted(result: ReadResult, loose: bool) -> ReadResult:
    """*result*, saying so when resources tied to no patient were joined to it."""
    if not loose:
        return result
    note = "resources with no subject were read as this patient's (or listed as ignored)"
    return attrs.evolve(result, warnings=(*result.warnings, note))
