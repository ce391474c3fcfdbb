"""The ``serve`` and ``feedback`` subcommands, registered by :mod:`legrules.cli`.

``legrules serve [--host H] [--port P] [--config FILE] [--workers N]`` runs the service
with uvicorn; ``legrules feedback report [--config FILE | --database PATH]`` prints
acceptance and override rates per rule.
"""

from __future__ import annotations

import argparse
import os
from typing import IO, TYPE_CHECKING, Any

from legrules.errors import InvalidValueError

if TYPE_CHECKING:
    from legrules.cdshooks.store import RuleRates

# The service's modules (and their dependencies, from the 'service' extra) are imported
# by the commands that run, so that `legrules` starts fast and works without the extra.

__all__ = ["app_from_environment", "register"]

_CONFIG_VARIABLE = "LEGRULES_CDS_CONFIG"


def app_from_environment() -> Any:
    """The app for uvicorn's workers: configured from ``LEGRULES_CDS_CONFIG`` and env."""
    from legrules.cdshooks import create_app, load_config

    return create_app(load_config(os.environ.get(_CONFIG_VARIABLE)))


def _serve(args: argparse.Namespace, out: IO[str], err: IO[str]) -> int:
    from legrules.cdshooks import load_config

    try:
        import uvicorn
    except ImportError:
        raise InvalidValueError(
            "serve needs the 'service' extra: pip install 'legrules[service]'", "serve"
        ) from None

    path = os.path.abspath(args.config) if args.config else os.environ.get(_CONFIG_VARIABLE)
    config = load_config(path)  # a bad configuration fails here, once, with its setting
    if path:  # the workers read it again, from the environment they inherit
        os.environ[_CONFIG_VARIABLE] = path
    err.write(
        f"legrules: serving {config.public_url}/cds-services on http://{args.host}:{args.port}"
        f" ({args.workers} worker{'s' if args.workers > 1 else ''}; database {config.database})\n"
    )
    err.flush()
    uvicorn.run(
        "legrules.cdshooks.cli:app_from_environment",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        log_level=args.log_level,
    )
    return 0


def _percent(rate: float | None) -> str:
    return "-" if rate is None else f"{100 * rate:.1f}%"


def report_lines(rates: list[RuleRates]) -> list[str]:
    """The feedback report as lines of text."""
    if not rates:
        return ["no cards issued and no feedback received yet"]
    lines = [f"{'rule':<42} {'issued':>7} {'accepted':>9} {'overridden':>11}  reasons"]
    for r in rates:
        reasons = ", ".join(f"{code} x{n}" for code, n in r.reasons) or "-"
        lines.append(
            f"{r.rule:<42} {r.issued:>7} {_percent(r.acceptance_rate):>9} "
            f"{_percent(r.override_rate):>11}  {reasons}"
        )
    return lines


def _feedback(args: argparse.Namespace, out: IO[str], err: IO[str]) -> int:
    from legrules.cdshooks.config import load_config
    from legrules.cdshooks.store import Store

    if args.database:
        path = args.database
    elif args.config or os.environ.get(_CONFIG_VARIABLE):
        path = load_config(args.config or os.environ.get(_CONFIG_VARIABLE)).database
    else:
        raise InvalidValueError("name the database with --database or --config", "--database")
    if not os.path.exists(path):
        raise InvalidValueError(f"no database at {str(path)!r}", "--database")
    store = Store(path)
    try:
        out.write("\n".join(report_lines(store.rates())) + "\n")
    finally:
        store.close()
    return 0


def _port(text: str) -> int:
    value = int(text)
    if not 0 < value < 65536:
        raise argparse.ArgumentTypeError("a port is 1 to 65535")
    return value


def register(commands: Any) -> None:
    """Add ``serve`` and ``feedback`` to the ``legrules`` subcommands *commands*."""
    serve = commands.add_parser("serve", help="run the CDS Hooks service")
    serve.add_argument("--host", default="127.0.0.1", help="address (default 127.0.0.1)")
    serve.add_argument("--port", type=_port, default=8000, help="port (default 8000)")
    serve.add_argument(
        "--config", metavar="FILE", help=f"TOML configuration (default: ${_CONFIG_VARIABLE})"
    )
    serve.add_argument("--workers", type=int, default=1, help="worker processes (default 1)")
    serve.add_argument(
        "--log-level",
        dest="log_level",
        default="info",
        choices=("critical", "error", "warning", "info", "debug"),
    )
    serve.set_defaults(handler=_serve)

    feedback = commands.add_parser("feedback", help="report clinicians' feedback on cards")
    feedback.add_argument("action", choices=("report",))
    feedback.add_argument("--config", metavar="FILE", help="the service's configuration")
    feedback.add_argument("--database", metavar="PATH", help="the service's SQLite database")
    feedback.set_defaults(handler=_feedback)
