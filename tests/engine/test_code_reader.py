"""The bytecode reader behind ``context_reads`` reads what ``dis`` reads.

On CPython 3.11 the analysis reads instructions off the bytes directly (``dis`` does
about ten times the work, and every deciding function is analysed as the program
starts); elsewhere it reads them through ``dis``.  Either way it must see exactly the
instructions ``dis`` gives: which deciding functions keep their answers depends on it.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import inspect
import json
import pkgutil
import sys
import types
from pathlib import Path

import pytest

import legrules
from legrules.engine import code
from legrules.engine.base import DifferentialRule, ScoreRule
from legrules.rules import RULESETS

on_311 = pytest.mark.skipif(
    sys.implementation.name != "cpython" or sys.version_info[:2] != (3, 11),
    reason="the direct reader knows CPython 3.11's bytecode",
)


def _code_objects(source: Path) -> list[types.CodeType]:
    """Every code object of the module in *source*, nested ones included."""
    found: list[types.CodeType] = []
    pending = [compile(source.read_text(encoding="utf-8"), str(source), "exec")]
    while pending:
        item = pending.pop()
        found.append(item)
        pending.extend(c for c in item.co_consts if isinstance(c, types.CodeType))
    return found


def _sources() -> list[Path]:
    """The modules of legrules, and some of the standard library (more kinds of instruction)."""
    names = [m.name for m in pkgutil.walk_packages(legrules.__path__, "legrules.")]
    specs = [importlib.util.find_spec(name) for name in names]
    paths = [Path(s.origin) for s in specs if s is not None and s.origin is not None]
    paths += [Path(inspect.getfile(m)) for m in (argparse, asyncio.tasks, inspect, json.decoder)]
    return [p for p in paths if p.suffix == ".py"]


@on_311
def test_the_direct_reader_reads_every_instruction_as_dis_does() -> None:
    """Name, argument and value of every instruction of thousands of code objects."""
    codes = [c for source in _sources() for c in _code_objects(source)]
    assert len(codes) > 1000
    for item in codes:
        assert code.instructions(item) == code.dis_instructions(item), item


def test_a_keyword_named_like_the_context_is_no_use_of_it() -> None:
    """``dis`` gives a call's keyword names no value: ``ctx=`` does not read the context."""

    def keep(**given: object) -> object:
        return given

    def decide(ctx: object, outcomes: dict[str, object]) -> object:
        return keep(ctx=1, outcomes=outcomes)

    assert code.context_reads(decide, 0) == ()


@pytest.mark.parametrize("version", sorted(RULESETS))
def test_every_deciding_function_reads_the_same_through_dis(
    version: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What each score and differential reads of its context, by either reader."""
    functions = [
        (r.compute, 1) if isinstance(r, ScoreRule) else (r.decide, 0)
        for r in RULESETS[version].rules
        if isinstance(r, ScoreRule | DifferentialRule)
    ]
    direct = [code._context_reads.__wrapped__(f, i) for f, i in functions]
    monkeypatch.setattr(code, "instructions", code.dis_instructions)
    through_dis = [code._context_reads.__wrapped__(f, i) for f, i in functions]
    assert direct == through_dis
    assert any(reads for reads in direct)  # some read scores: the test sees real answers
