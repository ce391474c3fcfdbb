"""The legrules exception tree.

Every error legrules raises on purpose is a :class:`LegrulesError`.  Errors caused by
the caller's input are :class:`InputError` subclasses and carry the *path* of the bad
element, so that a command-line user or an integration log can say exactly what to fix:
``$.measurements[2].unit`` for a presentation document, or
``Observation/abc.valueQuantity.unit`` for a FHIR resource.

Third-party errors (orjson, cattrs, jsonschema, pydantic) are mapped into this tree at
the boundary where they occur; callers never need to catch them.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable

__all__ = [
    "DocumentError",
    "FHIRInputError",
    "ImplausibleValueError",
    "InputError",
    "InvalidValueError",
    "LegrulesError",
    "MissingExtraError",
    "PolicyError",
    "RulesetError",
    "UnitError",
    "UnknownConceptError",
]


class LegrulesError(Exception):
    """Base class of every error legrules raises deliberately."""


class InputError(LegrulesError, ValueError):
    """Input that legrules cannot accept; ``path`` names the offending element.

    ``str(error)`` reads ``"<message> @ <path>"`` so it fits on one line.
    """

    def __init__(self, message: str, path: str = "$") -> None:
        super().__init__(message, path)
        self.message = message
        self.path = path

    def __str__(self) -> str:
        return f"{self.message} @ {self.path}"

    def at(self, prefix: str) -> InputError:
        """Return a copy of this error whose path is nested below *prefix*.

        Used while unwinding nested structures: an error raised for ``unit`` inside the
        third measurement becomes ``$.measurements[2].unit``.
        """
        path = self.path
        if path == "$" or not path:
            new = prefix
        elif path.startswith("$"):
            new = prefix + path[1:]
        elif path.startswith("["):
            new = prefix + path
        else:
            new = f"{prefix}.{path}"
        clone = copy.copy(self)
        clone.path = new
        clone.args = (self.message, new)
        return clone


class DocumentError(InputError):
    """A document is not well-formed (not JSON, not an object, wrong top-level shape)."""


class InvalidValueError(InputError):
    """A field has the wrong type or a value outside its allowed set."""


class UnknownConceptError(InvalidValueError):
    """A finding, measurement or code is not in the legrules vocabulary."""


class UnitError(InvalidValueError):
    """A quantity has no unit, an unknown unit, or a unit of the wrong dimension."""


class ImplausibleValueError(InvalidValueError):
    """A measurement lies outside the physiologically plausible range.

    Rejecting absurd values (a temperature of 400 Cel, a negative ABI) is safer than
    letting a unit mix-up or a typing error silently change a triage decision.
    """


class PolicyError(InvalidValueError):
    """A policy setting is unknown or has a value of the wrong type or range."""


class FHIRInputError(InputError):
    """A FHIR resource the reader needs is malformed.

    The path has the form ``ResourceType/id.element[index].child``; ``resource_type``
    and ``resource_id`` are also available separately for logging.
    """

    def __init__(
        self,
        message: str,
        path: str = "$",
        *,
        resource_type: str | None = None,
        resource_id: str | None = None,
    ) -> None:
        super().__init__(message, path)
        self.resource_type = resource_type
        self.resource_id = resource_id


class RulesetError(LegrulesError, LookupError):
    """An unknown rule-set version or rule id was requested, or a rule set is inconsistent."""


class MissingExtraError(LegrulesError, ImportError):
    """An optional part of legrules was used without the extra that installs it.

    The message names the missing package and the ``pip install 'legrules[extra]'``
    command; being an :class:`ImportError` too, it is caught where a missing module is.
    """

    def __init__(self, extra: str, missing: str, what: str) -> None:
        super().__init__(
            f"{what} needs {missing}, which is not installed: pip install 'legrules[{extra}]'",
            name=missing,
        )
        self.extra = extra


def did_you_mean(word: object, choices: Iterable[str]) -> str:
    """``"; did you mean 'x'?"`` for the choices closest to *word*, or ``""``.

    For error messages about unknown ids and keys, where a typing slip or a shortened
    name is the usual cause: choices that contain the word's last part (``dvt`` in
    ``redflag.dvt``) come first, else the closest spellings.
    """
    if not isinstance(word, str) or not word:
        return ""
    options = list(choices)
    family, _, tail = word.rpartition(".")
    close = [c for c in options if len(tail) >= 3 and tail in c]
    close = sorted(close, key=lambda c: not (family and c.startswith(family + ".")))[:3]
    if not close:
        import difflib  # here: only an error message needs it

        close = difflib.get_close_matches(word, options, n=3, cutoff=0.75)
    if not close:
        return ""
    return "; did you mean " + " or ".join(repr(c) for c in close) + "?"
