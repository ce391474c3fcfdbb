"""Real data no one here wrote (the official R4 examples) and the shipped example.

Every one of the 5,307 official R4 examples goes through every entry point
(``read_presentations``, ``read_presentation``, strict mode, ``legrules assess``) and
must give the outcome recorded for it in ``r4_example_outcomes.json`` (see
``tests/fhir/r4_examples.py``): a change of any file's facts, reasons or error fails.
"""

from __future__ import annotations

import io
import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from legrules import Disposition, LegrulesError, Status, assess
from legrules.cli import main
from legrules.fhir import read_presentation, read_presentations
from tests.fhir import r4_examples as r4
from tests.support import AS_OF

SHIPPED = Path(__file__).parents[2] / "examples" / "fhir" / "suspected-dvt-searchset.json"
COUNTS = {"Observation": 64, "Bundle": 44, "Patient": 22, "Condition": 12}


def test_every_official_r4_example_is_present() -> None:
    """The examples package is complete: a missing file would shrink the tests below."""
    assert len(r4.files()) == 5307, "run `make testdata` to fetch hl7.fhir.r4.examples"
    counts = Counter(p.name.split("-")[0] for p in r4.files())
    assert {k: counts[k] for k in COUNTS} == COUNTS


def differences(found: dict[str, Any], wanted: dict[str, Any]) -> list[str]:
    return sorted(name for name in wanted if found.get(name) != wanted[name])


@pytest.mark.slow
def test_read_presentations_gives_each_official_example_its_recorded_outcome() -> None:
    """Facts read, resources ignored with their reasons, or the typed error: file by file."""
    table = r4.expected()["default"]
    found, wanted = {}, {}
    for path in r4.files():
        found[path.name] = r4.outcome(path)
        wanted[path.name] = r4.wanted(table, path)
    assert differences(found, wanted) == []


EMPTY = {"patient": [None, None, None], "facts": [], "ignored": {}}


@pytest.mark.slow
def test_read_presentation_agrees_with_read_presentations_on_each_official_example() -> None:
    """One patient: the same result; none: an empty one; several: a typed error; errors alike."""
    table = r4.expected()["default"]
    wrong = []
    for path in r4.files():
        wanted = r4.wanted(table, path)
        try:
            got: dict[str, Any] = {
                "results": [r4.summary(read_presentation(path, as_of=r4.as_of(path)))]
            }
        except LegrulesError as error:
            got = {"error": f"{type(error).__name__}: {error}"}
        count = len(wanted.get("results", [None]))
        if count > 1:
            ok = "read it with read_presentations" in got.get("error", "")
        else:
            ok = got == (wanted if count else {"results": [EMPTY]})
        if not ok:
            wrong.append(path.name)
    assert wrong == []


@pytest.mark.slow
def test_strict_mode_gives_each_official_clinical_example_its_recorded_outcome() -> None:
    """Strict mode (fhir.resources R4) over every example of a type legrules reads."""
    table = r4.expected()["strict"]
    assert sorted(table) == [p.name for p in r4.strict_files()]
    found = {p.name: r4.outcome(p, strict=True, version="R4") for p in r4.strict_files()}
    assert differences(found, table) == []


NO_DATA = "the input holds no patient data to assess @ $"


@pytest.mark.slow
def test_the_cli_gives_each_official_example_its_outcome() -> None:
    """``legrules assess``: a document per patient (exit 0), else one error line (exit 2).

    Over every file with facts, an error or several patients, and one in 50 of the
    others: each call assesses, which costs a hundred times the reading covered above.
    """
    table = r4.expected()["default"]
    wrong = []
    rich: list[Path] = []
    plain: list[Path] = []
    for path in r4.files():
        found = table.get(path.name, {})
        results = found.get("results", [])
        telling = "error" in found or len(results) > 1 or any(r["facts"] for r in results)
        (rich if telling else plain).append(path)
    for path in rich + plain[::50]:
        wanted = r4.wanted(table, path)
        out, err = io.StringIO(), io.StringIO()
        argv = ["assess", str(path), "--format", "json", "--as-of", r4.as_of(path).isoformat()]
        code = main(argv, stdout=out, stderr=err)
        results = wanted.get("results")
        if not results:  # an error (a document that is not FHIR may read as another kind)
            line = err.getvalue()
            ok = code == 2 and line.startswith("legrules: error: ") and line.count("\n") == 1
            ok = ok and (" @ " in line if "error" in wanted else line.endswith(NO_DATA + "\n"))
        else:
            text = out.getvalue()
            lines = text.splitlines() if len(results) > 1 else [text]
            ok = code == 0 and len([json.loads(line) for line in lines]) == len(results)
        if not ok:
            wrong.append(f"{path.name}: exit {code}, {err.getvalue()}")
    assert wrong == []


def test_the_recorded_outcomes_read_facts_and_refuse_what_is_not_fhir() -> None:
    """The table is not vacuous: vital signs give measurements; package.json is refused."""
    table = r4.expected()["default"]
    (temperature,) = table["Observation-body-temperature.json"]["results"]
    assert temperature["facts"] == ["temperature=36.5 Cel"]
    assert table["package.json"]["error"].startswith("FHIRInputError: not a FHIR resource")
    strict = r4.expected()["strict"]
    herd = strict["Observation-herd1.json"]["error"]
    assert herd.endswith("@ Observation/herd1.subject")


def test_shipped_suspected_dvt_example_is_urgent() -> None:
    """The shipped R4 searchset assesses as urgent with redflag.suspected-dvt met."""
    (result,) = read_presentations(SHIPPED, as_of=AS_OF, strict=True, version="R4")
    assessment = assess(result.presentation)
    assert assessment.disposition is Disposition.URGENT
    met = {f.id for f in assessment.red_flags if f.status is Status.MET}
    assert "redflag.suspected-dvt" in met
    assert [i.reference for i in result.ignored] == ["Observation/obs-temperature-typo"]
