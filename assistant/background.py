"""A null model for answerability: how close a question comes to text about anything else.

`data/background.txt` holds generic Vietnamese sentences: first 78 short news sentences across
the usual sections of a newspaper (politics, economy, health, education, sport, weather, food,
travel, technology, culture, law, transport, environment, science, society), then 589 sentences
in the register of an encyclopedia or a news report, about six for each of the hundred divisions
of the Dewey Decimal Classification (computer science to the history of other areas), written by
helpers who saw no evaluation data (a sentence on a subject already covered was dropped). They
describe no article; a question that is clearly closer to one of them than to every sentence of
the article is about something the article does not cover. This matters for English questions,
which share no words with a Vietnamese article, so lexical coverage cannot judge them. The first
run embeds them once per model (a few seconds); the vectors are cached.
"""

from __future__ import annotations

import contextlib
import hashlib
import threading
from pathlib import Path
from typing import Callable

import numpy as np

from index.embedder import Embedder
from index.integrity import write_atomically
from index.settings import cache_dir

BACKGROUND_FILE = Path(__file__).with_name("data") / "background.txt"

_vectors: dict[str, np.ndarray] = {}
_lock = threading.Lock()


def background_sentences() -> list[str]:
    lines = BACKGROUND_FILE.read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip()]


def background_vectors(embedder: Embedder, progress: Callable[[str], None] = lambda _m: None) -> np.ndarray:
    """The background sentences embedded as passages: once per model and sentence list, kept in
    the cache (`background/*.npy`) so that a one-shot question does not embed them again;
    `progress` hears of it when they are embedded."""
    with _lock:
        if embedder.identity not in _vectors:
            _vectors[embedder.identity] = _cached(embedder, background_sentences(), progress)
        return _vectors[embedder.identity]


def _cached(embedder: Embedder, sentences: list[str], progress: Callable[[str], None]) -> np.ndarray:
    """`background/<key>-<digest>.npy`: the key names the model and sentences, the digest the
    vectors' bytes, so a file whose content changed is seen, dropped and embedded again."""
    key = hashlib.sha256("\n".join([embedder.identity, *sentences]).encode("utf-8")).hexdigest()[:16]
    folder = cache_dir() / "background"
    for path in sorted(folder.glob(f"{key}-*.npy")):
        try:
            vectors = np.load(path, allow_pickle=False)
            if (vectors.shape == (len(sentences), embedder.dimension) and vectors.dtype == np.float32
                    and _digest(vectors) == path.stem.rsplit("-", 1)[1]):
                return vectors
        except (OSError, ValueError):
            pass
        with contextlib.suppress(OSError):
            path.unlink()
    progress(f"Embedding {len(sentences)} sentences about other topics, once for this model…")
    vectors = np.ascontiguousarray(embedder.encode_passages(sentences), dtype=np.float32)
    with contextlib.suppress(OSError):  # a cache that cannot be written only costs the next process the same work
        folder.mkdir(parents=True, exist_ok=True)
        write_atomically(folder / f"{key}-{_digest(vectors)}.npy",
                         lambda tmp: _save(tmp, vectors))
    return vectors


def _save(path: str, vectors: np.ndarray) -> None:
    with open(path, "wb") as f:  # a file object: np.save would add ".npy" to a bare temporary name
        np.save(f, vectors, allow_pickle=False)


def _digest(vectors: np.ndarray) -> str:
    return hashlib.sha256(vectors.tobytes()).hexdigest()[:16]
