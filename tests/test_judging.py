"""The fusion and the judge as pure functions of hand-built values: no model, no index."""

import dataclasses

import numpy as np
import pytest

from assistant import fitted
from assistant.answerability import FEATURES, Judge, features
from assistant.question import read_question
from assistant.retrieval import ArticleShape, Evidence, Fusion, Hit, Retrieval, Signals, fuse, rank, wanted_kind
from index.chunking import split_sentences

ARTICLE = (
    "Tiêu đề bài báo\n"
    "Toàn tỉnh có 510 tuyến cáp quang. Tỉnh có 920 trạm BTS, trong đó 825 trạm có 4G.\n"
    "Doanh thu viễn thông đạt 465 tỷ đồng.\n"
)
CHUNKS = tuple(split_sentences(ARTICLE))  # title, fibre, BTS, revenue
SHAPE = ArticleShape.of(CHUNKS)


def signals(dense, bm25=None, coverage=None, translated=1.0):
    dense = np.asarray(dense, float)
    bm25 = np.asarray(bm25 if bm25 is not None else dense, float)
    coverage = np.asarray(coverage if coverage is not None else np.zeros_like(dense), float)
    return Signals(dense, dense[::-1].copy(), bm25, coverage, coverage, translated, {})


def evidence(question, own, context=None, previous=None, missing=(), background=0.0, background_mean=0.0):
    return Evidence(read_question(question), previous and read_question(previous), own, context, missing, background,
                    background_mean)


def test_the_article_shape_knows_headings_and_neighbours():
    assert [c.paragraph for c in CHUNKS] == [1, 2, 2, 3]
    assert SHAPE.is_heading.tolist() == [True, False, False, False]
    assert SHAPE.before.tolist() == [-1, -1, 1, -1] and SHAPE.after.tolist() == [-1, 2, -1, -1]
    assert SHAPE.holds_kind["number"].tolist() == [False, True, True, True]


def test_fusion_knobs_are_shares():
    with pytest.raises(ValueError, match="dense_vi"):
        Fusion(dense_vi=1.5)
    assert Fusion(dense_en=0.2, dense_untranslated=0.8).dense_share("en", translated=0.5) == pytest.approx(0.5)
    assert Fusion(dense_vi=0.3).dense_share("vi", translated=0.0) == 0.3


def test_dense_share_decides_between_the_signals():
    own = signals(dense=[0.0, 0.9, 0.5, 0.1], bm25=[0.0, 0.0, 3.0, 0.0])
    ev = evidence("Có bao nhiêu trạm?", own)
    all_dense = Fusion(dense_vi=1.0, kind_penalty=0, heading_penalty=0, neighbour=0)
    all_bm25 = dataclasses.replace(all_dense, dense_vi=0.0)
    assert rank(ev, SHAPE, all_dense).hits[0].chunk.id == 1
    assert rank(ev, SHAPE, all_bm25).hits[0].chunk.id == 2


def test_kind_and_heading_penalties_scale_the_score():
    own = signals(dense=[1.0, 0.0, 0.0, 0.0])
    fusion = Fusion(dense_vi=1.0, kind_penalty=0.25, heading_penalty=0.5, neighbour=0)
    fused, _, kind, _ = fuse(evidence("Có bao nhiêu trạm?", own), SHAPE, fusion)
    # The title both lacks a number and is a heading.
    assert kind == "number" and fused[0] == pytest.approx(1.0 * 0.75 * 0.5)


def test_a_why_question_ranks_down_sentences_that_give_no_reason():
    chunks = tuple(split_sentences("Tiêu đề\nHai bên ký biên bản ghi nhớ. Hai bên ký biên bản nhằm thúc đẩy CĐS.\n"))
    shape = ArticleShape.of(chunks)
    assert shape.holds_kind["reason"].tolist() == [False, False, True]
    fusion = Fusion(dense_vi=1.0, kind_penalty=0.25, heading_penalty=0, neighbour=0)
    ev = evidence("Mục đích của việc ký biên bản ghi nhớ là gì?", signals(dense=[0.0, 1.0, 0.0]))
    unpenalised, _, _, _ = fuse(ev, shape, dataclasses.replace(fusion, kind_penalty=0))
    fused, _, kind, _ = fuse(ev, shape, fusion)  # no kind to bold, but a reason to find
    assert kind is None and fused[1] == pytest.approx(0.75 * unpenalised[1]) and fused[2] == unpenalised[2]
    # A follow-up of a why asks why too; an unrelated question after it does not.
    why = "Vì sao doanh thu bưu chính tăng?"
    assert wanted_kind(evidence("Còn viễn thông thì sao?", ev.own, previous=why)) == "reason"
    assert wanted_kind(evidence("Doanh thu viễn thông đạt bao nhiêu?", ev.own, previous=why)) == "number"
    assert wanted_kind(evidence("Doanh thu viễn thông ra sao?", ev.own, previous=why)) is None


