"""Hybrid retrieval over one article's sentences: dense (e5) and lexical (BM25), fused by language.

Two stages. `Retriever.evidence` does the work that needs the model and the lexical index: the
question's cosine to every sentence, its BM25 scores and how much of its weight each sentence
holds (`Signals`), for the question alone and, when there is an earlier question, for the two
together. `rank` is a pure function of that evidence and a `Fusion` of knobs: each signal is
rescaled per question so that the best sentence scores 1 (dense cosine relative to the article's
median sentence, BM25 relative to its best), mixed with a weight that depends on the question's
language, then adjusted for answer kind and headings. A fitting script tries knobs on stored
evidence with `dataclasses.replace`, without embedding anything again.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Mapping

import numpy as np

from index.chunking import Chunk
from index.embedder import Embedder
from index.store import VIEWS, ArticleIndex
from index.vietnamese import canonical_syllable, fold_diacritics, numbers_written_otherwise, split_code, words

from .answer_type import KINDS, REASON, answer_spans, gives_reason
from .background import background_vectors
from .english import lexicon
from .lexical import LexicalIndex
from .question import EN, OPENS, REFERS, VI, VI_NODIAC, Question, specific_terms, without_english_function_words


@dataclass(frozen=True)
class Fusion:
    """The knobs of ranking; the shipped values are fitted by `benchmarks/fit.py` (see
    `assistant/data/fitted.json`). Every share is in [0, 1].

    - `dense_*`: share of the fused score given to the dense signal, per question language;
    - `dense_untranslated`: that share for an English question none of whose content words the
      lexicon knows (BM25 then sees only its names and numbers); between the two, the share
      follows the share of words translated;
    - `in_context`: share of the dense signal taken from the sentence read after the one before
      it in its paragraph (the `window` view of `index.store.VIEWS`) rather than alone;
    - `context_opens`: share given to the question read together with the previous one, when it
      opens like a follow-up ("Còn 4G thì sao?"); `context_refers` when it refers back ("trong
      đó", "them"); `context_plain` when it does neither;
    - `kind_penalty`: share a sentence loses when it holds no answer of the kind asked for (for
      "vì sao / why", no reason);
    - `heading_penalty`: share a heading (the title, a subheading) loses: it names a subject,
      so it resembles every question about it, but it states little;
    - `neighbour`: share of the better adjacent sentence's score (same paragraph) a sentence
      gains: the words that pin a question down often stand in the sentence before;
    - `pairs`: share of the lexical signal given to the question's adjacent syllable pairs
      (Vietnamese compound words, "dân số", "bệnh viện") against its single syllables; at 0.5
      both count alike, as in one BM25 over both;
    - `lexical_in_context`: share of the lexical signal taken from BM25 over the sentence read
      after the one before it in its paragraph (the lexical twin of `in_context`).
    """

    dense_vi: float = 0.25
    dense_vi_nodiac: float = 0.3
    dense_en: float = 0.25
    dense_untranslated: float = 0.75
    in_context: float = 0.0
    context_opens: float = 0.7
    context_refers: float = 0.7
    context_plain: float = 0.0
    kind_penalty: float = 0.2
    heading_penalty: float = 0.3
    neighbour: float = 0.0
    pairs: float = 0.5
    lexical_in_context: float = 0.0

    def __post_init__(self):
        for name, value in vars(self).items():
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"Fusion.{name} must be a share from 0 to 1, not {value!r}")

    def dense_share(self, language: str, translated: float) -> float:
        share = {VI: self.dense_vi, VI_NODIAC: self.dense_vi_nodiac, EN: self.dense_en}[language]
        return share + (self.dense_untranslated - share) * (1 - translated) if language == EN else share


@dataclass(frozen=True)
class Signals:
    """One text's raw evidence over the article's sentences (arrays indexed by chunk id):
    `dense` cosine, `dense_in_context` (the cosine of the sentence read after the one before it),
    `bm25`, `coverage` (the IDF-weighted share of the text's content words a
    sentence holds; for English, of their Vietnamese renderings), `pair_coverage` (the same
    over adjacent syllable pairs, Vietnamese compound words; for English, `coverage`), `bm25_pairs` (the part
    of `bm25` owed to adjacent syllable pairs; None: none), `translated` (share of an
    English text's content words the lexicon knows; 1 otherwise) and `weights`, the text's
    content terms with their IDF (what the answer's bold span is chosen by)."""

    dense: np.ndarray
    dense_in_context: np.ndarray
    bm25: np.ndarray
    coverage: np.ndarray
    pair_coverage: np.ndarray
    translated: float
    weights: Mapping[str, float]
    bm25_pairs: np.ndarray | None = None  # the part of `bm25` owed to adjacent syllable pairs
    bm25_in_context: np.ndarray | None = None  # BM25 over the sentence read after the one before it
    bm25_pairs_in_context: np.ndarray | None = None


@dataclass(frozen=True)
class Evidence:
    """Everything retrieval measured for a question: its own `Signals` (for one with no words
    of its own, "Anywhere else?", those of it read with the previous question), the `context`
    signals of the previous question and this one read together (None without a previous question),
    the terms it hinges on that the article never uses, and `background` and `background_mean`,
    its best and its mean cosine to generic text about other things (see `background`): the
    mean tells how close any text comes to the question, so a cosine can be judged relative to
    it (an English question's cosines to Vietnamese text run lower across the board)."""

    question: Question
    previous: Question | None
    own: Signals
    context: Signals | None
    missing_terms: tuple[str, ...]
    background: float
    background_mean: float = 0.0


@dataclass(frozen=True)
class Hit:
    """A sentence and its scores for one question: `score` is the fused 0..1 ranking score;
    `alone` the same without the lift of its best neighbour (how well the sentence itself
    matches); `dense` and `coverage` are from `Evidence.own`, not the context signals."""

    chunk: Chunk
    score: float
    alone: float
    dense: float
    coverage: float


@dataclass(frozen=True)
class Retrieval:
    """Every sentence, best first, with the evidence they were ranked on. `answer_kind` is what
    the question asks for (a follow-up such as "Còn 4G thì sao?" asks what the previous one
    asked)."""

    evidence: Evidence
    hits: tuple[Hit, ...]
    answer_kind: str | None
    used_context: bool

    @property
    def question(self) -> Question:
        return self.evidence.question


@dataclass(frozen=True)
class ArticleShape:
    """What ranking needs to know of the sentences themselves, by chunk id."""

    chunks: tuple[Chunk, ...]
    is_heading: np.ndarray
    holds_kind: Mapping[str, np.ndarray]
    before: np.ndarray  # id of the previous sentence of the same paragraph, or -1
    after: np.ndarray  # id of the next one, or -1

    @classmethod
    def of(cls, chunks: tuple[Chunk, ...]) -> "ArticleShape":
        paragraphs = Counter(c.paragraph for c in chunks)
        is_heading = np.array([
            paragraphs[c.paragraph] == 1 and not c.text.rstrip("\"”’)]").endswith((".", "!", "?", "…"))
            for c in chunks
        ], bool)
        holds = {kind: np.array([bool(answer_spans(c.text, kind)) for c in chunks], bool) for kind in KINDS}
        holds[REASON] = np.array([gives_reason(c.text) for c in chunks], bool)
        same = [i > 0 and chunks[i - 1].paragraph == c.paragraph for i, c in enumerate(chunks)]
        before = np.array([i - 1 if same[i] else -1 for i in range(len(chunks))], int)
        after = np.array([i + 1 if i + 1 < len(chunks) and same[i + 1] else -1 for i in range(len(chunks))], int)
        return cls(tuple(chunks), is_heading, holds, before, after)


def _rescale_dense(cos: np.ndarray) -> np.ndarray:
    top, mid = float(cos.max()), float(np.median(cos))
    return (cos - mid) / (top - mid) if top > mid else np.zeros_like(cos)


def _rescale_lexical(bm25: np.ndarray) -> np.ndarray:
    """BM25 over the best sentence's, along the last axis (one question, or one per row); zeros
    where no sentence scored."""
    top = bm25.max(axis=-1, keepdims=True)
    return np.divide(bm25, top, out=np.zeros_like(bm25), where=top > 0)


def _weigh_pairs(bm25: np.ndarray, pairs: np.ndarray | None, fusion: Fusion) -> np.ndarray:
    """BM25 with its single syllables and its syllable pairs weighed by `Fusion.pairs`, rescaled."""
    if pairs is not None:
        bm25 = (1 - fusion.pairs) * (bm25 - pairs) + fusion.pairs * pairs
    return _rescale_lexical(bm25)


def _lexical(signals: Signals, fusion: Fusion) -> np.ndarray:
    """The rescaled lexical signal: the sentence's BM25, mixed with that of the sentence read in
    context by `Fusion.lexical_in_context`."""
    own = _weigh_pairs(signals.bm25, signals.bm25_pairs, fusion)
    if not fusion.lexical_in_context or signals.bm25_in_context is None:
        return own
    window = _weigh_pairs(signals.bm25_in_context, signals.bm25_pairs_in_context, fusion)
    return (1 - fusion.lexical_in_context) * own + fusion.lexical_in_context * window


def _mix(signals: Signals, language: str, fusion: Fusion) -> np.ndarray:
    w = fusion.dense_share(language, signals.translated)
    dense = (1 - fusion.in_context) * _rescale_dense(signals.dense) + fusion.in_context * _rescale_dense(signals.dense_in_context)
    return w * dense + (1 - w) * _lexical(signals, fusion)


def elided(evidence: Evidence) -> bool:
    """The question opens like a follow-up and asks for no kind of its own ("Còn 4G thì sao?"):
    it asks what the previous question asked. One that only refers back asks its own ("Ông ấy
    đã trao gì?" after "Ai là Bí thư?" asks what, not who)."""
    question = evidence.question
    return question.followup_cue == OPENS and question.answer_kind is None and evidence.previous is not None


def answer_kind(evidence: Evidence) -> str | None:
    """What the question asks for; "Còn 4G thì sao?" asks what the previous question asked."""
    return evidence.previous.answer_kind if elided(evidence) else evidence.question.answer_kind


def wanted_kind(evidence: Evidence) -> str | None:
    """What a sentence must hold not to be ranked down: the answer kind, or a reason for "vì
    sao / mục đích … là gì / why", and for a follow-up of one ("Còn viễn thông thì sao?")."""
    kind = answer_kind(evidence)
    asks_reason = evidence.question.asks_reason or (elided(evidence) and evidence.previous.asks_reason)
    return REASON if kind is None and asks_reason else kind


def fuse(evidence: Evidence, shape: ArticleShape, fusion: Fusion) -> tuple[np.ndarray, np.ndarray, str | None, bool]:
    """The fused ranking score of every sentence, the same without the lift of its best neighbour
    (how well the sentence matches by itself), the answer kind, and whether the previous
    question was taken into account."""
    language = evidence.question.language
    alone = _mix(evidence.own, language, fusion)
    context_share = {OPENS: fusion.context_opens, REFERS: fusion.context_refers}.get(
        evidence.question.followup_cue, fusion.context_plain)
    used_context = evidence.context is not None and (context_share > 0 or evidence.own is evidence.context)
    if used_context:
        alone = (1 - context_share) * alone + context_share * _mix(evidence.context, language, fusion)
    fused = alone
    if fusion.neighbour:  # divided so that scores stay within 0..1
        padded = np.append(alone, 0.0)  # index -1: no neighbour
        fused = (alone + fusion.neighbour * np.maximum(padded[shape.before], padded[shape.after])) / (1 + fusion.neighbour)
    kind, wanted = answer_kind(evidence), wanted_kind(evidence)
    penalty = np.ones(len(shape.chunks))
    if wanted is not None:
        penalty = np.where(shape.holds_kind[wanted], penalty, 1 - fusion.kind_penalty)
    penalty = np.where(shape.is_heading, (1 - fusion.heading_penalty) * penalty, penalty)
    return fused * penalty, alone * penalty, kind, used_context


def rank(evidence: Evidence, shape: ArticleShape, fusion: Fusion) -> Retrieval:
    """Every sentence, best first (a pure function: no model, no index)."""
    fused, alone, kind, used_context = fuse(evidence, shape, fusion)
    order = np.argsort(-fused, kind="stable")
    own = evidence.own
    hits = tuple(Hit(shape.chunks[i], float(fused[i]), float(alone[i]), float(own.dense[i]), float(own.coverage[i]))
                 for i in order)
    return Retrieval(evidence, hits, kind, used_context)


def _as_written(text: str) -> list[tuple[str, ...]]:
    """An English text's numbers, codes and names, as terms of the folded index: its specific
    terms, the foreign names in it ("Panthers") and words in capitals ("BTS", "GRDP")."""
    terms = list(specific_terms(text, EN)) + [(canonical_syllable(n),) for n in lexicon().foreign_names(text)]
    terms += [(canonical_syllable(fold_diacritics(w)),) for w in words(text) if len(w) > 1 and w.isalpha() and w.isupper()]
    return list(dict.fromkeys(terms))


class Retriever:
    """Scores an article's sentences for questions. Holds no model: the embedder is injected."""

    def __init__(self, index: ArticleIndex, embedder: Embedder, fusion: Fusion | None = None):
        self.index = index
        self.embedder = embedder
        self.fusion = fusion or Fusion()
        self.accented = LexicalIndex(index.match_texts, folded=False)
        self.folded = LexicalIndex(index.match_texts, folded=True)
        self.shape = ArticleShape.of(index.chunks)
        texts = index.match_texts
        windows = [texts[b] + " " + t if b >= 0 else t for t, b in zip(texts, self.shape.before)]
        self.accented_in_context = LexicalIndex(windows, folded=False)
        self.folded_in_context = LexicalIndex(windows, folded=True)
        self.numbers_written_otherwise = set().union(*map(numbers_written_otherwise, texts))
        # a year glued to letters counts too, as in a text decoded wrongly ("1455â€“1536")
        written = self.accented.vocabulary | self.numbers_written_otherwise
        self.years = {int(n) for n in written if n.isdigit() and len(n) <= 4}

    def lexical_for(self, language: str) -> LexicalIndex:
        """The lexical form a question in that language is matched in (accented only for `vi`)."""
        return self.accented if language == VI else self.folded

    @staticmethod
    def _english_bm25(lexical_index: LexicalIndex, text: str,
                      concepts: list[tuple[str, ...]]) -> tuple[np.ndarray, np.ndarray]:
        """An English text's BM25 in that index and the part of it owed to syllable pairs: its
        names and numbers, and the Vietnamese renderings of its words (`concepts`)."""
        names, names_pairs = lexical_index.bm25_parts(without_english_function_words(text))
        translated, translated_pairs = lexical_index.concept_bm25_parts(concepts)
        return names + translated, names_pairs + translated_pairs

    def _signals(self, text: str, dense_views: np.ndarray, language: str) -> Signals:
        text_view, folded_view = dense_views[VIEWS.index("text")], dense_views[VIEWS.index("folded")]
        dense = np.maximum(text_view, folded_view) if language == VI_NODIAC else text_view
        dense_in_context = dense_views[VIEWS.index("window")]
        lexical_index = self.lexical_for(language)
        windows = self.accented_in_context if language == VI else self.folded_in_context
        if language == EN:  # its names and numbers, and its words put into Vietnamese
            translation = lexicon().translate(text)
            concepts = [r.vietnamese for r in translation.renderings]
            bm25, bm25_pairs = self._english_bm25(lexical_index, text, concepts)
            window_bm25, window_pairs = self._english_bm25(windows, text, concepts)
            # Renderings carry their marks: folded, "thủ đô" would be found in "thu phát … độ";
            # names, numbers and codes are matched as written, without marks ("Dien Bien", "3G").
            translated, translated_weight = self.accented.concept_held(concepts)
            as_written, as_written_weight = self.folded.terms_held(_as_written(text))
            total = translated_weight + as_written_weight
            coverage = (translated + as_written) / total if total else np.zeros(len(self.shape.chunks), np.float32)
            # A word the lexicon does not know ("laptop") is not known to be held: the share
            # held of the words it knows, scaled by their share of the question's words.
            coverage = coverage * translation.share
            weighed = without_english_function_words(text) + " " + " ".join(v[0] for v in concepts)
            weights = self.accented.content_weights(weighed)
            return Signals(dense, dense_in_context, bm25, coverage, coverage, translation.share, weights, bm25_pairs,
                           window_bm25, window_pairs)
        lexical = lexical_index.score(text)
        window_bm25, window_pairs = windows.bm25_parts(text)
        return Signals(dense, dense_in_context, lexical.bm25, lexical.coverage, lexical.pair_coverage, 1.0,
                       lexical_index.content_weights(text), lexical.bm25_pairs, window_bm25, window_pairs)

    def missing_terms(self, question: Question) -> tuple[str, ...]:
        """The question's specific terms (numbers, codes, names) that the article never uses;
        for an English question also the foreign names in it ("Who painted the Mona Lisa?").
        A number counts as used when the article writes it within a code, as a Roman numeral or
        in words ("206" in "AS206", "giai đoạn 2" in "Giai đoạn II", "100" in "một trăm"), a
        code when the article writes it apart ("AS206" as "AS-206"), a century or a decade when
        the article writes a year within it ("thế kỷ 15" in "1455"), and a number the article
        writes in another of its forms ("73 nghìn" as "73.000", "16.10" as "16/10": see
        `question.readings`)."""
        vocabulary = self.lexical_for(question.language).vocabulary
        terms = list(question.specific_terms)
        if question.language == EN:
            terms += [(canonical_syllable(name),) for name in lexicon().foreign_names(question.text)]
        otherwise = self.numbers_written_otherwise.intersection(question.numbers)
        otherwise |= {code for code in question.numbers if split_code(code, question.language != VI) in vocabulary}
        otherwise |= {term for term, first, last in question.periods if any(first <= y <= last for y in self.years)}
        otherwise |= {term for term, other in question.readings if other in vocabulary or other in self.numbers_written_otherwise}
        return tuple(" / ".join(forms) for forms in terms if vocabulary.isdisjoint(forms) and otherwise.isdisjoint(forms))

    def evidence(self, question: Question, previous: Question | None = None) -> Evidence:
        """Measure a question (and, with the previous question, the two read together)."""
        texts = [question.content]
        if previous is not None:
            texts.append(previous.content + " " + question.content)
        vectors = self.embedder.encode_queries(texts)
        dense_views = self.index.dense_scores(vectors)
        own = self._signals(texts[0], dense_views[0], question.language)
        context = self._signals(texts[1], dense_views[1], question.language) if previous else None
        read = 0  # the text the question is judged as: its own, or (row 1) read with the one before
        if context is not None and not own.weights:  # "Anywhere else?", "Còn ai nữa?": no words of
            own, read = context, 1  # its own to rank or judge by
        generic = vectors[read] @ background_vectors(self.embedder).T
        return Evidence(question, previous, own, context, self.missing_terms(question), float(generic.max()),
                        float(generic.mean()))

    def search(self, question: Question, previous: Question | None = None) -> Retrieval:
        """Rank every sentence for a question; `previous` is the conversation's last question."""
        return rank(self.evidence(question, previous), self.shape, self.fusion)
