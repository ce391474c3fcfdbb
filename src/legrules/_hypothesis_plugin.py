"""Hypothesis entry point: register legrules' strategies for ``st.from_type``.

Hypothesis runs this hook while it is being imported.  The hook must therefore not import
:mod:`legrules.strategies` (which itself imports hypothesis) at that moment: it registers
deferred strategies that load the real ones on first use.
"""

from __future__ import annotations

from typing import Any


def _hypothesis_setup_hook() -> None:
    """Register presentations, findings, measurements, patients, sources and policies."""
    from hypothesis import strategies as st

    from legrules.model import Finding, Measurement, Patient, Policy, Presentation, Source

    def lazy(name: str) -> st.SearchStrategy[Any]:
        def build() -> st.SearchStrategy[Any]:
            from legrules import strategies

            strategy: st.SearchStrategy[Any] = getattr(strategies, name)()
            return strategy

        return st.deferred(build)

    for kind, name in (
        (Presentation, "presentations"),
        (Finding, "findings"),
        (Measurement, "measurements"),
        (Patient, "patients"),
        (Source, "sources"),
        (Policy, "policies"),
    ):
        st.register_type_strategy(kind, lazy(name))
