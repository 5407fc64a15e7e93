"""Hybrid retrieval over one article's sentences: dense (e5) and lexical (BM25), fused by language.

Each signal is rescaled per question so that the best sentence scores 1: dense cosine relative to
the article's median sentence, BM25 relative to its best. The fused score is a weighted sum whose
weight depends on the question's language: an English question reaches BM25 through a bilingual
lexicon, and a question typed without diacritics is matched against folded sentences in both
signals.
A follow-up question is scored together with the conversation's previous question.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy as np

from index.chunking import Chunk
from index.embedder import Embedder
from index.store import VIEWS, ArticleIndex
from index.vietnamese import canonical_syllable

from .answer_type import KINDS, answer_spans, expected_answer
from .background import background_vectors
from .english import lexicon
from .lexical import LexicalIndex
from .question import EN, VI, VI_NODIAC, Question, read_question, without_english_function_words

# Share of the fused score given to the dense signal, by question language: the weights that
# 5-fold cross-validation picks on the dev set and benchmarks/data/probes.jsonl (run
# `benchmarks/tune_fusion.py`; recall@1 is flat over vi 0.2–0.55, vi_nodiac 0–0.6). An English
# question is matched in BM25 by its words put into Vietnamese (see `english`): over dev and
# probes–probes5 (53 English questions) recall@1 peaks over 0.2–0.3.
DENSE_WEIGHT = {VI: 0.25, VI_NODIAC: 0.3, EN: 0.25}
# The dense share for an English question none of whose words the lexicon knows (BM25 then sees
# only its names and numbers): what cross-validation chose before there was a lexicon. Between
# the two, the share follows the share of the question's content words translated.
DENSE_WEIGHT_UNTRANSLATED = 0.75
# Share given to the question with the previous one prepended, when a question follows up
# (0.7–0.75 place all 15 follow-ups of dev, probes and tests/data/followups.jsonl first).
CONTEXT_WEIGHT = 0.7
# Share of the score a sentence loses when it holds no answer of the kind asked for (no number
# for "how many", no person's name for "who").
KIND_PENALTY = 0.2
# Share a heading (the title, a subheading: a one-sentence paragraph without final punctuation)
# loses: it names a subject, so it resembles every question about it, but it states little.
HEADING_PENALTY = 0.3


@dataclass(frozen=True)
class Hit:
    """A sentence and its scores for one question: `score` is the fused 0..1 ranking score;
    `dense` the cosine similarity; `coverage` the IDF-weighted share of question terms it holds
    (for an English question, of the Vietnamese renderings of its words)."""

    chunk: Chunk
    score: float
    dense: float
    coverage: float


@dataclass(frozen=True)
class Retrieval:
    """What retrieval found for a question: every sentence, best first. `answer_kind` is what the
    question asks for (a follow-up such as "Còn 4G thì sao?" asks what the previous one asked)."""

    question: Question
    hits: tuple[Hit, ...]
    missing_terms: tuple[str, ...]
    used_history: bool
    answer_kind: str | None = None
    background: float = 0.0  # an English question's best cosine to generic text about other things
    translated: float = 1.0  # share of an English question's content words the lexicon knows


@dataclass(frozen=True)
class _Signals:
    fused: np.ndarray
    dense: np.ndarray
    coverage: np.ndarray
    translated: float = 1.0


def _rescale_dense(cos: np.ndarray) -> np.ndarray:
    top, mid = float(cos.max()), float(np.median(cos))
    return (cos - mid) / (top - mid) if top > mid else np.zeros_like(cos)


def _rescale_lexical(bm25: np.ndarray) -> np.ndarray:
    top = float(bm25.max())
    return bm25 / top if top > 0 else np.zeros_like(bm25)


class Retriever:
    """Scores an article's sentences for questions. Holds no model: the embedder is injected."""

    def __init__(self, index: ArticleIndex, embedder: Embedder):
        self.index = index
        self.embedder = embedder
        self.accented = LexicalIndex(index.match_texts, folded=False)
        self.folded = LexicalIndex(index.match_texts, folded=True)
        paragraphs = Counter(c.paragraph for c in index.chunks)
        self.is_heading = np.array([
            paragraphs[c.paragraph] == 1 and not c.text.rstrip("\"”’)]").endswith((".", "!", "?", "…"))
            for c in index.chunks
        ])
        self.holds_kind = {
            kind: np.array([bool(answer_spans(c.text, kind)) for c in index.chunks]) for kind in KINDS
        }

    def _signals(self, text: str, dense_views: np.ndarray, language: str) -> _Signals:
        text_view, folded_view = dense_views[VIEWS.index("text")], dense_views[VIEWS.index("folded")]
        dense = np.maximum(text_view, folded_view) if language == VI_NODIAC else text_view
        lexical_index = self.lexical_for(language)
        w, translated = DENSE_WEIGHT[language], 1.0
        if language == EN:  # its names and numbers, and its words put into Vietnamese
            translation = lexicon().translate(text)
            concepts = [r.vietnamese for r in translation.renderings]
            bm25 = lexical_index.score(without_english_function_words(text)).bm25
            bm25 = bm25 + lexical_index.concept_bm25(concepts)
            # Renderings carry their marks: folded, "thủ đô" would be found in "thu phát … độ".
            coverage = self.accented.concept_coverage(concepts)
            translated = translation.share
            w += (DENSE_WEIGHT_UNTRANSLATED - w) * (1 - translated)
        else:
            lexical = lexical_index.score(text)
            bm25, coverage = lexical.bm25, lexical.coverage
        fused = w * _rescale_dense(dense) + (1 - w) * _rescale_lexical(bm25)
        return _Signals(fused, dense, coverage, translated)

    def lexical_for(self, language: str) -> LexicalIndex:
        """The lexical form a question in that language is matched in (accented only for `vi`)."""
        return self.accented if language == VI else self.folded

    def missing_terms(self, question: Question) -> tuple[str, ...]:
        """The question's specific terms (numbers, codes, names) that the article never uses;
        for an English question also the foreign names in it ("Who painted the Mona Lisa?")."""
        vocabulary = self.lexical_for(question.language).vocabulary
        terms = list(question.specific_terms)
        if question.language == EN:
            terms += [(canonical_syllable(name),) for name in lexicon().foreign_names(question.text)]
        return tuple(" / ".join(forms) for forms in terms if vocabulary.isdisjoint(forms))

    def search(self, raw_question: object, history: list[str] | tuple[str, ...] | None = None) -> Retrieval:
        """Rank every sentence for a question; `history` is the earlier user questions, oldest first."""
        question = read_question(raw_question)
        previous = [h for h in (history or []) if isinstance(h, str) and h.strip()]
        texts = [question.text]
        if previous and question.followup:
            texts.append(" ".join(previous[-1].split()) + " " + question.text)
        vectors = self.embedder.encode_queries(texts)
        dense_views = self.index.dense_scores(vectors)
        background = 0.0  # only English questions are judged against the background
        if question.language == EN:
            background = float((vectors @ background_vectors(self.embedder).T).max())
        current = self._signals(texts[0], dense_views[0], question.language)
        fused, dense, coverage = current.fused, current.dense, current.coverage
        if len(texts) > 1:  # a follow-up: lean on the previous question too
            context = self._signals(texts[1], dense_views[1], question.language)
            fused = (1 - CONTEXT_WEIGHT) * fused + CONTEXT_WEIGHT * context.fused
            dense = np.maximum(dense, context.dense)
            coverage = np.maximum(coverage, context.coverage)
        kind = question.answer_kind
        if kind is None and len(texts) > 1:  # "Còn 4G thì sao?" asks what the last question asked
            kind = expected_answer(previous[-1])
        if kind is not None:
            fused = np.where(self.holds_kind[kind], fused, (1 - KIND_PENALTY) * fused)
        fused = np.where(self.is_heading, (1 - HEADING_PENALTY) * fused, fused)
        order = np.argsort(-fused, kind="stable")
        hits = tuple(
            Hit(self.index.chunks[i], float(fused[i]), float(dense[i]), float(coverage[i])) for i in order
        )
        return Retrieval(
            question, hits, self.missing_terms(question), len(texts) > 1, kind, background, current.translated
        )
