"""Deciding whether the article answers a question at all.

Three kinds of evidence make the assistant decline:
- the question hinges on a specific term the article never uses (a number, a code such as "5G",
  a name or place): no sentence can answer it, however similar it looks;
- the question asks outright for a quantity ("bao nhiêu", "how many") and the best sentence,
  which retrieval already prefers among those holding numbers, has none, or does not name what
  a Vietnamese question counts ("bao nhiêu huyện" and no "huyện");
- the best sentence is weak evidence: it holds too little of the question's IDF-weighted content
  words (words the article never uses weigh the most; an English question's words are counted
  through their Vietnamese renderings), or no sentence's embedding is closer than unrelated text
  usually is. An English question declines too when generic text about other topics is clearly
  closer to it than the article.
"""

from __future__ import annotations

from dataclasses import dataclass

from index.vietnamese import fold_diacritics, words

from .answer_type import NUMBER, answer_spans, asks_quantity, counted_noun
from .question import EN
from .retrieval import Retrieval

# Below this share of the IDF weight of the question's content words (single words: a paraphrase
# reorders them, which breaks bigrams; question words such as "gì", "bao nhiêu" left out), the
# best sentence does not answer a Vietnamese question. Over dev, our probes and three articles:
# answerable questions ≥ 0.50 but for one, unanswerable ones not declined otherwise ≤ 0.43.
MIN_COVERAGE = 0.47
# The same for an English question, over the Vietnamese renderings of its words (see `english`),
# matched with their marks: a translation misses some of the article's wording, so the bar is
# lower. Over 69 answerable English questions on four articles (26 written after the lexicon)
# the share was ≥ 0.43; of 67 unanswerable ones (own and other articles'), 60 were below 0.35.
MIN_EN_COVERAGE = 0.35
# ... and only when the lexicon knew at least half of its content words: with a partial
# translation one mistranslated word would decide (with half the lexicon dropped at random,
# answerable English questions were otherwise declined 3–5 times in 51).
MIN_TRANSLATED = 0.5
# multilingual-e5-small puts unrelated texts at cosine ≈ 0.70–0.78; related ones above. Only the
# clearly unrelated are declined on this alone, since coverage is judged too: an unaccented
# question whose best sentence holds 84% of its words can sit at 0.795, and a long English
# question at 0.73 from the sentence that answers it.
MIN_COSINE = {EN: 0.70}
MIN_COSINE_DEFAULT = 0.75
# An English question declines when generic text about other things (see `background`) is this
# much closer to it than the article's closest sentence. On 30 answerable English questions over
# two articles the margin never passed 0.015; 31 of 72 English questions about something else
# passed 0.02. Vietnamese questions are judged by coverage, the stronger evidence for them.
BACKGROUND_MARGIN = 0.02


@dataclass(frozen=True)
class Verdict:
    answered: bool
    reason: str


def judge(retrieval: Retrieval) -> Verdict:
    """Answer or decline, with the reason in words."""
    if retrieval.missing_terms:
        return Verdict(False, "the article never mentions " + ", ".join(retrieval.missing_terms))
    top = retrieval.hits[0]
    language = retrieval.question.language
    closest = max(hit.dense for hit in retrieval.hits)
    if closest < MIN_COSINE.get(language, MIN_COSINE_DEFAULT):
        return Verdict(False, f"no sentence is close to the question (cosine {closest:.3f})")
    if asks_quantity(retrieval.question.text) and not answer_spans(top.chunk.text, NUMBER):
        return Verdict(False, "the question asks for a quantity and the best sentence gives none")
    noun = counted_noun(retrieval.question.text) if language != EN else None
    if noun and noun not in {fold_diacritics(w.lower()) for w in words(top.chunk.text)}:
        return Verdict(False, f"the best sentence counts no “{noun}”")
    if language == EN and retrieval.background - closest > BACKGROUND_MARGIN:
        return Verdict(False, f"the question is closer to other topics (cosine {retrieval.background:.3f}) "
                              f"than to the article ({closest:.3f})")
    # An English question is judged by its words only when the lexicon knew most of them.
    judged_by_words = language != EN or retrieval.translated >= MIN_TRANSLATED
    if judged_by_words and top.coverage < (MIN_EN_COVERAGE if language == EN else MIN_COVERAGE):
        return Verdict(False, f"the best sentence holds {top.coverage:.0%} of the question's terms")
    return Verdict(True, "")
