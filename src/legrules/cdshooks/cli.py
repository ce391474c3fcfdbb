"""The ``serve`` and ``feedback`` subcommands, registered by :mod:`legrules.cli`.

``legrules serve [--host H] [--port P] [--config FILE] [--workers N|auto]`` runs the
service with uvicorn (by default one worker process per CPU it may use, since each call
is CPU-bound and a process runs Python on one CPU at a time); ``legrules feedback
report [--config FILE | --database PATH]`` prints acceptance and override rates per rule.
"""

from __future__ import annotations

import argparse
import gc
import os
from typing import IO, TYPE_CHECKING, Any

from legrules.errors import InvalidValueError

if TYPE_CHECKING:
    from legrules.cdshooks.store import RuleRates

# The service's modules (and their dependencies, from the 'service' extra) are imported
# by the commands that run, so that `legrules` starts fast and works without the extra.

__all__ = ["app_from_environment", "register", "usable_cpus"]

_CONFIG_VARIABLE = "LEGRULES_CDS_CONFIG"
# Allocations beyond deallocations before the collector runs in a worker (default 700).
_YOUNG_THRESHOLD = 20_000


def app_from_environment() -> Any:
    """The app for uvicorn's workers: configured from ``LEGRULES_CDS_CONFIG`` and env."""
    from legrules.cdshooks import create_app, load_config
    from legrules.intake.service import routes as intake_routes

    config = load_config(os.environ.get(_CONFIG_VARIABLE))
    # The adaptive intake form's $next-question is served beside the CDS Hooks endpoints.
    app = create_app(config, extra_routes=intake_routes(ruleset=config.ruleset))
    _settle(config.ruleset)
    return app


def _settle(ruleset: str | None) -> None:
    """Ready a worker process for its calls: rules compiled, start-up objects frozen.

    One assessment compiles the rule set's evaluator now rather than in the first
    clinician's call.  Then everything alive (modules, the compiled rules) lives as long
    as the worker, so :func:`gc.freeze` takes it out of the collector's reach: the full
    collections a call's garbage triggers no longer walk it (measured: the collector's
    share of a call's CPU time halved, 0.4 to 0.2 ms).

    A call builds a few thousand objects that live until it ends and are then freed by
    reference counting, so the default youngest-generation threshold (700 allocations
    more than deallocations) ran the collector several times per call over objects
    that were not garbage (0.2 ms a call, measured).  At 20,000 it runs only when that
    many objects outlive the calls that made them, which calls rarely do (they leave
    few reference cycles), so it still reclaims cycles, without the pointless passes.
    """
    from datetime import UTC, datetime

    from legrules import Presentation, assess, get_ruleset

    assess(
        Presentation.of(present=["leg-pain"]), as_of=datetime.now(UTC), ruleset=get_ruleset(ruleset)
    )
    gc.collect()
    gc.freeze()
    gc.set_threshold(_YOUNG_THRESHOLD, *gc.get_threshold()[1:])


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
    workers = usable_cpus() if args.workers == "auto" else args.workers
    err.write(
        f"legrules: serving {config.public_url}/cds-services on http://{args.host}:{args.port}"
        f" ({workers} worker{'s' if workers > 1 else ''}; database {config.database})\n"
    )
    err.flush()
    uvicorn.run(
        "legrules.cdshooks.cli:app_from_environment",
        factory=True,
        host=args.host,
        port=args.port,
        workers=workers,
        log_level=args.log_level,
        access_log=args.access_log,
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


def usable_cpus() -> int:
    """The CPUs this process may run on (its affinity where the system tells it)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - macOS and Windows have no affinity call
        return os.cpu_count() or 1


def _workers(text: str) -> int | str:
    if text == "auto":
        return text
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError("workers is a whole number, 1 or more, or 'auto'")
    return value


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
    serve.add_argument(
        "--workers",
        type=_workers,
        default="auto",
        metavar="N|auto",
        help="worker processes (default auto: one per CPU this process may use)",
    )
    serve.add_argument(
        "--no-access-log",
        dest="access_log",
        action="store_false",
        help="do not log a line per request (uvicorn's access log, at level info)",
    )
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
