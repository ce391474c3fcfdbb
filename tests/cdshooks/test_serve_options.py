"""How `legrules serve` runs uvicorn, and that assessing never holds up the event loop."""

from __future__ import annotations

import io
import threading
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn

from legrules import assess
from legrules.cdshooks import ServiceConfig, create_app
from legrules.cdshooks.cli import usable_cpus
from legrules.cli import main
from tests.cdshooks.conftest import PUBLIC_URL, SERVICE, full_prefetch, hook_request
from tests.cdshooks.ehr import FakeEHR, LoopbackServer


@pytest.fixture
def runs(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list[dict[str, Any]]:
    """The keyword arguments of every uvicorn.run call, which then returns at once."""
    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kwargs: calls.append(kwargs))
    config = tmp_path / "cds.toml"
    config.write_text(
        f'public_url = "{PUBLIC_URL}"\ndatabase = "{tmp_path / "db.sqlite3"}"\n'
        '[[issuers]]\niss = "https://ehr.example.org/"\n'
        'jku = ["https://ehr.example.org/jwks.json"]\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("LEGRULES_CDS_CONFIG", str(config))
    return calls


def test_serve_runs_one_worker_per_usable_cpu_by_default(runs: list[dict[str, Any]]) -> None:
    """Without --workers, uvicorn gets one worker process per CPU, and logs each request."""
    err = io.StringIO()
    assert main(["serve"], stdout=io.StringIO(), stderr=err) == 0
    assert runs[0]["workers"] == usable_cpus() >= 1
    assert runs[0]["access_log"] is True
    assert f"({usable_cpus()} worker" in err.getvalue()


def test_serve_takes_a_worker_count_and_no_access_log(runs: list[dict[str, Any]]) -> None:
    """--workers N and --no-access-log reach uvicorn as given."""
    assert main(["serve", "--workers", "3", "--no-access-log"], stdout=io.StringIO()) == 0
    assert (runs[0]["workers"], runs[0]["access_log"]) == (3, False)


@pytest.mark.parametrize("workers", ["0", "-1", "two"])
def test_serve_refuses_a_worker_count_below_one(workers: str, runs: list[dict[str, Any]]) -> None:
    """--workers is a whole number from 1, or auto; anything else exits 2 naming it."""
    err = io.StringIO()
    with pytest.raises(SystemExit) as exit_:
        main(["serve", "--workers", workers], stdout=io.StringIO(), stderr=err)
    assert exit_.value.code == 2
    assert runs == []


def test_discovery_answers_while_an_assessment_runs(
    config: ServiceConfig, ehr: FakeEHR, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A large prefetch is read and assessed off the event loop: other calls go on."""
    monkeypatch.setattr("legrules.cdshooks.app.INLINE_RESOURCES", 0)  # this one counts large
    started, release = threading.Event(), threading.Event()

    def slow_assess(*args: Any, **kwargs: Any) -> Any:
        started.set()
        assert release.wait(timeout=30)
        return assess(*args, **kwargs)

    monkeypatch.setattr("legrules.cdshooks.app.assess", slow_assess)
    body = hook_request(ehr, prefetch=full_prefetch(ehr), fhir=False)
    headers = {"Authorization": f"Bearer {ehr.token(PUBLIC_URL + SERVICE)}"}
    answers: list[httpx.Response] = []
    with LoopbackServer(create_app(config), lifespan="on") as server:
        base = server.url

        def assess_call() -> None:
            answers.append(httpx.post(base + SERVICE, json=body, headers=headers, timeout=60))

        caller = threading.Thread(target=assess_call)
        caller.start()
        try:
            assert started.wait(timeout=30)
            discovery = httpx.get(base + "/cds-services", timeout=10)  # the call is held
            assert discovery.status_code == 200
            assert answers == []
        finally:
            release.set()
            caller.join(timeout=60)
    assert answers[0].status_code == 200
    assert answers[0].json()["cards"]


def test_a_usual_prefetch_is_assessed_on_the_event_loop(
    config: ServiceConfig, ehr: FakeEHR, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A prefetch of a few dozen resources skips the hop to the worker thread."""
    threads: list[str] = []

    def recording_assess(*args: Any, **kwargs: Any) -> Any:
        threads.append(threading.current_thread().name)
        return assess(*args, **kwargs)

    monkeypatch.setattr("legrules.cdshooks.app.assess", recording_assess)
    body = hook_request(ehr, prefetch=full_prefetch(ehr), fhir=False)
    headers = {"Authorization": f"Bearer {ehr.token(PUBLIC_URL + SERVICE)}"}
    with LoopbackServer(create_app(config), lifespan="on") as server:
        answer = httpx.post(server.url + SERVICE, json=body, headers=headers, timeout=60)
    assert answer.status_code == 200
    assert answer.json()["cards"]
    assert len(threads) == 1
    assert not threads[0].startswith("legrules-cds")  # the worker thread's name
