"""score.edinburgh-claudication: the Edinburgh Claudication Questionnaire (Leng & Fowkes 1992)."""

from __future__ import annotations

import pytest

from legrules.model import ScoreResult
from legrules.rules.pad import edinburgh
from tests.support import make, run

#: Answers of a definite grade 1 claudicant.
DEFINITE_1: dict[str, bool] = {
    "pain-on-walking": True,
    "pain-starts-at-rest": False,
    "pain-uphill-or-hurrying": True,
    "pain-gone-within-10-min-standing": True,
    "pain-site-calf": True,
    "pain-site-thigh-or-buttock": False,
    "pain-ordinary-pace": False,
}


def score(answers: dict[str, bool]) -> ScoreResult:
    present = [k for k, v in answers.items() if v]
    absent = [k for k, v in answers.items() if not v]
    return run(make(present=present, absent=absent)).score("score.edinburgh-claudication")


def with_answers(**changes: bool) -> dict[str, bool]:
    return {**DEFINITE_1, **{k.replace("_", "-"): v for k, v in changes.items()}}


@pytest.mark.parametrize(
    ("answers", "klass", "grade"),
    [
        pytest.param(DEFINITE_1, "definite", 1, id="calf-not-at-ordinary-pace-definite-1"),
        pytest.param(with_answers(pain_ordinary_pace=True), "definite", 2, id="definite-2"),
        pytest.param(
            with_answers(pain_site_thigh_or_buttock=True), "definite", 1, id="calf-and-thigh"
        ),
        pytest.param(
            with_answers(pain_site_calf=False, pain_site_thigh_or_buttock=True),
            "atypical",
            1,
            id="thigh-without-calf-atypical-1",
        ),
        pytest.param(
            with_answers(
                pain_site_calf=False, pain_site_thigh_or_buttock=True, pain_ordinary_pace=True
            ),
            "atypical",
            2,
            id="atypical-2",
        ),
        pytest.param(with_answers(pain_on_walking=False), "negative", 0, id="no-pain-walking"),
        pytest.param(with_answers(pain_starts_at_rest=True), "negative", 0, id="starts-at-rest"),
        pytest.param(with_answers(pain_uphill_or_hurrying=False), "negative", 0, id="not-uphill"),
        pytest.param(
            with_answers(pain_gone_within_10_min_standing=False), "negative", 0, id="lasts"
        ),
        pytest.param(
            with_answers(pain_site_calf=False), "negative", 0, id="neither-calf-nor-thigh"
        ),
    ],
)
def test_edinburgh_class_and_grade(answers: dict[str, bool], klass: str, grade: int) -> None:
    """Complete answers give a class and a grade (0 when negative) with no missing items."""
    result = score(answers)
    assert (result.class_, result.value) == (klass, grade)
    assert result.missing == ()
    assert edinburgh(answers) == (klass, grade)


def test_edinburgh_unknown_core_item_is_indeterminate_naming_it() -> None:
    """An unknown 'gone within 10 minutes' leaves the class open and names that item."""
    answers = dict(DEFINITE_1)
    del answers["pain-gone-within-10-min-standing"]
    result = score(answers)
    assert result.class_ is None
    assert (result.value, result.min, result.max) == (None, 0, 1)
    assert result.missing == ("pain-gone-within-10-min-standing",)


def test_edinburgh_negative_item_settles_it_despite_unknowns() -> None:
    """Pain that starts at rest makes it negative whatever the unknown answers."""
    result = score({"pain-starts-at-rest": True})
    assert (result.class_, result.value, result.missing) == ("negative", 0, ())


def test_edinburgh_unknown_grade_keeps_the_class() -> None:
    """A definite claudicant with the ordinary-pace answer unknown: definite, grade 1 to 2."""
    answers = dict(DEFINITE_1)
    del answers["pain-ordinary-pace"]
    result = score(answers)
    assert result.class_ == "definite"
    assert (result.value, result.min, result.max) == (None, 1, 2)
    assert result.missing == ("pain-ordinary-pace",)


def test_edinburgh_unknown_site_names_only_the_sites_that_matter() -> None:
    """With calf pain present the thigh answer does not matter; with it unknown, it does."""
    answers = dict(DEFINITE_1)
    del answers["pain-site-thigh-or-buttock"]
    assert score(answers).missing == ()
    del answers["pain-site-calf"]
    result = score(answers)
    assert result.class_ is None
    assert set(result.missing) == {"pain-site-calf", "pain-site-thigh-or-buttock"}


def test_edinburgh_with_nothing_known_names_every_item() -> None:
    """With no answers the questionnaire is indeterminate and names all seven items."""
    result = run(make()).score("score.edinburgh-claudication")
    assert result.class_ is None
    assert len(result.missing) == 7
