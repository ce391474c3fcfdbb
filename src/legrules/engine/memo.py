"""Answers of pure functions, kept across assessments.

A deciding function that never reads its context, or reads only the results of some
scores from it (see :func:`legrules.engine.code.context_reads`), gives the same answer
for the same criteria outcomes and score results, whoever the patient is.  In a
population most presentations leave the same criteria unknown in the same way, so the
answer (a score's completions, a differential's decision, the levels its completions
reach) is worth keeping.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any, Generic, TypeVar, cast

from legrules.engine.code import context_reads

__all__ = ["Memo", "remembering", "scores_key"]

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")
F = TypeVar("F", bound=Callable[..., Any])

#: Entries a memo keeps before it starts afresh: about 1 KB each, and about twenty memos
#: per compiled rule set, so a few MB at most whatever the population.
SIZE = 512


class Memo(Generic[K, V]):
    """A bounded dictionary: when full, it is emptied and filled again."""

    __slots__ = ("_answers", "_size")

    def __init__(self, size: int = SIZE) -> None:
        self._answers: dict[K, V] = {}
        self._size = size

    def get(self, key: K) -> V | None:
        """The answer kept for *key*, if any."""
        return self._answers.get(key)

    def put(self, key: K, value: V) -> V:
        """Keep *value* for *key*, and return it."""
        if len(self._answers) >= self._size:
            self._answers.clear()
        self._answers[key] = value
        return value


def scores_key(ctx: Any, scores: tuple[str, ...]) -> tuple[Any, ...]:
    """The results of *scores* in *ctx*: with the outcomes, what such a function reads."""
    return tuple(ctx.score(name) for name in scores)


def remembering(function: F, context: int) -> tuple[F, tuple[str, ...] | None]:
    """*function*, keeping its answers when its argument number *context* is read little.

    Returns the function (wrapped, or itself) and the scores it reads from its context
    (``None`` when it may read anything else there; it is then returned as it is).  Its
    last argument must be the criteria outcomes, a mapping whose values (in order) with
    those scores' results are the key; every other argument must be fixed for the
    wrapped function (the rule) or be the context.
    """
    scores = context_reads(function, context)
    if scores is None:
        return function, None
    memo: Memo[tuple[Any, ...], Any] = Memo()

    def remembered(*args: Any) -> Any:
        key = tuple(args[-1].values())
        if scores:
            key += scores_key(args[context], scores)
        found = memo.get(key)
        if found is None:
            found = memo.put(key, function(*args))
        return found

    return cast(F, remembered), scores
