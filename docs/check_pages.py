"""Check the built documentation in headless Chromium: screenshots, overflow, no network.

Run by ``make docs-check`` after ``make docs``::

    python docs/check_pages.py docs/_build/html docs/_build/screenshots

For each page below it saves a wide (desktop) and a narrow (phone) screenshot, for a
person to look at, and fails when

* a page, or a code block, is wider than a narrow screen (measured in the browser: a
  copy of the page with a small script reports what overflows; a code block that
  needs a horizontal scroll bar counts, a wide table scrolling in its own box does
  not), or
* any built page or stylesheet loads something from the network (a CDN script, font
  or image): the documentation must read the same offline.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

PAGES = [
    "index.html",
    "tutorial/first-assessment.html",
    "explanation/dispositions.html",
    "howto/fhir-output.html",
    "reference/cli.html",
    "catalogue/index.html",
    "catalogue/generated/{latest}/redflag.suspected-dvt.html",
]
SIZES = {"wide": (1280, 1800), "narrow": (390, 2400)}
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--hide-scrollbars",
]
# A resource fetched from elsewhere: src/href/data of the tags that load, and CSS url().
REMOTE = re.compile(
    r"<(?:script|img|iframe|object|source|link)\b[^>]*?\b(?:src|data|href)=[\"']"
    r"(?:https?:)?//[^\"']+[\"'][^>]*>|url\(\s*[\"']?(?:https?:)?//",
    re.IGNORECASE,
)
# Links to other sites (<a href>, <link rel=canonical>) load nothing and are fine.
HARMLESS = re.compile(r"<link\b[^>]*rel=[\"'](?:canonical|alternate)[\"']", re.IGNORECASE)
PROBE = """<script>
window.addEventListener("load", () => {
  // Beyond the screen's edge, or (code) hidden behind a horizontal scroll bar.
  const wide = [...document.querySelectorAll("div.highlight pre, table, div.graphviz")]
    .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1
      || (e.tagName === "PRE" && e.scrollWidth > e.clientWidth + 1))
    .map(e => e.tagName.toLowerCase() + ":" + (e.textContent || "").trim().slice(0, 40));
  const page = document.documentElement.scrollWidth > window.innerWidth + 1;
  const out = document.createElement("pre");
  out.id = "legrules-probe";
  out.textContent = JSON.stringify({page: page, wide: wide});
  document.body.appendChild(out);
});
</script>"""


def chromium() -> str:
    """The Chromium executable (``make chromium`` installs Debian's package)."""
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    sys.exit("docs-check: Chromium is not installed (make chromium installs it)")


def run(browser: str, *args: str) -> str:
    """Run headless Chromium with a throw-away profile; its standard output."""
    with tempfile.TemporaryDirectory(prefix="legrules-chromium-") as profile:
        done = subprocess.run(
            [browser, *FLAGS, f"--user-data-dir={profile}", *args],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    if done.returncode != 0:
        raise RuntimeError(f"chromium {args[-1]} failed:\n{done.stderr[-2000:]}")
    return done.stdout


def remote_loads(html: Path) -> list[str]:
    """Every place in the built site that would fetch something from the network."""
    found = []
    for path in sorted([*html.rglob("*.html"), *html.rglob("*.css"), *html.rglob("*.svg")]):
        text = path.read_text(encoding="utf-8", errors="replace")
        for match in REMOTE.finditer(text):
            if not HARMLESS.match(match.group(0)):
                found.append(f"{path.relative_to(html)}: {match.group(0)[:120]}")
    return found


def overflow(browser: str, page: Path) -> str | None:
    """What is wider than a narrow screen on *page* (a probed copy beside it), or None."""
    probe = page.with_name(page.stem + ".probe.html")
    probe.write_text(
        page.read_text(encoding="utf-8").replace("</body>", PROBE + "</body>"), encoding="utf-8"
    )
    try:
        width, height = SIZES["narrow"]
        dom = run(
            browser,
            f"--window-size={width},{height}",
            "--virtual-time-budget=5000",
            "--dump-dom",
            probe.as_uri(),
        )
    finally:
        probe.unlink()
    match = re.search(r'<pre id="legrules-probe">(.*?)</pre>', dom, re.DOTALL)
    if match is None:
        return "the probe did not run"
    report = match.group(1).replace("&quot;", '"')
    return None if report == '{"page":false,"wide":[]}' else report


def main(argv: list[str]) -> int:
    """Screenshot and check the pages; exit 1 listing every problem."""
    from legrules.rules import LATEST

    html, shots = Path(argv[1]).resolve(), Path(argv[2]).resolve()
    shots.mkdir(parents=True, exist_ok=True)
    browser = chromium()
    problems = remote_loads(html)
    for name in (p.format(latest=LATEST) for p in PAGES):
        page = html / name
        if not page.exists():
            problems.append(f"{name}: not built")
            continue
        stem = name.removesuffix(".html").replace("/", "--")
        for size, (width, height) in SIZES.items():
            target = shots / f"{stem}.{size}.png"
            run(browser, f"--window-size={width},{height}", f"--screenshot={target}", page.as_uri())
            print(f"docs-check: {target.relative_to(Path.cwd())}")
        wide = overflow(browser, page)
        if wide:
            problems.append(f"{name}: wider than a {SIZES['narrow'][0]}px screen: {wide}")
    for problem in problems:
        print(f"docs-check: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
