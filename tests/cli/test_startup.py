"""Start-up: what the command line imports, and the collector paused while it starts.

The program freezes what start-up built (it lives as long as the process); the command
line called inside someone else's process leaves the garbage collector alone.
"""

from __future__ import annotations

import gc
import io
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

import legrules
import legrules.cli
from legrules._cli.startup import YOUNG_THRESHOLD, building
from legrules.engine import codegen

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "presentations"


@pytest.fixture
def collector() -> Iterator[None]:
    """The collector as the test found it, whatever the test froze, turned off or set."""
    enabled, thresholds = gc.isenabled(), gc.get_threshold()
    yield
    gc.set_threshold(*thresholds)
    gc.unfreeze()
    if enabled:
        gc.enable()
    else:  # pragma: no cover - pytest runs with the collector on
        gc.disable()


def _modules(code: str) -> set[str]:
    done = subprocess.run(
        [sys.executable, "-c", f"{code}\nimport sys; print(' '.join(sys.modules))"],
        capture_output=True,
        text=True,
        check=True,
    )
    return set(done.stdout.split())


def test_importing_legrules_imports_only_the_version() -> None:
    """``import legrules`` (which every submodule's import runs first) costs nothing more."""
    loaded = {m for m in _modules("import legrules") if m.startswith("legrules")}
    assert loaded == {"legrules", "legrules._version"}


def test_importing_the_cli_imports_no_command() -> None:
    """The command line imports the engine, the rules and FHIR only for the command run."""
    loaded = _modules("import legrules.cli")
    assert not {"legrules.engine", "legrules.rules", "legrules.fhir", "legrules.model"} & loaded


@pytest.mark.parametrize("name", legrules.__all__)
def test_every_public_name_is_the_object_of_its_module(name: str) -> None:
    """Each name of ``legrules``, imported on first use, is the one its module defines."""
    value = getattr(legrules, name)
    assert getattr(sys.modules[getattr(value, "__module__", "legrules")], name, value) is value
    assert name in dir(legrules)


def test_the_subpackages_are_attributes_of_the_package() -> None:
    """``legrules.engine`` and the others still work after a bare ``import legrules``."""
    assert legrules.engine.assess is legrules.assess
    assert legrules.rules.get_ruleset is legrules.get_ruleset


def test_an_unknown_name_is_an_attribute_error() -> None:
    """A misspelt name fails as on any module (``hasattr`` and ``getattr`` defaults work)."""
    with pytest.raises(AttributeError, match="no attribute 'asses'"):
        legrules.asses  # noqa: B018
    assert not hasattr(legrules, "asses")


@pytest.mark.usefixtures("collector")
def test_start_up_is_built_with_the_collector_paused_then_frozen() -> None:
    """In the program, the block runs without collections; what it built is then frozen."""
    before = gc.get_freeze_count()
    with building(True):
        assert not gc.isenabled()
        kept = [[n] for n in range(1000)]
    assert gc.isenabled()
    assert gc.get_freeze_count() >= before + len(kept)


@pytest.mark.usefixtures("collector")
def test_after_start_up_the_youngest_generation_waits_for_more_objects() -> None:
    """The patients' short-lived objects do not run the collector a few times each.

    Only the youngest generation's threshold changes: the older ones keep theirs.
    """
    gc.set_threshold(700, 10, 10)
    with building(True):
        pass
    assert gc.get_threshold() == (YOUNG_THRESHOLD, 10, 10)


@pytest.mark.usefixtures("collector")
def test_the_collector_resumes_when_start_up_fails() -> None:
    """A command that fails while starting leaves the collector running."""
    with pytest.raises(ZeroDivisionError), building(True):
        1 / 0  # noqa: B018
    assert gc.isenabled()


@pytest.mark.usefixtures("collector")
def test_a_program_that_turned_the_collector_off_keeps_it_off() -> None:
    """Start-up neither turns the collector on nor freezes anything when it is off."""
    gc.disable()
    before = gc.get_freeze_count()
    with building(True):
        pass
    assert not gc.isenabled()
    assert gc.get_freeze_count() == before


@pytest.mark.usefixtures("collector")
def test_outside_the_program_the_collector_is_left_alone() -> None:
    """``main(argv)`` (tests, notebooks) neither pauses the collector nor freezes anything."""
    before = gc.get_freeze_count()
    out = io.StringIO()
    argv = ["assess", str(EXAMPLE / "calf-pain-after-flight.json"), "--format", "json"]
    argv += ["--as-of", "2026-11-20T10:00:00Z"]
    thresholds = gc.get_threshold()
    assert legrules.cli.main(argv, stdout=out) == 0
    assert gc.isenabled()
    assert gc.get_freeze_count() == before
    assert gc.get_threshold() == thresholds
    assert codegen.compile_text is codegen._compile  # no code kept on disk either
    assert out.getvalue().startswith("{")


@pytest.mark.usefixtures("collector")
def test_the_program_freezes_its_start_up_and_collects_the_rest(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """``legrules assess`` as the program: start-up frozen, the collector on for the patients."""
    path = str(EXAMPLE / "calf-pain-after-flight.json")
    argv = ["legrules", "assess", path, "--format", "json", "--as-of", "2026-11-20T10:00:00Z"]
    monkeypatch.setattr(sys, "argv", argv)
    # The program keeps its generated code on disk (tests/cli/test_code_cache.py): here.
    monkeypatch.setenv("LEGRULES_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(codegen, "compile_text", codegen.compile_text)
    gc.unfreeze()
    out = io.StringIO()
    assert legrules.cli.main(stdout=out) == 0
    assert gc.isenabled()
    assert gc.get_freeze_count() > 0
    assert gc.get_threshold()[0] == YOUNG_THRESHOLD
    expected = io.StringIO()
    assert legrules.cli.main(argv[1:], stdout=expected) == 0
    assert out.getvalue() == expected.getvalue()
