"""Getting resources out of what the caller hands over.

Accepted: a path (``str`` or :class:`os.PathLike`), a binary or text file object,
``bytes``, an already parsed ``dict`` (a resource or a Bundle) or ``list`` of them.
The content decides the shape: a JSON array of resources, one JSON document (a
resource or a Bundle of any type), or bulk-data NDJSON (one resource a line).  NDJSON
is read line by line, so a file of any size is streamed; a JSON document is parsed
whole (orjson needs the full text) unless it is a file or ``bytes`` larger than
:func:`~legrules.fhir.read.streamed.stream_bytes`, which is streamed entry by entry
(``legrules.fhir.read.streamed``).

Bundles are walked with an explicit stack, never recursion: a Bundle nested deeper
than ``max_depth`` is skipped with a warning, so hostile nesting cannot exhaust the
stack.  (orjson itself refuses JSON text nested more than 1024 levels deep, which
becomes a :class:`~legrules.errors.DocumentError`.)
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterable, Iterator
from itertools import chain, islice
from typing import IO, TYPE_CHECKING, Any

import orjson

from legrules.errors import DocumentError, FHIRInputError, InputError, InvalidValueError
from legrules.fhir.read.elements import JSON
from legrules.fhir.read.json_text import Marks, loads, loads_plain_lines, marks
from legrules.model.documents import check_json, json_type

if TYPE_CHECKING:
    from legrules.fhir.read.subjects import Subjects

__all__ = ["DEFAULT_MAX_DEPTH", "Item", "Items", "Location", "Source", "expand", "label", "parse"]

_BOM = b"\xef\xbb\xbf"

#: How deeply Bundles may nest inside Bundles before the inner ones are skipped.
DEFAULT_MAX_DEPTH = 16

Source = str | os.PathLike[str] | bytes | bytearray | IO[bytes] | IO[str] | JSON | list[Any]


#: Where a resource was found: a label (its Bundle ``fullUrl``, a JSON path), or the
#: number of its NDJSON line, which :func:`label` turns into ``"line 12"`` only when a
#: label is needed (one in many thousands of lines needs one; formatting each cost a
#: few percent of reading it).
Location = str | int

#: One resource and where it was found: ``(resource, location, skipped, raw)``.
#:
#: The location labels a resource that has no id (see :func:`label`).  ``skipped``
#: holds the reason when the item stands for something that was not read (a Bundle
#: nested too deeply); ``resource`` is then empty.  ``raw`` is the NDJSON
#: line the resource was parsed from, kept only when the reader asks for it (to spill
#: it to disk as it was read).  A plain tuple, unpacked by its users: one is made per
#: resource, and a named tuple (a heap type, built through ``tuple.__new__``) cost
#: several times as much to make and to free.
Item = tuple[JSON, Location, str | None, bytes | None]


def label(location: Location) -> str:
    """The label of an item's location (``"line 12"`` for a line number)."""
    return location if isinstance(location, str) else f"line {location}"


class Items:
    """Every resource in a source, Bundles unpacked, in document order.

    Iterate once.  ``ndjson`` tells, once the first item has been read, whether the
    source turned out to be NDJSON (and so may be too large to hold in memory).
    Setting ``keep_raw`` then makes the NDJSON items that follow carry their line.
    ``streamed`` tells the same way whether a large document is being streamed; its
    Patients were then learnt beforehand, into ``subjects``, for the grouping to
    resolve references to entries further on.
    """

    def __init__(
        self,
        source: Source,
        max_depth: int = DEFAULT_MAX_DEPTH,
        *,
        strict: bool = False,
        skip: bool = False,
    ) -> None:
        self.source = source
        self.max_depth = max_depth
        self.strict = strict
        self.skip = skip
        self.ndjson = False
        self.keep_raw = False
        self.streamed = False
        self.subjects: Subjects | None = None

    def __iter__(self) -> Iterator[Item]:
        # A plain method handing back the innermost iterator: each generator layer
        # between the NDJSON loop and the grouping would cost every resource a resume.
        source, depth = self.source, self.max_depth
        if isinstance(source, dict | list):
            check_source(source)
            found = marks(source, "$", strict=self.strict, skip=self.skip)
            if isinstance(source, dict):
                return expand(source, found, "$", depth)
            return _document(source, found, depth)
        if isinstance(source, bytes | bytearray | memoryview):
            return _stream(io.BytesIO(bytes(source)), self)
        if isinstance(source, str | os.PathLike):
            return _path(source, self)
        if hasattr(source, "read"):
            return _stream(_binary(source), self)
        raise DocumentError(f"cannot read FHIR input from {type(source).__name__}", "$")


