"""Which FAISS index holds how many vectors: exact up to a size, HNSW above it.

The numbers come from `benchmarks/faiss_scale.py` (its figures are in `docs/faiss-scale.json`
and the README): exact inner-product search costs time in proportion to the vectors, HNSW grows
slowly but costs build time and memory and misses a few neighbours. `EXACT_UP_TO` is the largest
size at which exact search was measured no slower than a few milliseconds a query; `HNSW_EF_SEARCH`
the smallest search breadth whose recall@10 against exact search was ≥ 0.98 at 10^5 vectors.
An article's own index holds a few hundred vectors and is always exact.
"""

from __future__ import annotations

import numpy as np

EXACT_UP_TO = 50_000
HNSW_M = 32  # neighbours per node
HNSW_EF_CONSTRUCTION = 80
HNSW_EF_SEARCH = 64


def new_index(dimension: int, count: int):
    """An empty FAISS inner-product index suited to `count` unit vectors of `dimension`."""
    import faiss

    if count <= EXACT_UP_TO:
        return faiss.IndexFlatIP(dimension)
    index = faiss.IndexHNSWFlat(dimension, HNSW_M, faiss.METRIC_INNER_PRODUCT)
    index.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
    index.hnsw.efSearch = HNSW_EF_SEARCH
    return index


def all_scores(index, queries: np.ndarray) -> np.ndarray:
    """Every vector's inner product with each query, [queries, vectors], exact whatever the
    index type (an approximate index is asked for its stored vectors)."""
    import faiss

    queries = np.ascontiguousarray(queries, dtype=np.float32)
    total = index.ntotal
    if isinstance(index, faiss.IndexFlat):
        scores, rows = index.search(queries, total)
        out = np.empty((queries.shape[0], total), np.float32)
        np.put_along_axis(out, rows, scores, axis=1)
        return out
    return queries @ index.reconstruct_n(0, total).T
