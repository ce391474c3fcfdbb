"""Pass 1 of the embedded runner: NDJSON lines hash-partitioned into buckets on disk.

The input files are cut into chunks of whole lines; each chunk (a task for one worker)
keys every line with :func:`~legrules.population.keys.patient_key` and appends it to
the file of its bucket (``zlib.crc32`` of the key, :func:`~legrules.population.keys.bucket_of`),
prefixed with the key as a JSON string and a tab, so that pass 2 need not key it again.
A chunk writes into a folder of its own and renames it when complete, so an interrupted
pass resumes chunk by chunk.  Medications go to a file every bucket reads; any other
resource with no patient, and any line that is not JSON (a truncated last line), is
counted in the chunk's report, and one whose subject names no patient is listed with
the reason in the chunk's ``ignored.ndjson``; one whose subject is an identifier only
waits in ``pending.ndjson`` for ``legrules.population.matching``.
"""

from __future__ import annotations

import os
import shutil
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from contextlib import ExitStack
from pathlib import Path
from typing import IO

import attrs
import orjson

from legrules.errors import DocumentError
from legrules.population.keys import bucket_of
from legrules.population.matching import IDENTIFIERS, MATCHED, PENDING, pending_entry
from legrules.population.partition import UNREADABLE, identified

__all__ = [
    "IGNORED",
    "Chunk",
    "bucket_sizes",
    "chunks",
    "input_files",
    "partition_chunk",
    "read_bucket",
]

#: About this many bytes of input per pass-1 task.
CHUNK_BYTES = 16 << 20
_MEDICATIONS = "medications.ndjson"
#: A chunk's resources whose subject names no patient, one JSON object a line.
IGNORED = "ignored.ndjson"
_REPORT = "report.json"


@attrs.frozen
class Chunk:
    """The lines of *path* that start at or after byte *start* and before byte *end*."""

    index: int
    path: str
    start: int
    end: int


def input_files(paths: Iterable[str | os.PathLike[str]]) -> list[Path]:
    """The NDJSON files named by *paths*: files as given, folders' ``*.ndjson``; sorted."""
    found: set[Path] = set()
    for given in paths:
        path = Path(given)
        if path.is_dir():
            found.update(p for p in path.iterdir() if p.name.endswith(".ndjson") and p.is_file())
        elif path.is_file():
            found.add(path)
        else:
            raise DocumentError(f"no such file or folder: {str(path)!r}", str(path))
    if not found:
        raise DocumentError("no NDJSON files in the input", "$")
    return sorted(found, key=str)


def chunks(files: Sequence[Path], size: int = CHUNK_BYTES) -> list[Chunk]:
    """Byte ranges of about *size* covering every file, in file order."""
    out: list[Chunk] = []
    for path in files:
        total = path.stat().st_size
        for start in range(0, max(total, 1), size):
            out.append(Chunk(len(out), str(path), start, min(start + size, total)))
    return out


def _lines(chunk: Chunk) -> Iterator[tuple[int, bytes]]:
    """The lines that start inside *chunk* (a line belongs to the chunk it starts in)."""
    with open(chunk.path, "rb") as handle:
        position = chunk.start
        if position > 0:  # skip the line the previous chunk owns (it started before us)
            handle.seek(position - 1)
            position += len(handle.readline()) - 1
        while position < chunk.end:
            line = handle.readline()
            if not line:
                return
            yield position, line
            position += len(line)