def _path(source: str | os.PathLike[str], owner: Items) -> Iterator[Item]:
    try:
        handle = open(source, "rb")  # noqa: SIM115 - closed in the finally below
    except OSError as error:
        raise DocumentError(
            f"cannot read {source!r}: {error.strerror}", str(source) or "$"
        ) from None
    except ValueError as error:  # a NUL or a lone surrogate: no file can have that name
        raise DocumentError(f"cannot read {source!r}: {error}", "$") from None
    try:
        yield from _stream(handle, owner)
    finally:
        handle.close()


def check_source(value: Any) -> None:
    """Refuse a parsed source JSON cannot hold (a cycle, a key ``1``), naming where."""
    try:
        check_json(value, "$")
    except InvalidValueError as error:
        raise DocumentError(error.message, error.path) from None


def _binary(handle: Any) -> IO[bytes]:
    if isinstance(handle, io.TextIOBase):
        return _TextAsBytes(handle)  # type: ignore[return-value]
    result: IO[bytes] = handle
    return result


class _TextAsBytes(io.RawIOBase):
    """A binary view of a text file object, line by line (for stdin in text mode)."""

    def __init__(self, text: io.TextIOBase) -> None:
        self._lines = iter(text)

    def readable(self) -> bool:
        return True

    def __iter__(self) -> Iterator[bytes]:
        number = 0
        while True:
            number += 1
            try:
                data = next(self._lines).encode()
            except StopIteration:
                return
            except (UnicodeDecodeError, UnicodeEncodeError) as error:
                raise DocumentError(
                    f"the text is not valid Unicode: {error.reason}", f"line {number}"
                ) from None
            yield data

    def read(self, size: int = -1) -> bytes:
        return b"".join(self)


def parse(data: bytes, label: str, owner: Items, within: Any = None) -> tuple[Any, Marks]:
    """*data* parsed and checked (``legrules.fhir.read.json_text``), or a clean error."""
    try:
        return loads(data, label, strict=owner.strict, skip=owner.skip, within=within)
    except orjson.JSONDecodeError as error:
        raise DocumentError(f"not valid JSON: {error}", label) from None
    except InputError:
        raise
    except RecursionError:  # the careful parse of a document nested near orjson's limit
        raise DocumentError("not valid JSON: nested too deeply", label) from None
    except ValueError as error:  # the careful parse: an integer of over 4,300 digits
        raise DocumentError(f"not valid JSON: {error}", label) from None


def _stream(handle: IO[bytes], owner: Items) -> Iterator[Item]:
    """Decide between one JSON document and NDJSON from the first lines; then read on."""
    from legrules.fhir.read.streamed import streamed, worth_streaming

    if worth_streaming(handle):
        return streamed(handle, owner)
    lines = iter(handle)
    first, number = _next_line(lines, 0)
    depth = owner.max_depth
    if first is None:
        raise DocumentError("the input is empty", "$")
    if first.startswith(_BOM):  # a byte-order mark, as some Windows tools write: allowed
        first = first[len(_BOM) :]
    if not first.lstrip().startswith(b"{"):
        return _document(*parse(first + handle.read(), "$", owner), depth)
    try:
        orjson.loads(first)
    except orjson.JSONDecodeError:
        return _document(*parse(first + handle.read(), "$", owner), depth)
    second, second_number = _next_line(lines, number)
    if second is None:
        return expand(*parse(first, "$", owner), "$", depth)
    owner.ndjson = True
    label = f"line {second_number}"
    return chain(
        expand(*parse(first, f"line {number}", owner), f"line {number}", depth),
        expand(*parse(second, label, owner), label, depth),
        _ndjson(lines, second_number, owner),
    )


def _document(value: Any, marks: Marks, depth: int) -> Iterator[Item]:
    if isinstance(value, list):
        for index, item in enumerate(value):
            yield from expand(item, marks, f"$[{index}]", depth)
    else:
        yield from expand(value, marks, "$", depth)


def _next_line(lines: Iterator[bytes], number: int) -> tuple[bytes | None, int]:
    for line in lines:
        number += 1
        if line.strip():
            return line, number
    return None, number


