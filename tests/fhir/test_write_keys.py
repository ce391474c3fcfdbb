"""Determinism and idempotency: same inputs, same bytes; same conclusion, same identifier."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

import attrs
import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from legrules.fhir import dumps_bundle, transaction_bundle
from legrules.fhir.write.transaction import red_flag_entries
from legrules.model import Evidence, RuleSetRef
from tests.fhir.write_checks import SWELLING, one, presentations, sample
from tests.support import AS_OF, make, run

EXAMPLE = Path(__file__).parents[2] / "examples/presentations/calf-pain-after-flight.json"


def _identifiers(bundle: dict[str, Any], resource_type: str | None = None) -> list[str]:
    return [
        e["resource"]["identifier"][0]["value"]
        for e in bundle["entry"]
        if "identifier" in e["resource"] and resource_type in (None, e["resource"]["resourceType"])
    ]


def _conclusions(bundle: dict[str, Any]) -> set[str]:
    """Identifiers of everything but the Device (shared by all bundles of one version)."""
    device = set(_identifiers(bundle, "Device"))
    return set(_identifiers(bundle)) - device


def test_same_presentation_gives_a_byte_identical_bundle() -> None:
    """Assessing the same presentation twice at the same instant gives the same bytes."""
    presentation = make(present=["leg-pain", "dyspnea", ("leg-swelling", "left")], age=70)
    first = dumps_bundle(transaction_bundle(run(presentation)))
    second = dumps_bundle(transaction_bundle(run(presentation)))
    assert first == second


def test_bundle_bytes_do_not_depend_on_the_process(tmp_path: Path) -> None:
    """Two processes with different hash seeds print the same Bundle."""
    outputs = []
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        command = [sys.executable, "-m", "legrules.cli", "assess", str(EXAMPLE), "--format", "fhir"]
        done = subprocess.run(command, env=env, capture_output=True, check=True)
        outputs.append(done.stdout)
    assert outputs[0] == outputs[1]
    assert outputs[0].count(b"\n") == 1


def test_created_resources_are_conditional_on_their_identifier() -> None:
    """Each POST has ifNoneExist identifier=system|value and a fullUrl of the same UUID."""
    bundle = transaction_bundle(sample())
    posts = [e for e in bundle["entry"] if e["request"]["method"] == "POST"]
    assert len(posts) == len(bundle["entry"]) - 1
    for entry in posts:
        (ident,) = entry["resource"]["identifier"]
        assert entry["request"]["ifNoneExist"] == f"identifier={ident['system']}|{ident['value']}"
        assert entry["fullUrl"] == f"urn:uuid:{ident['value']}"
        assert entry["request"]["url"] == entry["resource"]["resourceType"]


def test_identifiers_are_stable_across_releases() -> None:
    """Pinned values: changing how keys are made would duplicate resources on servers."""
    namespace = uuid.uuid5(uuid.NAMESPACE_URL, "https://legrules.org/fhir/identifier")
    device = uuid.uuid5(namespace, "legrules-fhir/1|device|legrules@0.1.0")
    bundle = transaction_bundle(sample())
    assert _identifiers(bundle, "Device") == [str(device)]
    evidence = [["leg-swelling", "present", "left", "Observation/swelling", None]]
    payload = hashlib.sha256(orjson.dumps(["met", "urgent", evidence, []])).hexdigest()
    key = "|".join(
        [
            "legrules-fhir/1",
            "Patient/pat-1",
            "legrules@2026.11",
            "red-flag",
            "redflag.suspected-dvt@1.0.0",
            payload,
        ]
    )
    assert _identifiers(bundle, "Flag") == [str(uuid.uuid5(namespace, key))]
    assert _identifiers(bundle, "Flag") == ["47a05605-4183-5356-96dd-78117be5daf4"]


def test_identifiers_differ_between_patients() -> None:
    """The same conclusions for two patients share no resource but the Device."""
    first = _conclusions(transaction_bundle(sample(patient="a")))
    second = _conclusions(transaction_bundle(sample(patient="b")))
    assert first.isdisjoint(second)


def test_identifiers_differ_between_rule_set_versions() -> None:
    """A rule-set version is part of every key."""
    later = sample(ruleset=RuleSetRef("legrules", "2027.01"))
    assert _conclusions(transaction_bundle(sample())).isdisjoint(
        _conclusions(transaction_bundle(later))
    )


def test_identifiers_differ_between_rule_versions() -> None:
    """A new version of one rule changes that rule's resource only."""
    flags = tuple(attrs.evolve(f, version="1.0.1") for f in sample().red_flags)
    before = transaction_bundle(sample())
    after = transaction_bundle(sample(red_flags=flags))
    assert _identifiers(before, "Flag") != _identifiers(after, "Flag")
    assert _identifiers(before, "RiskAssessment") == _identifiers(after, "RiskAssessment")


