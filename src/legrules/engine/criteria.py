"""A rule's criteria compiled once: ids, closures, descriptions and deciding function."""

from __future__ import annotations

import typing
from collections.abc import Callable, Mapping

import attrs

from legrules.engine.base import DifferentialRule, Rule, ScoreRule
from legrules.engine.compiler import Compiled, ExprCompiler
from legrules.engine.facts import Context, Outcome
from legrules.engine.memo import remembering
from legrules.model import CriterionTrace

__all__ = ["Criteria"]


@attrs.frozen
class Criteria:
    """A rule's criteria compiled: ids, closures and descriptions, in order.

    ``stable`` says whether every criterion's answer is final once the rule runs (none
    reads how far evaluation has gone), so that open questions may reuse the outcomes.
    ``conclude`` is a score's computation or a differential's deciding function, which
    keeps its answers when it reads from the context no more than some scores' results
    (see :mod:`legrules.engine.memo`); ``scores`` names those scores, ``None`` when it
    may read more (its answers are then not kept).
    """

    ids: tuple[str, ...]
    run: tuple[Compiled, ...]
    descriptions: tuple[str, ...]
    stable: bool
    conclude: Callable[..., typing.Any] | None
    scores: tuple[str, ...] | None

    @classmethod
    def of(cls, rule: Rule, compiler: ExprCompiler) -> Criteria:
        """The criteria of *rule*, compiled by *compiler*."""
        conclude: Callable[..., typing.Any] | None = None
        scores: tuple[str, ...] | None = None
        if isinstance(rule, ScoreRule):
            conclude, scores = remembering(rule.compute, 1)
        elif isinstance(rule, DifferentialRule):
            conclude, scores = remembering(rule.decide, 0)
        return cls(
            tuple(c.id for c in rule.criteria),
            tuple(compiler.compile(c.expr) for c in rule.criteria),
            tuple(c.describe() for c in rule.criteria),
            all(compiler.stable(c.expr) for c in rule.criteria),
            conclude,
            scores,
        )

    def outcomes(self, ctx: Context) -> dict[str, Outcome]:
        """Each criterion's outcome in *ctx*, by criterion id."""
        return dict(zip(self.ids, [run(ctx) for run in self.run], strict=True))

    def kept(self, rule: Rule, ctx: Context) -> dict[str, Outcome]:
        """The outcomes, kept in *ctx* for open questions when they are final."""
        outcomes = self.outcomes(ctx)
        if self.stable:
            ctx.outcomes[rule.id] = outcomes
        return outcomes

    def traces(self, outcomes: Mapping[str, Outcome]) -> tuple[CriterionTrace, ...]:
        """The trace entries of the criteria that have *outcomes*, in order."""
        return tuple(
            CriterionTrace(cid, text, o.tri, o.evidence, o.missing)
            for cid, text in zip(self.ids, self.descriptions, strict=True)
            if (o := outcomes.get(cid)) is not None
        )
