"""Two small directives: a toctree that skips absent pages, and live command output."""

from __future__ import annotations

import contextlib
import io
import shlex
from pathlib import Path

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.directives.other import TocTree
from sphinx.util.docutils import SphinxDirective

from legrules.cli import main


class OptionalTocTree(TocTree):
    """A toctree whose entries are kept only when their page exists.

    For pages another branch of the project writes (``how-we-test``): the toctree picks
    them up once they land, and the build does not fail before.
    """

    def run(self) -> list[nodes.Node]:  # noqa: D102
        found = self.env.found_docs
        here = self.env.docname.rpartition("/")[0]

        def exists(entry: str) -> bool:
            name = entry.strip().rpartition("<")[2].rstrip(">").strip()
            full = name.lstrip("/") if name.startswith("/") else f"{here}/{name}".lstrip("/")
            return not name or full in found

        kept = [n for n, line in enumerate(self.content) if exists(line)]
        self.content = self.content.__class__(
            [self.content[n] for n in kept], items=[self.content.items[n] for n in kept]
        )
        return super().run()


class LegrulesRun(SphinxDirective):
    """Run ``legrules ARGS`` at build time and show the command and what it printed.

    The output in the documentation is therefore always what the shipped code prints.
    ``:lines: N`` keeps the first N lines, ``:width: N`` the first N characters of each
    line (for JSON Lines) and ``:chars: N`` the first N characters, each with a marker
    that more followed.
    """

    required_arguments = 1
    final_argument_whitespace = True
    option_spec = {
        "lines": directives.positive_int,
        "width": directives.positive_int,
        "chars": directives.positive_int,
    }

    def run(self) -> list[nodes.Node]:  # noqa: D102
        argv = shlex.split(self.arguments[0])
        out, err = io.StringIO(), io.StringIO()
        root = Path(self.config.legrules_repository)
        with contextlib.chdir(root):
            status = main(argv, stdout=out, stderr=err)
        text = (out.getvalue() + err.getvalue()).rstrip()
        limit = self.options.get("lines")
        if limit and len(text.splitlines()) > limit:
            text = "\n".join([*text.splitlines()[:limit], "..."])
        width = self.options.get("width")
        if width:
            text = "\n".join(
                line if len(line) <= width else line[:width] + " ..." for line in text.splitlines()
            )
        chars = self.options.get("chars")
        if chars and len(text) > chars:
            text = text[:chars] + " ..."
        shown = f"$ legrules {self.arguments[0]}\n{text}"
        if status:
            shown += f"\n$ echo $?\n{status}"
        block = nodes.literal_block(shown, shown)
        block["language"] = "console"
        return [block]
