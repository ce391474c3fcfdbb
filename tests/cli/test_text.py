"""The text a clinician reads: one disposition sentence, titles, meanings, rich on a terminal."""

from __future__ import annotations

import io
from pathlib import Path

from legrules.cli import main

ROOT = Path(__file__).resolve().parents[2]
BUNDLE = str(ROOT / "examples" / "fhir" / "suspected-dvt-searchset.json")
AS_OF = "2026-11-20T10:00:00Z"


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def text(*flags: str, out: io.StringIO | None = None) -> str:
    out = out or io.StringIO()
    assert main(["assess", BUNDLE, "--as-of", AS_OF, "--format", "text", *flags], stdout=out) == 0
    return out.getvalue()


def test_the_advice_says_where_to_be_seen_once_matching_the_headline() -> None:
    """Urgent: 'in person today' only, not also 'within the next few days' (--verbose has all)."""
    plain = text()
    assert plain.splitlines()[1].startswith("URGENT: be seen by a clinician in person today.")
    assert "See a doctor or nurse in person today" in plain
    assert "within the next few days" not in plain
    assert "within the next few days" in text("--verbose")


def test_rules_are_named_by_title_and_scores_say_what_they_mean() -> None:
    """Headings read as clinical names; a Wells range says which classes it spans and why."""
    plain = text()
    assert "redflag.suspected-dvt" not in plain
    assert "Suspected deep vein thrombosis: leg swelling (left)" in plain
    assert "Wells DVT score: 1 to 9 - DVT likely or unlikely - depends on active cancer" in plain


def test_ask_next_is_a_handful_of_lines_led_by_the_most_urgent() -> None:
    """At most five grouped question lines, emergencies first, the rest counted."""
    lines = text().split("Ask next")[1].split("\n\n")[0].splitlines()[1:]
    assert len(lines) <= 6
    assert lines[0].strip().startswith("EMERGENCY - ")
    assert lines[-1].strip().endswith("more groups of questions (--verbose)")


def test_verbose_lists_every_open_red_flag_and_cause() -> None:
    """--verbose adds the red flags not yet ruled out and the causes not settled."""
    verbose = text("--verbose")
    assert "Red flags not yet ruled out" in verbose
    assert "Causes that could not be settled" in verbose
    assert "--verbose lists them" in text()


def test_text_is_styled_with_rich_on_a_terminal_and_plain_otherwise() -> None:
    """The same words; ANSI styles only when standard output is a terminal."""
    styled = text(out=Terminal())
    plain = text()
    assert "\x1b[" in styled
    assert "\x1b[" not in plain
    assert "URGENT: be seen by a clinician in person today." in styled
