"""The program keeps the rule sets' generated code on disk, and trusts only its own files.

A kept code object is exactly what ``compile()`` gives; a file that is missing, corrupt,
written for another interpreter or legrules, someone else's, writable by others, or a
link, is ignored and the code compiled (and kept anew) as without the cache.
"""

from __future__ import annotations

import marshal
import os
import subprocess
import sys
import types
from pathlib import Path

import pytest

from legrules._cli import code_cache
from legrules._cli.code_cache import CodeCache, default_folder

pytestmark = pytest.mark.skipif(os.name != "posix", reason="the cache is POSIX only")

TEXT = "def run(ctx):\n    S = ctx.stated\n    return _k0 if S else _k1\n"
LABEL = "<legrules All>"
EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "presentations"


def _same(a: types.CodeType, b: types.CodeType) -> bool:
    return marshal.dumps(a) == marshal.dumps(b)


def _kept(cache: CodeCache) -> Path:
    return Path(cache.folder) / cache.name(TEXT, LABEL)


@pytest.fixture
def compiles(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The texts the cache had to compile (it read the others from its folder)."""
    seen: list[str] = []
    real = compile

    def counting(text: str, label: str, mode: str) -> types.CodeType:
        seen.append(text)
        return real(text, label, mode)

    monkeypatch.setattr(code_cache, "compile", counting, raising=False)
    return seen


def test_code_is_compiled_once_then_read_back_the_same(tmp_path: Path, compiles: list[str]) -> None:
    """The second run reads the first one's file, and gets what compile() gives."""
    first = CodeCache(str(tmp_path)).compile(TEXT, LABEL)
    second = CodeCache(str(tmp_path)).compile(TEXT, LABEL)
    assert compiles == [TEXT]
    assert _same(first, compile(TEXT, LABEL, "exec"))
    assert _same(second, first)


def test_the_folder_and_files_are_private(tmp_path: Path) -> None:
    """Kept in a folder only its owner may enter, files only its owner may write."""
    cache = CodeCache(str(tmp_path))
    cache.compile(TEXT, LABEL)
    assert os.stat(cache.folder).st_mode & 0o777 == 0o700
    assert _kept(cache).stat().st_mode & 0o077 == 0
    assert sorted(os.listdir(cache.folder)) == [cache.name(TEXT, LABEL)]  # no temporary left


def test_the_name_changes_with_the_text_the_label_and_the_interpreter(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every input of compile() is in the name: a changed rule or Python reads nothing old."""
    cache = CodeCache(str(tmp_path))
    name = cache.name(TEXT, LABEL)
    assert cache.name(TEXT + "\n", LABEL) != name
    assert cache.name(TEXT, "<legrules Any>") != name
    monkeypatch.setattr(code_cache, "MAGIC_NUMBER", b"\x00\x00\r\n")
    assert CodeCache(str(tmp_path)).name(TEXT, LABEL) != name


def test_each_legrules_version_has_its_own_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An upgrade never reads what another version of legrules kept."""
    here = CodeCache(str(tmp_path)).folder
    monkeypatch.setattr(code_cache, "__version__", "0.0.0-other")
    assert CodeCache(str(tmp_path)).folder != here


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda data: data[: len(data) // 2], id="truncated"),
        pytest.param(lambda data: b"", id="empty"),
        pytest.param(lambda data: data[:-1] + bytes([data[-1] ^ 1]), id="one-bit-flipped"),
        pytest.param(lambda data: b"not a legrules file" + data, id="foreign"),
    ],
)
def test_a_corrupt_file_is_compiled_again_and_replaced(
    tmp_path: Path, compiles: list[str], damage: types.FunctionType
) -> None:
    """A damaged file is never loaded: the text is compiled, and the file written anew."""
    cache = CodeCache(str(tmp_path))
    cache.compile(TEXT, LABEL)
    kept = _kept(cache)
    kept.write_bytes(damage(kept.read_bytes()))
    again = cache.compile(TEXT, LABEL)
    assert _same(again, compile(TEXT, LABEL, "exec"))
    assert compiles == [TEXT, TEXT]
    cache.compile(TEXT, LABEL)
    assert compiles == [TEXT, TEXT]


def test_a_well_formed_file_of_other_code_is_not_used(tmp_path: Path, compiles: list[str]) -> None:
    """A file whose code was compiled under another label (another function) is ignored."""
    cache = CodeCache(str(tmp_path))
    cache.compile(TEXT, LABEL)
    payload = marshal.dumps(compile(TEXT, "<elsewhere>", "exec"))
    folder = os.open(cache.folder, os.O_RDONLY)
    try:
        code_cache._write(folder, cache.name(TEXT, LABEL), payload)
    finally:
        os.close(folder)
    assert cache.compile(TEXT, LABEL).co_filename == LABEL
    assert compiles == [TEXT, TEXT]


OTHER = "def run(ctx):\n    return _k0\n"


def _packed_alone(tmp_path: Path, *texts: str) -> CodeCache:
    """A cache that compiled *texts* and saved its pack, each text's own file removed."""
    cache = CodeCache(str(tmp_path))
    for text in texts:
        cache.compile(text, LABEL)
    cache.save()
    for text in texts:
        (Path(cache.folder) / cache.name(text, LABEL)).unlink()
    return cache


def test_the_next_run_reads_the_saved_pack(tmp_path: Path, compiles: list[str]) -> None:
    """What a run used is packed: the next run reads it from the pack, the same code."""
    first = _packed_alone(tmp_path, TEXT, OTHER)
    assert sorted(os.listdir(first.folder)) == [first.pack]
    assert os.stat(Path(first.folder) / first.pack).st_mode & 0o077 == 0
    again = CodeCache(str(tmp_path))
    assert _same(again.compile(TEXT, LABEL), compile(TEXT, LABEL, "exec"))
    assert _same(again.compile(OTHER, LABEL), compile(OTHER, LABEL, "exec"))
    assert compiles == [TEXT, OTHER]


def test_the_pack_is_taken_by_name_and_label_only(tmp_path: Path, compiles: list[str]) -> None:
    """Text the pack does not hold, or holds under another label, is compiled, then packed."""
    _packed_alone(tmp_path, TEXT)
    again = CodeCache(str(tmp_path))
    assert again.compile(TEXT, "<legrules Any>").co_filename == "<legrules Any>"
    again.compile(OTHER, LABEL)
    assert compiles == [TEXT, TEXT, OTHER]
    again.save()
    third = CodeCache(str(tmp_path))
    third.compile(TEXT, "<legrules Any>")
    third.compile(OTHER, LABEL)
    assert compiles == [TEXT, TEXT, OTHER]


def test_the_pack_is_written_again_only_when_the_run_used_other_code(tmp_path: Path) -> None:
    """A run that used just what the pack holds leaves it as it is."""
    _packed_alone(tmp_path, TEXT)
    again = CodeCache(str(tmp_path))
    pack = Path(again.folder) / again.pack
    written = pack.stat().st_ino
    again.compile(TEXT, LABEL)
    again.save()
    assert pack.stat().st_ino == written
    again.compile(OTHER, LABEL)
    again.save()
    assert pack.stat().st_ino != written


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda pack: pack.write_bytes(pack.read_bytes()[:-3]), id="truncated"),
        pytest.param(lambda pack: pack.chmod(0o620), id="group-writable"),
        pytest.param(lambda pack: pack.chmod(0o602), id="world-writable"),
        pytest.param(
            lambda pack: (pack.rename(pack.parent.parent / "aside"), pack.symlink_to("../aside")),
            id="a-link",
        ),
    ],
)
def test_a_pack_not_to_be_trusted_is_not_read(
    tmp_path: Path, compiles: list[str], damage: types.FunctionType
) -> None:
    """A pack is trusted on the terms of any other file: else the code is compiled."""
    cache = _packed_alone(tmp_path, TEXT)
    damage(Path(cache.folder) / cache.pack)
    again = CodeCache(str(tmp_path))
    assert _same(again.compile(TEXT, LABEL), compile(TEXT, LABEL, "exec"))
    assert compiles == [TEXT, TEXT]