def partition_chunk(
    chunk: Chunk, work: Path, buckets: int, strict: bool = False
) -> dict[str, object]:
    """Write *chunk*'s lines into bucket files under ``work/chunk-<index>``; its report.

    A resource whose subject names no patient is written to the chunk's
    ``ignored.ndjson`` (its label, where it is and the reason), or raises
    :class:`~legrules.errors.FHIRInputError` in *strict* mode.
    """
    final = work / f"chunk-{chunk.index:05d}"
    if final.is_dir():
        return dict(orjson.loads((final / _REPORT).read_bytes()))
    partial = work / f"chunk-{chunk.index:05d}.partial"
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    unassigned: Counter[str] = Counter()
    unreadable: list[str] = []
    lines = patients = ignored = 0
    with ExitStack() as stack:
        handles: dict[int, IO[bytes]] = {}
        for position, line in _lines(chunk):
            if not line.strip():
                continue
            lines += 1
            where = f"{chunk.path}:byte {position}"
            (key, rtype, text, skipped), names = identified(line, where, strict=strict)
            if key is None:
                if skipped is not None and names:  # matched to a Patient once all are known
                    target = handles.get(-3) or _open(stack, handles, -3, partial / PENDING)
                    target.write(pending_entry(names[0], skipped.reference, where, rtype, text))
                elif skipped is not None:
                    target = handles.get(-2) or _open(stack, handles, -2, partial / IGNORED)
                    entry = {"resource": skipped.reference, "at": where, "reason": skipped.reason}
                    target.write(orjson.dumps(entry) + b"\n")
                    ignored += 1
                    unassigned[rtype] += 1
                elif rtype == "Medication":
                    target = handles.get(-1) or _open(stack, handles, -1, partial / _MEDICATIONS)
                    target.write(text + b"\n")
                elif rtype == UNREADABLE:
                    unreadable.append(f"{chunk.path}:byte {position}")
                    unassigned[rtype] += 1
                else:
                    unassigned[rtype] += 1
                continue
            patients += rtype == "Patient"
            if names:
                target = handles.get(-4) or _open(stack, handles, -4, partial / IDENTIFIERS)
                target.writelines(orjson.dumps([name, key]) + b"\n" for name in names)
            bucket = bucket_of(key, buckets)
            target = handles.get(bucket) or _open(
                stack, handles, bucket, partial / f"bucket-{bucket:04d}.keyed"
            )
            target.write(orjson.dumps(key) + b"\t" + text + b"\n")
    report: dict[str, object] = {
        "lines": lines,
        "patient_resources": patients,
        "unassigned": dict(unassigned),
        "ignored": ignored,
        "unreadable": unreadable[:20],
    }
    (partial / _REPORT).write_bytes(orjson.dumps(report))
    partial.rename(final)
    return report


def _open(stack: ExitStack, handles: dict[int, IO[bytes]], which: int, path: Path) -> IO[bytes]:
    """Open *path* for writing as handle *which* (callers look in *handles* first)."""
    handle = open(path, "wb", buffering=1 << 16)  # noqa: SIM115 - closed by *stack*
    handles[which] = stack.enter_context(handle)
    return handle


def bucket_sizes(work: Path) -> dict[int, int]:
    """Bytes of lines each bucket holds after pass 1 (buckets with none are left out)."""
    sizes: dict[int, int] = {}
    for folder in [*work.glob("chunk-?????"), work / MATCHED]:
        for path in folder.glob("bucket-????.keyed"):
            bucket = int(path.name[7:11])
            sizes[bucket] = sizes.get(bucket, 0) + path.stat().st_size
    return sizes


def read_bucket(work: Path, bucket: int) -> tuple[dict[str, list[bytes]], list[bytes]]:
    """Bucket *bucket*'s lines by patient (input order kept), and every Medication line."""
    patients: dict[str, list[bytes]] = {}
    medications: list[bytes] = []
    name = f"bucket-{bucket:04d}.keyed"
    for folder in [*sorted(work.glob("chunk-?????")), work / MATCHED]:
        meds = folder / _MEDICATIONS
        if meds.is_file():
            medications += meds.read_bytes().splitlines()
        path = folder / name
        if not path.is_file():
            continue
        with open(path, "rb") as handle:
            for line in handle:
                head, _, text = line.partition(b"\t")
                patients.setdefault(orjson.loads(head), []).append(text.rstrip(b"\n"))
    return patients, medications
