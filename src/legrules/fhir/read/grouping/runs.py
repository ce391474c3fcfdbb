"""Reading a stream of resources as it goes by, in runs of one patient.

The streaming groupings (``contiguous`` and ``spill``) read each resource as soon as it
has been parsed and keyed, into a :class:`~legrules.fhir.read.context.Collected` of rows:
what a resource yields depends only on the resource and the read's settings.  A few
types do depend on more, and are kept as items to be read once the patient's
resources are all together (:func:`replay`):

* Patient: one patient's several Patient resources are noted (the last one wins);
* MedicationStatement and MedicationRequest: a reference may name a Medication met
  anywhere in the input, so they wait until the whole input has been seen.

A resource whose reading raises is kept as an item too (whatever it had recorded
before raising is taken back): it is read again by :func:`replay`, where it raises
exactly where it would have if nothing had been read ahead.  So the parts of a run,
replayed in order, give the same rows, reasons and warnings, in the same order, as
reading the run's resources one by one.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator

from legrules.errors import FHIRInputError
from legrules.fhir.read.containers import Item, label
from legrules.fhir.read.context import Collected
from legrules.fhir.read.dispatch import ItemReader
from legrules.fhir.read.grouping.by_patient import Medications, patient_key, register, subject_key
from legrules.fhir.read.subjects import Subjects

__all__ = ["Part", "Run", "replay", "runs"]

#: A part of a run: rows already read, or an item still to read.
Part = Collected | Item
#: A patient key and the parts read from consecutive resources of that patient.
Run = tuple[str | None, list[Part]]
ReadItem = Callable[[Item, Collected], None]

#: Types read only when the patient's resources are all together (see the module).
DEFERRED = frozenset({"Patient", "MedicationStatement", "MedicationRequest"})
#: Subject references remembered with their keys, for interleaved input (some 200 KB).
_KNOWN = 1024


def runs(
    items: Iterable[Item],
    medications: Medications,
    reader: ItemReader,
    *,
    contiguous: bool,
    limit: int,
    subjects: Subjects | None = None,
) -> Iterator[Run]:
    """Key *items* by patient and read them into runs: consecutive items of one patient.

    Medications are registered in *medications* instead.  (The keying is done in line,
    rather than by a generator of its own: this loop runs once per resource, and each
    layer of generators costs every resource a resume.)  ``contiguous``: a run is all
    of a patient's resources, which must be adjacent (a patient met again after its
    run ended is an input error, raised once the run before has been handed on).
    Otherwise a run also ends after *limit* bytes of input lines, so that memory holds
    one bounded run.  *subjects*: Patients learnt beforehand (a streamed document's,
    whose resources may name Patients further on); by default they are learnt as the
    items stream by.
    """
    closed: set[str | None] = set()
    most = math.inf if contiguous else limit
    usual = reader.usual
    key: str | None = None
    parts: list[Part] = []
    facts = Collected()
    size = -1  # no run yet
    seen_text, seen_key = "", ""  # the last subject reference and its key
    # Subject references met on NDJSON lines, and their keys.  A reference's key can
    # change only when a Patient's fullUrl or a server base is learnt (an entry of a
    # Bundle, whose location is a text); a line's key also depends on nothing else.
    known: dict[str, str | None] = {}
    learn = subjects is None  # Patients learnt beforehand are not learnt again, in stream order
    subjects = Subjects() if subjects is None else subjects
    strict = reader.options.strict
    for item in items:
        data, location, skipped, raw = item
        this: str | None = None
        rtype = None
        if skipped is None:
            rtype = data["resourceType"]
            if rtype == "Medication":
                register(item, medications, strict=strict)
                continue
            ref = data.get("subject")
            text = ref.get("reference") if ref.__class__ is dict else None
            if text.__class__ is str and text == seen_text and rtype != "Patient":
                this = seen_key
            elif location.__class__ is int and rtype != "Patient" and text in known:
                this = known[text]
            else:
                if learn and (rtype == "Patient" or location.__class__ is str):
                    is_patient = rtype == "Patient"
                    subjects.learn(
                        data, location, patient_key(data, location) if is_patient else None
                    )
                    if location.__class__ is str:
                        known.clear()
                this, item = subject_key(item, subjects, strict=strict)
                if item[2] is not None:
                    rtype = None  # not tied to a patient: listed as ignored, not read
                elif text.__class__ is str and text[:1] != "#" and rtype != "Patient":
                    seen_text, seen_key = text, this  # type: ignore[assignment]
                    if not contiguous:  # contiguous: a patient seen before cannot come again
                        if len(known) >= _KNOWN:
                            known.clear()
                        known[text] = this
        elif data:  # a resource the reader will not read: listed with its patient
            if learn and data.get("resourceType") == "Patient":
                subjects.learn(data, location, patient_key(data, location))
                if location.__class__ is str:
                    known.clear()
            this, item = subject_key(item, subjects, strict=strict)
        if this != key or size < 0 or size > most:
            if size >= 0:
                yield key, _closed(parts, facts)
                if contiguous:
                    closed.add(key)
            if contiguous and this in closed:
                raise _again(this, label(item[1]))
            key, parts, facts, size = this, [], Collected(), 0
        size += 1000 if raw is None else len(raw)
        if rtype == "Observation" and usual(data, facts):
            continue
        facts = _general(item, rtype, reader, parts, facts)
    if size >= 0:
        yield key, _closed(parts, facts)


def _general(
    item: Item, rtype: str | None, reader: ItemReader, parts: list[Part], facts: Collected
) -> Collected:
    """Read *item* the general way; the collection to read the next item into."""
    if rtype in DEFERRED:
        parts += _closed([], facts)
        parts.append(item)
        return Collected()
    mark = facts.mark()
    try:
        reader.general(item, facts)
    except Exception:  # not swallowed: replay reads the item again, and it raises there
        facts.undo(mark)
        parts += _closed([], facts)
        parts.append(item)
        return Collected()
    return facts


def _closed(parts: list[Part], facts: Collected) -> list[Part]:
    """*parts* and then *facts*, unless nothing was read into it."""
    if not facts.empty():
        parts.append(facts)
    return parts


def _again(key: str | None, location: str) -> FHIRInputError:
    return FHIRInputError(
        f"{key or 'a resource with no subject'} appears again after other "
        "patients: the input is not grouped by patient (read it with "
        "grouping='spill')",
        location,
    )


def replay(parts: Iterable[Part], read: ReadItem) -> Collected:
    """One patient's collection from the parts of its runs, in order."""
    out: Collected | None = None
    for part in parts:
        if part.__class__ is Collected:
            if out is None:
                out = part
            else:
                out.merge(part)
        else:
            if out is None:
                out = Collected()
            read(part, out)  # type: ignore[arg-type]
    return Collected() if out is None else out
