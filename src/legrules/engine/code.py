"""The code behind a rule's deciding function: what its fingerprint hashes and the docs show.

A score or differential decides with a small Python function, and that function leans
on helpers and tables in its module (the Wells points, the class cut-offs).  A change to
any of them changes conclusions, so the logic fingerprint must cover them all, and the
rule catalogue shows the same text so that what a reader audits is what is hashed.

>>> from legrules.rules.dvt import WELLS_DVT
>>> [name for name, _ in dependencies(WELLS_DVT.compute)][:2]
['legrules.rules.dvt._wells', 'legrules.engine.scoring.additive']
"""

from __future__ import annotations

import dis
import functools
import inspect
import types
from collections.abc import Callable, Iterator, Mapping
from typing import Any

__all__ = ["context_reads", "dependencies", "stable_repr"]

#: The package of the clinical content: every function in it counts as rule logic.
_RULE_PACKAGE = "legrules.rules."

#: The engine's helpers for deciding functions (score ranges, differential decisions).
#: They compute conclusions, so they are hashed into every rule that calls them, as
#: they were when they lived in ``legrules.rules``.  The rest of the engine (expression
#: language, fact reader, rule classes) is shared by every rule and covered by its own
#: tests; hashing it into each rule would make every engine refactoring look like a
#: change to every rule.
_HELPER_MODULES = frozenset({"legrules.engine.deciding", "legrules.engine.scoring"})


def stable_repr(value: Any) -> str:
    """A ``repr`` that is the same in every process: sets are sorted.

    (A set's iteration order depends on the hash seed, so its plain ``repr`` does too.)

    >>> stable_repr(frozenset({"b", "a"}))
    "frozenset({'a', 'b'})"
    """
    if isinstance(value, set | frozenset):
        inner = ", ".join(sorted(stable_repr(v) for v in value))
        return f"{type(value).__name__}({{{inner}}})"
    if isinstance(value, Mapping) and not isinstance(value, dict):
        value = dict(value)
    return repr(value)


def _names(code: types.CodeType) -> Iterator[str]:
    """Every global or attribute name *code* and its nested code objects use, in order."""
    yield from code.co_names
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            yield from _names(const)


def _is_rule_function(value: object) -> bool:
    if not isinstance(value, types.FunctionType):
        return False
    module = value.__module__ or ""
    return module.startswith(_RULE_PACKAGE) or module in _HELPER_MODULES


def _source(function: types.FunctionType) -> str:
    try:
        return inspect.getsource(function)
    except (OSError, TypeError):  # pragma: no cover - functions built at run time
        return repr(function.__code__.co_code)


def _walk(function: types.FunctionType, seen: set[str], out: list[tuple[str, str]]) -> None:
    name = f"{function.__module__}.{function.__qualname__}"
    if name in seen:
        return
    seen.add(name)
    out.append((name, _source(function)))
    for used in dict.fromkeys(_names(function.__code__)):
        if used not in function.__globals__:
            continue
        value = function.__globals__[used]
        if _is_rule_function(value):
            _walk(value, seen, out)
        elif not callable(value) and not isinstance(value, types.ModuleType):
            key = f"{function.__module__}.{used}"
            shown = stable_repr(value)
            # A repr showing a memory address differs between runs: not logic, skip it.
            if " at 0x" not in shown and key not in seen:
                seen.add(key)
                out.append((key, f"{used} = {shown}\n"))


def dependencies(function: Callable[..., object] | None) -> tuple[tuple[str, str], ...]:
    """*function* and every rule helper and constant it uses, as ``(name, code)`` pairs.

    Depth first, in order of first use, each once.  Helpers are the functions of
    ``legrules.rules`` and of the engine's deciding and scoring helpers; constants are
    module values such as the points of a score, shown by their stable ``repr``.
    """
    if function is None:
        return ()
    if not isinstance(function, types.FunctionType):
        return (("callable", type(function).__qualname__),)
    out: list[tuple[str, str]] = []
    _walk(function, set(), out)
    return tuple(out)


#: Builtins through which a function can reach its arguments without naming them.
_INTROSPECTION = frozenset({"locals", "vars", "eval", "exec", "globals"})


#: The opcodes that load a local variable (by Python version).
_LOADS = frozenset({"LOAD_FAST", "LOAD_FAST_CHECK", "LOAD_FAST_BORROW"})
#: Context attributes fixed for a compiled rule set: it is compiled per policy.
_FIXED = frozenset({"policy"})


def context_reads(function: Callable[..., object], index: int) -> tuple[str, ...] | None:
    """The scores *function* reads through its argument *index*, if that is all it reads.

    Read off the bytecode: every use of the argument (the context) is ``ctx.score("id")``
    with a literal id, ``ctx.policy`` (fixed for a rule set compiled for one policy), or
    passing it alone to a helper of the rules that does the same.  ``None`` when any
    other use is possible.  Such a function gives the same answer for the same criteria
    outcomes and the same results of those scores, so the answer may be kept.

    >>> context_reads(lambda ctx, o: o["x"], 0)
    ()
    >>> context_reads(lambda ctx, o: (ctx.score("score.abi"), o["x"]), 0)
    ('score.abi',)
    >>> context_reads(lambda ctx, o: ctx.age, 0) is None
    True
    """
    if not isinstance(function, types.FunctionType):
        return None
    return _context_reads(function, index)


@functools.cache
def _context_reads(function: types.FunctionType, index: int) -> tuple[str, ...] | None:
    """:func:`context_reads`, read off the bytecode once per function.

    The rule sets share their functions, and compiling one asks about each twice (for
    its defaults and for its memo).
    """
    found: list[str] = []
    if not _reads_scores_only(function, index, found, set()):
        return None
    return tuple(dict.fromkeys(found))


def _reads_scores_only(function: object, index: int, found: list[str], seen: set[object]) -> bool:
    if not isinstance(function, types.FunctionType):
        return False
    code = function.__code__
    if index >= code.co_argcount or _INTROSPECTION & set(code.co_names):
        return False
    name = code.co_varnames[index]
    if name in code.co_cellvars:
        return False
    steps = [i for i in dis.get_instructions(code) if i.opname not in ("CACHE", "PRECALL")]
    for at, step in enumerate(steps):
        argval = step.argval
        if argval != name and not (isinstance(argval, tuple) and name in argval):
            continue
        if step.opname not in _LOADS or not _use_is_allowed(function, steps, at, found, seen):
            return False
    return True


def _use_is_allowed(
    function: types.FunctionType,
    steps: list[dis.Instruction],
    at: int,
    found: list[str],
    seen: set[object],
) -> bool:
    """Whether the load of the context at *at* is followed by an allowed use."""
    after = steps[at + 1 : at + 4]
    names = [s.opname for s in after]
    if names[:1] in (["LOAD_ATTR"], ["LOAD_METHOD"]) and after[0].argval in _FIXED:
        return True
    if (
        names[1:] == ["LOAD_CONST", "CALL"]
        and names[0] in ("LOAD_ATTR", "LOAD_METHOD")
        and after[0].argval == "score"
        and isinstance(after[1].argval, str)
        and after[2].arg == 1
    ):
        found.append(after[1].argval)
        return True
    before = steps[at - 1] if at else None
    if before is None or before.opname != "LOAD_GLOBAL" or names[:1] != ["CALL"]:
        return False
    if after[0].arg != 1:
        return False
    helper = function.__globals__.get(before.argval)
    if not _is_rule_function(helper):
        return False
    if helper in seen:
        return True
    seen.add(helper)
    return _reads_scores_only(helper, 0, found, seen)
