"""Deciding functions whose answers may be kept: what they read from their context."""

from __future__ import annotations

from collections.abc import Mapping

from legrules.engine.code import context_reads
from legrules.engine.facts import Context, Outcome
from legrules.engine.memo import remembering
from legrules.rules.ddx_2026_12 import DDX_PAD_2


def _reads_age(ctx: Context, o: Mapping[str, Outcome]) -> object:
    return ctx.age, o


def _passes_on(ctx: Context, o: Mapping[str, Outcome]) -> object:
    return _reads_age(ctx, o)


def _reads_a_score(ctx: Context, o: Mapping[str, Outcome]) -> object:
    return ctx.score("score.abi"), ctx.policy, o


def test_pad_reads_only_two_scores_from_its_context() -> None:
    """The 2026.12 PAD decision reads the ABI and Edinburgh scores, through its helper too."""
    assert context_reads(DDX_PAD_2.decide, 0) == ("score.abi", "score.edinburgh-claudication")


def test_any_other_use_of_the_context_is_not_kept() -> None:
    """Reading the age, or passing the context on with more arguments, keeps nothing."""
    assert context_reads(_reads_age, 0) is None
    assert context_reads(_passes_on, 0) is None
    assert remembering(_reads_age, 0) == (_reads_age, None)


def test_scores_and_the_policy_may_be_read() -> None:
    """A literal score and the policy (fixed per compiled rule set) are allowed reads."""
    function, scores = remembering(_reads_a_score, 0)
    assert scores == ("score.abi",)
    assert function is not _reads_a_score
