"""How the intake forms word their questions, loaded from ``data/wording.json``.

The wording is data so that it can be reviewed (and translated) without reading code.
Patient questions are written for this project in plain language; a finding without
one is either ``clinician_only`` (an examination, a test, a clinician's judgement) or,
for a finding added to the vocabulary since, asked in the vocabulary's own words.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from importlib import resources
from typing import Any

import attrs
import orjson

from legrules.model import Audience, Category, concept

__all__ = ["Wording", "wording"]


@attrs.frozen
class Wording:
    """The questions and group titles of both audiences."""

    patient: Mapping[str, str]
    clinician_only: frozenset[str]
    groups: Mapping[str, Mapping[str, str]]

    def askable(self, finding: str, audience: Audience) -> bool:
        """Whether a form for *audience* asks about *finding*."""
        return audience is Audience.CLINICIAN or finding not in self.clinician_only

    def question(self, finding: str, audience: Audience) -> str:
        """The question a form for *audience* asks about *finding*."""
        if audience is Audience.PATIENT and finding in self.patient:
            return self.patient[finding]
        if finding == "age":
            return "Age (years)"
        return concept(finding).display

    def group(self, category: Category, audience: Audience) -> str:
        """The title of the group of *category* questions."""
        return self.groups[audience.value][category.value]


@cache
def wording() -> Wording:
    """The shipped wording."""
    raw: dict[str, Any] = orjson.loads(
        resources.files("legrules.intake").joinpath("data/wording.json").read_bytes()
    )
    return Wording(raw["patient"], frozenset(raw["clinician_only"]), raw["groups"])
