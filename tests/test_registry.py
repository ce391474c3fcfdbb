"""Rule sets: versioned, immutable, and runnable side by side."""

from __future__ import annotations

import attrs
import pytest

from legrules import LATEST, RULESETS, RulesetError, Status, get_ruleset
from legrules.model import Disposition
from legrules.rules import RuleSet
from legrules.rules.red_flags import TROUBLESOME_CRAMPS
from tests.red_flag_cases import scenario
from tests.support import run


def test_latest_is_the_default_and_is_shipped() -> None:
    """Asking for no version gives the latest shipped rule set."""
    assert get_ruleset() is RULESETS[LATEST]
    assert get_ruleset(LATEST).version == LATEST


def test_unknown_version_is_a_rules_error_naming_the_shipped_ones() -> None:
    """An unknown rule-set version is refused and the message lists what ships."""
    with pytest.raises(RulesetError, match=LATEST):
        get_ruleset("1999.01")


def test_rule_sets_refuse_repeated_ids_and_wrong_order() -> None:
    """A rule set cannot list a rule twice, nor a red flag before the scores it reads."""
    rules = get_ruleset().rules
    with pytest.raises(RulesetError, match="repeats"):
        RuleSet("x", "2026-11-22", (*rules, rules[-1]))
    with pytest.raises(RulesetError, match="ordered"):
        RuleSet("x", "2026-11-22", tuple(reversed(rules)))


def test_every_shipped_rule_has_an_id_version_title_and_citation() -> None:
    """Each rule is identified, versioned and cited."""
    for ruleset in RULESETS.values():
        for rule in ruleset.rules:
            assert rule.id.split(".")[0] in {"score", "redflag", "ddx", "rec"}
            assert rule.version.count(".") == 2
            assert rule.title
            assert rule.citations


def test_an_older_rule_set_stays_runnable_beside_a_newer_one() -> None:
    """Two rule sets with different versions of a rule each give their own conclusion."""
    stricter = attrs.evolve(TROUBLESOME_CRAMPS, version="2.0.0", level=Disposition.SOON)
    rules = tuple(stricter if r.id == stricter.id else r for r in get_ruleset().rules)
    newer = RuleSet("2099.01", "2099-01-01", rules)
    cramps = scenario(present=("leg-cramp", "cramp-very-painful"))
    old, new = run(cramps), run(cramps, ruleset=newer)
    assert (old.ruleset.version, new.ruleset.version) == (LATEST, "2099.01")
    assert old.red_flag(stricter.id).version == "1.0.0"
    assert new.red_flag(stricter.id).version == "2.0.0"
    assert old.red_flag(stricter.id).status is Status.MET
    assert (old.disposition, new.disposition) == (Disposition.ROUTINE, Disposition.SOON)
