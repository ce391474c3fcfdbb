"""The text of an assessment styled for a terminal with rich (the ``cli`` extra).

Used only when standard output is a terminal and rich is installed; the words are
those of :func:`legrules.render.report`, so plain and styled text never disagree.
"""

from __future__ import annotations

import io
import shutil

from legrules.model import Assessment, Disposition
from legrules.render import report

__all__ = ["render_rich"]

_STYLES = {
    Disposition.EMERGENCY: "bold white on red",
    Disposition.URGENT: "bold black on dark_orange",
    Disposition.SOON: "bold black on yellow",
    Disposition.ROUTINE: "bold black on cyan",
    Disposition.SELF_CARE: "bold black on green",
    Disposition.UNDETERMINED: "bold black on white",
}


def render_rich(assessment: Assessment, *, verbose: bool = False) -> str:
    """The assessment as ANSI-styled text, wrapped to the terminal's width."""
    from rich.console import Console
    from rich.padding import Padding
    from rich.text import Text

    text = report(assessment, verbose=verbose)
    width = shutil.get_terminal_size((100, 24)).columns
    console = Console(file=io.StringIO(), force_terminal=True, width=width, highlight=False)
    if text.ask:
        console.print(Text(text.ask, style="bold red"))
    console.print(Text(text.headline, style=_STYLES[text.disposition]))
    console.print(Text(text.context, style="dim"))
    for section in text.sections:
        console.print()
        colour = "" if section.level is None else _STYLES[section.level].split(" on ")[-1]
        console.print(Text(section.title, style=f"bold {colour}".strip()))
        for line in section.lines:
            console.print(Padding(Text(line), (0, 0, 0, 2)))
    if text.more:
        console.print()
        console.print(Text(text.more, style="dim italic"))
    output = console.file
    assert isinstance(output, io.StringIO)
    return output.getvalue()
