"""The terminology map ships, validates and cites a source for every code."""

from __future__ import annotations

from pathlib import Path

import jsonschema
import orjson

from legrules.fhir.codes import load_raw, terminology
from legrules.model import VOCABULARY
from legrules.schemas import schema

SCHEMA = Path(__file__).parents[2] / "schemas" / "terminology.schema.json"


def test_shipped_terminology_validates_against_its_schema() -> None:
    """terminology.json in the package is valid against `legrules schema terminology`."""
    jsonschema.Draft202012Validator(schema("terminology")).validate(load_raw())


def test_committed_terminology_schema_matches_the_code() -> None:
    """schemas/terminology.schema.json is what the code generates."""
    assert orjson.loads(SCHEMA.read_bytes()) == schema("terminology")


def test_every_finding_has_its_own_code() -> None:
    """Each vocabulary concept is listed once with its display."""
    listed = {f["id"]: f["display"] for f in load_raw()["findings"]}
    assert listed == {c.id: c.display for c in VOCABULARY.values()}


def test_every_standard_code_names_a_known_source() -> None:
    """Each code, value, side and medication mapping cites a source in 'sources'."""
    raw = load_raw()
    entries = [*raw["codes"], *raw["patient"], *raw["laterality"], *raw["medications"]]
    entries += [*raw["values"]["present"], *raw["values"]["absent"]]
    assert {e["source"] for e in entries} <= set(raw["sources"])


def test_one_standard_code_means_one_finding() -> None:
    """No (system, code) is mapped twice."""
    keys = [(c["system"], c["code"]) for c in load_raw()["codes"]]
    assert len(keys) == len(set(keys))


def test_the_terminology_is_package_data() -> None:
    """The map loads through importlib.resources, as an installed package would."""
    assert terminology().finding_code("http://snomed.info/sct", "10601006") is not None
