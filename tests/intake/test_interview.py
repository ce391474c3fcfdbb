"""legrules interview: the adaptive interview in a terminal, answers piped in."""

from __future__ import annotations

from tests.cli.test_commands import cli


def test_the_interview_stops_at_an_emergency_and_prints_it() -> None:
    """A swollen left leg and a pulse of 140 a minute: two questions, then EMERGENCY."""
    code, out, err = cli("interview", stdin=b"y\nl\n140\n")
    assert (code, err) == (0, "")
    assert "Is your leg swollen?" in out
    assert "2 questions asked." in out
    assert "EMERGENCY" in out


def test_dont_know_moves_on_to_the_next_question() -> None:
    """A "?" is taken as don't know: that question is not put again, another one is."""
    code, out, _ = cli("interview", stdin=b"?\n")
    assert code == 2  # the piped answers ran out at the second question
    assert out.count("Is your leg swollen?") == 1
    rest = out.split("Is your leg swollen? [y/n/?]:", 1)[1]
    assert rest.strip()  # the next question was put before the answers ran out


def test_answers_that_run_out_are_an_input_error() -> None:
    """A piped interview that ends early exits 2 with one line, not a hang."""
    code, _, err = cli("interview", stdin=b"y\n")
    assert code == 2
    assert err == "legrules: error: the answers ended before the interview did @ stdin\n"
