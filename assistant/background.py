"""A null model for answerability: how close a question comes to text about anything else.

`data/background.txt` holds short generic Vietnamese news sentences across the usual sections
of a newspaper (politics, economy, health, education, sport, weather, food, travel, technology,
culture, law, transport, environment, science, society). They describe no article; a question
that is clearly closer to one of them than to every sentence of the article is about something
the article does not cover. This matters for English questions, which share no words with a
Vietnamese article, so lexical coverage cannot judge them.
"""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np

from index.embedder import Embedder

BACKGROUND_FILE = Path(__file__).with_name("data") / "background.txt"

_vectors: dict[str, np.ndarray] = {}
_lock = threading.Lock()


def background_sentences() -> list[str]:
    lines = BACKGROUND_FILE.read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip()]


def background_vectors(embedder: Embedder) -> np.ndarray:
    """The background sentences embedded as passages, once per model and process."""
    with _lock:
        if embedder.identity not in _vectors:
            _vectors[embedder.identity] = embedder.encode_passages(background_sentences())
        return _vectors[embedder.identity]
