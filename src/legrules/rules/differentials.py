"""The fourteen differentials of ``rules.md`` section 4, in evaluation order.

Defined once here so that the registry and the rules that read "every differential"
(the symptom log's "no cause found") cannot drift apart.
"""

from __future__ import annotations

from legrules.engine.base import DifferentialRule
from legrules.rules import benign, cramps
from legrules.rules.dvt import DDX_DVT
from legrules.rules.pad import DDX_PAD
from legrules.rules.rls import DDX_RLS
from legrules.rules.sciatica import DDX_SCIATICA

__all__ = ["DIFFERENTIALS"]

#: The differentials in ``rules.md`` order.
DIFFERENTIALS: tuple[DifferentialRule, ...] = (
    DDX_DVT,
    DDX_PAD,
    DDX_RLS,
    DDX_SCIATICA,
    cramps.DDX_NOCTURNAL_CRAMPS,
    benign.DDX_DOMS,
    benign.DDX_STRAIN,
    benign.DDX_SHIN_SPLINTS,
    benign.DDX_ACHILLES,
    benign.DDX_PATELLOFEMORAL,
    benign.DDX_VENOUS,
    cramps.DDX_ELECTROLYTES,
    cramps.DDX_MEDICATION,
    benign.DDX_STRESS,
)
