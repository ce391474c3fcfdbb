"""Where the rules of one assessment put what they produce, and one compiled rule's type."""

from __future__ import annotations

from collections.abc import Callable

import attrs

from legrules.engine.facts import Context
from legrules.model import Recommendation, RuleTrace, ScoreResult, Withheld

__all__ = ["Sink", "Step"]


@attrs.define
class Sink:
    """What the rules of one assessment produce besides the context's own results."""

    scores: list[ScoreResult] = attrs.Factory(list)
    recommendations: list[Recommendation] = attrs.Factory(list)
    withheld: list[Withheld] = attrs.Factory(list)
    #: Each rule's trace, or what builds it: compiled rules build traces on demand.
    traces: list[RuleTrace | Callable[[], RuleTrace]] = attrs.Factory(list)

    def trace(self) -> tuple[RuleTrace, ...]:
        """Every rule's trace, built now."""
        return tuple(t if isinstance(t, RuleTrace) else t() for t in self.traces)


#: One compiled rule: evaluates into the context and the sink.
Step = Callable[[Context, Sink], None]