def test_the_previous_question_counts_as_the_cue_says():
    own = signals(dense=[0.0, 1.0, 0.0, 0.0])
    context = signals(dense=[0.0, 0.0, 1.0, 0.0])
    fusion = Fusion(dense_vi=1.0, context_opens=0.8, context_refers=0.4, context_plain=0.0, kind_penalty=0,
                    heading_penalty=0, neighbour=0)
    opens = evidence("Còn 4G thì sao?", own, context, previous="Có bao nhiêu trạm BTS?")
    plain = evidence("Doanh thu viễn thông là bao nhiêu?", own, context, previous="Có bao nhiêu trạm BTS?")
    assert rank(opens, SHAPE, fusion).hits[0].chunk.id == 2 and rank(opens, SHAPE, fusion).used_context
    assert rank(plain, SHAPE, fusion).hits[0].chunk.id == 1 and not rank(plain, SHAPE, fusion).used_context
    # "Còn 4G thì sao?" asks what the previous question asked; one that only refers back asks its own.
    assert rank(opens, SHAPE, fusion).answer_kind == "number"
    refers = evidence("Ông ấy đã trao gì cho Bộ trưởng?", own, context, previous="Ai là Bí thư Tỉnh ủy?")
    assert refers.question.followup_cue == "refers" and rank(refers, SHAPE, fusion).answer_kind is None


def test_a_neighbour_lifts_a_sentence_of_its_paragraph_only():
    own = signals(dense=[0.0, 0.0, 1.0, 0.0])
    fusion = Fusion(dense_vi=1.0, neighbour=0.5, heading_penalty=0)
    fused, alone, _, _ = fuse(evidence("trạm", own), SHAPE, fusion)
    assert fused.argmax() == 2 and fused[1] == pytest.approx(0.5 / 1.5) and fused[3] == 0
    # How well each sentence matches by itself, without the lift: the bold answer is sought there.
    assert alone[2] == pytest.approx(1.0) and alone[1] == 0
    assert {h.chunk.id: h.alone for h in rank(evidence("trạm", own), SHAPE, fusion).hits} == dict(enumerate(alone))


def test_the_bold_answer_is_sought_in_the_quote_sentence_that_matches_by_itself():
    from assistant.answer import Quote
    from assistant.api import Assistant
    from index.vietnamese import lexical_terms

    own = signals(dense=[0.0, 0.6, 1.0, 0.0])
    own = dataclasses.replace(own, weights={t: 1.0 for t in lexical_terms("trạm BTS", False)})
    # The fibre sentence ranks first (lifted by a neighbour); the BTS one matches best by itself.
    hits = (Hit(CHUNKS[1], 0.9, 0.5, 0.6, 0.0), Hit(CHUNKS[2], 0.8, 0.9, 1.0, 0.0))
    retrieval = Retrieval(evidence("Có bao nhiêu trạm BTS?", own), hits, "number", False)
    start, end = CHUNKS[1].start, CHUNKS[2].end
    quote = Quote(ARTICLE[start:end], start, end, retrieval.hits[0].score, 2)
    (bold,) = Assistant._highlights(retrieval, quote)
    assert quote.text[bold[0] : bold[1]] == "920"


def _stump_judge(feature: str, threshold: float, low: float, high: float) -> Judge:
    """One split on one feature: log-odds `low` at or below the threshold, `high` above."""
    tree = ((FEATURES.index(feature), threshold, 1, 2, 0.0), (-1, 0.0, 0, 0, low), (-1, 0.0, 0, 0, high))
    typical = tuple(1.0 if name == feature else 0.0 for name in FEATURES)
    return Judge(FEATURES, 0.0, (tree,), typical, {"vi": 0.5, "vi_nodiac": 0.5, "en": 0.5})


def test_the_judge_weighs_its_trees_and_says_why_it_declines():
    judge = _stump_judge("coverage", 0.5, -2.0, 2.0)
    own = signals(dense=[0.1, 0.9, 0.5, 0.1], coverage=[0.0, 0.2, 0.9, 0.0])
    retrieval = rank(evidence("Có bao nhiêu trạm BTS?", own), SHAPE, Fusion(dense_vi=1.0))
    verdict = judge.decide(retrieval)  # the best sentence (by cosine) holds 20% of the words
    assert retrieval.hits[0].chunk.id == 1 and not verdict.answered
    assert verdict.confidence == pytest.approx(1 / (1 + np.exp(2.0)))
    assert verdict.reason.startswith("the best sentence holds 20% of the question's words")
    covered = rank(evidence("Có bao nhiêu trạm BTS?", signals(dense=own.dense, coverage=[0, 0.9, 0, 0])),
                   SHAPE, Fusion(dense_vi=1.0))
    assert judge.decide(covered).answered


