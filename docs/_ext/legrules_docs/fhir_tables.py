"""The FHIR mapping tables, generated from the terminology map and the adapter's own tables.

Input side: the codes come from ``legrules/fhir/data/terminology.json`` (each with the
source where it was seen); status handling from the sets the reader tests statuses
against; look-back windows by asking the reader's settings.  Output side: the
qualitative risk per likelihood from the writer's table, and the Flag from a Bundle
written at build time.  Nothing is typed twice, so the page cannot drift from the code.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

from legrules import Likelihood, Presentation, assess
from legrules.fhir import canonical, versions
from legrules.fhir.codes import terminology
from legrules.fhir.read import conditions, medications, observations
from legrules.fhir.read.context import Settings
from legrules.fhir.write.conclusions import (
    _CONDITIONS,
    FLAG_CATEGORY,
    QUALITATIVE_RISK,
    RISK_PROBABILITY,
)
from legrules.fhir.write.transaction import transaction_bundle
from legrules.model import VOCABULARY, Category, Policy
from legrules.rules import LATEST

from .catalogue import esc, rule_label
from .files import table

_EXAMPLE_AS_OF = datetime(2026, 11, 20, 10, tzinfo=UTC)


def _codes(values: Iterable[str]) -> str:
    return ", ".join(f"`{v}`" for v in sorted(values)) or "-"


def _finding(fid: str) -> str:
    return f"`{fid}` ({esc(VOCABULARY[fid].display)})"


def _systems(raw: dict[str, Any]) -> str:
    rows = [(f"`{key}`", f"`{url}`") for key, url in raw["systems"].items()]
    rows += [
        ("legrules findings", f"`{canonical.finding_system()}` (code = finding id)"),
        ("legrules rules", f"`{canonical.rule_system()}` (code = rule id, with its version)"),
        ("legrules rule set", f"`{canonical.library_url()}`, versioned: `...|{LATEST}`"),
        ("legrules identifiers", f"`{canonical.identifier_system()}`"),
    ]
    return table(("Name", "System"), rows)


def _notes(entry: dict[str, Any]) -> str:
    notes = []
    if entry.get("asserts") == "absent":
        notes.append(f"states `{entry['finding']}` **absent**")
    if entry.get("history"):
        notes.append("counts when resolved too")
    if entry.get("unit_annotation"):
        notes.append(f"unit read as `{entry['unit_annotation']}`")
    if entry.get("note"):
        notes.append(esc(entry["note"]))
    return "; ".join(notes)


def _standard_codes(raw: dict[str, Any]) -> str:
    rows = [
        (
            _finding(e["finding"]),
            f"{e['system']} `{e['code']}`",
            esc(e["display"]),
            _notes(e),
            f"`{e['source']}`",
        )
        for e in raw["codes"]
    ]
    return table(("Finding", "Code", "Display", "How it is read", "Source"), rows)


def _own_only(raw: dict[str, Any]) -> str:
    standard = {e["finding"] for e in raw["codes"]}
    own = [e["id"] for e in raw["findings"] if e["id"] not in standard]
    return ", ".join(f"`{fid}`" for fid in own)


def _small_tables(raw: dict[str, Any]) -> list[str]:
    values = [
        (state, f"{v['system']} `{v['code']}`", esc(v["display"]), f"`{v['source']}`")
        for state in ("present", "absent")
        for v in raw["values"][state]
    ]
    sides = [
        (f"`{s['side']}`", f"{s['system']} `{s['code']}`", esc(s["display"]), f"`{s['source']}`")
        for s in raw["laterality"]
    ]
    patient = [
        (e["element"], f"{e['system']} `{e['code']}`", esc(e["display"]), f"`{e['source']}`")
        for e in raw["patient"]
    ]
    patient += [
        ("onset", f"legrules `{e['code']}`", esc(e["display"]), "`legrules`")
        for e in raw["extra_codes"]
    ]
    return [
        "### Values of a yes/no finding",
        "",
        "`valueCodeableConcept` codings read as present or absent (`valueBoolean` works too).",
        "",
        table(("State", "Code", "Display", "Source"), values),
        "### Laterality (`bodySite`)",
        "",
        table(("Side", "Code", "Display", "Source"), sides),
        "### Patient context",
        "",
        "Age Observations (value in UCUM `a`) and the symptom onset (`valueDateTime`); "
        "`Patient.birthDate` and `Patient.gender` are read directly.",
        "",
        table(("Element", "Code", "Display", "Source"), patient),
    ]


def _medications(raw: dict[str, Any]) -> str:
    rows = [
        (
            _finding(m["finding"]),
            f"{m['system']} `{m['code']}`",
            "code starts with" if m["match"] == "prefix" else "exact code",
            esc(m["display"]),
            f"`{m['source']}`",
        )
        for m in raw["medications"]
    ]
    return table(("Class", "Code", "Match", "Display", "Source"), rows)


def _sources(raw: dict[str, Any]) -> str:
    rows = [(f"`{key}`", esc(text)) for key, text in raw["sources"].items()]
    return table(("Key", "Where the codes were seen"), rows)


def _statuses() -> str:
    r4b, r5 = versions.R4B, versions.R5
    counted = observations._COUNTS - {"preliminary"}
    request_ignored = (
        f"{_codes(r4b.request_ignored)}; R5 also {_codes(r5.request_ignored - r4b.request_ignored)}"
    )
    rows = [
        ("Observation `status`", _codes(counted), "`preliminary`", _codes(observations._IGNORED)),
        (
            "Condition `verificationStatus`",
            "any other, or none",
            _codes(conditions._TENTATIVE),
            _codes(conditions._REFUTED),
        ),
        (
            "Condition `clinicalStatus`",
            f"{_codes(conditions._ACTIVE)}; none (read as active, with a warning)",
            "",
            f"{_codes(conditions._PAST)}, except for history codes (a past DVT)",
        ),
        (
            "MedicationStatement `status` (R4, R4B)",
            _codes(r4b.statement_counts),
            "",
            _codes(r4b.statement_ignored),
        ),
        (
            "MedicationStatement `status` (R5)",
            _codes(r5.statement_counts),
            _codes(r5.statement_preliminary),
            _codes(r5.statement_ignored),
        ),
        ("MedicationRequest `status`", _codes(r4b.request_counts), "", request_ignored),
        (
            "MedicationRequest `intent`",
            f"{_codes(medications._ORDER_INTENTS)}, or none",
            "",
            "any other (a proposal or plan is not a current drug)",
        ),
    ]
    header = ("Element", "Counts", "Counts, marked preliminary", "Ignored, with the reason")
    return table(header, rows)


def _span(window: timedelta | None) -> str:
    if window is None:
        return "no limit"
    hours = int(window.total_seconds() // 3600)
    return f"{hours // 24} days" if hours % 24 == 0 and hours > 24 else f"{hours} hours"


def _lookback() -> str:
    """Each category's window under the default policy, and the setting that moves it."""
    terms, sem = terminology(), versions.semantics(None)
    default = Settings(_EXAMPLE_AS_OF, Policy(), terms, sem)
    keys = [name for name in Policy().as_dict() if name.startswith("lookback_")]
    rows = []
    for category in Category:
        sample = next((c for c in VOCABULARY.values() if c.category is category), None)
        if sample is None:
            continue
        window = default.window(sample)
        moved_by = [
            key
            for key in keys
            if Settings(_EXAMPLE_AS_OF, Policy.from_dict({key: 2}), terms, sem).window(sample)
            != window
        ]
        setting = ", ".join(f"{{ref}}`{k} <policy-{k}>`" for k in moved_by) or "-"
        rows.append((category.value, _span(window), setting))
    return table(("Category", "Default look-back", "Policy setting"), rows)


