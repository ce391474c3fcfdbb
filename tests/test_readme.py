"""The README works as written: its Python runs and prints what it says, its links work on PyPI."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
# A ```python block, optionally followed by "prints" and the ```text block of its output.
SNIPPET = re.compile(r"```python\n(.*?)```\n(?:\nprints\n\n```text\n(.*?)```)?", re.DOTALL)
SNIPPETS = SNIPPET.findall(README)


def test_readme_has_python_snippets_with_their_output() -> None:
    """Every Python snippet in the README shows what it prints."""
    assert len(SNIPPETS) >= 2
    assert all(output for _, output in SNIPPETS)


@pytest.mark.parametrize(("code", "output"), SNIPPETS, ids=lambda s: s.split("\n")[0][:30])
def test_readme_snippet_prints_what_the_readme_says(
    code: str, output: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A snippet run from the repository root prints exactly the output shown under it."""
    monkeypatch.chdir(ROOT)
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(compile(code, "README.md", "exec"), {"__name__": "__readme__"})
    assert printed.getvalue() == output


def test_readme_links_are_absolute() -> None:
    """Relative links break on PyPI, which shows the README without the repository."""
    targets = re.findall(r"\]\(([^)]+)\)", README)
    assert targets
    assert [t for t in targets if not t.startswith("https://")] == []
