"""Which FAISS index holds how many vectors: exact up to a size, HNSW above it.

The numbers come from `benchmarks/faiss_scale.py` (its figures are in `docs/faiss-scale.json`
and the README). Exact inner-product search costs time in proportion to the vectors: 0.9 ms a
query at 10^4, 3.9 ms at 5·10^4, 14 ms at 10^5 (as long as a whole answer), 158 ms at 10^6.
HNSW stays under 2 ms up to 10^6 but costs build time (23 s at 10^5), 18% more memory, and
misses a few neighbours; IVF was slower than HNSW at every recall measured. So: exact up to
`EXACT_UP_TO` (a quarter of an answer's time, every neighbour found), HNSW above, with
`HNSW_EF_SEARCH` the smallest breadth measured whose recall@10 against exact search is ≥ 0.98 at
5·10^4 and 10^5 vectors (0.990 and 0.987). At 10^6 that breadth finds 0.87 of them and 256
finds 0.94: a million vectors want a wider search, to be measured when there are that many.
An article's own index holds a few hundred vectors and is always exact.
"""

from __future__ import annotations

import numpy as np

EXACT_UP_TO = 50_000
HNSW_M = 32  # neighbours per node
HNSW_EF_CONSTRUCTION = 80
HNSW_EF_SEARCH = 128


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
