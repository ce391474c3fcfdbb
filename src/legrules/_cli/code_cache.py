"""The compiled rule set's generated code, kept on disk between runs of the program.

Compiling a rule set generates Python source (:mod:`legrules.engine.codegen`), and
``compile()`` of that text was about a tenth of what a run over one patient costs.  The
text is the same on every run with the same rule set and policy, so the program keeps
each code object in a file named after everything that decides it: the SHA-256 of the
text and its label, the legrules version, the interpreter (implementation, version,
bytecode magic number, marshal format, optimisation level).  Any change to the rules,
the policy or the generator changes the text, hence the name: an entry is never stale,
only unused.

A file is trusted only as ``__pycache__`` would be, and more: it must be a regular file
(never a link), in a directory that is not a link, both owned by this user and writable
by no one else, and its content must carry its own SHA-256.  Anything else (missing,
corrupt, truncated, someone else's, group- or world-writable, a world-writable cache
folder) is ignored and the text compiled as before; a file is then written anew,
atomically (a private temporary file renamed over it), when the folder allows.  No error
of the cache ever reaches the user: at worst the code is compiled, as without it.

Reading some eighty files one by one (each opened, checked and closed) cost more than
reading them together, so the program also keeps, after compiling its rule set, every
code object the run used in one *pack* (:meth:`CodeCache.save`), trusted on the same
terms as any other file; an entry is taken from the pack only under its own name, and
anything the pack lacks is read from its file, or compiled, as before.

Only the program uses it (``legrules ...``; see :mod:`legrules._cli.startup`), in
``$LEGRULES_CACHE_DIR``, else ``$XDG_CACHE_HOME/legrules``, else ``~/.cache/legrules``;
``LEGRULES_CACHE_DIR=`` (empty) turns it off.  POSIX only.
"""

from __future__ import annotations

import contextlib
import hashlib
import marshal
import os
import stat
import sys
import types
from collections.abc import Iterator
from importlib.util import MAGIC_NUMBER

from legrules._version import __version__
from legrules.engine import codegen

__all__ = ["CodeCache", "default_folder", "keep_generated_code"]

#: What every file starts with, before the digest of the rest.
_HEADER = b"legrules-code\x00"
_DIGEST = hashlib.sha256().digest_size


def _interpreter() -> bytes:
    """Everything about this interpreter that can change what ``compile()`` gives."""
    parts = (
        sys.implementation.cache_tag or sys.implementation.name,
        sys.version,
        MAGIC_NUMBER.hex(),
        str(marshal.version),
        str(sys.flags.optimize),
    )
    return "\x00".join(parts).encode()


def default_folder() -> str | None:
    """Where the program keeps its code: ``None`` when turned off, or not on POSIX."""
    if os.name != "posix" or not hasattr(os, "O_NOFOLLOW"):
        return None
    chosen = os.environ.get("LEGRULES_CACHE_DIR")
    if chosen is not None:
        return chosen or None
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "legrules")


def _private(status: os.stat_result) -> bool:
    """Owned by this user and writable by no one else."""
    return status.st_uid == os.geteuid() and not status.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


