"""Helpers the speed and load benchmarks share: a fresh `serve` process and requests to it."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def questions(files: list[Path]) -> list[tuple[str, list[str]]]:
    """Every distinct (question, history) in question files of the shared/eval format, in order;
    files that are absent (the shared dev set on a user's machine) are skipped."""
    seen: dict[tuple[str, tuple[str, ...]], None] = {}
    for path in files:
        if path.is_file():
            for line in path.read_text(encoding="utf-8").splitlines():
                if line.strip():
                    row = json.loads(line)
                    seen[(row["question"], tuple(row.get("history") or []))] = None
    return [(q, list(h)) for q, h in seen]


def child_env(cache: str | None = None) -> dict:
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "PYTHONPATH": str(ROOT)}
    if cache:
        env["ARTICLE_QA_CACHE"] = cache
    return env


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server() -> tuple[subprocess.Popen, str, float]:
    """`serve` in a fresh process; returns it, its URL and the seconds until /api/health answered."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "assistant", "serve", "--port", str(port)], cwd=ROOT,
                            env=child_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    while time.perf_counter() - start < 120:
        if proc.poll() is not None:
            raise RuntimeError("serve exited before it was ready")
        try:
            with urllib.request.urlopen(url + "/api/health", timeout=1) as r:
                if r.status == 200:
                    return proc, url, time.perf_counter() - start
        except OSError:
            time.sleep(0.02)
    proc.kill()
    raise RuntimeError("serve was not ready within 120 s")


def resident_mib(pid: int) -> tuple[int, int]:
    """(current, peak) resident memory of a process in MiB."""
    fields = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines() if ":" in line)
    return tuple(round(int(fields[k].split()[0]) / 1024) for k in ("VmRSS", "VmHWM"))


def ask(url: str, body: bytes, timeout: float = 60) -> tuple[int, dict, bytes, float]:
    """POST a raw body to /api/ask: (status, headers, response body, seconds), 4xx and 5xx included."""
    request = urllib.request.Request(url + "/api/ask", body, {"content-type": "application/json"})
    start = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=timeout) as r:
            return r.status, dict(r.headers), r.read(), time.perf_counter() - start
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read(), time.perf_counter() - start


def post(url: str, question: str, history: list[str]) -> float:
    """Seconds to answer one question; raises unless it is answered with 200."""
    status, _headers, _body, seconds = ask(url, json.dumps({"question": question, "history": history}).encode())
    if status != 200:
        raise RuntimeError(f"HTTP {status}")
    return seconds
