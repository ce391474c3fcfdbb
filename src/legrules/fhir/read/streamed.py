"""Large JSON documents read entry by entry with ijson, so memory stays bounded.

Parsed whole, a FHIR document costs about ten times its size in memory (the text, the
objects, the grouping).  A document read from a file or ``bytes`` that is larger than
:func:`stream_bytes` (16 MiB unless ``LEGRULES_STREAM_BYTES`` says otherwise) is
therefore streamed: ijson's parse events are turned back into the JSON text of one
Bundle entry (or one element of a top-level array) at a time, and that text goes
through exactly the checks a whole document goes through
(:func:`legrules.fhir.read.json_text.loads`: duplicate keys, ``null`` members, numbers
that underflow), so both paths read and refuse the same things.  The Bundle's own
elements (all but ``entry``) are checked the same way once the document has been read.

A Bundle's entries may name Patients that come later in it (``urn:uuid:`` fullUrls,
identifiers), so a streamed document is read twice: a first, quick pass learns every
Patient's names and every fullUrl's server base (:class:`~legrules.fhir.read.subjects.Subjects`);
the second yields the resources, which the reader groups by patient through the spill
(``legrules.fhir.read.grouping``), resolving each subject against what the first pass
learnt.  Memory holds one entry and one patient's facts at a time, plus a few names per
patient.

ijson is optional (``pip install 'legrules[stream]'``): without it a large document is
read in memory as before, and a :class:`RuntimeWarning` says how to avoid that.  Text
file objects and pipes are always read in memory (a streamed document is read twice,
which needs a seekable file or ``bytes``).
"""

from __future__ import annotations

import contextlib
import decimal
import io
import itertools
import os
import re
import warnings
from collections.abc import Iterator
from typing import IO, TYPE_CHECKING, Any

import orjson

from legrules.errors import DocumentError, FHIRInputError, LegrulesError
from legrules.fhir.read.containers import Item, expand, parse
from legrules.fhir.read.grouping.by_patient import patient_key
from legrules.fhir.read.subjects import Subjects
from legrules.model.documents import json_type

if TYPE_CHECKING:
    from legrules.fhir.read.containers import Items

__all__ = ["DEFAULT_STREAM_BYTES", "stream_bytes", "streamed", "worth_streaming"]

#: Documents larger than this are streamed (see the module); 16 MiB, which a whole
#: parse turns into about 200 MB.
DEFAULT_STREAM_BYTES = 16 << 20
#: Deeper than this, orjson refuses a whole document; a streamed one is refused alike.
_MAX_NESTING = 1024
_BOM = b"\xef\xbb\xbf"
_PROBE = 1 << 20
_CHUNK = 1 << 16
_HINT = (
    "a FHIR document of {size:,} bytes is read in memory (about ten times its size); "
    "install ijson to stream it: pip install 'legrules[stream]'"
)


def stream_bytes() -> int:
    """Documents larger than this many bytes are streamed.

    ``LEGRULES_STREAM_BYTES`` (a whole number of bytes) overrides the default,
    :data:`DEFAULT_STREAM_BYTES`; a value that is not a whole number is ignored.
    """
    text = os.environ.get("LEGRULES_STREAM_BYTES", "")
    return int(text) if text.isdigit() else DEFAULT_STREAM_BYTES


def _remaining(handle: IO[bytes]) -> int | None:
    """Bytes left in a seekable binary file or buffer; ``None`` when unknown."""
    try:
        if isinstance(handle, io.BytesIO):
            return len(handle.getbuffer()) - handle.tell()
        if not handle.seekable():
            return None
        return os.fstat(handle.fileno()).st_size - handle.tell()
    except (AttributeError, OSError, ValueError):
        return None


def worth_streaming(handle: IO[bytes]) -> bool:
    """Whether *handle* holds one JSON document to stream (and is left where it was).

    True for a seekable input larger than :func:`stream_bytes` that is not NDJSON,
    decided as the in-memory reader decides: NDJSON is a first line that is a JSON
    object on its own followed by another line.  A first line too long to try alone is
    left to the in-memory reader when another line follows it (as before).
    """
    size = _remaining(handle)
    if size is None or size <= stream_bytes():
        return False
    try:
        import ijson  # noqa: F401
    except ImportError:
        warnings.warn(_HINT.format(size=size), RuntimeWarning, stacklevel=4)
        return False
    start = handle.tell()
    try:
        return _one_document(handle)
    finally:
        handle.seek(start)


