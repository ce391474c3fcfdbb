"""legrules as a CDS Hooks 2.0 service: an ASGI app for the EHR's workflow.

``legrules serve`` runs it with uvicorn; :func:`create_app` builds it for any ASGI
server.  Needs the ``service`` extra (``pip install 'legrules[service]'``); the names
below are loaded on first use, so that ``legrules`` itself starts without it.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from legrules.cdshooks.app import create_app, discovery
    from legrules.cdshooks.config import Issuer, ServiceConfig, load_config
    from legrules.cdshooks.prefetch import Template
    from legrules.cdshooks.store import FeedbackRecord, RuleRates, Store

__all__ = [
    "FeedbackRecord",
    "Issuer",
    "RuleRates",
    "ServiceConfig",
    "Store",
    "Template",
    "create_app",
    "discovery",
    "load_config",
]

# The constants (SERVICE_ID, TEMPLATES, ENVIRONMENT, ASYMMETRIC_ALGORITHMS) stay in
# their modules: legrules.cdshooks.app, .prefetch, .config and .security.
_HOMES = {
    "create_app": "app",
    "discovery": "app",
    "Issuer": "config",
    "ServiceConfig": "config",
    "load_config": "config",
    "Template": "prefetch",
    "FeedbackRecord": "store",
    "RuleRates": "store",
    "Store": "store",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'legrules.cdshooks' has no attribute {name!r}")
    try:
        module = importlib.import_module(f"legrules.cdshooks.{home}")
    except ImportError as error:  # pragma: no cover - depends on the installation
        raise ImportError(
            f"legrules.cdshooks needs the 'service' extra ({error.name} is missing): "
            "pip install 'legrules[service]'"
        ) from error
    return getattr(module, name)
