"""The generated form in a real SDC renderer that no one here wrote (LHC-Forms).

The patient form is rendered by LHC-Forms in headless chromium, filled in with clicks
and typing as a patient would, and the QuestionnaireResponse LHC-Forms produces is read
and assessed.  A screenshot of the filled form is kept in
``tests/intake/renderer/out/patient-form.png`` for a person to look at.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import pytest

from legrules import Disposition, Laterality, Presence, assess
from legrules.intake import build_questionnaire, read_questionnaire_response
from tests.intake.browser import CHROMIUM, FLAGS, LFORMS, RENDERER, serve, site

pytestmark = pytest.mark.slow

playwright = pytest.importorskip("playwright.sync_api")

SHOT = RENDERER / "out" / "patient-form.png"
YES, NO, DONT_KNOW = "373066001", "373067005", "asked-unknown"
LEFT = "7771000"


def _choose(page: Any, link: str, code: str) -> None:
    """Click the radio button of answer *code* to question *link*."""
    page.locator(f'label[id^="{link}/"][id$="|{code}"]').click()


def _type(page: Any, link: str, value: str) -> None:
    """Type *value* into the number field of question *link*."""
    page.locator(f'input[id^="{link}/"]').fill(value)


def _fill_as_a_patient(page: Any) -> None:
    _type(page, "age", "58")
    _choose(page, "leg-pain", YES)
    _choose(page, "leg-pain.side", LEFT)  # shown only once the pain is a yes
    _choose(page, "leg-swelling", YES)
    _choose(page, "leg-swelling.side", LEFT)
    _choose(page, "chest-pain", YES)
    _choose(page, "dyspnea", DONT_KNOW)
    _choose(page, "fever", NO)
    _type(page, "pain-score", "6")


def _render_and_fill(tmp_path: Path, questionnaire: dict[str, Any]) -> dict[str, Any]:
    root = tmp_path / "site"
    root.mkdir()
    site(root, orjson.dumps(questionnaire))
    with serve(root) as url, playwright.sync_playwright() as driver:
        browser = driver.chromium.launch_persistent_context(
            str(tmp_path / "profile"),  # a fresh user-data-dir
            executable_path=CHROMIUM,
            headless=True,
            args=FLAGS,
            viewport={"width": 1280, "height": 900},
        )
        try:
            page = browser.new_page()
            page.goto(f"{url}/index.html")
            page.wait_for_function("window.formReady || window.formFailed", timeout=60_000)
            assert page.evaluate("window.formFailed") is None
            _fill_as_a_patient(page)
            SHOT.parent.mkdir(exist_ok=True)
            page.screenshot(path=str(SHOT))
            response: dict[str, Any] = page.evaluate(
                "LForms.Util.getFormFHIRData('QuestionnaireResponse', 'R4')"
            )
        finally:
            browser.close()
    return response


@pytest.fixture(scope="module")
def filled(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The QuestionnaireResponse LHC-Forms made from the patient's answers."""
    if not LFORMS.is_dir():
        pytest.fail("LHC-Forms is not installed: run `make renderer`")
    questionnaire = build_questionnaire(audience="patient")
    response = _render_and_fill(tmp_path_factory.mktemp("renderer"), questionnaire)
    response.setdefault("id", "lhc-forms")
    response.setdefault("authored", "2026-11-20T10:00:00Z")
    return response


def test_the_renderer_answers_the_form_by_its_url_and_version(filled: dict[str, Any]) -> None:
    """LHC-Forms names the generated form's canonical url|version in its response."""
    assert filled["resourceType"] == "QuestionnaireResponse"
    assert filled["questionnaire"].startswith(
        "https://legrules.org/fhir/Questionnaire/legrules-intake-patient"
    )


def test_answers_filled_in_the_renderer_become_facts(filled: dict[str, Any]) -> None:
    """Yes, no, a side and numbers come back as facts citing their question."""
    presentation = read_questionnaire_response(filled)
    found = {f.id: f for f in presentation.findings}
    assert found["leg-pain"].state is Presence.PRESENT
    assert found["leg-pain"].laterality is Laterality.LEFT
    assert found["leg-swelling"].laterality is Laterality.LEFT
    assert found["fever"].state is Presence.ABSENT
    assert found["chest-pain"].source is not None
    assert found["chest-pain"].source.reference.endswith("#chest-pain")
    assert presentation.patient.age == 58
    assert {m.id: m.value for m in presentation.measurements} == {"pain-score": 6.0}


def test_dont_know_in_the_renderer_stays_unknown(filled: dict[str, Any]) -> None:
    """A "don't know" comes back unknown, never absent; unanswered questions stay unlisted."""
    presentation = read_questionnaire_response(filled)
    found = {f.id: f for f in presentation.findings}
    assert found["dyspnea"].state is Presence.UNKNOWN
    assert "hemoptysis" not in found


def test_the_filled_form_is_assessed(filled: dict[str, Any]) -> None:
    """Chest pain with a painful swollen leg, entered in the renderer, is an emergency."""
    result = assess(read_questionnaire_response(filled))
    assert result.disposition is Disposition.EMERGENCY
    assert result.red_flag("redflag.possible-pe").status.value == "met"
    assert SHOT.stat().st_size > 10_000