def _one_document(handle: IO[bytes]) -> bool:
    first = handle.readline(_PROBE)
    while first and first.isspace():
        first = handle.readline(_PROBE)
    first = first.removeprefix(_BOM)
    if not first.lstrip().startswith(b"{"):
        return True
    whole = first.endswith(b"\n") or len(first) < _PROBE
    if whole:
        try:
            orjson.loads(first)
        except orjson.JSONDecodeError:
            return True
    else:
        while first and not first.endswith(b"\n"):
            first = handle.readline(_CHUNK)
    # another line: NDJSON, or a long first line the in-memory reader decides on
    return all(line.isspace() for line in handle)


def streamed(handle: IO[bytes], owner: Items) -> Iterator[Item]:
    """The resources of the document in *handle*, read twice (see the module)."""
    start = handle.tell()
    if handle.read(len(_BOM)) == _BOM:  # a byte-order mark, as some Windows tools write
        start += len(_BOM)
    handle.seek(start)
    watched = _Watched(handle)
    owner.subjects = _learn(watched, owner)  # type: ignore[arg-type]
    handle.seek(start)
    if watched.lone():
        # ijson would read it as "?": refused, as a whole parse refuses it
        raise DocumentError("not valid JSON: a lone surrogate escape (\\ud800-\\udfff)", "$")
    owner.streamed = True
    return _Reader(handle, owner).items()


#: A surrogate pair escape, or one half alone.
_SURROGATES = re.compile(
    rb"\\u[dD][89abAB][0-9a-fA-F]{2}\\u[dD][c-fC-F][0-9a-fA-F]{2}|\\u[dD][89a-fA-F][0-9a-fA-F]{2}"
)

#: What the text after a high half may be when a chunk ends: the start of a low half.
_LOW_START = re.compile(rb"(\\(u([dD]([c-fC-F][0-9a-fA-F]?)?)?)?)?")


class _Watched:
    r"""A binary file read through by the first pass, watched for lone surrogate escapes.

    yajl, under ijson, reads ``"\\ud800"`` alone as ``"?"``, where a whole parse
    refuses it.  A half of a pair that ends a chunk is held over to the next one.
    """

    def __init__(self, handle: IO[bytes]) -> None:
        self.handle = handle
        self.carry = b""
        self.found = False

    def read(self, size: int = -1) -> bytes:
        chunk = self.handle.read(size)
        data = self.carry + chunk
        self.carry = data[-12:]
        if b"\\u" not in data:
            return chunk
        last = 0
        for match in _SURROGATES.finditer(data):
            if match.end() - match.start() == 6:
                if chunk and _LOW_START.fullmatch(data, match.end()):  # its other half may follow
                    self.carry = data[match.start() :]
                    return chunk
                self.found = True
            last = match.end()
        self.carry = data[max(last, len(data) - 12) :]
        return chunk

    def tell(self) -> int:
        return self.handle.tell()

    def seek(self, offset: int, whence: int = 0) -> int:
        return self.handle.seek(offset, whence)

    def lone(self) -> bool:
        """Whether a surrogate escape without its other half was read."""
        held = _SURROGATES.match(self.carry)
        return self.found or (held is not None and held.end() == 6)


def _learn(handle: IO[bytes], owner: Items) -> Subjects:
    """Every Patient's names and fullUrl base, as the in-memory grouping learns them.

    Entries are built by ijson's C code here (nothing is checked: problems are met by
    the second pass, where the reader expects them).  An entry with no fullUrl is
    labelled as if the Bundle had no id; :func:`_rename` corrects that once it is known.
    """
    import ijson

    start = handle.tell()
    subjects = Subjects()
    try:
        _learn_entries(ijson, handle, owner, subjects)
    except ijson.JSONError as error:
        if "integer overflow" not in str(error):
            return subjects  # the second pass refuses the document
        # yajl reads integers as 64-bit and stops at a larger one, which a whole parse
        # (and the second pass, reading numbers as decimals) reads: learning stopped
        # there would leave the Patients further on unknown.  ijson's Python backend
        # reads integers of any size.
        handle.seek(start)
        subjects = Subjects()
        with contextlib.suppress(ijson.JSONError, ValueError, OSError):
            _learn_entries(ijson.get_backend("python"), handle, owner, subjects)
    except (ValueError, OSError):
        pass
    return subjects