def test_identifiers_differ_when_the_evidence_differs() -> None:
    """Other evidence for the same red flag is another Flag; other results keep theirs."""
    other = Evidence("leg-swelling", "present", SWELLING.laterality, "Observation/swelling-2")
    flags = tuple(
        attrs.evolve(f, evidence=(other,)) if f.id == "redflag.suspected-dvt" else f
        for f in sample().red_flags
    )
    before = transaction_bundle(sample())
    after = transaction_bundle(sample(red_flags=flags))
    assert _identifiers(before, "Flag") != _identifiers(after, "Flag")
    assert _identifiers(before, "Observation") == _identifiers(after, "Observation")


def test_reassessing_later_keeps_conclusions_but_records_a_new_evaluation() -> None:
    """A later as_of with the same evidence: same Flags and risks, new GuidanceResponse."""
    before = transaction_bundle(sample())
    after = transaction_bundle(sample(as_of=AS_OF + timedelta(hours=1)))
    for kind in ("Flag", "Observation", "RiskAssessment"):
        assert _identifiers(before, kind) == _identifiers(after, kind)
    assert _identifiers(before, "GuidanceResponse") != _identifiers(after, "GuidanceResponse")
    assert one(before, "Provenance")["id"] != one(after, "Provenance")["id"]


def test_r4b_and_r5_bundles_share_identifiers() -> None:
    """The same conclusion has the same identifier whatever FHIR version carries it."""
    r4b, r5 = (transaction_bundle(sample(), version=v) for v in ("R4B", "R5"))
    assert _identifiers(r4b) == _identifiers(r5)


def test_identifiers_depend_on_the_canonical_base() -> None:
    """A different canonical base gives a different identifier system and values."""
    bundle = transaction_bundle(sample(), base="https://example.org/fhir/")
    ident = one(bundle, "Flag")["identifier"][0]
    assert ident["system"] == "https://example.org/fhir/identifier"
    assert _conclusions(bundle).isdisjoint(_conclusions(transaction_bundle(sample())))


def test_different_anonymous_assessments_share_no_resource() -> None:
    """Without a patient id, keys include the whole assessment, so they never collide."""
    first = transaction_bundle(sample(patient=None))
    second = transaction_bundle(sample(patient=None, as_of=AS_OF + timedelta(seconds=1)))
    assert _conclusions(first).isdisjoint(_conclusions(second))


def _flag_entries(bundle: dict[str, Any]) -> list[dict[str, Any]]:
    return [e for e in bundle["entry"] if e["resource"]["resourceType"] == "Flag"]


@pytest.mark.parametrize("patient", ["pt-1", None], ids=["identified", "anonymous"])
def test_red_flag_entries_are_the_bundles_flag_entries(patient: str | None) -> None:
    """The Flags written alone are the Bundle's, fullUrl, identifier and request included."""
    assessment = sample(patient=patient)
    expected = _flag_entries(transaction_bundle(assessment))
    assert expected
    assert red_flag_entries(assessment) == expected
    assert red_flag_entries(assessment, version="R5", subject="Group/g1") == _flag_entries(
        transaction_bundle(assessment, version="R5", subject="Group/g1")
    )


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(presentations())
def test_any_presentation_writes_the_same_bytes_twice(presentation: Any) -> None:
    """For any presentation: deterministic bytes, and unique fullUrls within the Bundle."""
    first = transaction_bundle(run(presentation), validate=False)
    second = transaction_bundle(run(presentation), validate=False)
    assert dumps_bundle(first) == dumps_bundle(second)
    urls = [e["fullUrl"] for e in first["entry"]]
    assert len(urls) == len(set(urls))


def test_the_whole_assessment_is_hashed_as_its_document() -> None:
    """The hash keying a write-back is that of the assessment document, from any trace."""
    from legrules.fhir.write.idempotency import digest
    from legrules.fhir.write.transaction import _whole_digest
    from legrules.model.documents import dump_assessment
    from tests.engine.corpus import AS_OF as CORPUS_AS_OF
    from tests.engine.corpus import corpus

    for presentation, policy in corpus(40, seed=13):
        result = run(presentation, as_of=CORPUS_AS_OF, policy=policy)
        assert _whole_digest(result) == digest(dump_assessment(result))


@given(st.text(st.characters(codec="utf-8")))
def test_a_resource_uuid_is_the_version_5_uuid_of_its_key(key: str) -> None:
    """Any key's UUID is ``uuid.uuid5`` of it in the namespace of the canonical base."""
    from legrules.fhir.canonical import DEFAULT_BASE, identifier_system
    from legrules.fhir.write.idempotency import resource_uuid

    namespace = uuid.uuid5(uuid.NAMESPACE_URL, identifier_system(DEFAULT_BASE))
    assert resource_uuid(DEFAULT_BASE, key) == str(uuid.uuid5(namespace, key))
