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
#: What a patient's place in a window counts for, in bytes of input: its collection and
#: lists take about as much memory as the rows of three or four lines.
_PLACE = 1000
#: Subject references remembered with their keys, for interleaved input (some 100 bytes
#: each, 6 MB when full): keying a reference again costs more than reading the usual
#: Observation, and an export of more patients than this keys most of its lines again
#: (at 16,384, 30,000 shuffled patients spent a ninth of their reading doing that).
_KNOWN = 1 << 16


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
    Otherwise the runs are gathered by patient over a window of about *limit* bytes of
    input lines (a patient's place in it counts :data:`_PLACE`): each patient of the
    window is one run, handed on, patients in order of first appearance in the
    window, when the window is full.  So memory holds one bounded window, and an
    interleaved export is a run per patient per window rather than a run per line.
    *subjects*: Patients learnt beforehand (a streamed document's,
    whose resources may name Patients further on); by default they are learnt as the
    items stream by.
    """
    closed: set[str | None] = set()  # contiguous: the patients whose run has ended
    held: dict[str | None, list[Part]] = {}  # otherwise: each patient's run in the window
    most = math.inf if contiguous else limit
    usual = reader.usual
    key: str | None = None
    facts = Collected()
    parts: list[Part] = [facts]  # a run's parts end with the collection read into now
    size = -1  # no run yet
    seen_text, seen_key = "", ""  # the last subject reference and its key
    # Subject references met on NDJSON lines, and their keys.  A reference's key can
    # change only when a Patient's fullUrl or a server base is learnt (an entry of a
    # Bundle, whose location is a text); a line's key also depends on nothing else.
    known: dict[str, str | None] = {}
    learn = subjects is None  # Patients learnt beforehand are not learnt again, in stream order
    subjects = Subjects() if subjects is None else subjects
    strict = reader.options.strict
    this: str | None
    for item in items:
        data, location, skipped, raw = item
        # this (the item's patient) and rtype (its type, None: not to read) are set in
        # each branch: no assignment first that the usual item would overwrite
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
                        known[text] = text if this == text else this  # one string
        elif data:  # a resource the reader will not read: listed with its patient
            rtype = None
            if learn and data.get("resourceType") == "Patient":
                subjects.learn(data, location, patient_key(data, location))
                if location.__class__ is str:
                    known.clear()
            this, item = subject_key(item, subjects, strict=strict)
        else:
            this = rtype = None
        if this != key or size < 0 or size > most:
            if contiguous:
                if size >= 0:
                    yield key, _closed(parts)
                    closed.add(key)
                if this in closed:
                    raise _again(this, label(item[1]))
                facts = Collected()
                key, parts, size = this, [facts], 0
            else:
                if size > most:
                    yield from _window(held)
                    held = {}
                key, size = this, 0 if size < 0 or size > most else size
                mine = held.get(this)
                if mine is None:
                    facts = Collected()
                    parts = held[this] = [facts]
                    size += _PLACE
                else:
                    parts, facts = mine, mine[-1]  # type: ignore[assignment]
        size += 1000 if raw is None else len(raw)
        if rtype == "Observation" and usual(data, facts):
            continue
        facts = _general(item, rtype, reader, parts, facts)
    if size >= 0 and contiguous:
        yield key, _closed(parts)
    elif size >= 0:
        yield from _window(held)


def _general(
    item: Item, rtype: str | None, reader: ItemReader, parts: list[Part], facts: Collected
) -> Collected:
    """Read *item* the general way; the collection to read the next item into."""
    if rtype in DEFERRED:
        return _kept(item, parts, facts)
    mark = facts.mark()
    try:
        reader.general(item, facts)
    except Exception:  # not swallowed: replay reads the item again, and it raises there
        facts.undo(mark)
        return _kept(item, parts, facts)
    return facts


def _kept(item: Item, parts: list[Part], facts: Collected) -> Collected:
    """Keep *item* to read when its patient's parts are together; the next collection.

    *facts*, the last of *parts*, stays before it unless nothing was read into it.
    """
    if facts.empty():
        parts.pop()
    parts.append(item)
    facts = Collected()
    parts.append(facts)
    return facts


def _window(held: dict[str | None, list[Part]]) -> Iterator[Run]:
    """A window's runs, one per patient, patients in order of first appearance in it."""
    for key, parts in held.items():
        yield key, _closed(parts)


def _closed(parts: list[Part]) -> list[Part]:
    """*parts* without the collection they end with when nothing was read into it."""
    if parts[-1].empty():  # type: ignore[union-attr]
        parts.pop()
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