def _learn_entries(backend: Any, handle: IO[bytes], owner: Items, subjects: Subjects) -> None:
    """Learn the Patients of every entry (or array element) *backend* reads from *handle*."""
    array = _first_byte(handle) == b"["
    entries = backend.items(handle, "item" if array else "entry.item", use_float=True)
    for index, entry in enumerate(entries):
        if array:
            _learn_one(entry, f"$[{index}]", owner.max_depth, 0, subjects)
        elif isinstance(entry, dict) and entry.get("resource") is not None:
            full = entry.get("fullUrl")
            label = full if isinstance(full, str) and full else f"$.entry[{index}].resource"
            _learn_one(entry["resource"], label, owner.max_depth, 1, subjects)


def _learn_one(value: Any, label: str, max_depth: int, depth: int, subjects: Subjects) -> None:
    try:
        for resource, location, skipped, _ in expand(value, None, label, max_depth, depth):
            if skipped is None or resource:
                is_patient = resource["resourceType"] == "Patient"
                subjects.learn(
                    resource, location, patient_key(resource, location) if is_patient else None
                )
    except FHIRInputError:
        pass


def _rename(subjects: Subjects, name: str) -> None:
    """Patients labelled ``$.entry[i]...`` by the first pass, relabelled for a Bundle *name*."""
    if name == "$":
        return
    for names in (subjects.aliases, subjects.identifiers):
        for key, value in list(names.items()):
            if value.startswith("$.entry["):
                names[key] = name + value[1:]
    for key in [k for k in subjects.aliases if k.startswith("$.entry[")]:
        subjects.aliases[name + key[1:]] = subjects.aliases.pop(key)


def _first_byte(handle: IO[bytes]) -> bytes:
    """The first significant byte of *handle* (a BOM and white space skipped), unread."""
    start = handle.tell()
    head = handle.read(_CHUNK)
    handle.seek(start)
    return head.removeprefix(_BOM).lstrip()[:1]


