"""Reading one resource into a collection: the right reader, strict mode, skipping errors.

An :class:`ItemReader` is made per read call.  Usual Observations go through the quick
path (``legrules.fhir.read.usual_observation``) unless strict mode validates every resource first;
everything else through the reader for its type, wrapped for strict mode and for
``on_error="skip"`` when asked.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

import attrs

from legrules.errors import FHIRInputError
from legrules.fhir.read.conditions import read_condition
from legrules.fhir.read.containers import Item, label
from legrules.fhir.read.context import Collected, Settings
from legrules.fhir.read.elements import JSON, Resource
from legrules.fhir.read.medications import Medications, read_medication
from legrules.fhir.read.observations import read_observation
from legrules.fhir.read.patients import read_patient
from legrules.fhir.read.questionnaire_responses import read_questionnaire_response
from legrules.fhir.read.strict import validate
from legrules.fhir.read.usual_observation import UsualReader
from legrules.fhir.versions import FHIRVersion

__all__ = ["ItemReader", "OnError", "Options"]

OnError = Literal["raise", "skip"]
Reader = Callable[[Resource, Settings, Collected], None]


@attrs.frozen
class Options:
    """How a read call reads: its settings and the caller's choices."""

    settings: Settings
    version: FHIRVersion | None
    strict: bool
    on_error: OnError
    max_depth: int


def _never(data: JSON, out: Collected) -> bool:
    return False


class ItemReader:
    """Reads items into collections, for one read call."""

    def __init__(self, options: Options, medications: Medications) -> None:
        def medication(res: Resource, settings: Settings, out: Collected) -> None:
            read_medication(res, settings, out, medications)

        self.options = options
        self.readers: dict[str, Reader] = {
            "Observation": read_observation,
            "Patient": read_patient,
            "Condition": read_condition,
            "MedicationStatement": medication,
            "MedicationRequest": medication,
            "QuestionnaireResponse": read_questionnaire_response,
        }
        #: The quick reader of usual Observations: ``usual(data, out)`` reads one or
        #: answers ``False`` having recorded nothing (always, in strict mode, which
        #: validates every resource first).
        self.usual = _never if options.strict else UsualReader(options.settings).read
        self._direct = options.on_error == "raise" and not options.strict

    def read(self, item: Item, out: Collected) -> None:
        """Read *item* into *out* (facts, reasons, warnings), or raise its input error."""
        data, _, skipped, _ = item
        if skipped is None and data["resourceType"] == "Observation" and self.usual(data, out):
            return
        self.general(item, out)

    def general(self, item: Item, out: Collected) -> None:
        """Read *item* like :meth:`read`, without trying the quick reader first."""
        data, location, skipped, _ = item
        where = label(location)
        if skipped is not None:
            out.ignore(where, skipped)
            out.warn(f"{where}: {skipped}")
            return
        res = Resource(data, where)
        reader = self.readers.get(res.type) if self._direct else None
        if reader is not None:  # the common case, without the strict and skip wrappers
            reader(res, self.options.settings, out)
        else:
            self._read_one(res, out)

    def _dispatch(self, res: Resource, out: Collected) -> None:
        options = self.options
        if options.strict:
            validate(res, options.version)
        reader = self.readers.get(res.type)
        if reader is None:
            out.ignore(res.label, f"{res.type} is not read by legrules")
            return
        reader(res, options.settings, out)

    def _read_one(self, res: Resource, out: Collected) -> None:
        if self.options.on_error == "raise":
            self._dispatch(res, out)
            return
        sizes = (
            len(out.findings),
            len(out.measurements),
            len(out.ignored),
            len(out.ages),
            len(out.onsets),
        )
        try:
            self._dispatch(res, out)
        except FHIRInputError as error:
            del out.findings[sizes[0] :], out.measurements[sizes[1] :], out.ignored[sizes[2] :]
            out.cut(len(out.warnings), sizes[3], sizes[4])
            out.ignore(res.label, f"invalid: {error}")
            out.warn(f"{error}; resource skipped")
