"""A load run against a fresh `serve`: many clients, a mixed stream, every answer checked.

    .venv/bin/python benchmarks/load.py [--clients 16] [--seconds 60] [--json load-report.json]

The stream mixes the repository's questions about the shipped article (follow-ups with their
history), and bad requests (empty, over-long, wrong types, a lone surrogate, not JSON). Each
distinct request is first sent alone, one at a time: that response is the reference. Then
`--clients` threads send requests drawn at random (seeded) for `--seconds`, and every response
must equal its reference: same status, same body. It reports requests sent, answered, refused
as expected, mismatches, 5xx, busy (503) and dropped (no response), latency, and the server's
resident memory after warm-up, every tenth of the run and at the end; it exits 1 when anything
failed.
CI runs a short variant (tests/test_load.py).
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from serving import ask, questions, resident_mib, start_server  # noqa: E402

QUESTION_FILES = [ROOT / "benchmarks" / "data" / f"{name}.jsonl" for name in ("probes", "users")]
QUESTION_FILES.append(ROOT / "tests" / "data" / "followups.jsonl")
BAD_BODIES = [
    b'{"question": ""}',
    b'{"question": "' + b"x" * 600 + b'"}',
    b'{"question": "a\\ud800b"}',
    b'{"question": "ok", "top_k": 0}',
    b'{"question": "ok", "history": "abc"}',
    b'{"question": 5}',
    b"not json",
    '{"question": "<script>alert(1)</script> Có bao nhiêu vị trí trạm BTS?"}'.encode(),
]


def requests() -> list[bytes]:
    bodies = [json.dumps({"question": q, "history": h}, ensure_ascii=False).encode() for q, h in questions(QUESTION_FILES)]
    return list(dict.fromkeys(bodies + BAD_BODIES))


def run(clients: int, seconds: float, seed: int = 0) -> dict:
    bodies = requests()
    proc, url, _ready = start_server()
    try:
        reference = {}
        for body in bodies:  # each alone: what every later response must equal
            status, _headers, content, _s = ask(url, body)
            reference[body] = (status, content)
        start_rss = resident_mib(proc.pid)[0]
        counts = {"sent": 0, "answered": 0, "refused_as_expected": 0, "mismatches": 0, "server_errors": 0,
                  "busy": 0, "dropped": 0}
        latencies: list[float] = []
        examples: list[str] = []
        lock = threading.Lock()
        deadline = time.perf_counter() + seconds

        def client(number: int) -> None:
            rng = random.Random(seed * 1000 + number)
            while time.perf_counter() < deadline:
                body = rng.choice(bodies)
                try:
                    status, _headers, content, elapsed = ask(url, body)
                except OSError as exc:
                    with lock:
                        counts["sent"] += 1
                        counts["dropped"] += 1
                        examples.append(f"dropped: {exc!r}")
                    continue
                with lock:
                    counts["sent"] += 1
                    latencies.append(elapsed)
                    if status >= 500:
                        counts["busy" if status == 503 else "server_errors"] += 1
                    elif (status, content) != reference[body]:
                        counts["mismatches"] += 1
                        examples.append(f"differs from alone: {body[:80]!r}")
                    elif status == 200:
                        counts["answered"] += 1
                    else:
                        counts["refused_as_expected"] += 1

        samples: list[int] = []

        def sample() -> None:  # the server's memory every tenth of the run
            while time.perf_counter() < deadline:
                time.sleep(seconds / 10)
                samples.append(resident_mib(proc.pid)[0])

        threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)] + [threading.Thread(target=sample)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        end_rss, peak = resident_mib(proc.pid)
    finally:
        proc.kill()
        proc.wait()
    ms = sorted(x * 1000 for x in latencies)
    return {
        "clients": clients, "seconds": seconds, "distinct_requests": len(bodies), **counts,
        "per_second": round(len(latencies) / seconds, 1),
        "p50_ms": round(statistics.median(ms), 1) if ms else None,
        "p95_ms": round(ms[int(0.95 * (len(ms) - 1))], 1) if ms else None,
        "rss_after_warmup_mib": start_rss, "rss_samples_mib": samples, "rss_end_mib": end_rss, "peak_mib": peak,
        "failed": bool(counts["mismatches"] or counts["server_errors"] or counts["busy"] or counts["dropped"]),
        "examples": examples[:10],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--json", default="load-report.json", help="write the figures here ('' for none)")
    args = parser.parse_args()
    report = run(args.clients, args.seconds)
    for key, value in report.items():
        print(f"{key:>22}: {value}")
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=1), encoding="utf-8")
    return 1 if report["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
