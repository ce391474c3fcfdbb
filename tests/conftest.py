"""Hypothesis settings profiles for the whole suite.

``LEGRULES_HYPOTHESIS_PROFILE`` chooses one (default ``ci``, what ``make test`` runs):

* ``ci``: derandomized (the same examples on every run, so CI is reproducible), no
  example database, no deadline (CI machines vary), a modest number of examples;
* ``dev``: random examples saved in the local database so failures replay, more
  examples, and the default health checks;
* ``thorough``: for nightly runs, many more examples (and ten times more fuzzing).
"""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, Verbosity, settings

from legrules.fhir.write.transaction import transaction_bundle

PROFILES = ("ci", "dev", "thorough")

settings.register_profile(
    "ci",
    max_examples=60,
    derandomize=True,
    database=None,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile("dev", max_examples=150, deadline=None, print_blob=True)
settings.register_profile(
    "thorough",
    max_examples=2_000,
    deadline=None,
    print_blob=True,
    verbosity=Verbosity.normal,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def profile_name() -> str:
    """The profile chosen by ``LEGRULES_HYPOTHESIS_PROFILE`` (default ``ci``)."""
    name = os.environ.get("LEGRULES_HYPOTHESIS_PROFILE", "ci")
    if name not in PROFILES:
        raise ValueError(f"LEGRULES_HYPOTHESIS_PROFILE must be one of {', '.join(PROFILES)}")
    return name


settings.load_profile(profile_name())

#: Generated inputs per fuzzed entry point: at least 10,000 in ``make test``.
FUZZ_EXAMPLES = {"ci": 10_000, "dev": 2_000, "thorough": 100_000}[profile_name()]


def scaled(examples: int) -> int:
    """*examples* for the ci profile, more under dev and thorough (for costly tests)."""
    return examples * {"ci": 1, "dev": 3, "thorough": 30}[profile_name()]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run the tests marked slow first, each tier in its usual order.

    ``make test`` runs two xdist workers (``--dist load``) handing out the tests in this
    order one at a time (``--maxschedchunk 1``, in ``pyproject.toml``'s addopts).  With
    the slow tests first the two workers share them from the start and finish on short
    tests, instead of one worker drawing a several-minute test at the very end while
    the other waits.  (Without ``--maxschedchunk`` xdist first sends each worker a
    *consecutive* chunk of about an eighth of the suite: every slow test went to the
    first worker, which ran them one after another while the second ran out of work.)
    """
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)


#: transaction_bundle's keyword defaults as the library ships them (before the fixture).
LIBRARY_BUNDLE_DEFAULTS = dict(transaction_bundle.__kwdefaults__ or {})


@pytest.fixture(autouse=True, scope="session")
def _validate_every_written_bundle() -> object:
    """Every Bundle the tests write is validated with fhir.resources.

    The library builds plain dicts by default (validation is opt-in: ``validate=True``,
    ``--fhir-strict``); in the tests the default is switched on, so a writer change that
    produces invalid FHIR fails wherever a Bundle is written.
    """
    defaults = transaction_bundle.__kwdefaults__
    assert defaults is not None
    defaults["validate"] = True
    yield
    defaults["validate"] = LIBRARY_BUNDLE_DEFAULTS["validate"]
