"""Where the rules of one assessment put what they produce, and one compiled rule's type."""

from __future__ import annotations

from collections.abc import Callable

import attrs

from legrules.engine.facts import Context
from legrules.model import Recommendation, RuleTrace, ScoreResult, Status, Withheld

__all__ = ["Sink", "Step"]

_NOT_MET = Status.NOT_MET


@attrs.define
class Sink:
    """What the rules of one assessment produce besides the context's own results."""

    scores: list[ScoreResult] = attrs.Factory(list)
    recommendations: list[Recommendation] = attrs.Factory(list)
    withheld: list[Withheld] = attrs.Factory(list)
    #: Each rule's trace, or what builds it: compiled rules build traces on demand.
    traces: list[RuleTrace | Callable[[], RuleTrace]] = attrs.Factory(list)
    #: The red flags that withhold self-care advice (``"<id> <status>"``, joined), with
    #: the number of red-flag results it was built from (results are only ever added).
    blocking: tuple[int, str] | None = None

    def blocking_red_flags(self, ctx: Context) -> str:
        """The red flags in *ctx* that are met or indeterminate, as self-care reasons name them.

        Built once per run: every self-care recommendation names the same ones.
        """
        found = self.blocking
        results = ctx.red_flags
        if found is None or found[0] != len(results):
            text = ", ".join(
                f"{r.id} {r.status.value}" for r in results.values() if r.status is not _NOT_MET
            )
            found = self.blocking = (len(results), text)
        return found[1]

    def trace(self) -> tuple[RuleTrace, ...]:
        """Every rule's trace, built now."""
        return tuple(t if isinstance(t, RuleTrace) else t() for t in self.traces)


#: One compiled rule: evaluates into the context and the sink.
Step = Callable[[Context, Sink], None]
