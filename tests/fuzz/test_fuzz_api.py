"""The Python API refuses hostile arguments with a LegrulesError, never a crash or a hang.

Reproducers of issue 10, item 4 (a non-string key, a cyclic dict, a text file with
invalid UTF-8 or a lone surrogate, ``policy=5``, ``max_depth="x"``, ``subject=5``,
``base=5``, ``assess(None)``), then every public entry point fuzzed with values of
any type (``st.from_type``) and hostile ones.  Each call runs under an alarm: a call
that has not returned within the bound is reported as a hang.
"""

from __future__ import annotations

import io
import signal
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from legrules import LegrulesError, Presentation, assess, intake, load_presentation, population
from legrules.fhir import read_presentation, read_presentations, transaction_bundle
from tests.fuzz.inputs import json_values
from tests.support import AS_OF

#: No call on inputs this small takes more than a few milliseconds: a bound far above
#: that tells a hang from a slow machine.
BOUND_SECONDS = 20


class HangError(Exception):
    """A call did not return within the bound."""


@contextmanager
def bounded() -> Iterator[None]:
    def alarm(*_: Any) -> None:
        raise HangError(f"no answer within {BOUND_SECONDS} s")

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.alarm(BOUND_SECONDS)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def outcome(call: Callable[[], Any]) -> str:
    """``"ok"`` or ``"refused"``; anything else raised is a crash and fails the test."""
    with bounded():
        try:
            result = call()
            if isinstance(result, Iterator):
                list(result)
        except LegrulesError:
            return "refused"
    return "ok"


def cyclic() -> dict[str, Any]:
    loop: dict[str, Any] = {"resourceType": "Observation"}
    loop["extra"] = loop
    return loop


def assessment() -> Any:
    return assess(Presentation(), as_of=AS_OF)


REPRODUCERS: dict[str, Callable[[], Any]] = {
    "non-string key": lambda: load_presentation({"findings": [], 1: 2}),  # type: ignore[dict-item]
    "cyclic document": lambda: load_presentation(cyclic()),
    "cyclic resource": lambda: read_presentation(cyclic(), as_of=AS_OF),
    "non-string key in a resource": lambda: read_presentation(
        {"resourceType": "Patient", 1: 2},  # type: ignore[dict-item]
        as_of=AS_OF,
    ),
    "invalid UTF-8 in a text file": lambda: read_presentation(
        io.TextIOWrapper(io.BytesIO(b'{"resourceType": "Patient", "id": "\xff"}')), as_of=AS_OF
    ),
    "lone surrogate in a text file": lambda: read_presentation(
        io.StringIO('{"resourceType": "Patient", "id": "\ud800"}'), as_of=AS_OF
    ),
    "policy=5": lambda: read_presentation({"resourceType": "Patient"}, as_of=AS_OF, policy=5),  # type: ignore[arg-type]
    'max_depth="x"': lambda: read_presentations(
        {"resourceType": "Patient"},
        as_of=AS_OF,
        max_depth="x",  # type: ignore[arg-type]
    ),
    "subject=5": lambda: transaction_bundle(assessment(), subject=5),  # type: ignore[arg-type]
    "base=5": lambda: transaction_bundle(assessment(), base=5),  # type: ignore[arg-type]
    "assess(None)": lambda: assess(None),  # type: ignore[arg-type]
    "extraction_bundle(None)": lambda: intake.extraction_bundle(None),  # type: ignore[arg-type]
    "write_back_bundle(5, 5)": lambda: intake.write_back_bundle(5, 5),  # type: ignore[arg-type]
    "question_items(5)": lambda: intake.question_items(5),  # type: ignore[arg-type]
    "validate_questionnaire({1: 2})": lambda: intake.validate_questionnaire({1: 2}),  # type: ignore[dict-item]
    "interview(None)": lambda: intake.interview(None),  # type: ignore[arg-type]
    "assess_partition(5)": lambda: population.assess_partition(5),  # type: ignore[arg-type]
    "assess_sorted(5)": lambda: population.assess_sorted(5),  # type: ignore[arg-type]
    "assess_sorted(strict=1)": lambda: population.assess_sorted([], strict=1),  # type: ignore[arg-type]
    "bucket_of(None, 5)": lambda: population.bucket_of(None, 5),  # type: ignore[arg-type]
    "bucket_of(key, 0)": lambda: population.bucket_of("Patient/1", 0),
}


@pytest.mark.parametrize("name", list(REPRODUCERS))
def test_each_reproducer_is_a_clean_refusal(name: str) -> None:
    """Each hostile call from the issue raises a LegrulesError, promptly."""
    assert outcome(REPRODUCERS[name]) == "refused"


HOSTILE = st.one_of(
    st.from_type(type).flatmap(st.from_type),
    json_values(),
    st.builds(cyclic),
    st.sampled_from([None, 5, -1, "x", b"\xff", "\ud800", float("nan"), [], {}, object()]),
    st.dictionaries(st.integers() | st.text(max_size=3), json_values(1), max_size=3),
)


@settings(max_examples=150, deadline=None)
@given(source=HOSTILE, policy=HOSTILE, depth=HOSTILE, strict=HOSTILE, base=HOSTILE)
def test_readers_refuse_any_arguments_cleanly(
    source: Any, policy: Any, depth: Any, strict: Any, base: Any
) -> None:
    """read_presentation(s) on values of any type: a result or a LegrulesError."""
    for reader in (read_presentation, read_presentations):
        outcome(lambda: reader(source, as_of=AS_OF))  # noqa: B023 - called at once
        outcome(
            lambda: reader(  # noqa: B023
                {"resourceType": "Patient", "id": "p"},
                as_of=AS_OF,
                policy=policy,
                max_depth=depth,
                strict=strict,
                base=base,
            )
        )


@settings(max_examples=150, deadline=None)
@given(value=HOSTILE, other=HOSTILE)
def test_documents_assess_and_write_refuse_any_arguments_cleanly(value: Any, other: Any) -> None:
    """load_presentation, assess and transaction_bundle: a result or a LegrulesError."""
    outcome(lambda: load_presentation(value))
    outcome(lambda: assess(value))
    outcome(lambda: assess(Presentation(), as_of=AS_OF, policy=value, ruleset=other))
    outcome(lambda: transaction_bundle(value))
    outcome(lambda: transaction_bundle(assessment(), subject=value, base=other))
    outcome(lambda: transaction_bundle(assessment(), version=value))