class _Reader:
    """The second pass: ijson events back into the JSON text of one entry at a time."""

    def __init__(self, handle: IO[bytes], owner: Items) -> None:
        self.handle = handle
        self.owner = owner
        self.bundle = {"resourceType": "Bundle"}  # owns problems of the entries themselves
        self.reason: str | None = None
        self.entries = 0  # entries read so far

    def items(self) -> Iterator[Item]:
        import ijson

        handle = self.handle
        events = ijson.basic_parse(handle, use_float=False)
        try:
            kind, value = next(events)
            if kind == "start_map":
                yield from self._object(events)
            elif kind == "start_array":
                yield from self._array(events)
            else:
                raise FHIRInputError(
                    f"expected a FHIR resource (an object), got {json_type(value)}", "$"
                )
            for kind, _ in events:  # anything after the document
                raise DocumentError(f"not valid JSON: unexpected {kind} after the document", "$")
        except LegrulesError:
            raise
        except ijson.JSONError as error:
            raise DocumentError(f"not valid JSON: {error}", "$") from None
        except (ValueError, decimal.InvalidOperation) as error:
            raise DocumentError(f"not valid JSON: {error}", "$") from None

    def _array(self, events: Iterator[tuple[str, Any]]) -> Iterator[Item]:
        """A top-level array: each element read as a whole array's element is."""
        for index, (kind, value) in enumerate(events):
            if kind == "end_array":
                return
            where = f"$[{index}]"
            found, marks = parse(_text(kind, value, events, 1), where, self.owner)
            yield from expand(found, marks, where, self.owner.max_depth, 0)

    def _object(self, events: Iterator[tuple[str, Any]]) -> Iterator[Item]:
        """The top-level object: its entries streamed, then its other elements."""
        owner = self.owner
        rest: list[bytes] = [b"{"]
        name = "$"
        seen_entry = False
        rtype: Any = None  # while unknown, entries are streamed as a Bundle's
        for kind, value in events:
            if kind == "end_map":
                break
            key = value
            kind, value = next(events)
            if key == "resourceType":
                rtype = value
            if key == "entry" and kind == "start_array" and rtype in (None, "Bundle"):
                if seen_entry and self.entries:  # read already, where a whole parse keeps the last
                    raise FHIRInputError(
                        "duplicate key 'entry': a streamed Bundle must have one list of entries",
                        f"{name}.entry",
                    )
                if not seen_entry:
                    # what precedes the entries is checked now, as a whole parse would first
                    parse(b"".join(rest).removesuffix(b",") + b"}", "$", owner)
                else:
                    first = next(events)
                    self._again(name, empty=first[0] == "end_array")
                    events = itertools.chain([first], events)
                seen_entry = True
                yield from self._entries(events, name)
                continue
            text = _text(kind, value, events, 1)
            if key == "id" and kind == "string" and value:
                name = f"Bundle/{value}"
                if owner.subjects is not None and not seen_entry:
                    _rename(owner.subjects, name)
            rest.append(orjson.dumps(key) + b":" + text + b",")
        rest[-1] = rest[-1].removesuffix(b",")
        rest.append(b"}")
        envelope, marks = parse(b"".join(rest), "$", owner)
        if seen_entry and (
            not isinstance(envelope, dict) or envelope.get("resourceType") != "Bundle"
        ):
            raise FHIRInputError(
                "a document with entries, streamed, must be a Bundle", "$.resourceType"
            )
        if self.reason is not None:
            marks = dict(marks or {})
            marks.setdefault(id(envelope), self.reason)
        yield from expand(envelope, marks, "$", owner.max_depth, 0)

    def _again(self, name: str, *, empty: bool) -> None:
        """A second entry list after an empty one: a duplicate key, as a whole parse sees it."""
        what = "the same value" if empty else "different values"
        problem = f"duplicate key 'entry' with {what}"
        if self.owner.strict:
            raise FHIRInputError(problem, f"{name}.entry", resource_type="Bundle")
        if not empty and self.reason is None:
            self.reason = f"{problem} @ {name}.entry"

    def _entries(self, events: Iterator[tuple[str, Any]], name: str) -> Iterator[Item]:
        owner = self.owner
        index = 0
        for kind, value in events:
            if kind == "end_array":
                return
            path = f"{name}.entry[{index}]"
            index += 1
            self.entries += 1
            text = _text(kind, value, events, 2)
            entry, marks = parse(text, path, owner, within=self.bundle)
            if marks and id(self.bundle) in marks and self.reason is None:
                self.reason = marks[id(self.bundle)]
            if not isinstance(entry, dict):
                raise FHIRInputError(f"expected an object, got {json_type(entry)}", path)
            resource = entry.get("resource")
            if resource is None or owner.max_depth < 1:
                continue
            full = entry.get("fullUrl")
            label = full if isinstance(full, str) and full else f"{path}.resource"
            yield from expand(resource, marks, label, owner.max_depth, 1)


def _text(kind: str, value: Any, events: Iterator[tuple[str, Any]], depth: int) -> bytes:
    """The JSON text of the value whose first event is ``(kind, value)``.

    Every element is followed by a comma, taken back before a closing bracket: no stack
    of "first element" flags (this loop runs once per token of the document).
    """
    if kind not in ("start_map", "start_array"):
        return _scalar(kind, value)[:-1]
    dumps = orjson.dumps
    parts = [b"{" if kind == "start_map" else b"["]
    append = parts.append
    level = 1
    for kind, value in events:
        if kind == "map_key":
            append(dumps(value) + b":")
        elif kind == "string":
            append(dumps(value) + b",")
        elif kind == "start_map" or kind == "start_array":
            level += 1
            if level + depth > _MAX_NESTING:
                raise DocumentError("not valid JSON: nested too deeply", "$")
            append(b"{" if kind == "start_map" else b"[")
        elif kind == "end_map" or kind == "end_array":
            last = parts[-1]
            if last[-1:] == b",":
                parts[-1] = last[:-1]
            append(b"}," if kind == "end_map" else b"],")
            level -= 1
            if level == 0:
                break
        else:
            append(_scalar(kind, value))
    text = b"".join(parts)
    return text[:-1]


def _scalar(kind: str, value: Any) -> bytes:
    if kind == "string":
        return orjson.dumps(value) + b","
    if kind == "number" or kind == "integer" or kind == "double":
        # Decimal spells an exponent "E"; JSON writers mostly write "e" (as messages quote it)
        return str(value).replace("E", "e").encode() + b","
    if kind == "boolean":
        return b"true," if value else b"false,"
    return b"null,"
