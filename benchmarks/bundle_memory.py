"""Peak memory of ``legrules assess`` on one large Bundle: read whole, then streamed.

    python benchmarks/bundle_memory.py                 # ~70 MB Bundle, 20,000 patients
    python benchmarks/bundle_memory.py --patients 2000  # a quick look

The Bundle is the synthetic bulk export of ``examples/data/make_bulk_export.py``
(sorted, one file) wrapped in a collection Bundle, every entry with a ``urn:uuid:``
fullUrl and every subject pointing at its Patient's fullUrl, so that the streamed
path has to resolve references through what its first pass learnt.  The CLI runs
twice in a child process: with ``LEGRULES_STREAM_BYTES`` set above the file's size
(the whole document parsed in memory, as before streaming existed) and with the
default threshold (streamed).  Printed: the file's size, each run's peak resident
memory (``ru_maxrss`` of the child) and wall time, and whether the two outputs are
byte-identical.  Not a test: the numbers depend on the machine and its load.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import orjson

ROOT = Path(__file__).parents[1]
AS_OF = "2026-11-20T10:00:00Z"


def make_bundle(folder: Path, patients: int) -> Path:
    """The export as one collection Bundle with ``urn:uuid:`` references (see the module).

    Written entry by entry: this process stays small, since a child's peak resident
    memory (``ru_maxrss``) counts what it shared with its parent when forked.
    """
    subprocess.run(
        [
            sys.executable,
            str(ROOT / "examples/data/make_bulk_export.py"),
            str(folder / "bulk"),
            "--patients",
            str(patients),
            "--sorted",
            "--single-file",
        ],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    export = folder / "bulk" / "export.ndjson"
    urls: dict[str, str] = {}
    with export.open("rb") as lines:
        for i, line in enumerate(lines):
            if line.startswith(b'{"resourceType":"Patient"') or b'"resourceType":"Patient"' in line:
                resource = orjson.loads(line)
                if resource["resourceType"] == "Patient":
                    urls[f"Patient/{resource['id']}"] = f"urn:uuid:{uuid.UUID(int=i + 1)}"
    path = folder / "bundle.json"
    with export.open("rb") as lines, path.open("wb") as out:
        out.write(b'{"resourceType":"Bundle","type":"collection","entry":[')
        for i, line in enumerate(lines):
            resource = orjson.loads(line)
            subject = resource.get("subject")
            if isinstance(subject, dict) and subject.get("reference") in urls:
                subject["reference"] = urls[subject["reference"]]
            entry = {"fullUrl": f"urn:uuid:{uuid.UUID(int=i + 1)}", "resource": resource}
            out.write((b"," if i else b"") + orjson.dumps(entry))
        out.write(b"]}")
    export.unlink()
    return path


def run(path: Path, out: Path, stream_bytes: int | None) -> tuple[float, float]:
    """Peak RSS (MB) and wall seconds of ``legrules assess`` on *path*."""
    env = dict(os.environ)
    env.pop("LEGRULES_STREAM_BYTES", None)
    if stream_bytes is not None:
        env["LEGRULES_STREAM_BYTES"] = str(stream_bytes)
    argv = [
        sys.executable,
        "-c",
        "import sys; from legrules.cli import main; sys.exit(main())",
        "assess",
        str(path),
        "--format",
        "json",
        "--as-of",
        AS_OF,
        "--no-progress",
    ]
    start = time.perf_counter()
    with out.open("wb") as handle:
        child = subprocess.Popen(argv, stdout=handle, env=env)
        _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"legrules assess failed on {path}")
    return usage.ru_maxrss / 1024, seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patients", type=int, default=20_000)
    parser.add_argument("--bundle", type=Path, help="use this Bundle instead of generating one")
    parser.add_argument("--skip-whole", action="store_true", help="only the streamed run")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="legrules-bundle-") as folder:
        path = args.bundle or make_bundle(Path(folder), args.patients)
        size = path.stat().st_size
        print(f"Bundle: {size / 1e6:.1f} MB, {path}")
        if not args.skip_whole:
            whole = run(path, Path(folder) / "whole.jsonl", size + 1)
            print(f"  read whole:  peak RSS {whole[0]:7.1f} MB, {whole[1]:6.1f} s", flush=True)
        streamed = run(path, Path(folder) / "streamed.jsonl", None)
        print(f"  streamed:    peak RSS {streamed[0]:7.1f} MB, {streamed[1]:6.1f} s")
        if not args.skip_whole:
            same = (Path(folder) / "whole.jsonl").read_bytes() == (
                Path(folder) / "streamed.jsonl"
            ).read_bytes()
            print(f"  outputs byte-identical: {same}")
        print(f"  load average {os.getloadavg()}")


if __name__ == "__main__":
    main()
