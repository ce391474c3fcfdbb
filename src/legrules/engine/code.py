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
import opcode
import sys
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


#: An instruction as the analysis reads it: ``(opname, argval, arg)``, as
#: :func:`dis.get_instructions` gives them (caches left out).
Step = tuple[str, Any, int | None]


def dis_instructions(code: types.CodeType) -> list[Step]:
    """The instructions of *code*, read by :mod:`dis` (the reference)."""
    return [(i.opname, i.argval, i.arg) for i in dis.get_instructions(code)]


_CACHE = opcode.opmap["CACHE"]
_EXTENDED_ARG = opcode.EXTENDED_ARG
_LOAD_GLOBAL = opcode.opmap["LOAD_GLOBAL"]
_LOAD_CONST = opcode.opmap["LOAD_CONST"]
_CONSTS = frozenset(opcode.hasconst)
_NAMES = frozenset(opcode.hasname)
_JUMPS = frozenset(opcode.hasjrel)
_LOCALS = frozenset(opcode.haslocal) | frozenset(opcode.hasfree)
_COMPARE = frozenset(opcode.hascompare)
_FORMAT_VALUE = opcode.opmap.get("FORMAT_VALUE", -1)
_CONVERTERS = (None, str, repr, ascii)
_INT_OVERFLOW = 2**31
#: What ``dis`` gives as the value of a constant it does not look up (not in typeshed).
_UNKNOWN: Any = vars(dis).get("UNKNOWN")


def _read_311(code: types.CodeType) -> list[Step]:
    """:func:`dis_instructions` for CPython 3.11, read off the bytes directly.

    What ``dis`` computes for every instruction (positions, labels, descriptions) is
    some ten times the work, and the analysis runs for every deciding function as the
    program starts: the same values, at a tenth of the cost.  ``co_code`` gives the
    instructions unspecialised with their inline caches zeroed (opcode ``CACHE``), which
    ``dis`` skips; a local's index names it in the order of ``_varname_from_oparg``
    (arguments and locals, then cells that are not arguments, then free variables).
    The tests compare both readers over every code object of legrules.
    """
    raw = code.co_code
    names, consts = code.co_names, code.co_consts
    variables = code.co_varnames
    local_names = (
        variables + tuple(c for c in code.co_cellvars if c not in variables) + code.co_freevars
    )
    out: list[Step] = []
    extended = 0
    for offset in range(0, len(raw), 2):
        op = raw[offset]
        if op == _CACHE:
            continue
        arg: int | None = None
        argval: Any = None
        if op >= opcode.HAVE_ARGUMENT:
            arg = raw[offset + 1] | extended
            extended = (arg << 8) if op == _EXTENDED_ARG else 0
            if extended >= _INT_OVERFLOW:
                extended -= 2 * _INT_OVERFLOW
            if op in _CONSTS:  # dis gives LOAD_CONST's value alone (KW_NAMES: UNKNOWN)
                argval = consts[arg] if op == _LOAD_CONST else _UNKNOWN
            elif op in _NAMES:
                argval = names[arg // 2] if op == _LOAD_GLOBAL else names[arg]
            elif op in _JUMPS:
                backward = "JUMP_BACKWARD" in opcode.opname[op]
                argval = offset + 2 + (-arg if backward else arg) * 2
            elif op in _LOCALS:
                argval = local_names[arg]
            elif op in _COMPARE:
                argval = opcode.cmp_op[arg]
            elif op == _FORMAT_VALUE:
                argval = (_CONVERTERS[arg & 0x3], bool(arg & 0x4))
            else:
                argval = arg
        else:
            extended = 0
        out.append((opcode.opname[op], argval, arg))
    return out


#: How the analysis reads instructions: directly on the interpreter whose bytecode the
#: direct reader knows (and the tests compare with ``dis``), else through ``dis``.
instructions = (
    _read_311
    if sys.implementation.name == "cpython" and sys.version_info[:2] == (3, 11)
    else dis_instructions
)


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
    steps = [i for i in instructions(code) if i[0] not in ("CACHE", "PRECALL")]
    for at, (opname, argval, _) in enumerate(steps):
        if argval != name and not (isinstance(argval, tuple) and name in argval):
            continue
        if opname not in _LOADS or not _use_is_allowed(function, steps, at, found, seen):
            return False
    return True


def _use_is_allowed(
    function: types.FunctionType,
    steps: list[Step],
    at: int,
    found: list[str],
    seen: set[object],
) -> bool:
    """Whether the load of the context at *at* is followed by an allowed use."""
    after = steps[at + 1 : at + 4]
    names = [s[0] for s in after]
    if names[:1] in (["LOAD_ATTR"], ["LOAD_METHOD"]) and after[0][1] in _FIXED:
        return True
    if (
        names[1:] == ["LOAD_CONST", "CALL"]
        and names[0] in ("LOAD_ATTR", "LOAD_METHOD")
        and after[0][1] == "score"
        and isinstance(after[1][1], str)
        and after[2][2] == 1
    ):
        found.append(after[1][1])
        return True
    before = steps[at - 1] if at else None
    if before is None or before[0] != "LOAD_GLOBAL" or names[:1] != ["CALL"]:
        return False
    if after[0][2] != 1:
        return False
    helper = function.__globals__.get(before[1])
    if not _is_rule_function(helper):
        return False
    if helper in seen:
        return True
    seen.add(helper)
    return _reads_scores_only(helper, 0, found, seen)