class CodeCache:
    """Code objects of generated text, kept in one folder (see the module's description)."""

    def __init__(self, folder: str) -> None:
        self.folder = os.path.join(folder, f"code-{__version__}")
        self._interpreter = _interpreter()
        #: The pack's file: one per interpreter, as its entries' names are.
        self.pack = "pack-" + hashlib.sha256(self._interpreter).hexdigest()
        self._packed: dict[str, types.CodeType] | None = None
        #: The code this cache gave, by name: what :meth:`save` packs.
        self._used: dict[str, types.CodeType] = {}

    def name(self, text: str, label: str) -> str:
        """The file that holds the code of *text* compiled under *label*."""
        key = hashlib.sha256(self._interpreter)
        key.update(b"\x00" + label.encode() + b"\x00" + text.encode())
        return key.hexdigest()

    def compile(self, text: str, label: str) -> types.CodeType:
        """``compile(text, label, "exec")``, read from the folder when kept there."""
        name = self.name(text, label)
        code = self._unpacked(name, label)
        if code is None:
            code = self._kept(text, name, label)
        self._used[name] = code
        return code

    def _unpacked(self, name: str, label: str) -> types.CodeType | None:
        """The code of *name* in the pack (read at the first call), if there."""
        if self._packed is None:
            self._packed = {}
            with self._folder() as folder:
                if folder is not None:
                    self._packed = _read_pack(folder, self.pack)
        code = self._packed.get(name)
        return code if code is not None and code.co_filename == label else None

    def _kept(self, text: str, name: str, label: str) -> types.CodeType:
        """The code of *name* read from its own file, else compiled and kept there."""
        with self._folder() as folder:
            if folder is not None:
                found = _read(folder, name, label)
                if found is not None:
                    return found
        code = compile(text, label, "exec")
        with self._folder(create=True) as folder:
            if folder is not None:
                _write(folder, name, marshal.dumps(code))
        return code

    def save(self) -> None:
        """Keep the code given so far as the pack, unless the pack holds just that already."""
        if self._packed is not None and self._used.keys() == self._packed.keys():
            return
        with self._folder(create=True) as folder:
            if folder is not None:
                _write(folder, self.pack, marshal.dumps(self._used))
                self._packed = dict(self._used)

    @contextlib.contextmanager
    def _folder(self, create: bool = False) -> Iterator[int | None]:
        """The folder, opened, when it can be trusted; ``None`` otherwise."""
        try:
            if create:
                os.makedirs(self.folder, mode=0o700, exist_ok=True)
            flags = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW
            folder = os.open(self.folder, flags)
        except OSError:
            yield None
            return
        try:
            yield folder if _private(os.fstat(folder)) else None
        finally:
            os.close(folder)


def _read(folder: int, name: str, label: str) -> types.CodeType | None:
    """The code kept in *name*, or ``None`` when missing or not to be trusted."""
    payload = _payload(folder, name)
    if payload is None:
        return None
    try:
        code = marshal.loads(payload)
    except (EOFError, ValueError, TypeError):
        return None
    if not isinstance(code, types.CodeType) or code.co_filename != label:
        return None
    return code


def _read_pack(folder: int, name: str) -> dict[str, types.CodeType]:
    """The code objects kept in the pack *name*, by name (none when not to be trusted)."""
    payload = _payload(folder, name)
    if payload is None:
        return {}
    try:
        packed = marshal.loads(payload)
    except (EOFError, ValueError, TypeError):
        return {}
    if not isinstance(packed, dict):
        return {}
    return {
        key: code
        for key, code in packed.items()
        if isinstance(key, str) and isinstance(code, types.CodeType)
    }


def _payload(folder: int, name: str) -> bytes | None:
    """What the file *name* keeps, or ``None`` when missing or not to be trusted."""
    try:
        handle = os.open(name, os.O_RDONLY | os.O_NOFOLLOW, dir_fd=folder)
    except OSError:
        return None
    try:
        status = os.fstat(handle)
        if not stat.S_ISREG(status.st_mode) or not _private(status):
            return None
        with open(handle, "rb", closefd=False) as stream:
            data = stream.read()
    except OSError:
        return None
    finally:
        os.close(handle)
    header, digest = data[: len(_HEADER)], data[len(_HEADER) : len(_HEADER) + _DIGEST]
    payload = data[len(_HEADER) + _DIGEST :]
    if header != _HEADER or hashlib.sha256(payload).digest() != digest:
        return None
    return payload


def _write(folder: int, name: str, payload: bytes) -> None:
    """Keep *payload* in *name*: written privately aside, then renamed over it."""
    temporary = f".{name}.{os.getpid()}.{os.urandom(6).hex()}"
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW
    data = _HEADER + hashlib.sha256(payload).digest() + payload
    try:
        handle = os.open(temporary, flags, 0o600, dir_fd=folder)
    except OSError:
        return
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(temporary, name, src_dir_fd=folder, dst_dir_fd=folder)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(temporary, dir_fd=folder)


def keep_generated_code() -> CodeCache | None:
    """Have the rule sets' generated code kept in :func:`default_folder` (the program only).

    Returns the cache (``None`` when turned off): :meth:`CodeCache.save` once the rule
    set is compiled.
    """
    folder = default_folder()
    if folder is None:
        return None
    cache = CodeCache(folder)
    codegen.compile_text = cache.compile
    return cache
