"""Writing generated pages: only when their text changed, and removing stale ones.

Sphinx re-reads a page whose file changed; rewriting identical text would make every
build a full rebuild, and a rule that disappeared must not leave its old page behind.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path


def sync(folder: Path, pages: Mapping[str, str]) -> None:
    """Make *folder* hold exactly *pages* (relative path -> text)."""
    folder.mkdir(parents=True, exist_ok=True)
    wanted = {folder / name for name in pages}
    for name, text in pages.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
    for path in sorted(folder.rglob("*"), reverse=True):
        if path.is_file() and path not in wanted:
            path.unlink()
        elif path.is_dir() and not any(path.iterdir()):
            path.rmdir()


def md_escape(text: str) -> str:
    """*text* safe inside a Markdown table cell."""
    return text.replace("|", "\\|").replace("\n", " ")


def table(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> str:
    """A Markdown table."""
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(md_escape(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"
