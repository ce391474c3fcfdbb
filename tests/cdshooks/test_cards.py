"""Cards: their JSON shape (CDS Hooks 2.0), content, indicators and write-back."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import attrs
import httpx
import orjson
import pytest
from fhir.resources.R4B.flag import Flag
from fhir.resources.R4B.servicerequest import ServiceRequest
from jsonschema import Draft202012Validator

from legrules import Presentation, assess, get_ruleset
from legrules.cdshooks.cards import _MEANING, _summary_text, label, shorten
from tests.cdshooks.conftest import PATIENT, call, full_prefetch, hook_request
from tests.cdshooks.ehr import FakeEHR

EXAMPLES = Path(__file__).parents[2] / "examples"
SCHEMA = orjson.loads((Path(__file__).parent / "cds-hooks-2.0.schema.json").read_bytes())
VALIDATOR = Draft202012Validator(SCHEMA)
NON_ADHERENCE = "http://terminology.hl7.org/CodeSystem/non-adherence-reason-codes"
FINDING = "https://legrules.org/fhir/CodeSystem/finding"
UCUM = "http://unitsofmeasure.org"

DVT_VERSION = get_ruleset().rule("redflag.suspected-dvt").version


def _cards(client: httpx.Client, ehr: FakeEHR, **request: Any) -> list[dict[str, Any]]:
    request.setdefault("prefetch", full_prefetch(ehr, request.get("context")))
    response = call(client, ehr, hook_request(ehr, fhir=False, **request))
    assert response.status_code == 200, response.text
    VALIDATOR.validate(response.json())
    cards: list[dict[str, Any]] = response.json()["cards"]
    return cards


def _only(ehr: FakeEHR, *keep: str) -> None:
    ehr.resources = [r for r in ehr.resources if r.get("id") in keep]


def test_schema_rejects_a_card_without_source() -> None:
    """The hand-written schema is strict enough to fail a broken card."""
    card = {"summary": "x", "indicator": "info"}
    assert not VALIDATOR.is_valid({"cards": [card]})
    assert not VALIDATOR.is_valid(
        {"cards": [{**card, "source": {"label": "a"}, "summary": "y" * 140}]}
    )


def test_discovery_matches_the_specification(client: httpx.Client) -> None:
    """The discovery document validates against the specification's shape."""
    VALIDATOR.validate(client.get("/cds-services").json())


def test_met_red_flag_gets_a_critical_card_with_its_source(
    client: httpx.Client, ehr: FakeEHR
) -> None:
    """Suspected DVT (urgent) comes first, critical, citing its rule, version and NICE NG158."""
    first = _cards(client, ehr)[0]
    assert first["indicator"] == "critical"
    assert first["summary"].startswith("Suspected deep vein thrombosis")
    assert first["source"]["label"] == f"legrules redflag.suspected-dvt {DVT_VERSION}"
    assert first["source"]["url"] == "https://www.nice.org.uk/guidance/ng158"
    assert first["source"]["topic"]["code"] == "redflag.suspected-dvt"
    assert "Observation/obs-leg-swelling" in first["detail"]


def test_red_flag_suggestion_creates_a_valid_flag(client: httpx.Client, ehr: FakeEHR) -> None:
    """The suggestion creates the Flag of the write-back Bundle, valid R4B FHIR."""
    first = _cards(client, ehr)[0]
    assert first["selectionBehavior"] == "at-most-one"
    (action,) = first["suggestions"][0]["actions"]
    assert action["type"] == "create"
    flag = Flag.model_validate(action["resource"])
    assert flag.subject.reference == f"Patient/{PATIENT}"
    assert action["resource"]["code"]["coding"][0]["code"] == "redflag.suspected-dvt"


def test_every_card_offers_hl7_override_reasons(client: httpx.Client, ehr: FakeEHR) -> None:
    """Override reasons are HL7 non-adherence codes, each with a display."""
    for card in _cards(client, ehr):
        reasons = card["overrideReasons"]
        assert {r["system"] for r in reasons} == {NON_ADHERENCE}
        assert "patient-contraindication" in {r["code"] for r in reasons}
        assert all(r["display"] for r in reasons)


def test_summary_card_shows_the_worst_case_and_what_to_ask(
    client: httpx.Client, ehr: FakeEHR
) -> None:
    """The summary card follows the disposition and names what could still raise it."""
    summary = _cards(client, ehr)[-1]
    assert summary["indicator"] == "critical"  # urgent
    assert "could be emergency" in summary["summary"]
    assert "Chest pain" in summary["detail"]
    assert "`ddx.medication-associated`" in summary["detail"]
    assert "obs-temperature-typo" in summary["detail"]  # entered-in-error, and it says so


