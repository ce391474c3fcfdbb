"""The hostile-input campaign: every input read right or refused cleanly; no crash, no hang.

    python benchmarks/hostile.py            # the full run
    python benchmarks/hostile.py --quick    # every tenth input, for a quick look

Inputs are the reproducers of issue 10 and mutations of FHIR data no one here wrote
(the official R4 examples of the types legrules reads, its Bundles) and of the
shipped examples: truncation, type swaps, nulls, duplicate keys, withdrawn
(entered-in-error) resources, huge and underflowing numbers, invalid UTF-8, lone
surrogates, byte-order marks, NULs in date-times, deep nesting, two patients in one
Bundle.  Each goes through the Python API (``read_presentations``,
``read_presentation``) and the command line (``legrules assess``, in process).

Every input that is one JSON document also goes through the streamed reader
(``legrules.fhir.read.streamed``, forced with ``LEGRULES_STREAM_BYTES=0``: the API on
bytes, the command line on a file), whose answer must equal the in-memory one (else a
*stream disagreement*); and inputs made for it are added: large Bundles cut off at
many points, a huge entry, entries nested deep, an entry list given twice, the
resourceType after the entries, lone surrogates across read chunks.

Counted per input and entry point: a result, a clean error (a ``LegrulesError``; exit
2 with one line), a crash (anything else; exit 1), a hang (no answer within
``--bound`` seconds) and a wrong answer, checked against the input itself (read
with :func:`json.loads` hooks that see every duplicate key):

* a fact is never taken from a resource that is, in any of its copies of
  ``status``, entered-in-error, nor from one holding a number that underflows to 0;
* a fact is never attributed to another patient than the one its resource's
  ``subject`` (``Patient/<id>``) names.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import itertools
import json
import os
import random
import signal
import sys
import tempfile
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from legrules import LegrulesError
from legrules.cli import main
from legrules.fhir import ReadResult, read_presentation, read_presentations

ROOT = Path(__file__).parents[1]
EXAMPLES = ROOT / ".cache" / "fhir-testdata" / "r4-examples" / "package"
READ = ("Bundle", "Condition", "Medication", "Observation", "Patient", "QuestionnaireResponse")
AS_OF = "2026-11-20T10:00:00+00:00"

Input = tuple[str, bytes]
#: An input whose bytes may be made only when it is tried: a campaign tries one input
#: in *step*, and encoding the others was most of a sampled campaign's time.  Made
#: before the generator goes on (it changes the document it encodes in place).
Lazy = tuple[str, bytes | Callable[[], bytes]]


class HangError(Exception):
    """No answer within the bound."""


def seeds() -> list[Input]:
    """The FHIR data the mutations start from."""
    found = [(p.name, p.read_bytes()) for p in sorted(EXAMPLES.glob("*.json"))]
    chosen = [(n, d) for n, d in found if n.startswith(READ)]
    chosen.append(
        ("suspected-dvt", (ROOT / "examples/fhir/suspected-dvt-searchset.json").read_bytes())
    )
    lines = (ROOT / "examples/data/population.ndjson").read_bytes().splitlines(keepends=True)
    chosen.append(("population-ndjson", b"".join(lines[:400])))
    return chosen


def _walk(value: Any) -> Iterator[tuple[Any, Any]]:
    """Every (container, key) pair of a parsed document, iteratively."""
    stack = [value]
    while stack:
        node = stack.pop()
        items = (
            node.items()
            if isinstance(node, dict)
            else enumerate(node)
            if isinstance(node, list)
            else ()
        )
        for key, child in items:
            yield node, key
            stack.append(child)


def mutations(name: str, data: bytes, rng: random.Random) -> Iterator[Lazy]:
    """Hostile variants of one seed (the costly ones as functions making their bytes)."""
    for cut in (1, len(data) // 3, len(data) // 2, len(data) - 2):
        yield f"{name}: truncated at {cut}", data[:cut]
    yield f"{name}: byte-order mark", b"\xef\xbb\xbf" + data
    yield f"{name}: invalid UTF-8", data.replace(b'"', b'"\xff', 1)
    yield (
        f"{name}: lone surrogate",
        data.replace(b'"id": "', b'"id": "\\ud800', 1).replace(b'"id":"', b'"id":"\\ud800', 1),
    )
    yield f"{name}: NUL before Z", data.replace(b'Z"', b'\\u0000Z"', 1)
    yield f"{name}: space before Z", data.replace(b'Z"', b' Z"', 1)
    yield (
        f"{name}: 1e-400",
        data.replace(b'"value": ', b'"value": 1e-400, "x": ', 1).replace(
            b'"value":', b'"value":1e-400,"x":', 1
        ),
    )
    yield f"{name}: 1e400", data.replace(b'"value": ', b'"value": 1e400, "x": ', 1)
    yield f"{name}: nested 2000 deep", b"[" * 2000 + data + b"]" * 2000
    try:
        doc = json.loads(data)
    except ValueError:
        return
    pairs = list(_walk(doc))
    for _ in range(6):
        if pairs:
            node, key = rng.choice(pairs)
            old = node[key]
            swaps: tuple[Any, ...] = (None, "x", 5, 1e308, 10**30, [], {}, True)
            for swap in swaps:
                node[key] = swap
                yield f"{name}: {key!r} -> {swap!r}", lambda: json.dumps(doc).encode()
            node[key] = old
    yield from _withdrawn(name, doc)
    text = json.dumps(doc)
    for key in ("status", "subject", "valueQuantity", "code", "effectiveDateTime", "entry"):
        needle = f'"{key}": '
        if needle in text:
            other = json.dumps({"status": "entered-in-error", "entry": []}.get(key, "x"))
            yield (
                f"{name}: duplicate {key} first",
                text.replace(needle, f"{needle}{other}, {needle}", 1).encode(),
            )
    yield f"{name}: nested Bundles", lambda: _nest(doc, 40)
    yield f"{name}: two patients", lambda: _two_patients(doc)


def _withdrawn(name: str, doc: Any) -> Iterator[Input]:
    """Each Observation withdrawn, plainly and through a duplicate key either way round."""
    text = json.dumps(doc)
    for spelling in ('"status": "entered-in-error"',):
        for old in ('"status": "final"', '"status": "amended"', '"status": "preliminary"'):
            if old in text:
                yield f"{name}: withdrawn", text.replace(old, spelling).encode()
                yield f"{name}: withdrawn first", text.replace(old, f"{spelling}, {old}").encode()
                yield f"{name}: withdrawn last", text.replace(old, f"{old}, {spelling}").encode()


def _nest(doc: Any, depth: int) -> bytes:
    for _ in range(depth):
        doc = {"resourceType": "Bundle", "type": "collection", "entry": [{"resource": doc}]}
    return json.dumps(doc).encode()


def _two_patients(doc: Any) -> bytes:
    """The seed next to a copy about another patient (ids and references renamed)."""
    text = json.dumps(doc)
    other = json.loads(
        text.replace('"Patient/', '"Patient/other-').replace('"id": "', '"id": "other-')
    )
    return json.dumps(
        {
            "resourceType": "Bundle",
            "type": "collection",
            "entry": [{"resource": doc}, {"resource": other}],
        }
    ).encode()


def hostile_calls() -> list[tuple[str, Callable[[], Any]]]:
    """The Python API reproducers of issue 10, item 4."""
    from datetime import UTC, datetime

    from legrules import Presentation, assess, load_presentation
    from legrules.fhir import transaction_bundle

    at = datetime(2026, 11, 20, 10, tzinfo=UTC)
    loop: dict[str, Any] = {"resourceType": "Observation"}
    loop["extra"] = loop
    done = assess(Presentation(), as_of=at)
    five: Any = 5  # values of the wrong type, as an untyped caller passes them
    x: Any = "x"
    none: Any = None
    calls: list[tuple[str, Callable[[], Any]]] = [
        ("non-string key", lambda: load_presentation({"findings": [], 1: 2})),  # type: ignore[dict-item]
        ("cyclic document", lambda: load_presentation(loop)),
        ("cyclic resource", lambda: read_presentation(loop, as_of=at)),
        (
            "text file, invalid UTF-8",
            lambda: read_presentation(
                io.TextIOWrapper(io.BytesIO(b'{"resourceType":"Patient","id":"\xff"}')), as_of=at
            ),
        ),
        (
            "text file, lone surrogate",
            lambda: read_presentation(
                io.StringIO('{"resourceType":"Patient","id":"\ud800"}'), as_of=at
            ),
        ),
        ("policy=5", lambda: read_presentation({"resourceType": "Patient"}, as_of=at, policy=five)),
        (
            "max_depth='x'",
            lambda: list(read_presentations({"resourceType": "Patient"}, as_of=at, max_depth=x)),
        ),
        ("subject=5", lambda: transaction_bundle(done, subject=five)),
        ("base=5", lambda: transaction_bundle(done, base=five)),
        ("assess(None)", lambda: assess(none)),
        (
            "NaN in a resource",
            lambda: read_presentation(
                {
                    "resourceType": "Observation",
                    "id": "o",
                    "valueQuantity": {"value": float("nan")},
                },
                as_of=at,
            ),
        ),
        ("bytes key", lambda: read_presentation({"resourceType": "Patient", b"id": "p"}, as_of=at)),  # type: ignore[dict-item]
    ]
    return calls


class Oracle:
    """What the input itself says: withdrawn resources, tiny numbers, subjects."""

    def __init__(self, data: bytes) -> None:
        self.withdrawn: set[str] = set()
        self.tiny: set[str] = set()
        self.subject: dict[str, str] = {}
        text = data.removeprefix(b"\xef\xbb\xbf")
        for line in (
            [text] if text.lstrip()[:1] != b"{" or b"\n{" not in text else text.splitlines()
        ):
            try:
                json.loads(line, object_pairs_hook=self._pairs, parse_float=self._number)
            except (ValueError, RecursionError):
                continue

    def _number(self, text: str) -> float:
        value = float(text)
        return -1.0e-300 if value == 0.0 and text.lower().split("e")[0].strip("-0.") else value

    def _pairs(self, pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        result = dict(pairs)
        rtype, rid = result.get("resourceType"), result.get("id")
        if isinstance(rtype, str) and isinstance(rid, str):
            ref = f"{rtype}/{rid}"
            if any(k == "status" and v == "entered-in-error" for k, v in pairs):
                self.withdrawn.add(ref)
            if "-1e-300" in json.dumps(result):
                self.tiny.add(ref)
            subject = result.get("subject")
            if isinstance(subject, dict) and isinstance(subject.get("reference"), str):
                self.subject[ref] = subject["reference"]
        return result

    def wrong(self, results: list[ReadResult]) -> list[str]:
        """What in *results* the input contradicts (empty: nothing)."""
        found = []
        for result in results:
            p = result.presentation
            sources = [f.source.reference for f in p.findings if f.source] + [
                m.source.reference for m in p.measurements if m.source
            ]
            for ref in sources:
                bare = ref.split("#")[0]
                if bare in self.withdrawn or bare in self.tiny:
                    found.append(f"{bare} counted though withdrawn or unreadable")
                subject = self.subject.get(bare, "")
                if (
                    p.patient.id
                    and subject.startswith("Patient/")
                    and subject != f"Patient/{p.patient.id}"
                ):
                    found.append(f"{bare} ({subject}) attributed to Patient/{p.patient.id}")
        return found


def bounded(call: Callable[[], Any], seconds: int) -> Any:
    def alarm(*_: Any) -> None:
        raise HangError

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.alarm(seconds)
    try:
        return call()
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@contextlib.contextmanager
def streaming(on: bool) -> Iterator[None]:
    """Every document streamed (``on``), or the default threshold."""
    old = os.environ.pop("LEGRULES_STREAM_BYTES", None)
    if on:
        os.environ["LEGRULES_STREAM_BYTES"] = "0"
    try:
        yield
    finally:
        os.environ.pop("LEGRULES_STREAM_BYTES", None)
        if old is not None:
            os.environ["LEGRULES_STREAM_BYTES"] = old


def is_document(data: bytes) -> bool:
    """One JSON document (what the streamed reader takes), not NDJSON."""
    text = data.removeprefix(b"\xef\xbb\xbf").strip()
    return text[:1] in (b"{", b"[") and b"\n{" not in text


def run_api(
    data: bytes, oracle: Oracle, seconds: int, stream: bool = False
) -> tuple[str, list[str], Any]:
    """The outcome, the wrong answers, and what was read (results, or the error line)."""
    try:
        with streaming(stream):
            results = bounded(lambda: list(read_presentations(data, as_of=_at())), seconds)
            with contextlib.suppress(LegrulesError):
                bounded(lambda: read_presentation(data, as_of=_at()), seconds)
    except LegrulesError as error:
        return "clean error", [], f"{type(error).__name__}"
    except HangError:
        return "hang", [], None
    except Exception as error:
        return f"crash: {type(error).__name__}: {error}", [], None
    return "result", oracle.wrong(results), results


def run_cli(data: bytes, seconds: int, stream: bool = False) -> tuple[str, str]:
    """The outcome and the output; streamed: read from a file, as a large one would be."""
    out, err = io.StringIO(), io.StringIO()
    with tempfile.TemporaryDirectory() as folder, streaming(stream):
        source = "-"
        if stream:
            source = str(Path(folder) / "input.json")
            Path(source).write_bytes(data)
        argv = ["assess", source, "--format", "json", "--as-of", AS_OF]
        try:
            code = bounded(
                lambda: main(argv, stdin=io.BytesIO(data), stdout=out, stderr=err), seconds
            )
        except HangError:
            return "hang", ""
    lines = err.getvalue().splitlines()
    if code == 0:
        return "result", out.getvalue()
    if code == 2 and len(lines) == 1 and lines[0].startswith("legrules: error: "):
        return "clean error", ""
    return f"crash: exit {code}: {err.getvalue()[:200]}", ""


def streaming_inputs() -> Iterator[Input]:
    """Inputs made for the streamed reader: large Bundles broken in the ways it meets."""
    entries = []
    for p in range(300):
        entries.append(
            {"fullUrl": f"urn:uuid:p{p}", "resource": {"resourceType": "Patient", "id": f"p{p}"}}
        )
        for o in range(3):
            entries.append(
                {
                    "resource": {
                        "resourceType": "Observation",
                        "id": f"o{p}-{o}",
                        "status": "final",
                        "code": {
                            "coding": [{"system": "http://snomed.info/sct", "code": "10601006"}]
                        },
                        "subject": {"reference": f"urn:uuid:p{p}"},
                        "effectiveDateTime": "2026-11-20T09:00:00Z",
                        "valueBoolean": True,
                    }
                }
            )
    bundle = {"resourceType": "Bundle", "type": "collection", "entry": entries}
    data = json.dumps(bundle).encode()
    for cut in range(1, len(data), len(data) // 97):
        yield f"stream: large Bundle cut at {cut}", data[:cut]
    yield (
        "stream: resourceType last",
        data.replace(b'"resourceType": "Bundle", ', b"", 1)[:-1] + b', "resourceType": "Bundle"}',
    )
    yield "stream: entry twice", data[:-1] + b', "entry": []}'
    yield "stream: entry not a list", b'{"resourceType": "Bundle", "entry": {"resource": {}}}'
    huge = {"resourceType": "Observation", "id": "big", "note": [{"text": "x" * 20_000_000}]}
    yield (
        "stream: huge entry",
        json.dumps(
            {"resourceType": "Bundle", "entry": [{"resource": huge}, *entries[:8]]}
        ).encode(),
    )
    for depth in (100, 1000, 1030, 5000):
        deep = b'{"a":' * depth + b"1" + b"}" * depth
        yield (
            f"stream: entry nested {depth} deep",
            b'{"resourceType":"Bundle","entry":[{"resource":{"resourceType":"Patient","x":'
            + deep
            + b"}}]}",
        )
    yield "stream: Bundles nested 40 deep", _nest(bundle, 40)
    for pad in (0, 1, 3, 5, 65530, 65533, 65535):
        filler = b" " * pad
        for escape in (b"\\ud800", b"\\ud83d\\ude00", b"\\udc00", b"\\ud800\\u0041"):
            yield (
                f"stream: surrogate {escape.decode()} after {pad} bytes",
                b'{"resourceType":"Bundle",'
                + filler
                + b'"entry":[{"resource":{"resourceType":"Patient","id":"p","x":"'
                + escape
                + b'"}}]}',
            )


def _at() -> Any:
    from datetime import datetime

    return datetime.fromisoformat(AS_OF)


def campaign(step: int, seconds: int) -> Counter[str]:
    rng = random.Random(10)
    counts: Counter[str] = Counter()
    for name, call in hostile_calls():
        counts["inputs tried"] += 1
        try:
            bounded(call, seconds)
            counts["api: result"] += 1
        except LegrulesError:
            counts["api: clean error"] += 1
        except HangError:
            counts["api: hang"] += 1
            print(f"  hang: {name}")
        except Exception as error:
            counts["api: crash"] += 1
            print(f"  crash: {name}: {type(error).__name__}: {error}")
    made: Iterator[Lazy] = (
        variant for name, seed in seeds() for variant in mutations(name, seed, rng)
    )
    for index, (label, data) in enumerate(itertools.chain(made, streaming_inputs()), 1):
        if index % step:
            continue  # its bytes never made
        counts["inputs tried"] += 1
        one_input(label, data if isinstance(data, bytes) else data(), seconds, counts)
    return counts


def one_input(label: str, data: bytes, seconds: int, counts: Counter[str]) -> None:
    """Every entry point on *data*: counted, and the streamed reader compared."""
    oracle = Oracle(data)
    api, wrong, read = run_api(data, oracle, seconds)
    cli, printed = run_cli(data, seconds)
    outcomes = [("api", api), ("cli", cli)]
    if is_document(data):
        counts["documents streamed"] += 1
        s_api, s_wrong, s_read = run_api(data, oracle, seconds, stream=True)
        s_cli, s_printed = run_cli(data, seconds, stream=True)
        outcomes += [("stream api", s_api), ("stream cli", s_cli)]
        wrong += s_wrong
        if (s_api, s_read) != (api, read) or (s_cli, s_printed) != (cli, printed):
            if (s_api, s_cli) == ("clean error", "clean error") and "result" in (api, cli):
                # refused where a whole parse reads (an entry list given twice): safe
                counts["stream refusals"] += 1
                print(f"  stream refusal: {label}")
            else:
                counts["stream disagreements"] += 1
                print(f"  stream disagreement: {label}: {api}/{s_api}, {cli}/{s_cli}")
    for entry, outcome in outcomes:
        kind = outcome.split(":")[0]
        counts[f"{entry}: {kind}"] += 1
        if kind in ("crash", "hang"):
            print(f"  {entry} {outcome}: {label}")
    if wrong:
        counts["wrong answers"] += 1
        print(f"  wrong answer: {label}: {wrong[:3]}")


def main_() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="every tenth input")
    parser.add_argument("--bound", type=int, default=60, help="seconds before a call is a hang")
    args = parser.parse_args()
    counts = campaign(10 if args.quick else 1, args.bound)
    entries = ("api", "cli", "stream api", "stream cli")
    for key in ("inputs tried", "documents streamed", "stream refusals"):
        print(f"  {key:<24} {counts[key]:>7,}")
    for entry in entries:
        for kind in ("result", "clean error"):
            print(f"  {entry + ': ' + kind:<24} {counts[entry + ': ' + kind]:>7,}")
    bad_keys = [f"{e}: {k}" for k in ("crash", "hang") for e in entries]
    bad_keys += ["wrong answers", "stream disagreements"]
    for key in bad_keys:
        print(f"  {key:<24} {counts[key]:>7,}")
    print(f"  load average {os.getloadavg()}")
    sys.exit(1 if sum(counts[k] for k in bad_keys) else 0)


if __name__ == "__main__":
    main_()
