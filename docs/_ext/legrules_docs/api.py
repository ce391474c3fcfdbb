"""API reference pages, one per public module, generated from each module's ``__all__``.

A module in :data:`MODULES` that is not installed yet is simply not listed.  Every
public object is documented once, on the page of the first module that exports it
(``legrules`` first); later modules list it as re-exported.  Type hints name objects
by their defining private module (``legrules.model.assessment.Assessment``), so
:func:`resolve_alias` maps such references to the public name that was documented.
"""

from __future__ import annotations

import enum
import importlib
import importlib.util
import inspect
import re
from collections.abc import Hashable
from typing import Any

import attrs
from docutils import nodes
from sphinx.addnodes import pending_xref
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment

#: The public modules, in the order their names are claimed.
MODULES = (
    "legrules",
    "legrules.model",
    "legrules.model.units",
    "legrules.engine",
    "legrules.rules",
    "legrules.engine.logic",
    "legrules.engine.facts",
    "legrules.rules.fingerprints",
    "legrules.schemas",
    "legrules.fhir",
    "legrules.fhir.capture",
    "legrules.population",
    "legrules.population.embedded",
    "legrules.population.spark",
    "legrules.intake",
    "legrules.strategies",
    "legrules.cdshooks",
)

_SCALARS = (str, int, float, bool)


def available() -> list[str]:
    """The modules of :data:`MODULES` that exist in this installation."""
    found = []
    for name in MODULES:
        try:
            if importlib.util.find_spec(name) is not None:
                found.append(name)
        except ModuleNotFoundError:
            continue
    return found


def _public(module: str) -> dict[str, Any]:
    loaded = importlib.import_module(module)
    return {name: getattr(loaded, name) for name in sorted(getattr(loaded, "__all__", ()))}


def _private(cls: type) -> bool:
    """Whether *cls* is a private legrules base class (its members are public anyway)."""
    return cls.__module__.startswith("legrules") and cls.__name__.startswith("_")


def _directive(module: str, name: str, obj: Any) -> list[str]:
    target = f"{module}.{name}"
    if inspect.isclass(obj) and issubclass(obj, BaseException):
        return [f".. autoexception:: {target}", "   :show-inheritance:", ""]
    if inspect.isclass(obj):
        lines = [f".. autoclass:: {target}", "   :members:"]
        if issubclass(obj, enum.Enum) or attrs.has(obj):  # members and fields are the API
            lines.append("   :undoc-members:")
        if any(_private(base) for base in obj.__mro__[1:]):
            lines.append("   :inherited-members:")
        return [*lines, ""]
    if inspect.isfunction(obj):
        return [f".. autofunction:: {target}", ""]
    lines = [f".. autodata:: {target}"]
    if not isinstance(obj, _SCALARS):
        lines.append("   :no-value:")
    return [*lines, ""]


_GROUPS = (
    ("Functions", inspect.isfunction),
    ("Classes", lambda o: inspect.isclass(o) and not issubclass(o, BaseException)),
    ("Exceptions", lambda o: inspect.isclass(o) and issubclass(o, BaseException)),
    ("Data", lambda o: not inspect.isclass(o) and not inspect.isfunction(o)),
)


def _heading(text: str, mark: str) -> list[str]:
    return [text, mark * len(text), ""]


def _key(name: str, obj: Any) -> Hashable:
    """What makes two exports the same object (scalars have no useful identity)."""
    return ("scalar", name, obj) if isinstance(obj, _SCALARS) else id(obj)


def page(module: str, owners: dict[Hashable, str]) -> str:
    """The reStructuredText API page of *module*."""
    public = _public(module)
    own = {n: o for n, o in public.items() if owners[_key(n, o)] == module}
    shared = {n: owners[_key(n, o)] for n, o in public.items() if n not in own}
    lines = [f".. _api-{module}:", "", *_heading(f"``{module}``", "=")]
    lines += [f".. automodule:: {module}", "   :no-members:", ""]
    for title, test in _GROUPS:
        names = [n for n, o in own.items() if test(o)]
        if names:
            lines += _heading(title, "-")
            for name in names:
                lines += _directive(module, name, own[name])
    if shared:
        lines += _heading("Also exported here", "-")
        lines += ["Documented under the module that exports them first:", ""]
        lines += [f"* :py:obj:`{module}.{n} <{home}.{n}>`" for n, home in shared.items()]
        lines.append("")
    return "\n".join(lines)


def pages() -> dict[str, str]:
    """Every API page by file name, for ``reference/generated/api``."""
    modules = available()
    owners: dict[Hashable, str] = {}
    for module in modules:
        for name, obj in _public(module).items():
            owners.setdefault(_key(name, obj), module)
    return {f"{m}.rst": page(m, owners) for m in modules}


# -- attrs signatures ------------------------------------------------------------------

# attrs-generated __init__ shows defaults as attr_dict['x'].default, factories as NOTHING.
_ATTRS_DEFAULT = re.compile(r"attr_dict\['(\w+)'\]\.default|(?<=\b)(\w+)=NOTHING")


def _default_text(field: attrs.Attribute[Any]) -> str:
    default = field.default
    if isinstance(default, attrs.Factory):  # type: ignore[arg-type]
        return f"{getattr(default.factory, '__name__', 'factory')}()"
    return repr(default)


def attrs_signature(
    app: Sphinx,
    what: str,
    name: str,
    obj: Any,
    options: Any,
    signature: str | None,
    return_annotation: str | None,
) -> tuple[str | None, str | None] | None:
    """Show an attrs class's real defaults, not the generated ``attr_dict[...]`` text."""
    if what != "class" or not signature or not attrs.has(obj):
        return None
    fields = attrs.fields_dict(obj)

    def shown(match: re.Match[str]) -> str:
        if match.group(2):
            field = fields.get(match.group(2))
            return match.group(0) if field is None else f"{field.name}={_default_text(field)}"
        field = fields.get(match.group(1))
        return match.group(0) if field is None else _default_text(field)

    return _ATTRS_DEFAULT.sub(shown, signature), return_annotation


# -- references to private module paths ------------------------------------------------


def _resolve_object(target: str) -> Any:
    parts = target.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            obj: Any = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        try:
            for attribute in parts[cut:]:
                obj = getattr(obj, attribute)
        except AttributeError:
            return None
        return obj
    return None


def _alias(env: BuildEnvironment, target: str) -> str | None:
    cache: dict[str, str | None] = env.app.__dict__.setdefault("_legrules_aliases", {})
    if target in cache:
        return cache[target]
    wanted = _resolve_object(target.lstrip("."))
    tail = target.rsplit(".", 1)[-1]
    found: str | None = None
    if wanted is not None or "." not in target.lstrip("."):
        objects = env.get_domain("py").objects  # type: ignore[attr-defined]
        for name in sorted(objects, key=len):
            if name.rsplit(".", 1)[-1] != tail or not name.startswith("legrules"):
                continue
            if wanted is None or _resolve_object(name) is wanted:
                found = name
                break
    cache[target] = found
    return found


def resolve_alias(
    app: Sphinx, env: BuildEnvironment, node: pending_xref, contnode: nodes.TextElement
) -> nodes.Element | None:
    """Resolve ``legrules.model.assessment.Assessment`` to the documented public name."""
    if node.get("refdomain") != "py":
        return None
    target = node["reftarget"]
    alias = _alias(env, target)
    if alias is None or alias == target:
        return None
    domain = env.get_domain("py")
    return domain.resolve_xref(
        env, node["refdoc"], app.builder, node["reftype"], alias, node, contnode
    )