def test_summaries_stay_under_140_characters(client: httpx.Client, ehr: FakeEHR) -> None:
    """Every summary is shorter than 140 characters."""
    assert all(len(c["summary"]) < 140 for c in _cards(client, ehr))


def test_no_card_for_a_patient_without_a_leg_complaint(client: httpx.Client, ehr: FakeEHR) -> None:
    """A chart with no leg complaint gets an empty card list, not an 'undetermined' card."""
    _only(ehr, PATIENT, "obs-heart-rate")
    assert _cards(client, ehr) == []


def test_leg_pain_alone_is_undetermined_not_self_care(client: httpx.Client, ehr: FakeEHR) -> None:
    """Leg pain with nothing else known: one info card, never self-care, listing what to ask."""
    _only(ehr, PATIENT, "obs-leg-pain")
    (card,) = _cards(client, ehr)
    assert card["indicator"] == "info"
    assert "undetermined" in card["summary"]
    assert "self-care" not in card["summary"]
    assert "Saddle" in card["detail"]


def _order_context(code: str, system: str = "http://loinc.org") -> dict[str, Any]:
    order = {
        "resourceType": "ServiceRequest",
        "id": "draft-1",
        "status": "draft",
        "intent": "order",
        "code": {"coding": [{"system": system, "code": code}]},
        "subject": {"reference": f"Patient/{PATIENT}"},
    }
    other = {**order, "id": "draft-2", "code": {"coding": [{"system": system, "code": "2345-7"}]}}
    return {
        "userId": "Practitioner/pr-1",
        "patientId": PATIENT,
        "selections": ["ServiceRequest/draft-1", "ServiceRequest/draft-2"],
        "draftOrders": {
            "resourceType": "Bundle",
            "type": "collection",
            "entry": [{"resource": order}, {"resource": other}],
        },
    }


@pytest.mark.parametrize(
    ("code", "name"), [("48065-7", "D-dimer"), ("44174-1", "Leg vein ultrasound")]
)
def test_order_select_card_for_dvt_tests(
    client: httpx.Client, ehr: FakeEHR, code: str, name: str
) -> None:
    """A selected D-dimer or ultrasound gets one pathway card; an unrelated order none."""
    cards = _cards(client, ehr, hook="order-select", context=_order_context(code))
    orders = [c for c in cards if c["source"]["topic"]["code"] == "ddx.dvt"]
    assert len(orders) == 1
    assert orders[0]["summary"].startswith(name)
    assert "draft-2" not in orders[0]["detail"]


_WELLS_ABSENT = (
    "active-cancer",
    "paralysis-paresis-or-cast",
    "bedridden-3-days",
    "major-surgery-12-weeks",
    "entire-leg-swollen",
    "pitting-edema",
    "collateral-superficial-veins",
    "alternative-diagnosis-as-likely",
)


def _absent(*items: str) -> list[dict[str, Any]]:
    """Findings recorded absent now (legrules' own codes), so Wells becomes determinate."""
    now = datetime.now(UTC).isoformat()
    category = "http://terminology.hl7.org/CodeSystem/observation-category"
    return [
        {
            "resourceType": "Observation",
            "id": f"obs-{item}",
            "status": "final",
            "category": [{"coding": [{"system": category, "code": "exam"}]}],
            "code": {"coding": [{"system": FINDING, "code": item}]},
            "subject": {"reference": f"Patient/{PATIENT}"},
            "effectiveDateTime": now,
            "valueBoolean": False,
        }
        for item in items
    ]


def _order_card(cards: list[dict[str, Any]]) -> dict[str, Any]:
    return next(c for c in cards if c["source"]["topic"]["code"] == "ddx.dvt")


def test_order_select_supports_ultrasound_when_dvt_likely(
    client: httpx.Client, ehr: FakeEHR
) -> None:
    """Wells 3 (tenderness, calf difference, previous DVT): the scan fits the pathway."""
    ehr.resources += _absent(*_WELLS_ABSENT)
    order = _order_card(_cards(client, ehr, hook="order-select", context=_order_context("44174-1")))
    assert order["indicator"] == "info"
    assert order["summary"].startswith("Leg vein ultrasound fits the DVT pathway")
    (suggestion,) = _cards(client, ehr)[-1]["suggestions"]
    resource = suggestion["actions"][0]["resource"]
    ServiceRequest.model_validate(resource)
    assert resource["code"]["coding"][0]["code"] == "44174-1"


