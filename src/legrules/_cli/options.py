"""Options every command that assesses parses alike: ``--as-of`` and ``--policy``.

``legrules assess`` and the commands of optional packages (``legrules population run``)
read the same instant and policy settings with the same errors, so their parsers live
here, public within the command-line package, rather than in one command's module.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from legrules.errors import InputError, InvalidValueError
from legrules.model import Policy

__all__ = ["parse_instant", "parse_policy"]


def parse_instant(text: str | None) -> datetime | None:
    """``--as-of``: an RFC 3339 instant with an offset, or ``None`` (now) when not given.

    Raises :class:`~legrules.errors.InvalidValueError` naming ``--as-of``.
    """
    if text is None:
        return None
    from legrules.model.documents import structure

    try:
        return structure(text, datetime)
    except InputError as error:
        raise InvalidValueError(error.message, "--as-of") from None


def parse_policy(pairs: Sequence[str]) -> Policy:
    """``--policy KEY=VALUE`` (repeatable): the default policy with those settings changed.

    Raises :class:`~legrules.errors.InvalidValueError` naming ``--policy`` for a pair
    without ``=``, and the policy's own error for an unknown key or a bad value.
    """
    values: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep:
            raise InvalidValueError(f"expected KEY=VALUE, got {pair!r}", "--policy")
        values[key.strip()] = value.strip()
    return Policy.from_strings(values)
