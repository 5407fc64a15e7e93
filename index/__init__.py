"""Turning articles into a searchable index: text, sentences, embeddings, the FAISS store.

Importing this package is cheap: numpy, faiss, torch and sentence-transformers load on first use.
"""

from .settings import apply_offline_defaults

apply_offline_defaults()

from .article import Article, ArticleError  # noqa: E402
from .chunking import Chunk, split_sentences  # noqa: E402

__all__ = ["Article", "ArticleError", "Chunk", "split_sentences"]
