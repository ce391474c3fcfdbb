"""What ``legrules assess`` was given: opened with clean errors, and its form detected.

The form decides the output's shape (see ``legrules.cli``): a *document* (a presentation,
or one FHIR resource, Bundle or array, possibly on one line) or *NDJSON* (one resource
per line: bulk data, which can hold any number of patients).
"""

from __future__ import annotations

import codecs
import os
from collections.abc import Iterator
from datetime import datetime
from typing import IO, Any

import attrs

from legrules._cli.progress import CountingReader, Progress
from legrules.errors import DocumentError, InputError
from legrules.fhir import read_presentations
from legrules.fhir.read.streamed import worth_streaming
from legrules.model import Policy, Presentation
from legrules.model.documents import load_presentation, parse_json

__all__ = ["Input", "open_input", "read_input"]

#: File names that say "NDJSON" even when the file holds a single line.
_NDJSON_SUFFIXES = (".ndjson", ".jsonl")
_PEEK = 64 * 1024


class FileInputError(InputError):
    """A file that cannot be read (missing, a folder, no permission, binary).

    The message names the file; unlike other input errors there is no element to point
    at, so ``str()`` is the message alone (never ``... @ missing.json``).
    """

    def __str__(self) -> str:
        return self.message


@attrs.frozen
class Input:
    """An opened input: the binary stream, its size when known, and what it is called.

    *ndjson* is true when the file's name says NDJSON (``.ndjson``, ``.jsonl``).
    """

    handle: IO[bytes]
    size: int | None
    name: str
    ndjson: bool = False

    def close(self, stdin: IO[bytes]) -> None:
        """Close the stream unless it is standard input."""
        if self.handle is not stdin:
            self.handle.close()


def open_input(path: str, stdin: IO[bytes]) -> Input:
    """*path* opened for reading (``-``: standard input), or a one-line error naming it."""
    if path == "-":
        return Input(stdin, None, "standard input")
    try:
        handle = open(path, "rb")  # noqa: SIM115 - closed by Input.close
    except FileNotFoundError:
        raise FileInputError(f"no such file: {path!r}", path) from None
    except IsADirectoryError:
        raise FileInputError(f"{path!r} is a folder, not a file", path) from None
    except PermissionError:
        raise FileInputError(f"no permission to read {path!r}", path) from None
    except OSError as error:
        raise FileInputError(f"cannot read {path!r}: {error.strerror}", path) from None
    size = os.fstat(handle.fileno()).st_size
    return Input(handle, size, repr(path), path.lower().endswith(_NDJSON_SUFFIXES))


def _check_text(head: bytes, name: str) -> None:
    """Refuse binary input up front, naming the first byte that shows it."""
    nul = head.find(b"\0")
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        decoder.decode(head if nul < 0 else head[:nul], final=False)
    except UnicodeDecodeError as error:
        raise DocumentError(
            f"{name} is not UTF-8 text (byte 0x{head[error.start]:02x}): expected JSON or NDJSON",
            f"byte {error.start}",
        ) from None
    if nul >= 0:
        raise DocumentError(f"{name} holds binary data, not JSON or NDJSON text", f"byte {nul}")


def _next_line(handle: IO[bytes]) -> bytes | None:
    for line in handle:
        if line.strip():
            return line
    return None


def _is_presentation(document: Any) -> bool:
    return isinstance(document, dict) and "resourceType" not in document


@attrs.define
class Detected:
    """The presentations of an input, and whether its form can hold several patients."""

    presentations: Iterator[Presentation]
    several: bool


def read_input(
    source: Input,
    progress: Progress,
    *,
    as_of: datetime | None,
    policy: Policy,
    strict: bool,
) -> Detected:
    """The presentations in *source*, detected from its content.

    A JSON object without ``resourceType`` is a presentation document; anything else
    (a resource, a Bundle, an array of resources, NDJSON) is FHIR, read lazily one
    patient at a time so that bulk NDJSON streams.
    """
    handle = source.handle
    peek = getattr(handle, "peek", None)
    if peek is not None:
        _check_text(peek(_PEEK)[:_PEEK], source.name)
        # A large FHIR document goes to the reader unparsed, to be streamed entry by entry.
        if b'"resourceType"' in peek(_PEEK)[:_PEEK] and worth_streaming(handle):
            return _fhir(handle, source.ndjson, as_of, policy, strict)
    first = _next_line(handle)
    if first is None:
        raise DocumentError("the input is empty", "$")
    if peek is None:
        _check_text(first[:_PEEK], source.name)
    first = first.removeprefix(
        b"\xef\xbb\xbf"
    )  # a byte-order mark is allowed, as the reader allows it
    try:
        head: Any = parse_json(first)
    except DocumentError:  # the first line is not a whole JSON value: one document
        text = first + handle.read()
        document = parse_json(text)
        progress.advance(source.size or 0)
        if _is_presentation(document):
            return Detected(iter([load_presentation(document)]), several=False)
        # the text, not the parsed document: the reader looks for duplicate keys in it
        return _fhir(text, False, as_of, policy, strict)
    if _is_presentation(head):
        if _next_line(handle) is not None:
            raise DocumentError("a presentation document must be one JSON object", "$")
        return Detected(iter([load_presentation(head)]), several=False)
    second = _next_line(handle)
    several = second is not None or source.ndjson
    lines = [first] if second is None else [first, second]
    return _fhir(CountingReader(handle, progress, lines), several, as_of, policy, strict)


def _fhir(
    source: Any, several: bool, as_of: datetime | None, policy: Policy, strict: bool
) -> Detected:
    reads = read_presentations(source, as_of=as_of, policy=policy, strict=strict)
    return Detected((read.presentation for read in reads), several)
