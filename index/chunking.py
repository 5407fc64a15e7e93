"""Vietnamese-aware sentence splitting with character offsets.

A sentence is the unit a quote is made of. Paragraphs are the article's non-empty lines, numbered
from 1 (the title is paragraph 1). A sentence ends at ".", "!", "?" or "…" (with any closing
quotes or brackets) followed by whitespace and a capital letter, digit or opening quote, so
numbers ("567.666", "74,56%"), dates ("16/10"), codes ("TP.HCM", "TT&TT") and a closing "./."
never split; a known abbreviation or a single-letter initial before the period does not end one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .article import paragraph_spans

CHUNKER_VERSION = 1

# Abbreviations that take a period and are usually followed by a capitalised name.
_ABBREVIATIONS = frozenset(
    "tp tx th ths ts pgs gs bs ks ls nxb tt q p st mr mrs ms dr prof no vs v.v tr".split()
)
_BOUNDARY = re.compile(r"""(?:[.!?…]+)['"”’)\]]*(?=\s+["“‘(\[]?[\dA-ZÀ-ỸĐ])""")
_WORD_BEFORE = re.compile(r"([\w.]+)$")


@dataclass(frozen=True)
class Chunk:
    """One sentence of an article.

    Invariant: `article.text[start:end] == text`, and `text` has no surrounding whitespace.
    """

    id: int
    text: str
    start: int
    end: int
    paragraph: int


def _is_abbreviation(paragraph: str, period_at: int) -> bool:
    match = _WORD_BEFORE.search(paragraph, 0, period_at)
    if not match:
        return False
    word = match.group(1).lower().rstrip(".")
    return word in _ABBREVIATIONS or (len(word) == 1 and word.isalpha())


def _sentence_spans(paragraph: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for match in _BOUNDARY.finditer(paragraph):
        if paragraph[match.start()] == "." and match.end() - match.start() == 1:
            if _is_abbreviation(paragraph, match.start()):
                continue
        spans.append((start, match.end()))
        start = match.end()
    spans.append((start, len(paragraph)))
    return spans


def split_sentences(text: str) -> list[Chunk]:
    """Split an article's text into sentences, each with its offsets and paragraph number."""
    chunks: list[Chunk] = []
    for paragraph, (line_start, line_end) in enumerate(paragraph_spans(text), 1):
        for a, b in _sentence_spans(text[line_start:line_end]):
            start, end = line_start + a, line_start + b
            while start < end and text[start].isspace():
                start += 1
            while end > start and text[end - 1].isspace():
                end -= 1
            if start < end:
                chunks.append(Chunk(len(chunks), text[start:end], start, end, paragraph))
    return chunks
