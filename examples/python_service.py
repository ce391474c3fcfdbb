"""A Python service: a presentation document in, an assessment document out.

The shape of a request handler, without a web framework: read the request body,
assess it at an explicit instant, answer with the assessment JSON; bad input becomes a
422 answer that names the element to fix, never a stack trace.  It also shows a
presentation built in code, with sides and sources, for services that receive their
facts from a form rather than as JSON.

Run from the repository root: ``python examples/python_service.py``.
"""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import jsonschema

import legrules
from legrules import Finding, Laterality, Measurement, Patient, Presence, Presentation, Source
from legrules.schemas import schema

EXAMPLE = Path(__file__).parent / "presentations" / "calf-pain-after-flight.json"
AS_OF = datetime(2026, 11, 20, 10, tzinfo=UTC)

#: Validates every answer; a service would do this in its tests rather than per request.
ANSWER_SCHEMA = jsonschema.Draft202012Validator(schema("assessment"))


def handle(body: bytes, *, as_of: datetime) -> tuple[int, dict[str, Any]]:
    """Assess the presentation document *body*: an HTTP status and a JSON answer."""
    try:
        presentation = legrules.load_presentation(body)
        result = legrules.assess(presentation, as_of=as_of)
    except legrules.InputError as error:
        return 422, {"error": error.message, "path": error.path}
    return 200, legrules.dump_assessment(result)


def from_form() -> Presentation:
    """A presentation built in code: left calf pain and swelling, no chest symptoms."""
    left = Laterality.LEFT
    return Presentation(
        patient=Patient(id="form-123", age=58),
        findings=[
            Finding("leg-pain", Presence.PRESENT, left, Source("form/123#q1")),
            Finding("leg-swelling", Presence.PRESENT, left, Source("form/123#q2")),
            Finding("dyspnea", Presence.ABSENT, source=Source("form/123#q5")),
            Finding("chest-pain", Presence.ABSENT, source=Source("form/123#q6")),
            Finding("hemoptysis", Presence.ABSENT, source=Source("form/123#q7")),
        ],
        measurements=[Measurement("temperature", 37.4, "Cel", source=Source("form/123#t"))],
    )


def summary(answer: dict[str, Any]) -> str:
    """One line for a log: disposition, CDS indicator, met and unresolved red flags."""
    met = [f["id"] for f in answer["red_flags"] if f["status"] == "met"]
    return (
        f"{answer['disposition']} ({answer['cds_indicator']}); "
        f"met: {', '.join(met) or 'none'}; unresolved: {len(answer['unresolved'])}"
    )


def main() -> int:
    """Serve three requests: a stored document, a form, and a malformed document."""
    status, answer = handle(EXAMPLE.read_bytes(), as_of=AS_OF)
    ANSWER_SCHEMA.validate(answer)
    print(f"{EXAMPLE.name}: {status} {summary(answer)}")

    result = legrules.assess(from_form(), as_of=AS_OF)
    answer = legrules.dump_assessment(result)
    ANSWER_SCHEMA.validate(answer)
    body = json.dumps(answer, sort_keys=True)
    print(f"form: {summary(answer)}; {len(body)} bytes of JSON")
    flag = result.red_flag("redflag.suspected-dvt")
    print(f"  {flag.id}: {flag.status.value}, proved by {[e.source for e in flag.evidence]}")

    bad = b'{"measurements": [{"id": "temperature", "value": 37, "unit": "mg"}]}'
    status, error = handle(bad, as_of=AS_OF)
    print(f"bad request: {status} {error['error']} @ {error['path']}")
    return 0 if status == 422 and error["path"] == "$.measurements[0].unit" else 1


if __name__ == "__main__":
    sys.exit(main())