def test_a_pack_of_something_else_is_not_read(tmp_path: Path, compiles: list[str]) -> None:
    """A well-formed file in the pack's place that holds no code objects by name is ignored."""
    cache = CodeCache(str(tmp_path))
    os.makedirs(cache.folder, mode=0o700)
    folder = os.open(cache.folder, os.O_RDONLY)
    try:
        for payload in ([1, 2], {cache.name(TEXT, LABEL): "not code"}, {1: 2}):
            code_cache._write(folder, cache.pack, marshal.dumps(payload))
            again = CodeCache(str(tmp_path))
            assert _same(again.compile(TEXT, LABEL), compile(TEXT, LABEL, "exec"))
            os.unlink(cache.name(TEXT, LABEL), dir_fd=folder)
    finally:
        os.close(folder)
    assert compiles == [TEXT, TEXT, TEXT]


@pytest.mark.parametrize("mode", [0o620, 0o602], ids=["group-writable", "world-writable"])
def test_a_file_others_may_write_is_not_trusted(
    tmp_path: Path, compiles: list[str], mode: int
) -> None:
    """A file someone else could have written is ignored."""
    cache = CodeCache(str(tmp_path))
    cache.compile(TEXT, LABEL)
    _kept(cache).chmod(mode)
    cache.compile(TEXT, LABEL)
    assert compiles == [TEXT, TEXT]


