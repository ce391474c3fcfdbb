"""The text output leads with what to ask when the unknowns could raise the level."""

from __future__ import annotations

from legrules.model.asking import ask_now, display
from legrules.render import render_text
from tests.support import run_2026_11 as run
from tests.test_open_questions import CAUDA_EQUINA, _quiet, _sciatica


def test_text_leads_with_the_questions_that_could_make_it_an_emergency() -> None:
    """Likely sciatica with the cauda equina questions unasked: the first line asks them."""
    lines = render_text(_sciatica(*CAUDA_EQUINA)).splitlines()
    assert lines[0] == (
        "Ask now: saddle (perineal) numbness, new urinary retention or difficulty starting "
        "urination, new urinary incontinence - any of these could mean EMERGENCY."
    )
    assert lines[1].startswith("ROUTINE:")
    assert lines[1].endswith(" Until the questions are answered it could be EMERGENCY.")


def test_text_starts_with_the_disposition_when_nothing_open_could_raise_it() -> None:
    """Nothing open above the disposition: no question line, no worst-case line."""
    text = render_text(_sciatica())
    assert text.startswith("ROUTINE:")
    assert "Ask now" not in text
    assert "Until the questions are answered" not in text


def test_long_lists_name_the_first_questions_and_count_the_rest() -> None:
    """Only *limit* findings are named; the sentence says how many more there are."""
    sentence = ask_now(_sciatica(*CAUDA_EQUINA, "fecal-incontinence"), limit=2)
    assert sentence == (
        "Ask now: saddle (perineal) numbness, new urinary retention or difficulty starting "
        "urination (and 2 more) - any of these could mean EMERGENCY."
    )


def test_when_only_an_absence_could_raise_it_the_open_red_flag_is_named() -> None:
    """Injury unknown for sudden severe pain: its absence, not presence, would raise it."""
    result = run(
        _quiet(present=("sudden-onset",), unknown=("injury",), measured={"pain-score": (8, "1")})
    )
    assert ask_now(result) == (
        "Ask now: injury to the leg (for redflag.sudden-severe-pain) - the answer could mean "
        "URGENT."
    )


def test_finding_names_read_as_part_of_a_sentence() -> None:
    """Display names lose their capital, abbreviations keep theirs, unknown ids stay."""
    assert display("saddle-anesthesia") == "saddle (perineal) numbness"
    assert display("abi") == "ankle-brachial index"
    assert display("age") == "age"
