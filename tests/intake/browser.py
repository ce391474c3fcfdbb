"""A loopback static server and headless Debian chromium, for the form-renderer test.

``make renderer`` installs what this needs: LHC-Forms from npm (pinned by
``tests/intake/renderer/package-lock.json``) and Debian's ``chromium``.  Nothing here
reaches the network: the page and the renderer are served from 127.0.0.1.
"""

from __future__ import annotations

import functools
import http.server
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

RENDERER = Path(__file__).parent / "renderer"
LFORMS = RENDERER / "node_modules" / "lforms" / "dist" / "lforms"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
#: Headless, no sandbox (root in CI), and nothing that phones home.
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        """Keep the test output clean."""


def site(root: Path, questionnaire: bytes) -> None:
    """Lay out the page, the renderer and *questionnaire* under *root*."""
    (root / "index.html").write_bytes((RENDERER / "index.html").read_bytes())
    (root / "questionnaire.json").write_bytes(questionnaire)
    (root / "lforms").symlink_to(LFORMS, target_is_directory=True)


@contextmanager
def serve(root: Path) -> Iterator[str]:
    """Serve *root* on a free loopback port; yields the base URL."""
    handler = functools.partial(_Quiet, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
