"""Feedback: stored idempotently by card uuid, without patient data, reported per rule."""

from __future__ import annotations

import io
import sqlite3
from typing import Any

import httpx

from legrules.cdshooks import ServiceConfig
from legrules.cli import main
from tests.cdshooks.conftest import PATIENT, SERVICE, call, full_prefetch, hook_request
from tests.cdshooks.ehr import FakeEHR

FEEDBACK = SERVICE + "/feedback"
NON_ADHERENCE = "http://terminology.hl7.org/CodeSystem/non-adherence-reason-codes"


def _cards(client: httpx.Client, ehr: FakeEHR) -> list[dict[str, Any]]:
    response = call(client, ehr, hook_request(ehr, prefetch=full_prefetch(ehr), fhir=False))
    cards: list[dict[str, Any]] = response.json()["cards"]
    return cards


def _accepted(card: dict[str, Any], at: str = "2026-12-01T10:00:00Z") -> dict[str, Any]:
    suggestion = card["suggestions"][0]["uuid"]
    return {
        "card": card["uuid"],
        "outcome": "accepted",
        "acceptedSuggestions": [{"id": suggestion}],
        "outcomeTimestamp": at,
    }


def _overridden(
    card: dict[str, Any], code: str, at: str = "2026-12-01T10:00:00Z"
) -> dict[str, Any]:
    reason = {
        "reason": {"system": NON_ADHERENCE, "code": code},
        "userComment": f"patient {PATIENT} says no",
    }
    return {
        "card": card["uuid"],
        "outcome": "overridden",
        "overrideReason": reason,
        "outcomeTimestamp": at,
    }


def _send(client: httpx.Client, ehr: FakeEHR, *items: dict[str, Any]) -> httpx.Response:
    return call(client, ehr, {"feedback": list(items)}, path=FEEDBACK)


def _rows(config: ServiceConfig) -> list[tuple[Any, ...]]:
    with sqlite3.connect(config.database) as db:
        return db.execute("SELECT * FROM feedback ORDER BY card").fetchall()


def test_feedback_is_stored_once_however_often_it_is_sent(
    client: httpx.Client, ehr: FakeEHR, config: ServiceConfig
) -> None:
    """Posting the same feedback twice leaves one row, unchanged."""
    card = _cards(client, ehr)[0]
    assert _send(client, ehr, _accepted(card)).status_code == 200
    first = _rows(config)
    assert _send(client, ehr, _accepted(card)).status_code == 200
    assert _rows(config) == first
    assert len(first) == 1


def test_a_later_action_replaces_an_earlier_one(
    client: httpx.Client, ehr: FakeEHR, config: ServiceConfig
) -> None:
    """An override after an acceptance wins; an older one arriving late does not."""
    card = _cards(client, ehr)[0]
    _send(client, ehr, _accepted(card, "2026-12-01T10:00:00Z"))
    _send(client, ehr, _overridden(card, "patient-refuses", "2026-12-01T11:00:00Z"))
    _send(client, ehr, _accepted(card, "2026-12-01T09:00:00Z"))
    ((_, outcome, *_),) = _rows(config)
    assert outcome == "overridden"


def test_no_patient_data_is_stored(
    client: httpx.Client, ehr: FakeEHR, config: ServiceConfig
) -> None:
    """Neither the patient id nor the clinician's comment reaches the database."""
    card = _cards(client, ehr)[0]
    _send(client, ehr, _overridden(card, "patient-refuses"))
    dump = "\n".join(sqlite3.connect(config.database).iterdump())
    assert PATIENT not in dump
    assert "says no" not in dump


def test_accepted_without_suggestions_is_400(client: httpx.Client, ehr: FakeEHR) -> None:
    """An accepted outcome must name its suggestions (the specification: conditional)."""
    item = {"card": "c", "outcome": "accepted", "outcomeTimestamp": "2026-12-01T10:00:00Z"}
    response = _send(client, ehr, item)
    assert response.status_code == 400
    assert response.json()["resourceType"] == "OperationOutcome"


def test_feedback_report_prints_rates_per_rule(
    client: httpx.Client, ehr: FakeEHR, config: ServiceConfig
) -> None:
    """`legrules feedback report` shows acceptance and override rates and reasons per rule."""
    red, summary = _cards(client, ehr)
    again, _ = _cards(client, ehr)
    _send(
        client,
        ehr,
        _accepted(red),
        _overridden(again, "action-completed"),
        _overridden(summary, "cds-not-applicable"),
    )
    out, err = io.StringIO(), io.StringIO()
    status = main(
        ["feedback", "report", "--database", str(config.database)], stdout=out, stderr=err
    )
    assert status == 0, err.getvalue()
    lines = {line.split()[0]: line for line in out.getvalue().splitlines()[1:]}
    assert lines["redflag.suspected-dvt"].split()[1:4] == ["2", "50.0%", "50.0%"]
    assert "action-completed x1" in lines["redflag.suspected-dvt"]
    assert "cds-not-applicable x1" in lines["ruleset"]


def test_feedback_report_names_a_missing_database(tmp_path: Any) -> None:
    """A report on a database that does not exist is a one-line error, status 2."""
    err = io.StringIO()
    status = main(
        ["feedback", "report", "--database", str(tmp_path / "none.db")],
        stdout=io.StringIO(),
        stderr=err,
    )
    assert status == 2
    assert "no database" in err.getvalue()


def test_feedback_on_an_unknown_card_is_reported_apart(
    client: httpx.Client, ehr: FakeEHR, config: ServiceConfig
) -> None:
    """Feedback naming a card this service never issued counts under '(unknown card)'."""
    item = {"card": "not-ours", "outcome": "overridden", "outcomeTimestamp": "2026-12-01T10:00:00Z"}
    assert _send(client, ehr, item).status_code == 200
    out = io.StringIO()
    main(
        ["feedback", "report", "--database", str(config.database)], stdout=out, stderr=io.StringIO()
    )
    assert "(unknown card)" in out.getvalue()


def test_serve_with_a_bad_config_exits_2(tmp_path: Any) -> None:
    """`legrules serve` refuses a bad configuration with one line naming the setting."""
    path = tmp_path / "cds.toml"
    path.write_text(
        'public_url = "nope"\ndatabase = "x"\n[[issuers]]\niss = "a"\njku = ["https://a/k"]\n'
    )
    err = io.StringIO()
    assert main(["serve", "--config", str(path)], stdout=io.StringIO(), stderr=err) == 2
    assert err.getvalue().startswith("legrules: error:")
    assert "@ public_url" in err.getvalue()