#: Lines parsed and checked together (:func:`~legrules.fhir.read.json_text.loads_plain_lines`):
#: enough to save the per-line calls, few enough to stay in the processor's cache.
_BLOCK = 64
#: Blocks read line by line, without trying, after a block that was not plain: an export
#: written otherwise than orjson writes (spaces after colons, ``98.60``) never is.
_RETRY = 16


def _ndjson(lines: Iterable[bytes], number: int, owner: Items) -> Iterator[Item]:
    """One item a line; a plain resource (the bulk of any export) skips the general path.

    Lines are taken in blocks, checked together; a block that is not plain (a blank or
    broken line, a duplicate key, a ``null``, text orjson would write otherwise) is read
    line by line, each with its own errors and marks, exactly as every line was before
    blocks, and so are the next :data:`_RETRY` blocks.
    """
    depth = owner.max_depth
    lines = iter(lines)
    wait = 0
    while block := list(islice(lines, _BLOCK)):
        values = None
        if wait:
            wait -= 1
        elif (values := loads_plain_lines(block)) is None:
            wait = _RETRY
        if values is None:
            yield from _lines(block, number, owner)
            number += len(block)
            continue
        raw = owner.keep_raw
        for line, value in zip(block, values, strict=True):
            number += 1
            if value.__class__ is dict:
                rtype = value.get("resourceType")
                if rtype.__class__ is str and rtype and rtype != "Bundle":
                    yield (value, number, None, line if raw else None)
                    continue
            yield from expand(value, None, f"line {number}", depth)


def _lines(lines: Iterable[bytes], number: int, owner: Items) -> Iterator[Item]:
    """The items of *lines*, parsed one by one (the first is line *number* + 1)."""
    depth = owner.max_depth
    for line in lines:
        number += 1
        if not line or line.isspace():
            continue
        value, found = parse(line, f"line {number}", owner)
        if found is None and value.__class__ is dict:
            rtype = value.get("resourceType")
            if rtype.__class__ is str and rtype and rtype != "Bundle":
                yield (value, number, None, line if owner.keep_raw else None)
                continue
        yield from expand(value, found, f"line {number}", depth)


def expand(value: Any, marks: Marks, label: str, max_depth: int, depth: int = 0) -> Iterator[Item]:
    """Yield the resources of one value, unpacking Bundles iteratively.

    *depth*: how deeply *value* sits in Bundles already (1 for an entry of the
    document's Bundle, when a streamed document hands its entries over one by one).

    A resource *marks* names is yielded as a skipped item that keeps its JSON (so that
    it is listed as ignored in the result of the patient it is about); the entries of a
    marked Bundle are still read.
    """
    stack: list[tuple[Any, str, int]] = [(value, label, depth)]
    while stack:
        current, where, depth = stack.pop()
        resource = _check(current, where)
        reason = marks.get(id(resource)) if marks else None
        if reason is not None:
            yield (resource, _label(resource, where), reason, None)
        if resource.get("resourceType") != "Bundle":
            if reason is None:
                yield (resource, where, None, None)
            continue
        if depth >= max_depth:
            skipped = f"Bundle nested more than {max_depth} levels deep; skipped"
            yield ({}, where, skipped, None)
            continue
        stack.extend(reversed(list(_entries(resource, where, depth + 1))))


def _entries(bundle: JSON, where: str, depth: int) -> Iterator[tuple[Any, str, int]]:
    name = _label(bundle, where)
    entries = bundle.get("entry")
    if entries is None:
        return
    if not isinstance(entries, list):
        raise FHIRInputError(
            f"expected an array, got {json_type(entries)}", f"{name}.entry", resource_type="Bundle"
        )
    for index, entry in enumerate(entries):
        path = f"{name}.entry[{index}]"
        if not isinstance(entry, dict):
            raise FHIRInputError(f"expected an object, got {json_type(entry)}", path)
        if entry.get("resource") is None:
            continue
        full = entry.get("fullUrl")
        yield (
            entry["resource"],
            full if isinstance(full, str) and full else f"{path}.resource",
            depth,
        )


def _check(value: Any, where: str) -> JSON:
    if not isinstance(value, dict):
        raise FHIRInputError(f"expected a FHIR resource (an object), got {json_type(value)}", where)
    rtype = value.get("resourceType")
    if not isinstance(rtype, str) or not rtype:
        raise FHIRInputError(
            "not a FHIR resource: resourceType is missing", f"{where}.resourceType"
        )
    return value


def _label(resource: JSON, where: str) -> str:
    rid = resource.get("id")
    return f"{resource['resourceType']}/{rid}" if isinstance(rid, str) and rid else where
