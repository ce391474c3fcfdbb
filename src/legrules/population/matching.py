"""Resources whose subject is an identifier only, matched to the Patient carrying it.

A bulk line keyed alone cannot tie ``"subject": {"identifier": {...}}`` to a patient:
the Patient that carries the identifier may be anywhere in the input.  Pass 1 of the
embedded runner therefore sets such lines aside (each chunk's ``pending.ndjson``) and
notes every Patient's identifiers (``identifiers.ndjson``, one ``[system|value, key]``
a line); :func:`match_pending` then ties each pending line to the one Patient that
carries its identifier, as :func:`~legrules.fhir.read_presentations` does, and writes it
to that patient's bucket (``work/matched``), after the patient's other lines.  A line
whose identifier no Patient carries, or more than one does, is listed as ignored with
the reason (never guessed).

Memory: nothing per patient (the identifiers stay on disk and are streamed); one
entry per distinct pending identifier (about 200 bytes each), plus the pending lines'
labels; the lines themselves are streamed.
"""

from __future__ import annotations

import shutil
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import IO, Any

import orjson

from legrules.fhir.read.grouping import not_tied
from legrules.fhir.read.subjects import Unresolved
from legrules.population.keys import bucket_of

__all__ = ["AMBIGUOUS", "IDENTIFIERS", "MATCHED", "PENDING", "match_pending", "pending_entry"]

#: A chunk's lines whose subject is an identifier only, one JSON object a line.
PENDING = "pending.ndjson"
#: A chunk's Patients' identifiers, ``[system|value, "Patient/<id>"]`` a line.
IDENTIFIERS = "identifiers.ndjson"
#: The folder (under ``work``) of the matched lines, by bucket.
MATCHED = "matched"
#: Why a line whose identifier several Patients carry is not tied to any of them.
AMBIGUOUS = "{element} identifier matches more than one Patient's identifier"


def pending_entry(identifier: str, resource: str, at: str, rtype: str, line: bytes) -> bytes:
    """One line of ``pending.ndjson``."""
    entry = {"identifier": identifier, "resource": resource, "at": at, "rtype": rtype}
    return orjson.dumps({**entry, "line": line.decode()}) + b"\n"


def _entries(work: Path, name: str) -> Iterator[Any]:
    for folder in sorted(work.glob("chunk-?????")):
        path = folder / name
        if path.is_file():
            with open(path, "rb") as handle:
                for line in handle:
                    yield orjson.loads(line)


def match_pending(work: Path, buckets: int, ignored: Path, strict: bool = False) -> Counter[str]:
    """Tie every pending line of the chunks under *work* to its Patient, or list it.

    Matched lines go to ``work/matched/bucket-NNNN.keyed`` (written whole, then
    renamed); the others to *ignored* with the reason.  Returns the count of the
    unmatched by resource type.  *strict* raises the reader's
    :class:`~legrules.errors.FHIRInputError` for the first unmatched line instead.
    """
    wanted = {entry["identifier"] for entry in _entries(work, PENDING)}
    if not wanted:
        return Counter()
    carriers: dict[str, set[str]] = {}
    for name, key in _entries(work, IDENTIFIERS):
        if name in wanted:
            carriers.setdefault(name, set()).add(key)
    partial = work / f"{MATCHED}.partial"
    shutil.rmtree(partial, ignore_errors=True)
    shutil.rmtree(work / MATCHED, ignore_errors=True)
    partial.mkdir()
    unmatched: Counter[str] = Counter()
    listing: list[bytes] = []
    with ExitStack() as stack:
        handles: dict[int, IO[bytes]] = {}
        for entry in _entries(work, PENDING):
            found = carriers.get(entry["identifier"], set())
            if len(found) != 1:
                reason = _reason(entry, len(found), strict)
                where = {"resource": entry["resource"], "at": entry["at"], "reason": reason}
                listing.append(orjson.dumps(where))
                unmatched[entry["rtype"]] += 1
                continue
            (key,) = found
            bucket = bucket_of(key, buckets)
            if bucket not in handles:
                path = partial / f"bucket-{bucket:04d}.keyed"
                handles[bucket] = stack.enter_context(open(path, "wb"))
            handles[bucket].write(orjson.dumps(key) + b"\t" + entry["line"].encode() + b"\n")
    if listing:
        (ignored / PENDING).write_bytes(b"".join(line + b"\n" for line in listing))
    partial.rename(work / MATCHED)
    return unmatched


def _reason(entry: dict[str, Any], carriers: int, strict: bool) -> str:
    """The ignored reason of an unmatched line (the reader's, when no Patient carries it)."""
    data = orjson.loads(entry["line"])
    element = "subject" if "subject" in data else "patient"
    why = (
        f"{element} identifier matches no Patient's identifier in the input"
        if carriers == 0
        else AMBIGUOUS.format(element=element)
    )
    return not_tied(data, entry["at"], Unresolved(why), strict=strict)[1]
