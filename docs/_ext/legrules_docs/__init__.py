"""Sphinx extension that generates legrules' documentation from the code.

At ``builder-inited`` it writes, into git-ignored folders, the rule catalogue (one page
per rule of every shipped rule set), the API pages of the public modules, and the
reference fragments (CLI help, JSON Schemas, policy settings, finding vocabulary, FHIR
mapping tables, the table of every rule) and the figures (Graphviz, drawn from the rules).  It
also resolves type-hint references to private module paths and provides the
``optional-toctree`` and ``legrules-run`` directives.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sphinx.application import Sphinx

from . import api, catalogue, fhir_tables, figures, reference
from .directives import LegrulesRun, OptionalTocTree
from .files import sync


def generate(app: Sphinx) -> None:
    """Write every generated page (only those whose text changed)."""
    docs = Path(app.srcdir)
    root = Path(app.config.legrules_repository)
    sync(docs / "catalogue" / "generated", catalogue.pages(root / "tests" / "vignettes"))
    generated = docs / "reference" / "generated"
    sync(generated / "api", api.pages())
    fragments = {
        **reference.fragments(),
        **figures.fragments(root),
        "fhir-mapping.md": fhir_tables.fhir_mapping_fragment(),
        "rules-table.md": catalogue.rules_table(),
    }
    sync(generated / "fragments", fragments)
    sync(generated / "schemas", reference.schema_files())


def setup(app: Sphinx) -> dict[str, Any]:
    """Register the generator, the reference resolver and the directives."""
    app.add_config_value("legrules_repository", "", "env", types=[str])
    app.connect("builder-inited", generate)
    app.connect("missing-reference", api.resolve_alias)
    app.connect("autodoc-process-signature", api.attrs_signature)
    app.add_directive("optional-toctree", OptionalTocTree)
    app.add_directive("legrules-run", LegrulesRun)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
