"""How FAISS search cost grows with the vectors: exact against HNSW and IVF, 10^4 to 10^6.

    .venv/bin/python benchmarks/faiss_scale.py [--sizes 10000 100000 1000000] [--json docs/faiss-scale.json]

(About 20 minutes on 2 cores, most of it building HNSW and IVF over 10^6 vectors.)

Many articles will share one index. The vectors are synthetic, of the model's dimension (384),
and shaped as sentence embeddings are: a direction they all share (e5's sentences stand at a
cosine of about 0.75 to one another) plus a Gaussian whose variances fall off as 1/rank in a
random basis, so that some directions matter more than others. Uniform random vectors, with no
such structure, would make every approximate method look worse than on real text; well-separated
clusters would make them look better. The queries are drawn the same way. For each size and index type: build time, bytes of the
serialised index, median single-query latency for the 10 nearest, and recall@10 against exact
search, over a sweep of the search breadth (HNSW efSearch, IVF nprobe). `index/vectors.py`
takes its threshold and settings from these figures.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DIMENSION = 384
MEAN_COSINE = 0.75  # between two sentences' vectors, roughly, for multilingual-e5-small
QUERIES = 200
K = 10


class Shape:
    """The distribution the synthetic vectors are drawn from (see the module docstring)."""

    def __init__(self, rng: np.random.Generator):
        self.basis = np.linalg.qr(rng.standard_normal((DIMENSION, DIMENSION)))[0].astype(np.float32)
        self.scales = (1.0 / np.sqrt(np.arange(1, DIMENSION + 1))).astype(np.float32)
        spread = float((self.scales ** 2).sum())
        shared = rng.standard_normal(DIMENSION).astype(np.float32)
        # |shared|² / (|shared|² + spread) is the expected cosine of two draws.
        self.shared = shared / np.linalg.norm(shared) * np.sqrt(spread * MEAN_COSINE / (1 - MEAN_COSINE))

    def draw(self, count: int, rng: np.random.Generator) -> np.ndarray:
        out = np.empty((count, DIMENSION), np.float32)
        for begin in range(0, count, 100_000):  # in slices, so that 10^6 draws need no 3 GB temporary
            z = rng.standard_normal((min(100_000, count - begin), DIMENSION), dtype=np.float32)
            v = self.shared + (z * self.scales) @ self.basis.T
            out[begin:begin + len(v)] = v / np.linalg.norm(v, axis=1, keepdims=True)
        return out


def latency_ms(index, queries: np.ndarray) -> tuple[float, np.ndarray]:
    """Median milliseconds of one query at a time, and the neighbours found."""
    times, found = [], []
    for q in queries:
        start = time.perf_counter()
        _scores, rows = index.search(q[None, :], K)
        times.append(time.perf_counter() - start)
        found.append(rows[0])
    return statistics.median(times) * 1000, np.array(found)


def recall(found: np.ndarray, truth: np.ndarray) -> float:
    return float(np.mean([len(set(f) & set(t)) / K for f, t in zip(found, truth)]))


def study(count: int, seed: int = 0) -> list[dict]:
    import faiss

    from index.vectors import HNSW_EF_CONSTRUCTION, HNSW_M

    rng = np.random.default_rng(seed)
    shape = Shape(rng)
    vectors = shape.draw(count, rng)
    queries = shape.draw(QUERIES, rng)
    rows = []

    def measured(kind: str, index, build_s: float, breadths: list[tuple[str, int]], set_breadth) -> None:
        size = len(faiss.serialize_index(index))
        for name, value in breadths:
            set_breadth(value)
            ms, found = latency_ms(index, queries)
            rows.append({"vectors": count, "index": kind, "setting": f"{name}={value}" if name else "",
                         "build_s": round(build_s, 2), "bytes": size, "query_ms": round(ms, 3),
                         "recall_at_10": round(recall(found, truth), 4)})
            print(json.dumps(rows[-1]), file=sys.stderr, flush=True)

    start = time.perf_counter()
    exact = faiss.IndexFlatIP(DIMENSION)
    exact.add(vectors)
    build = time.perf_counter() - start
    _ms, truth = latency_ms(exact, queries)
    measured("exact", exact, build, [("", 0)], lambda _v: None)

    start = time.perf_counter()
    hnsw = faiss.IndexHNSWFlat(DIMENSION, HNSW_M, faiss.METRIC_INNER_PRODUCT)
    hnsw.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
    hnsw.add(vectors)
    build = time.perf_counter() - start
    measured(f"HNSW M={HNSW_M}", hnsw, build, [("efSearch", e) for e in (16, 32, 64, 128, 256)],
             lambda v: setattr(hnsw.hnsw, "efSearch", v))

    lists = int(min(4 * np.sqrt(count), count / 39))  # FAISS wants 39 training points a list
    start = time.perf_counter()
    quantizer = faiss.IndexFlatIP(DIMENSION)
    ivf = faiss.IndexIVFFlat(quantizer, DIMENSION, lists, faiss.METRIC_INNER_PRODUCT)
    ivf.train(vectors[rng.choice(count, min(count, 50 * lists), replace=False)])
    ivf.add(vectors)
    build = time.perf_counter() - start
    measured(f"IVF lists={lists}", ivf, build, [("nprobe", p) for p in (4, 8, 16, 32, 64)],
             lambda v: setattr(ivf, "nprobe", v))
    return rows


def table(rows: list[dict]) -> str:
    lines = ["| vectors | index | setting | build s | MiB | query ms | recall@10 |", "|---|---|---|---|---|---|---|"]
    for r in rows:
        lines.append(f"| {r['vectors']:,} | {r['index']} | {r['setting']} | {r['build_s']} | "
                     f"{r['bytes'] / 2**20:.0f} | {r['query_ms']} | {r['recall_at_10']} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 30_000, 50_000, 100_000, 1_000_000])
    parser.add_argument("--json", default="faiss-scale.json", help="write the rows here ('' for none)")
    args = parser.parse_args()
    rows = [row for count in args.sizes for row in study(count)]
    print(table(rows))
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=1), encoding="utf-8")
        print(f"rows written to {args.json}")


if __name__ == "__main__":
    main()
