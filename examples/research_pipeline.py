"""A research pipeline: assess a population export (bulk NDJSON) with a pinned rule set.

Run: ``python examples/research_pipeline.py [POPULATION] [OUTPUT.jsonl]`` (defaults: the
synthetic export ``examples/data/population.ndjson``, made by
``examples/data/make_population.py``; the assessments go to a temporary file).

The pipeline reads one patient at a time with :func:`legrules.fhir.read_presentations`
(the default ``spill`` grouping keeps memory bounded whatever the order of the export),
assesses each with a pinned rule set, policy and instant, streams every assessment as
one line of JSON (JSON Lines) for later analysis, and prints a summary: dispositions,
the red flags most often left unresolved, and what the reader ignored.  It then reads
the JSON Lines back and checks them against the summary.
"""

from __future__ import annotations

import sys
import tempfile
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

import orjson

from legrules import Disposition, Policy, assess, dump_assessment, load_assessment
from legrules.fhir import read_presentations

HERE = Path(__file__).parent
POPULATION = HERE / "data" / "population.ndjson"

# Everything that decides a result, fixed, so that the study can be run again.
RULESET = "2026.11"
POLICY = Policy.from_dict({"wells_variant": "nice-2020", "age_adjusted_d_dimer": True})
AS_OF = datetime(2026, 11, 20, 10, tzinfo=UTC)


class Summary:
    """Counts gathered while the assessments stream past."""

    def __init__(self) -> None:
        self.patients = 0
        self.dispositions: Counter[str] = Counter()
        self.unresolved: Counter[str] = Counter()
        self.ignored: Counter[str] = Counter()

    def add(self, disposition: str, unresolved: list[str], ignored: list[str]) -> None:
        """Count one patient's assessment."""
        self.patients += 1
        self.dispositions[disposition] += 1
        self.unresolved.update(unresolved)
        self.ignored.update(ignored)


def run(population: Path, out: IO[bytes]) -> Summary:
    """Assess every patient of *population*, writing one JSON line per assessment."""
    summary = Summary()
    for read in read_presentations(population, as_of=AS_OF, policy=POLICY):
        result = assess(read.presentation, as_of=AS_OF, ruleset=RULESET, policy=POLICY)
        out.write(orjson.dumps(dump_assessment(result), option=orjson.OPT_SORT_KEYS) + b"\n")
        summary.add(
            result.disposition.value,
            [item.id for item in result.unresolved],
            [item.reason.partition(":")[0] for item in result.ignored],
        )
    return summary


def report(summary: Summary) -> None:
    print(f"{summary.patients} patients, rule set {RULESET}, as of {AS_OF.isoformat()}")
    print(f"\n{'disposition':<14}{'patients':>9}")
    for level in sorted(Disposition, key=lambda d: d.rank):
        print(f"{level.value:<14}{summary.dispositions[level.value]:>9}")
    print("\nmost frequent unresolved red flags (screen incomplete):")
    for rule, count in summary.unresolved.most_common(5):
        print(f"  {count:>3}  {rule}")
    print("\ninputs the reader ignored:")
    for reason, count in summary.ignored.most_common():
        print(f"  {count:>3}  {reason}")


def check(summary: Summary, population: Path, lines: Path) -> None:
    """The JSON Lines hold one assessment per patient, made with the pinned settings."""
    with population.open("rb") as handle:
        patients = sum(1 for line in handle if b'"resourceType":"Patient"' in line)
    stored = [load_assessment(line) for line in lines.read_bytes().splitlines()]
    assert len(stored) == summary.patients == patients, (len(stored), patients)
    assert {a.ruleset.version for a in stored} == {RULESET}
    assert all(a.policy == POLICY and a.as_of == AS_OF for a in stored)
    assert Counter(a.disposition.value for a in stored) == summary.dispositions


def main(argv: list[str]) -> int:
    population = Path(argv[1]) if len(argv) > 1 else POPULATION
    with tempfile.TemporaryDirectory() as folder:
        lines = Path(argv[2]) if len(argv) > 2 else Path(folder) / "assessments.jsonl"
        with lines.open("wb") as out:
            summary = run(population, out)
        report(summary)
        check(summary, population, lines)
        print(f"\n{summary.patients} assessments written as JSON Lines ({lines.name})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