def _risks() -> str:
    rows = [
        (f"`{likelihood.value}`", f"`{code}`", esc(display))
        for likelihood, (code, display) in QUALITATIVE_RISK.items()
    ]
    missing = [like for like in Likelihood if like not in QUALITATIVE_RISK]
    rows += [(f"`{like.value}`", "none", "a note names the missing inputs") for like in missing]
    return table(("Likelihood", f"qualitativeRisk (`{RISK_PROBABILITY}`)", "Display"), rows)


def _outcomes() -> str:
    rows = [
        (f"{{ref}}`{rule} <{rule_label(rule)}>`", f"http://snomed.info/sct `{code}`")
        for rule, code in _CONDITIONS.items()
    ]
    return table(("Differential", "prediction.outcome coding"), rows)


def _flag() -> str:
    """The Flag written for a met red flag, read off a Bundle made now."""
    result = assess(Presentation.of(present=["leg-pain", "dyspnea"]), as_of=_EXAMPLE_AS_OF)
    bundle = transaction_bundle(result)
    flag = next(e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Flag")
    category = flag["category"][0]["coding"][0]
    code = flag["code"]["coding"][0]
    rows = [
        ("`status`", f"`{flag['status']}`"),
        ("`category`", f"`{category['system']}` `{category['code']}`"),
        ("`code`", f"`{code['system']}` `{code['code']}`, `version` `{code['version']}`"),
        ("`period.start`", "the assessment's `as_of`"),
        ("`author`", "the legrules Device"),
        ("`identifier`", "deterministic (see idempotency); created with `ifNoneExist`"),
    ]
    # The prose above states these; fail the build if the writer ever disagrees.
    assert category["system"] == FLAG_CATEGORY
    assert flag["period"]["start"] == _EXAMPLE_AS_OF.isoformat()
    return table(("Flag element", "Value (for a met red flag, here `redflag.possible-pe`)"), rows)


def fhir_mapping_fragment() -> str:
    """The whole reference: codes in, status handling, look-back, results out."""
    raw = terminology().raw
    return "\n".join(
        [
            f"Terminology map version `{raw['version']}`.",
            "",
            "## Code systems",
            "",
            _systems(raw),
            "## Findings with a standard code",
            "",
            _standard_codes(raw),
            "## Findings with only legrules' own code",
            "",
            f"Sent and read as `{canonical.finding_system()}` with the finding id as the code:",
            "",
            _own_only(raw),
            "",
            *_small_tables(raw),
            "## Medication classes",
            "",
            _medications(raw),
            "## Status handling",
            "",
            _statuses(),
            "## Look-back windows",
            "",
            _lookback(),
            "## Likelihood to RiskAssessment",
            "",
            _risks(),
            "Differentials whose condition has a standard code also carry it:",
            "",
            _outcomes(),
            "## Red flag to Flag",
            "",
            _flag(),
            "## Sources",
            "",
            _sources(raw),
        ]
    )