def test_a_number_the_article_never_writes_is_declined_before_the_model():
    judge = _stump_judge("coverage", 0.5, 5.0, 5.0)  # would answer anything
    retrieval = rank(evidence("Có bao nhiêu trạm 5G?", signals([0, 1, 0, 0]), missing=("5g",)), SHAPE, Fusion())
    verdict = judge.decide(retrieval)
    assert not verdict.answered and verdict.reason == "the article never mentions 5g"
    # A name the article never uses is evidence for the model, not a rule.
    retrieval = rank(evidence("Ông Smith nói gì?", signals([0, 1, 0, 0]), missing=("smith",)), SHAPE, Fusion())
    assert judge.decide(retrieval).answered and features(retrieval)[FEATURES.index("missing_names")] == 1


def test_a_why_question_whose_best_sentence_gives_no_reason_is_marked():
    judge = dataclasses.replace(_stump_judge("reason_missing", 0.5, 2.0, -2.0), typical=(0.0,) * len(FEATURES))
    retrieval = rank(evidence("Vì sao doanh thu viễn thông tăng?", signals([0, 0, 0, 1])), SHAPE, Fusion())
    verdict = judge.decide(retrieval)  # "Doanh thu viễn thông đạt 465 tỷ đồng." says nothing of why
    assert not verdict.answered
    assert verdict.reason.startswith("the question asks why and the best sentence gives no reason")
    retrieval = rank(evidence("Doanh thu viễn thông đạt bao nhiêu?", signals([0, 0, 0, 1])), SHAPE, Fusion())
    assert judge.decide(retrieval).answered


def test_a_judge_fitted_on_other_features_is_refused():
    judge = _stump_judge("coverage", 0.5, 0, 0)
    with pytest.raises(ValueError, match="refit"):
        dataclasses.replace(judge, features=FEATURES[:-1])
    with pytest.raises(ValueError, match="outside"):
        dataclasses.replace(judge, trees=(((0, 0.5, 1, 7, 0.0), (-1, 0, 0, 0, 0.0)),))


def test_the_shipped_knobs_load_and_hold_their_invariants():
    fusion, judge = fitted.load()
    assert isinstance(fusion, Fusion) and judge.features == FEATURES
    assert set(judge.thresholds) == {"vi", "vi_nodiac", "en"}
    with pytest.raises(ValueError, match="format"):
        fitted.parse({"format": 0})


@pytest.mark.parametrize("language_question", ["Có bao nhiêu trạm BTS?", "co bao nhieu tram BTS", "How many BTS sites?"])
def test_the_calibrated_judge_on_clear_cases(language_question):
    """The shipped model answers a question whose best sentence holds all its words and stands
    out, and declines one that no sentence resembles and generic text matches better."""
    fusion, judge = fitted.load()
    strong = signals(dense=[0.80, 0.82, 0.93, 0.80], bm25=[0, 0, 6.0, 0], coverage=[0, 0, 1.0, 0])
    weak = signals(dense=[0.74, 0.75, 0.75, 0.74], bm25=[0, 0, 0, 0], coverage=[0, 0, 0, 0], translated=0.0)
    assert judge.decide(rank(evidence(language_question, strong, background=0.80, background_mean=0.72), SHAPE,
                              fusion)).answered
    verdict = judge.decide(rank(evidence(language_question, weak, background=0.85, background_mean=0.76), SHAPE,
                                fusion))
    assert not verdict.answered and "confidence" in verdict.reason


def test_the_fitting_script_scores_a_fusion_as_retrieval_does():
    """benchmarks/fit.py mirrors `fuse` over padded arrays, to try thousands of knobs fast."""
    import sys

    from conftest import ROOT

    sys.path.insert(0, str(ROOT / "benchmarks"))
    from fit import Case, Ranking

    rng = np.random.default_rng(0)
    cases = []
    for question, previous in [("Có bao nhiêu trạm BTS?", None), ("Còn 4G thì sao?", "Có bao nhiêu trạm BTS?"),
                               ("Trong đó bao nhiêu có 4G?", "Có bao nhiêu trạm BTS?"), ("How many sites?", None),
                               ("Vì sao doanh thu tăng?", None)]:  # no sentence gives a reason: all ranked down
        own, context = signals(rng.random(4), rng.random(4), translated=0.5), signals(rng.random(4), rng.random(4))
        ev = evidence(question, own, context if previous else None, previous)
        cases.append(Case({"answerable": True}, 0, ev, SHAPE, np.array([False, True, False, False])))
    fusion = Fusion(dense_vi=0.4, dense_en=0.3, in_context=0.4, context_opens=0.6, context_refers=0.2, neighbour=0.3)
    mirrored = Ranking(cases).fused(fusion)
    for case, row in zip(cases, mirrored):
        assert np.allclose(row[: len(case.good)], fuse(case.evidence, SHAPE, fusion)[0])
