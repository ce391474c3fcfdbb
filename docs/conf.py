"""Sphinx configuration for the legrules documentation.

Build with ``make docs`` (HTML with ``-n -W``, then the doctests).  The rule catalogue,
the API pages and the reference tables are generated from the code at every build by
the ``legrules_docs`` extension in ``_ext/``.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "_ext"))

from legrules_docs.api import available  # noqa: E402

import legrules  # noqa: E402

project = "legrules"
author = "The legrules developers"
copyright = "2026, The legrules developers"
release = legrules.__version__
version = release

extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "sphinx.ext.doctest",
    "sphinx.ext.graphviz",
    "sphinx.ext.napoleon",
    "legrules_docs",
]

legrules_repository = str(HERE.parent)

source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
root_doc = "index"
exclude_patterns = ["_build", "reference/generated/fragments/**", "README.md"]
templates_path: list[str] = []

myst_enable_extensions = ["colon_fence", "deflist"]
myst_heading_anchors = 3

# Type hints go into the description, named shortly; references to private module paths
# are resolved to the public names by legrules_docs.api.resolve_alias.
autodoc_typehints = "description"
autodoc_typehints_format = "short"
autodoc_member_order = "bysource"
autodoc_class_signature = "mixed"
autodoc_preserve_defaults = True

# No network at build time, so no intersphinx: names from the standard library and the
# third-party packages legrules uses are allowed to stay unlinked.  Everything of
# legrules' own must resolve.
nitpick_ignore_regex = [
    (r"py:.*", r"(datetime|collections|typing|types|enum|abc|pathlib|argparse|io|os)(\..*)?"),
    (r"py:.*", r"(attrs|attr|cattrs|orjson|jsonschema|hypothesis|fhir)(\..*)?"),
    # The service's dependencies (the 'service' extra) and the short names of its hints.
    (r"py:.*", r"(starlette|httpx|pydantic|joserfc|uvicorn|sqlite3)(\..*)?"),
    (r"py:.*", r"(Starlette|BaseRoute|Path)"),
    # Private names (a leading underscore) are deliberately not documented.
    (r"py:.*", r"legrules(\.\w+)*\._\w+"),
    (r"py:.*", r"(Any|Callable|Iterable|Mapping|Sequence|Literal|TypeVar|Hashable|IO)"),
]

# Docstring examples are written against their module's public names; give every
# doctest those of all public modules (tests/test_doctests.py runs them in place too).
doctest_global_setup = "\n".join(
    ["from datetime import UTC, datetime", "import legrules"]
    + [f"from {module} import *" for module in available()]
)

# Figures are drawn by Graphviz (`dot`, installed by `make docs`) at build time and
# shipped as SVG files beside the pages: viewing the documentation fetches nothing.
graphviz_output_format = "svg"

html_theme = "furo"
html_title = f"legrules {release}"
html_static_path = ["_static"]
html_css_files = ["legrules.css"]
