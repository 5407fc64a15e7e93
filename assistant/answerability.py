"""Deciding whether the article answers a question at all.

One hard rule comes first (`hard_rule`): a question that hinges on a number or code the article
never writes ("5G", "2019"), not even within a code, apart, as a Roman numeral, in words or as a
year of the century or decade asked about (see `Retriever.missing_terms`), is declined however
similar a sentence looks. It is nearly a fact, not quite: a question may add a year the article
leaves to its context (0.9% of the answerable XQuAD questions hold a number the article never
writes). Left to the model instead, such numbers did no better on held-out folds, and "bao
nhiêu trạm 5G?" was answered with the 4G sentence. A "how many" whose best sentence states no
count, in digits or in words ("hai trường"), is not such a fact: XQuAD-dev answers 6 of its
Vietnamese questions so ("nhiều lần", "không có"), against 15 near ones.
Otherwise one calibrated model weighs the evidence retrieval already measured (`FEATURES`): how
much of the question's weight the best sentence holds, how close the closest sentences are and
how far they stand out, whether the best sentence holds the kind of answer asked for (a number,
a date, a reason; not a person: only Vietnamese names are recognised, so "Luther" would count
as no one), the names of the question the article never uses, how much closer generic text about
other things is and how far the closest sentence stands above such text on average (cosines
between languages run lower across the board, so an English question is judged against its own
level), the question's language and length. It is a small gradient-boosted model
(depth-2 trees on the log-odds that the article answers), fitted by `benchmarks/fit.py` on
questions nobody here wrote (XQuAD-vi) and our own, with cross-validation grouped by article;
its trees and the operating point of each language ship as plain JSON in `data/fitted.json`.

A name the article never uses is evidence, not a rule: human-written questions name things in
their own words and spellings ("Bedigo", "the Far Eastern collections"); 4% of the answerable
XQuAD questions hinge on such a name.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Mapping

import numpy as np

from index.vietnamese import words

from .answer_type import NUMBER, PERSON, could_answer, gives_reason, holds_answer, names
from .question import EN, VI_NODIAC
from .retrieval import Evidence, Retrieval

# The evidence the model weighs, in the order of its inputs.
FEATURES = (
    "coverage",  # share of the question's content-word weight the best sentence holds
    "coverage_best",  # the same, best over all sentences
    "pair_coverage",  # the same over adjacent syllable pairs (compound words: "dân số")
    "pair_coverage_best",  # the same, best over all sentences
    "cosine",  # the question's cosine to the best sentence
    "cosine_best",  # its cosine to the closest sentence
    "cosine_lift",  # closest cosine minus the article's median sentence
    "margin",  # fused score of the best sentence minus the runner-up's
    "bm25",  # log(1 + the best BM25 score)
    "background",  # best cosine to generic text about other things minus the closest sentence's
    "background_lift",  # the closest sentence's cosine minus the mean cosine to that generic text
    "no_number",  # asks "how many" and the best sentence states no count (in digits or words)
    "value_missing",  # asks for a number, a date or a percentage the best sentence lacks (a period,
    # "9 tháng", or the question's own number does not count: `answer_type.could_answer`)
    "counted_missing",  # "bao nhiêu huyện" and the best sentence names no "huyện"
    "reason_missing",  # asks why and the best sentence gives no reason (no "vì", "do", "để", …)
    "translated",  # share of an English question's content words the lexicon knows (1 otherwise)
    "length",  # log of the number of words
    "missing_names",  # names of the question the article never uses
    "missing_share",  # their share of the question's specific terms
    "nodiac",  # typed without diacritics
    "en",  # English
)


def missing_numbers(evidence: Evidence) -> tuple[str, ...]:
    """The missing terms the question writes with a digit: numbers and codes ("2019", "5G")."""
    return tuple(t for t in evidence.missing_terms if t in evidence.question.numbers)


def missing_names(evidence: Evidence) -> tuple[str, ...]:
    """The other missing terms: names ("Smith", "thu3" for "Thủ")."""
    return tuple(t for t in evidence.missing_terms if t not in evidence.question.numbers)


def hard_rule(retrieval: Retrieval) -> str:
    """Why the question is declined before the model weighs anything, or "" (see the module)."""
    numbers = missing_numbers(retrieval.evidence)
    return "the article never mentions " + ", ".join(numbers) if numbers else ""


def features(retrieval: Retrieval) -> np.ndarray:
    """The question's evidence as a vector in the order of `FEATURES` (judged on the question's
    own terms: a follow-up's context only ranks, so an unrelated question is not carried by it;
    one with no words of its own is judged as read with the previous question, see `Evidence`)."""
    evidence, question = retrieval.evidence, retrieval.question
    own, top = evidence.own, retrieval.hits[0]
    runner_up = retrieval.hits[1].score if len(retrieval.hits) > 1 else 0.0
    best_cosine = float(own.dense.max())
    kind = retrieval.answer_kind
    noun = question.counted_noun
    missing = missing_names(evidence)
    values = {
        "coverage": top.coverage,
        "coverage_best": float(own.coverage.max()),
        "pair_coverage": float(own.pair_coverage[top.chunk.id]),
        "pair_coverage_best": float(own.pair_coverage.max()),
        "cosine": top.dense,
        "cosine_best": best_cosine,
        "cosine_lift": best_cosine - float(np.median(own.dense)),
        "margin": top.score - runner_up,
        "bm25": math.log1p(float(own.bm25.max())),
        "background": evidence.background - best_cosine,
        "background_lift": best_cosine - evidence.background_mean,
        "no_number": question.asks_quantity and not holds_answer(top.chunk.text, NUMBER),
        "value_missing": kind not in (None, PERSON) and not could_answer(top.chunk.text, kind, question),
        "counted_missing": bool(noun) and not names(top.chunk.text, noun),
        "reason_missing": question.asks_reason and not gives_reason(top.chunk.text),
        "translated": own.translated,
        "length": math.log(max(1, len(words(question.content)))),
        "missing_names": len(missing),
        "missing_share": len(missing) / max(len(missing), len(question.specific_terms)) if missing else 0.0,
        "nodiac": question.language == VI_NODIAC,
        "en": question.language == EN,
    }
    return np.array([float(values[name]) for name in FEATURES])


@dataclass(frozen=True)
class Verdict:
    """Whether to answer; `reason` says why not in words; `confidence` is the calibrated
    probability that the article answers."""

    answered: bool
    reason: str
    confidence: float


# A tree is a tuple of nodes `(feature, threshold, left, right, value)`, the root first; a leaf
# has feature -1 and adds its value to the log-odds. At a split, x[feature] <= threshold goes left.
Node = tuple[int, float, int, int, float]


@dataclass(frozen=True)
class Judge:
    """A fitted boosted-trees model over `FEATURES` and its operating points.

    Invariants: `features == FEATURES`; every split names a feature and two nodes of its tree;
    `typical` holds one value per feature (its median over answerable questions, used to say
    which evidence weighed against answering); `thresholds` gives a probability in (0, 1) for
    each question language.
    """

    features: tuple[str, ...]
    baseline: float
    trees: tuple[tuple[Node, ...], ...]
    typical: tuple[float, ...]
    thresholds: Mapping[str, float]

    def __post_init__(self):
        if self.features != FEATURES:
            raise ValueError("the judge was fitted on other features; refit it (benchmarks/fit.py)")
        if len(self.typical) != len(FEATURES) or not all(0 < t < 1 for t in self.thresholds.values()):
            raise ValueError("the judge needs a typical value per feature and thresholds within (0, 1)")
        for tree in self.trees:
            for feature, _threshold, left, right, _value in tree:
                if feature >= len(FEATURES) or (feature >= 0 and not (0 < left < len(tree) and 0 < right < len(tree))):
                    raise ValueError("a tree of the judge points outside itself; refit it (benchmarks/fit.py)")

    def probability(self, x: np.ndarray) -> float:
        """The probability that the article answers a question with these features."""
        raw = self.baseline
        for tree in self.trees:
            node = tree[0]
            while node[0] >= 0:
                node = tree[node[2] if x[node[0]] <= node[1] else node[3]]
            raw += node[4]
        return 1 / (1 + math.exp(-raw))

    def decide(self, retrieval: Retrieval) -> Verdict:
        """Answer or decline, with the reason in words."""
        ruled = hard_rule(retrieval)
        if ruled:
            return Verdict(False, ruled, 0.0)
        x = features(retrieval)
        p = self.probability(x)
        threshold = self.thresholds[retrieval.question.language]
        if p >= threshold:
            return Verdict(True, "", p)
        # The evidence that weighed most against answering: the feature whose typical value
        # would raise the probability most.
        gains = [self.probability(np.where(np.arange(len(x)) == i, self.typical[i], x)) for i in range(len(x))]
        weakest = FEATURES[int(np.argmax(gains))]
        return Verdict(False, f"{_explain(weakest, x, retrieval)} (confidence {p:.2f}, below {threshold:.2f})", p)


def _explain(feature: str, x: np.ndarray, retrieval: Retrieval) -> str:
    """The evidence that weighed most against answering, in words."""
    value = dict(zip(FEATURES, x))
    if feature in ("missing_names", "missing_share"):
        return "the article never mentions " + ", ".join(missing_names(retrieval.evidence))
    if feature in ("pair_coverage", "pair_coverage_best"):
        return f"the best sentence holds {value['pair_coverage']:.0%} of the question's compound words"
    if feature in ("coverage", "coverage_best", "translated", "bm25", "length"):
        return f"the best sentence holds {value['coverage']:.0%} of the question's words"
    if feature in ("background", "background_lift"):
        return "the question is closer to other topics than to the article"
    if feature == "no_number":
        return "the question asks for a quantity and the best sentence gives none"
    if feature == "value_missing":
        return f"the best sentence gives no {retrieval.answer_kind}"
    if feature == "counted_missing":
        return f"the best sentence counts no “{retrieval.question.counted_noun}”"
    if feature == "reason_missing":
        return "the question asks why and the best sentence gives no reason"
    if feature == "margin":
        return "no sentence stands out from the rest"
    return f"no sentence is close to the question (cosine {value['cosine_best']:.2f})"