def test_a_world_writable_folder_is_not_used_at_all(tmp_path: Path, compiles: list[str]) -> None:
    """Nothing is read from, or written to, a folder others may write."""
    cache = CodeCache(str(tmp_path))
    cache.compile(TEXT, LABEL)
    os.chmod(cache.folder, 0o777)
    assert _same(cache.compile(TEXT, LABEL), compile(TEXT, LABEL, "exec"))
    _kept(cache).unlink()
    cache.compile(TEXT, LABEL)
    assert not _kept(cache).exists()
    assert compiles == [TEXT, TEXT, TEXT]


def test_a_link_is_not_followed(tmp_path: Path, compiles: list[str]) -> None:
    """A file, or the folder, replaced by a symbolic link is ignored."""
    cache = CodeCache(str(tmp_path / "real"))
    cache.compile(TEXT, LABEL)
    linked = CodeCache(str(tmp_path / "linked"))
    os.makedirs(tmp_path / "linked")
    os.symlink(cache.folder, linked.folder)
    linked.compile(TEXT, LABEL)
    kept = _kept(cache)
    os.rename(kept, tmp_path / "elsewhere")
    os.symlink(tmp_path / "elsewhere", kept)
    cache.compile(TEXT, LABEL)
    assert compiles == [TEXT, TEXT, TEXT]


@pytest.mark.skipif(os.geteuid() != 0, reason="giving a file away needs root")
def test_a_file_of_another_user_is_not_trusted(tmp_path: Path, compiles: list[str]) -> None:
    """Only this user's files are read."""
    cache = CodeCache(str(tmp_path))
    cache.compile(TEXT, LABEL)
    os.chown(_kept(cache), 65534, -1)
    cache.compile(TEXT, LABEL)
    assert compiles == [TEXT, TEXT]


def test_a_folder_that_cannot_be_made_only_costs_the_compile(compiles: list[str]) -> None:
    """No error of the cache reaches the user."""
    cache = CodeCache("/dev/null/legrules")
    assert _same(cache.compile(TEXT, LABEL), compile(TEXT, LABEL, "exec"))
    assert compiles == [TEXT]


def test_the_folder_follows_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """LEGRULES_CACHE_DIR, else XDG_CACHE_HOME, else ~/.cache; empty turns it off."""
    monkeypatch.setenv("LEGRULES_CACHE_DIR", "/somewhere")
    assert default_folder() == "/somewhere"
    monkeypatch.setenv("LEGRULES_CACHE_DIR", "")
    assert default_folder() is None
    monkeypatch.delenv("LEGRULES_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", "/xdg")
    assert default_folder() == "/xdg/legrules"
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert default_folder() == os.path.expanduser("~/.cache/legrules")


def _program(folder: Path, *argv: str) -> bytes:
    environment = {**os.environ, "LEGRULES_CACHE_DIR": str(folder)}
    command = [sys.executable, "-m", "legrules.cli", *argv]
    return subprocess.run(command, capture_output=True, check=True, env=environment).stdout


def test_the_program_keeps_its_code_and_prints_the_same_with_it(tmp_path: Path) -> None:
    """Run twice (compiled, then read back) and with a damaged cache: the same bytes."""
    path = str(EXAMPLE / "calf-pain-after-flight.json")
    argv = ("assess", path, "--format", "json", "--as-of", "2026-11-20T10:00:00Z")
    first = _program(tmp_path, *argv)
    (folder,) = tmp_path.iterdir()
    kept = sorted(folder.iterdir())
    assert kept
    assert _program(tmp_path, *argv) == first
    for file in kept:
        file.write_bytes(file.read_bytes()[:-3])
    assert _program(tmp_path, *argv) == first
    off = {**os.environ, "LEGRULES_CACHE_DIR": ""}
    command = [sys.executable, "-m", "legrules.cli", *argv]
    assert subprocess.run(command, capture_output=True, check=True, env=off).stdout == first
