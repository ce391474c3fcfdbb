"""Policy settings: defaults, parsing from the command line, and typed errors."""

from __future__ import annotations

import pytest

from legrules import Policy, PolicyError
from legrules.model import WellsVariant


def test_defaults_are_the_documented_ones() -> None:
    """The defaults are those named in rules.md."""
    assert Policy().as_dict() == {
        "wells_variant": "nice-2020",
        "age_adjusted_d_dimer": True,
        "compression_min_abi": 0.8,
        "not_improving_days": 7,
        "lookback_signs_days": 14,
        "lookback_vitals_hours": 24,
        "lookback_labs_days": 7,
    }


def test_every_setting_is_described() -> None:
    """Each setting has a description for the docs and the CLI."""
    assert set(Policy.describe()) == set(Policy.names())
    assert all(Policy.describe().values())


def test_strings_are_parsed_by_the_setting_type() -> None:
    """KEY=VALUE strings become enums, booleans, floats and ints."""
    policy = Policy.from_strings(
        {
            "wells_variant": "wells-1997",
            "age_adjusted_d_dimer": "off",
            "compression_min_abi": "0.9",
            "not_improving_days": "10",
        }
    )
    assert policy.wells_variant is WellsVariant.WELLS_1997
    assert policy.age_adjusted_d_dimer is False
    assert policy.compression_min_abi == 0.9
    assert policy.not_improving_days == 10


@pytest.mark.parametrize(
    ("values", "path"),
    [
        ({"colour": "blue"}, "colour"),
        ({"wells_variant": "wells-2001"}, "wells_variant"),
        ({"not_improving_days": "soon"}, "not_improving_days"),
        ({"not_improving_days": "0"}, "not_improving_days"),
        ({"compression_min_abi": "2"}, "compression_min_abi"),
        ({"age_adjusted_d_dimer": "maybe"}, "age_adjusted_d_dimer"),
    ],
)
def test_bad_settings_are_policy_errors_naming_the_key(values: dict[str, str], path: str) -> None:
    """Unknown keys, bad values and out-of-range numbers name the setting."""
    with pytest.raises(PolicyError) as caught:
        Policy.from_strings(values)
    assert caught.value.path == path


def test_json_values_round_trip() -> None:
    """as_dict and from_dict are inverses."""
    policy = Policy(wells_variant=WellsVariant.WELLS_1997, not_improving_days=3)
    assert Policy.from_dict(policy.as_dict()) == policy


def test_whole_floats_are_accepted_for_day_counts() -> None:
    """A JSON 10.0 is a valid number of days; 10.5 is not."""
    assert Policy.from_dict({"not_improving_days": 10.0}).not_improving_days == 10
    with pytest.raises(PolicyError):
        Policy.from_dict({"not_improving_days": 10.5})
