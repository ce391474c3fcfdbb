"""The output contract of ``legrules assess`` (stated in ``legrules --help``).

* ``json``: one indented assessment document when the input is one document about one
  patient; JSON Lines (one compact assessment per line) when the input is NDJSON, even
  with a single patient, and when one document turns out to hold several patients.
* ``fhir``: one transaction Bundle per line, always (valid JSON alone, NDJSON for more);
  with ``--max-entries N`` a patient's write-back may take several lines, to be posted
  in the order printed (:func:`legrules.fhir.split_transaction`).
* ``text``: the readable summary; with several patients (or NDJSON input) each one
  starts with a separator line naming the patient.

A document's first result is held back until the next one shows whether there are
more, so a single patient never prints a one-line document, nor several a broken one.
"""

from __future__ import annotations

import codecs
import os
from collections.abc import Callable
from typing import IO, TYPE_CHECKING

from legrules.model import Assessment
from legrules.model.assessment_json import dumps_assessment

if TYPE_CHECKING:
    from legrules.fhir.write.writer import FHIRVersion

__all__ = ["Output", "separator"]

_WIDTH = 72


def separator(number: int, patient: str | None) -> str:
    """The line that starts patient *number*'s text in a multi-patient run."""
    name = f"Patient {patient}" if patient else "resources with no patient"
    return f"=== {number}. {name} ".ljust(_WIDTH, "=")


class Output:
    """Writes assessments to *out* in one *fmt*, keeping the contract above."""

    def __init__(
        self,
        out: IO[str],
        fmt: str,
        *,
        several: bool,
        fhir_version: FHIRVersion,
        text: Callable[[Assessment], str],
        validate: bool = False,
        max_entries: int | None = None,
    ) -> None:
        self.out = out
        self.fmt = fmt
        self.several = several or fmt == "fhir"
        self.fhir_version = fhir_version
        self.validate = validate
        self.max_entries = max_entries
        self.text = text
        self.count = 0
        self._held: Assessment | None = None
        self._write = _writer(out)

    def write(self, result: Assessment) -> None:
        """Write (or hold) one patient's assessment."""
        self.count += 1
        if not self.several:
            if self._held is None and self.count == 1:
                self._held = result
                return
            self.several = True  # a document with several patients: lines from now on
            if self._held is not None:
                held, self._held = self._held, None
                self._emit(held, 1)
        self._emit(result, self.count)

    def finish(self) -> None:
        """Write the held result of a one-patient document, as a document."""
        if self._held is not None:
            held, self._held = self._held, None
            if self.fmt == "json":
                self._write(dumps_assessment(held, indent=True, newline=True))
            else:
                self.out.write(self.text(held))

    def _emit(self, result: Assessment, number: int) -> None:
        if self.fmt == "json":
            self._write(dumps_assessment(result, newline=True))
        elif self.fmt == "fhir":
            # Imported here: JSON and text output never load the FHIR writers.
            from legrules.fhir.write.split import split_transaction
            from legrules.fhir.write.transaction import dumps_bundle, transaction_bundle

            # Only --fhir-strict asks for validation with fhir.resources (slow).
            bundle = transaction_bundle(result, version=self.fhir_version, validate=self.validate)
            parts = (
                [bundle]
                if self.max_entries is None
                else split_transaction(bundle, max_entries=self.max_entries)
            )
            for part in parts:
                self.out.write(dumps_bundle(part).decode() + "\n")
        else:
            lead = "" if number == 1 else "\n"
            self.out.write(f"{lead}{separator(number, result.patient)}\n{self.text(result)}")


def _writer(out: IO[str]) -> Callable[[bytes], object]:
    """Write UTF-8 JSON text to *out*: to its byte stream when that is the same thing.

    An assessment line is some 80 KB; decoding it only for the text layer to encode it
    again costs more than writing it.  The byte stream is used only when the text
    stream would write the same bytes (UTF-8, and no newline translation), after
    flushing what the text stream holds.
    """
    buffer = getattr(out, "buffer", None)
    encoding = getattr(out, "encoding", None)
    if buffer is None or not isinstance(encoding, str) or os.linesep != "\n":
        return lambda data: out.write(data.decode())
    try:
        utf8 = codecs.lookup(encoding).name == "utf-8"
    except LookupError:
        utf8 = False
    if not utf8:
        return lambda data: out.write(data.decode())
    out.flush()
    write: Callable[[bytes], object] = buffer.write
    return write
