"""An assessment document read back gives the assessment that was written."""

from __future__ import annotations

import pytest

import legrules
from legrules.errors import InvalidValueError
from tests.support import make, run


def _assessment() -> legrules.Assessment:
    return run(make(present=["leg-pain", "dyspnea"], absent=["hemoptysis"], age=60))


def test_dumped_assessment_loads_back_equal() -> None:
    """``load_assessment(dump_assessment(a)) == a``, including the derived cds_indicator."""
    result = _assessment()
    document = legrules.dump_assessment(result)
    assert document["cds_indicator"] == "critical"
    assert legrules.load_assessment(document) == result


def test_cds_indicator_that_contradicts_the_disposition_is_rejected() -> None:
    """A stored document whose cds_indicator disagrees with its disposition is an error."""
    document = legrules.dump_assessment(_assessment())
    document["cds_indicator"] = "info"
    with pytest.raises(InvalidValueError, match="cds_indicator") as caught:
        legrules.load_assessment(document)
    assert caught.value.path == "$.cds_indicator"