def test_order_select_wants_d_dimer_first_when_wells_unlikely(
    client: httpx.Client, ehr: FakeEHR
) -> None:
    """Wells 1 and no D-dimer yet: the D-dimer fits, the scan is not what comes first."""
    drop = {"obs-d-dimer", "cond-dvt-2019", "obs-calf-difference"}
    ehr.resources = [r for r in ehr.resources if r.get("id") not in drop]
    ehr.resources += _absent(*_WELLS_ABSENT, "previous-dvt")
    ehr.resources += [_calf_difference(1.0)]
    d_dimer = _order_card(
        _cards(client, ehr, hook="order-select", context=_order_context("48065-7"))
    )
    assert d_dimer["summary"].startswith("D-dimer fits the DVT pathway")
    scan = _order_card(_cards(client, ehr, hook="order-select", context=_order_context("44174-1")))
    assert scan["indicator"] == "warning"
    assert "D-dimer comes first" in scan["summary"]
    (suggestion,) = _cards(client, ehr)[-1]["suggestions"]
    resource = suggestion["actions"][0]["resource"]
    ServiceRequest.model_validate(resource)
    assert resource["code"]["coding"][0]["code"] == "48065-7"


def _calf_difference(cm: float) -> dict[str, Any]:
    (observation,) = _absent("calf-circumference-difference")
    del observation["valueBoolean"]
    observation["valueQuantity"] = {"value": cm, "unit": "cm", "system": UCUM, "code": "cm"}
    return observation


def test_suggested_flag_is_the_write_back_flag(client: httpx.Client, ehr: FakeEHR) -> None:
    """The Flag a card suggests carries the identifier the full write-back Bundle gives it."""
    from legrules import assess
    from legrules.fhir import read_presentation, transaction_bundle

    suggested = _cards(client, ehr)[0]["suggestions"][0]["actions"][0]["resource"]
    read = read_presentation(
        ehr.resources, as_of=datetime.fromisoformat(suggested["period"]["start"])
    )
    result = assess(read.presentation, as_of=read.presentation.as_of)
    bundle = transaction_bundle(result)
    (flag,) = [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Flag"]
    assert suggested["identifier"] == flag["identifier"]
    assert {k: v for k, v in suggested.items() if k != "author"} == {
        k: v for k, v in flag.items() if k != "author"
    }


def _captured_example() -> list[dict[str, Any]]:
    """The shipped presentation example, as a symptom app writes it (no categories)."""
    from legrules import load_presentation
    from legrules.fhir.capture import presentation_resources

    document = orjson.loads(
        (EXAMPLES / "presentations" / "calf-pain-after-flight.json").read_bytes()
    )
    now = datetime.now(UTC)
    document["as_of"] = now.isoformat()
    document["onset"] = (now - timedelta(days=2)).isoformat()
    return presentation_resources(load_presentation(document))


@pytest.mark.parametrize("example", ["suspected-dvt-searchset", "calf-pain-after-flight"])
def test_cards_agree_with_assess_for_the_shipped_examples(
    client: httpx.Client, ehr: FakeEHR, example: str
) -> None:
    """Each shipped example, prefetched by the templates, gets the cards assess calls for."""
    from legrules import assess
    from legrules.fhir import read_presentation

    if example == "calf-pain-after-flight":
        ehr.resources = _captured_example()
    context = {"patientId": next(r["id"] for r in ehr.resources if r["resourceType"] == "Patient")}
    cards = _cards(client, ehr, context={**context, "userId": "Practitioner/pr-1"})
    now = datetime.now(UTC)
    result = assess(read_presentation(ehr.resources, as_of=now).presentation, as_of=now)
    met = {f.id for f in result.red_flags if f.status.value == "met"}
    assert met
    assert {c["source"]["topic"]["code"] for c in cards[:-1]} == met
    assert cards[-1]["indicator"] == result.cds_indicator
    worst = result.worst_case_disposition
    if worst.rank < result.disposition.rank:
        assert f"could be {worst.value}" in cards[-1]["summary"]
        for question in result.ask_next:
            assert f"could mean **{question.could_reach.value}**" in cards[-1]["detail"]


@pytest.mark.parametrize("asks", [0, 1, 3, 40])
def test_summary_names_what_to_ask_until_it_is_cut(asks: int) -> None:
    """The summary is the whole sentence cut at a word, however many findings are open."""
    assessment = assess(
        Presentation.of(present=["leg-pain", "leg-swelling"]),
        as_of=datetime(2026, 12, 1, tzinfo=UTC),
        ruleset=get_ruleset(None),
    )
    open_questions = assessment.ask_next[:asks]
    assessment = attrs.evolve(assessment, ask_next=open_questions)
    worst = assessment.worst_case_disposition
    expected = f"Leg pain: {_MEANING[assessment.disposition]}"
    if worst.rank < assessment.disposition.rank:
        expected += f"; could be {worst.value}"
        if open_questions:
            expected += "; ask: " + ", ".join(label(q.finding).lower() for q in open_questions)
    assert _summary_text(assessment) == shorten(expected)
