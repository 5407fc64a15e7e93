"""BM25 over Vietnamese-aware terms, in two forms: accented (tone-canonical) and folded.

The corpus is one article's sentences, small enough to index in memory in milliseconds, so it is
built from the chunks on load rather than stored.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np

from index.vietnamese import canonical_syllable, fold_diacritics, lexical_terms

# Vietnamese question words and sentence particles: they frame a question ("… là gì?", "Còn … thì
# sao?") and an answer never holds them, so they do not count towards a sentence's coverage.
_QUESTION_WORDS = "gì ai nào đâu sao mấy bao nhiêu thế không chưa thì còn vậy đó này ấy à hả nhỉ nhé ạ".split()
# "nữa" ("ai nữa?", who else) with its marks only: typed without them, "nua" is as often "nửa" (half).
_QUESTION_UNITS = frozenset(
    form for w in _QUESTION_WORDS for form in (canonical_syllable(w), canonical_syllable(fold_diacritics(w)))
) | {canonical_syllable("nữa")}


# Words that name the kind of answer, which the answer gives without them: "tên (là) gì", "tên
# (gọi) nào" ask for a name; "phần trăm" (per cent) for a share, written "%"; "khi nào", "bao
# giờ" ask when, as "when" does ("bao" is a question word already); "những ai / gì / đâu" ask
# who, what or where, of several.
_NAMES_THE_KIND = re.compile(
    r"\b(?:tên|ten)(?=\s+(?:(?:là|la|gọi|goi)\s+)?(?:gì|gi|nào|nao)\b)|\b(?:phần trăm|phan tram)\b"
    r"|\bkhi(?=\s+(?:nào|nao)\b)|(?<=\bbao\s)(?:giờ|gio)\b|\b(?:những|nhung)(?=\s+(?:ai|gì|gi|đâu|dau)\b)",
    re.IGNORECASE,
)


def _frames_question(term: str) -> bool:
    return any(unit in _QUESTION_UNITS for unit in term.split("_"))


@dataclass(frozen=True)
class LexicalScores:
    """Per-sentence BM25 scores and how much of the question's weight each sentence covers.

    `coverage[i]` is the IDF-weighted share of the question's content words (see
    `content_weights`) found in sentence `i` (0..1): unlike BM25 it is comparable across
    questions, so it can inform a decline.
    """

    bm25: np.ndarray
    coverage: np.ndarray
    pair_coverage: np.ndarray  # the same over adjacent syllable pairs: Vietnamese compound words
    bm25_pairs: np.ndarray  # the part of `bm25` owed to adjacent syllable pairs (compound words)


class LexicalIndex:
    """BM25 (bm25s) over one form of the sentences' terms; `sentences` in the form they are
    matched in (`ArticleIndex.match_texts`)."""

    def __init__(self, sentences: list[str] | tuple[str, ...], folded: bool):
        import bm25s

        self.folded = folded
        docs = [lexical_terms(s, folded) for s in sentences]
        self.doc_terms = [set(d) for d in docs]
        self.vocabulary = set().union(*self.doc_terms)
        n = len(docs)
        self.idf = {t: math.log(1 + (n + 0.5) / (df + 0.5)) for t, df in self._df(docs).items()}
        self.idf_unseen = math.log(1 + (n + 0.5) / 0.5)
        # bm25s's defaults, checked (2026-11-29) on benchmarks/fit.py's evidence and knobs: of k1 in
        # 0.5-2.2 by b in 0.2-1.0 and bm25s's other variants, none ranks Vietnamese better, and
        # none gains more than 0.3 points in another language without losing in the third.
        self.bm25 = bm25s.BM25(k1=1.2, b=0.75)
        self.bm25.index(docs, show_progress=False)

    @staticmethod
    def _df(docs: list[list[str]]) -> dict[str, int]:
        df: dict[str, int] = {}
        for d in docs:
            for t in set(d):
                df[t] = df.get(t, 0) + 1
        return df

    def content_weights(self, text: str, pairs: bool = False) -> dict[str, float]:
        """The question's single-syllable terms (with `pairs`, its adjacent pairs instead: most
        Vietnamese words are two syllables, "dân số", "bệnh viện"), question words left out,
        each with its IDF."""
        text = _NAMES_THE_KIND.sub(" ", text)
        terms = [t for t in lexical_terms(text, self.folded) if ("_" in t) == pairs and not _frames_question(t)]
        return {t: self.idf.get(t, self.idf_unseen) for t in terms}

    def coverage(self, weights: dict[str, float]) -> np.ndarray:
        """Per sentence, the share of the weight of these terms it holds (zeros for no terms)."""
        total = sum(weights.values())
        if not total:
            return np.zeros(len(self.doc_terms), np.float32)
        return np.array([sum(w for t, w in weights.items() if t in doc) / total for doc in self.doc_terms], np.float32)

    def concept_held(self, concepts: list[tuple[str, ...]]) -> tuple[np.ndarray, float]:
        """For a translated question, whose concepts each come as alternative phrasings (an
        English word's Vietnamese renderings): per sentence, the IDF weight of the concepts it
        holds, holding one when it has every syllable of one of its phrasings; and the weight of
        all. A concept weighs as its commonest syllable, so an odd rare rendering does not make
        it weigh much."""
        phrasings = [
            [units for p in concept if (units := {t for t in lexical_terms(p, self.folded) if "_" not in t})]
            for concept in concepts
        ]
        phrasings = [c for c in phrasings if c]
        weights = [min(self.idf.get(t, self.idf_unseen) for units in c for t in units) for c in phrasings]
        held = [
            sum(w for c, w in zip(phrasings, weights) if any(units <= doc for units in c))
            for doc in self.doc_terms
        ]
        return np.array(held, np.float32), float(sum(weights))

    def terms_held(self, terms: list[tuple[str, ...]]) -> tuple[np.ndarray, float]:
        """Per sentence, the IDF weight of the terms it holds, a term held when it has one of its
        forms (terms of this index: "dien_bien", "3g"), each weighing as its commonest form; and
        the weight of all."""
        weights = [min(self.idf.get(t, self.idf_unseen) for t in forms) for forms in terms]
        held = [sum(w for forms, w in zip(terms, weights) if not doc.isdisjoint(forms)) for doc in self.doc_terms]
        return np.array(held, np.float32), float(sum(weights))

    def concept_bm25_parts(self, concepts: list[tuple[str, ...]]) -> tuple[np.ndarray, np.ndarray]:
        """BM25 of a translated question, each concept counted once: per sentence, the best
        score among its alternative phrasings, summed over concepts (a structured query in the
        manner of Pirkola 1998, so a word with many renderings does not outweigh the rest); and
        per sentence the part of it owed to adjacent syllable pairs (of the phrasing that scored
        best)."""
        total, pairs = np.zeros(len(self.doc_terms), np.float32), np.zeros(len(self.doc_terms), np.float32)
        for concept in concepts:
            best, best_pairs = np.zeros_like(total), np.zeros_like(total)
            for phrasing in concept:
                score, part = self.bm25_parts(phrasing)
                better = score > best
                best, best_pairs = np.where(better, score, best), np.where(better, part, best_pairs)
            total += best
            pairs += best_pairs
        return total, pairs

    def _scores(self, known: list[str]) -> np.ndarray:
        return np.asarray(self.bm25.get_scores(known), np.float32) if known else np.zeros(len(self.doc_terms), np.float32)

    def bm25_parts(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """The text's BM25 per sentence, and the part of it owed to adjacent syllable pairs."""
        known = [t for t in dict.fromkeys(lexical_terms(text, self.folded)) if t in self.vocabulary]
        return self._scores(known), self._scores([t for t in known if "_" in t])

    def score(self, text: str) -> LexicalScores:
        bm25, pairs = self.bm25_parts(text)
        return LexicalScores(bm25, self.coverage(self.content_weights(text)),
                             self.coverage(self.content_weights(text, pairs=True)), pairs)
