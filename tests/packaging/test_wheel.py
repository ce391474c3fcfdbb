"""The wheel carries everything the library needs: built, installed in a fresh venv, run there.

The wheel is built from a copy of the files git tracks (what a fresh clone holds), so a
data file that is not committed, or that the package-data patterns miss, fails here.
The fresh venv gets the wheel alone; its dependencies are borrowed from the test
environment through a ``.pth`` line (appended after the venv's own site-packages, so
the installed wheel, not ``src/``, is what runs) and nothing is downloaded.
"""

from __future__ import annotations

import email
import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import orjson
import pytest

ROOT = Path(__file__).resolve().parents[2]
AS_OF = "2026-11-20T10:00:00Z"

pytestmark = pytest.mark.slow


def _run(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    done = subprocess.run(
        [str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, f"{args} failed:\n{done.stdout}\n{done.stderr}"
    return done


def _tracked(prefix: str = "") -> list[str]:
    listed = _run("git", "ls-files", "-z", "--", prefix or ".", cwd=ROOT).stdout
    return [name for name in listed.split("\0") if name and (ROOT / name).exists()]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel built from the tracked files, as on a fresh clone."""
    clone = tmp_path_factory.mktemp("clone")
    for name in _tracked():
        (clone / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, clone / name)
    dist = tmp_path_factory.mktemp("dist")
    pip = (sys.executable, "-m", "pip")
    _run(*pip, "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", dist, clone)
    (built,) = dist.glob("legrules-*.whl")
    return built


@pytest.fixture(scope="module")
def venv(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv holding the wheel; yields its ``bin`` folder."""
    home = tmp_path_factory.mktemp("venv")
    _run(sys.executable, "-m", "venv", "--without-pip", home)
    python = home / "bin" / "python"
    _run(sys.executable, "-m", "pip", "--python", python, "install", "-q", "--no-deps", wheel)
    site = _run(python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))").stdout
    (Path(site.strip()) / "zz_test_dependencies.pth").write_text(
        sysconfig.get_path("purelib") + "\n", encoding="utf-8"
    )
    return home / "bin"


def test_wheel_holds_every_tracked_file_of_the_package(wheel: Path) -> None:
    """Every committed file under src/legrules (code, data, py.typed) is in the wheel."""
    with zipfile.ZipFile(wheel) as archive:
        shipped = {n for n in archive.namelist() if n.startswith("legrules/")}
    tracked = {name.removeprefix("src/") for name in _tracked("src/legrules")}
    assert any(name.endswith(".json") for name in tracked)
    assert sorted(tracked - shipped) == []


def test_wheel_metadata_is_complete(wheel: Path) -> None:
    """The metadata PyPI shows: project URLs, keywords, Python 3.11 to 3.13, the licence."""
    with zipfile.ZipFile(wheel) as archive:
        name = next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
        meta = email.message_from_bytes(archive.read(name))
    urls = {u.split(",")[0] for u in meta.get_all("Project-URL", [])}
    assert {"Documentation", "Source", "Issues", "Changelog"} <= urls
    assert "FHIR" in meta["Keywords"]
    classifiers = set(meta.get_all("Classifier", []))
    for minor in (11, 12, 13):
        assert f"Programming Language :: Python :: 3.{minor}" in classifiers
    assert meta["License-Expression"] == "Apache-2.0"


def test_installed_wheel_is_what_runs(venv: Path, tmp_path: Path) -> None:
    """The fresh venv imports legrules from its own site-packages, not from src/."""
    where = _run(venv / "python", "-c", "import legrules; print(legrules.__file__)", cwd=tmp_path)
    assert str(venv.parent) in where.stdout
    assert str(ROOT / "src") not in where.stdout


def test_installed_cli_prints_the_committed_schema(venv: Path, tmp_path: Path) -> None:
    """``legrules schema presentation`` from the wheel is the schema committed in schemas/."""
    printed = _run(venv / "legrules", "schema", "presentation", cwd=tmp_path).stdout
    committed = (ROOT / "schemas" / "presentation.schema.json").read_bytes()
    assert orjson.loads(printed) == orjson.loads(committed)


@pytest.mark.parametrize(
    "example",
    ["presentations/calf-pain-after-flight.json", "fhir/suspected-dvt-searchset.json"],
)
def test_installed_cli_assesses_a_shipped_example(venv: Path, tmp_path: Path, example: str) -> None:
    """An assessment runs from the wheel alone (FHIR input reads the shipped terminology)."""
    source = tmp_path / Path(example).name
    shutil.copy2(ROOT / "examples" / example, source)
    done = _run(venv / "legrules", "assess", source, "--format", "json", "--as-of", AS_OF)
    assert orjson.loads(done.stdout)["disposition"] == "urgent"
