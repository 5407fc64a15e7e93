"""Fit the ranking knobs and the answerability judge from data, with cross-validation grouped by
article, and write them to `assistant/data/fitted.json`.

Data: the 24 XQuAD-vi articles of `../shared/eval/xquad-dev/` (human-written questions in three
languages, the next article's questions and near questions as unanswerable) with our own near
questions for them, the project's four articles with every question set written for them
(`benchmarks/data/`, the shared dev set when present), and for every article a sample of other
articles' questions and a few lines of nonsense as foreign ones. Each question is embedded once; the knobs are then tried
on the stored evidence.

1. Ranking (`Fusion`): coordinate ascent over a grid, maximising the share of first quotes
   that hold the answer (reciprocal rank breaks ties). Every answerable XQuAD question is also
   asked after another question of its article drawn at random, so that the weight given to an
   earlier question is fitted on conversations whose questions stand alone too; the two askings
   share one question's weight, so that XQuAD does not count twice against our own sets. Reported: the
   first quote right with the hand-set and the fitted knobs, on held-out articles (with
   `--ranking-deals`, also over several deals of the articles into folds: a refit moves the
   knobs across a flat optimum, and one deal's figure moves with them).
2. Answerability (`Judge`): depth-2 gradient-boosted trees over `answerability.FEATURES`
   (answerable questions against far, foreign and near ones), out-of-fold probabilities by
   article, averaged over `JUDGE_DEALS` deals of the articles into folds; per language, the
   operating point is the highest threshold at which at most
   `--max-declined` of the answerable questions are declined on held-out folds, among XQuAD's
   and among ours each (ours are declined less often, and pooled they would hide XQuAD's). The
   curve of answerable against unanswerable questions declined goes to
   `docs/answerability-curve.*`. Every unanswerable question is also asked after an answerable
   one of its article (`switches_topic`); the judge is not fitted on these copies, only scored
   on them, with XQuAD's answerable copies: a change of subject must be declined as it is alone.

    .venv/bin/python benchmarks/fit.py [--data ../shared/eval/xquad-dev] [--folds 6] [--ranking-deals 5] [--dry-run]
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime
import json
import math
import random
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from assistant import fitted  # noqa: E402
from assistant.answerability import FEATURES, Judge, features, hard_rule  # noqa: E402
from assistant.api import previous_question  # noqa: E402
from assistant.evaluate import holds_evidence, load_questions  # noqa: E402
from assistant.question import EN, OPENS, REFERS, VI, VI_NODIAC, read_question  # noqa: E402
from assistant.retrieval import Fusion, rank, wanted_kind  # noqa: E402
from xquad import DEFAULT_DATA, OWN_NEAR, xquad_sets  # noqa: E402

DATA = ROOT / "benchmarks" / "data"
FOLLOWUPS = DATA / "followups"  # two-turn conversations a helper wrote from the articles alone
SHARED_DEV = ROOT.parent / "shared" / "eval" / "dev.jsonl"
LANGUAGES = (VI, VI_NODIAC, EN)
SHARE_GRID = tuple(round(0.05 * i, 2) for i in range(21))
GRIDS = {
    "dense_vi": SHARE_GRID, "dense_vi_nodiac": SHARE_GRID, "dense_en": SHARE_GRID,
    "dense_untranslated": SHARE_GRID, "in_context": SHARE_GRID, "context_opens": SHARE_GRID, "context_refers": SHARE_GRID,
    "context_plain": SHARE_GRID,
    "kind_penalty": SHARE_GRID, "heading_penalty": SHARE_GRID, "neighbour": SHARE_GRID, "pairs": SHARE_GRID,
    "lexical_in_context": SHARE_GRID,
}
FOREIGN_PER_ARTICLE = 18  # other articles' questions asked of each article


def project_sets() -> list[tuple[Path | None, list[dict]]]:
    """The project's articles with every question set written for them."""
    shipped = [DATA / f"{name}.jsonl" for name in ("probes", "probes2", "probes3", "probes4", "probes5", "users")]
    shipped += [ROOT / "tests" / "data" / "followups.jsonl", OWN_NEAR / "dien-bien.jsonl", FOLLOWUPS / "dien-bien.jsonl"]
    if SHARED_DEV.is_file():
        shipped.append(SHARED_DEV)
    sets = [(None, [r for f in shipped for r in load_questions(f)])]
    for name in ("lua-gao-an-giang", "vinh-ha-long", "chua-mot-cot"):
        rows = [r for f in (DATA, OWN_NEAR, FOLLOWUPS) for r in load_questions(f / f"{name}.jsonl")]
        sets.append((DATA / f"{name}.txt", rows))
    return sets


GIBBERISH_PER_ARTICLE = 6
LOREM = "lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt".split()


def gibberish(rng: random.Random) -> str:
    """Nonsense a reader might type: keyboard runs, repeated letters, placeholder Latin."""
    form = rng.randrange(3)
    if form == 0:
        return " ".join("".join(rng.choice("qwertyuiopasdfghjklzxcvbnm") for _ in range(rng.randint(2, 7)))
                        for _ in range(rng.randint(1, 4)))
    if form == 1:
        return " ".join([rng.choice("aeiouxyz") * rng.randint(2, 6)] * rng.randint(1, 3))
    return " ".join(rng.sample(LOREM, rng.randint(2, 6)))


def stands_alone(row: dict) -> bool:
    """An answerable question asked first, about one thing (not a request to summarise)."""
    return row["answerable"] and not row["history"] and row["kind"] != "summary"


def with_foreign(sets: list[tuple[Path | None, list[dict]]], seed: int = 0) -> list[tuple[Path | None, list[dict]]]:
    """Each article's rows plus, as unanswerable `foreign` ones, a sample of the other articles'
    standalone answerable questions and a few lines of nonsense."""
    rng = random.Random(seed)
    out = []
    for i, (article, rows) in enumerate(sets):
        pool = [r for j, (_a, other) in enumerate(sets) if j != i for r in other if stands_alone(r)]
        foreign = [{**r, "id": f"foreign-{i}-{r['id']}", "answerable": False, "evidence": [], "span": None,
                    "kind": "foreign"} for r in rng.sample(pool, FOREIGN_PER_ARTICLE)]
        nonsense = [{"id": f"nonsense-{i}-{n}", "question": gibberish(rng), "history": [], "evidence": [],
                     "answerable": False, "kind": "foreign", "lang": "unknown"} for n in range(GIBBERISH_PER_ARTICLE)]
        out.append((article, rows + foreign + nonsense))
    return out


@dataclasses.dataclass
class Case:
    """One question asked of one article, with its stored evidence."""

    row: dict
    group: int
    evidence: object
    shape: object
    good: np.ndarray  # by chunk id: the sentence holds the answer
    synthetic_history: bool = False


def holds_answer(row: dict, chunks) -> np.ndarray:
    """By chunk id: the sentence holds the row's answer (by the rules of `evaluate`)."""
    return np.array([holds_evidence(row, {"start": c.start, "end": c.end, "text": c.text}) for c in chunks], bool)


def from_xquad(row: dict) -> bool:
    """An answerable XQuAD question (only those carry a gold `span`)."""
    return bool(row.get("span"))


def asked_twice(row: dict) -> bool:
    """An answerable XQuAD question: asked alone, and again after another question (`collect`)."""
    return from_xquad(row) and not row["history"]


def switches_topic(row: dict) -> bool:
    """A standalone question the article does not answer, in a known language: asked again after
    an answerable question of the article (`collect`), it is a change of subject to decline."""
    return not row["answerable"] and not row["history"] and row["lang"] in LANGUAGES


def collect(sets, model: str | None, seed: int = 0) -> list[Case]:
    """Embed every question once; answerable XQuAD questions get a second case asked after
    another question of the same article and language, drawn at random, and so do the
    unanswerable ones (`switches_topic`), after an answerable one."""
    from assistant.retrieval import Retriever
    from index.article import Article
    from index.embedder import shared_embedder
    from index.settings import cache_dir
    from index.store import ArticleIndex

    embedder = shared_embedder(model)
    cases = []
    for group, (article, rows) in enumerate(sets):
        index, _status = ArticleIndex.open(Article.load(article), embedder, cache_dir())
        retriever = Retriever(index, embedder)
        # two streams: drawing the changes of subject leaves XQuAD's pairs as they were drawn before
        rng, switch_rng = random.Random(seed + group), random.Random(seed + group + len(sets))
        answerable = [r for r in rows if stands_alone(r)]
        for row in rows:
            question = read_question(row["question"])
            if question.about_article:
                continue  # answered with the lead, not by ranking or the judge
            good = holds_answer(row, index.chunks)
            previous = previous_question(row["history"])
            evidence = retriever.evidence(question, previous)
            cases.append(Case(row, group, evidence, retriever.shape, good))
            if asked_twice(row):
                others = [r for r in answerable if r["lang"] == row["lang"] and r["question"] != row["question"]]
                before = rng.choice(others)["question"]
                paired = retriever.evidence(question, read_question(before))
                cases.append(Case(row, group, paired, retriever.shape, good, synthetic_history=True))
            elif switches_topic(row) and (pool := [r for r in answerable if r["lang"] == row["lang"]]):
                paired = retriever.evidence(question, read_question(switch_rng.choice(pool)["question"]))
                cases.append(Case(row, group, paired, retriever.shape, good, synthetic_history=True))
        print(f"  {article.name if article else 'shipped article'}: {len(rows)} questions", file=sys.stderr, flush=True)
    return cases


class Ranking:
    """The ranking cases laid out as padded arrays, so that a `Fusion` is scored in one pass."""

    def __init__(self, cases: list[Case]):
        self.cases = [c for c in cases if c.row["answerable"] and c.good.any()]
        n, width = len(self.cases), max(len(c.good) for c in self.cases)
        shape = (n, width)
        self.valid, self.good = np.zeros(shape, bool), np.zeros(shape, bool)
        self.dense, self.dense_in_context, self.bm25 = np.zeros(shape), np.zeros(shape), np.zeros(shape)
        self.ctx_dense, self.ctx_dense_in_context, self.ctx_bm25 = np.zeros(shape), np.zeros(shape), np.zeros(shape)
        self.pairs, self.ctx_pairs = np.zeros(shape), np.zeros(shape)  # raw BM25 of syllable pairs; `bm25` raw too
        # BM25 over the sentences read after the one before (raw, and its syllable pairs)
        self.window, self.window_pairs = np.zeros(shape), np.zeros(shape)
        self.ctx_window, self.ctx_window_pairs = np.zeros(shape), np.zeros(shape)
        self.kind_ok, self.heading = np.ones(shape, bool), np.zeros(shape, bool)
        self.before, self.after = np.full(shape, width), np.full(shape, width)
        self.has_ctx = np.zeros(n, bool)
        self.cue = np.array([c.evidence.question.followup_cue for c in self.cases], object)
        self.language = np.array([c.evidence.question.language for c in self.cases])
        self.translated = np.ones(n)
        self.group = np.array([c.group for c in self.cases])
        # An XQuAD question and its copy asked after another question share one question's
        # weight: the copy is there to fit the follow-up knobs, not to count the question twice.
        self.weight = np.array([0.5 if asked_twice(c.row) else 1.0 for c in self.cases])
        self.rows = np.arange(n)[:, None]
        from assistant.retrieval import _rescale_dense

        for i, case in enumerate(self.cases):
            ev, sh, m = case.evidence, case.shape, len(case.good)
            self.valid[i, :m], self.good[i, :m] = True, case.good
            self.dense[i, :m], self.bm25[i, :m] = _rescale_dense(ev.own.dense), ev.own.bm25
            self.pairs[i, :m] = 0 if ev.own.bm25_pairs is None else ev.own.bm25_pairs
            self.window[i, :m], self.window_pairs[i, :m] = ev.own.bm25_in_context, ev.own.bm25_pairs_in_context
            self.dense_in_context[i, :m] = _rescale_dense(ev.own.dense_in_context)
            if ev.context is not None:
                self.has_ctx[i] = True
                self.ctx_dense[i, :m], self.ctx_bm25[i, :m] = _rescale_dense(ev.context.dense), ev.context.bm25
                self.ctx_pairs[i, :m] = 0 if ev.context.bm25_pairs is None else ev.context.bm25_pairs
                self.ctx_window[i, :m] = ev.context.bm25_in_context
                self.ctx_window_pairs[i, :m] = ev.context.bm25_pairs_in_context
                self.ctx_dense_in_context[i, :m] = _rescale_dense(ev.context.dense_in_context)
            kind = wanted_kind(ev)
            if kind is not None:
                self.kind_ok[i, :m] = sh.holds_kind[kind]
            self.heading[i, :m] = sh.is_heading
            self.before[i, :m] = np.where(sh.before >= 0, sh.before, width)
            self.after[i, :m] = np.where(sh.after >= 0, sh.after, width)
            self.translated[i] = ev.own.translated

    @staticmethod
    def _lexical(bm25, pairs, window, window_pairs, f: Fusion) -> np.ndarray:
        """Mirrors `retrieval._lexical`, one case per row (`_weigh_pairs` rescales each row)."""
        from assistant.retrieval import _weigh_pairs

        own = _weigh_pairs(bm25, pairs, f)
        if not f.lexical_in_context:
            return own
        return (1 - f.lexical_in_context) * own + f.lexical_in_context * _weigh_pairs(window, window_pairs, f)

    def fused(self, f: Fusion) -> np.ndarray:
        """The fused score of every sentence of every case (mirrors `retrieval.fuse`)."""
        w = np.select([self.language == VI, self.language == VI_NODIAC], [f.dense_vi, f.dense_vi_nodiac], f.dense_en)
        w = np.where(self.language == EN, w + (f.dense_untranslated - w) * (1 - self.translated), w)[:, None]
        v = f.in_context
        fused = w * ((1 - v) * self.dense + v * self.dense_in_context) + (1 - w) * self._lexical(self.bm25, self.pairs, self.window, self.window_pairs, f)
        share = np.select([self.cue == OPENS, self.cue == REFERS], [f.context_opens, f.context_refers], f.context_plain)
        share = (share * self.has_ctx)[:, None]
        context = (w * ((1 - v) * self.ctx_dense + v * self.ctx_dense_in_context)
                   + (1 - w) * self._lexical(self.ctx_bm25, self.ctx_pairs, self.ctx_window, self.ctx_window_pairs, f))
        fused = (1 - share) * fused + share * context
        if f.neighbour:
            padded = np.pad(fused, ((0, 0), (0, 1)))
            fused = (fused + f.neighbour * np.maximum(padded[self.rows, self.before], padded[self.rows, self.after])) / (1 + f.neighbour)
        fused = np.where(self.kind_ok, fused, (1 - f.kind_penalty) * fused)
        fused = np.where(self.heading, (1 - f.heading_penalty) * fused, fused)
        return np.where(self.valid, fused, -np.inf)

    def scores(self, f: Fusion) -> tuple[np.ndarray, np.ndarray]:
        """Per case: whether the first quote holds the answer (the best sentence, merged with
        those of the first three that stand next to it, as `Assistant` quotes them), and the
        reciprocal rank of the first sentence holding it."""
        fused = self.fused(f)
        best_good = np.where(self.good, fused, -np.inf).max(axis=1)
        reciprocal = 1 / (1 + (fused > best_good[:, None]).sum(axis=1))
        top = np.argsort(-fused, axis=1, kind="stable")[:, :3]
        rows = self.rows[:, 0]

        def adjacent(a, b):
            return (self.before[rows, a] == b) | (self.after[rows, a] == b)

        good = self.good[rows[:, None], top]
        second = adjacent(top[:, 0], top[:, 1])
        third = adjacent(top[:, 0], top[:, 2]) | (second & adjacent(top[:, 1], top[:, 2]))
        first_quote = good[:, 0] | (second & good[:, 1]) | (third & good[:, 2])
        return first_quote, reciprocal

    def objective(self, f: Fusion, keep: np.ndarray) -> float:
        """Share of first quotes that hold the answer, each question weighed once (see
        `weight`); reciprocal rank breaks ties."""
        first_quote, reciprocal = self.scores(f)
        weight = self.weight[keep]
        return float(((first_quote[keep] + 1e-3 * reciprocal[keep]) * weight).sum() / weight.sum())

    def fit(self, start: Fusion, keep: np.ndarray, rounds: int = 2) -> Fusion:
        """Coordinate ascent over `keep`; ties go to the value nearest the current one."""
        fusion = start
        for _ in range(rounds):
            for knob, grid in GRIDS.items():
                current = getattr(fusion, knob)
                scores = {v: self.objective(dataclasses.replace(fusion, **{knob: v}), keep) for v in grid}
                top = max(scores.values())
                best = min((v for v in grid if scores[v] >= top - 1e-12), key=lambda v: abs(v - current))
                fusion = dataclasses.replace(fusion, **{knob: best})
        return fusion


def _folds(groups: np.ndarray, k: int, deal: int = 0) -> list[np.ndarray]:
    """Articles dealt into k folds (sorted, round robin; from the second deal on, shuffled
    first): fold i holds these group ids."""
    ids = sorted(set(groups.tolist()))
    if deal:
        random.Random(deal).shuffle(ids)
    return [np.array(ids[i::k]) for i in range(k)]


# The judge's held-out probabilities are averaged over this many deals of the articles into
# folds: one deal puts a language's operating point at the 5% quantile of one draw of models
# (for our own Vietnamese questions, the 8th lowest of 157), and a refit after a small change
# moved it by up to 0.03 and near questions declined by up to 0.04.
JUDGE_DEALS = 5


def fit_fusion(ranking: Ranking, start: Fusion, k: int, deals: int = 1) -> tuple[Fusion, dict, set[int]]:
    """The knobs fitted on all cases, the first-quote accuracy of the hand-set and the fitted
    knobs on held-out articles (each fold's knobs fitted on the other articles), and the ids of
    the cases whose first quote held the answer there. With `deals` > 1 the held-out accuracy
    is also measured over that many deals of the articles into folds (mean and each deal's);
    the first deal's is reported as before, and decides which cases count as right."""
    n = len(ranking.cases)
    before = ranking.scores(start)[0]
    after = np.zeros((deals, n), bool)
    for deal in range(deals):
        for fold in _folds(ranking.group, k, deal):
            test = np.isin(ranking.group, fold)
            chosen = ranking.fit(start, ~test)
            after[deal, test] = ranking.scores(chosen)[0][test]
            print(f"  deal {deal}, held out {fold.tolist()}: {chosen}", file=sys.stderr, flush=True)
    final = ranking.fit(start, np.ones(n, bool))
    synthetic = np.array([c.synthetic_history for c in ranking.cases])
    parts = {lang: (ranking.language == lang) & ~synthetic for lang in LANGUAGES}
    parts["after the previous question"] = synthetic
    report = {}
    for name, mine in parts.items():
        report[name] = {"questions": int(mine.sum()), "ranking@1 before": round(float(before[mine].mean()), 4),
                        "ranking@1 after": round(float(after[0, mine].mean()), 4)}
        if deals > 1:
            each = [round(float(a[mine].mean()), 4) for a in after]
            report[name][f"ranking@1 after, mean of {deals} deals"] = round(float(np.mean(each)), 4)
            report[name]["ranking@1 after, each deal"] = each
    right = {id(c) for c, ok in zip(ranking.cases, after[0]) if ok}
    return final, {"held_out": report}, right


def judge_matrix(cases: list[Case], fusion: Fusion) -> tuple[np.ndarray, np.ndarray]:
    """Features of every case under the fitted ranking, and whether a hard rule declines it
    before the model (`answerability.hard_rule`)."""
    retrievals = [rank(c.evidence, c.shape, fusion) for c in cases]
    ruled_out = np.array([bool(hard_rule(r)) for r in retrievals])
    return np.array([features(r) for r in retrievals]), ruled_out


def _boosted(x: np.ndarray, y: np.ndarray):
    """Depth-2 gradient-boosted trees on the log-odds, classes weighted to balance."""
    from sklearn.ensemble import HistGradientBoostingClassifier

    return HistGradientBoostingClassifier(max_depth=2, max_iter=100, learning_rate=0.1, class_weight="balanced",
                                          random_state=0).fit(x, y)


def export_trees(model) -> tuple[float, list[list[list]]]:
    """The model's baseline log-odds and trees as `[feature, threshold, left, right, value]`
    nodes (feature -1 at a leaf), the form `answerability.Judge` reads."""
    trees = []
    for (predictor,) in model._predictors:
        trees.append([[-1 if leaf else int(f), round(float(t), 6), int(a), int(b), round(float(v), 6)]
                      for v, f, t, a, b, leaf in zip(*(predictor.nodes[k] for k in
                                                      ("value", "feature_idx", "num_threshold", "left", "right", "is_leaf")))])
    return round(float(np.ravel(model._baseline_prediction)[0]), 6), trees


def _threshold(p_answerable: np.ndarray, limit: float) -> float:
    """The highest threshold that declines at most `limit` of these answerable questions."""
    ordered = np.sort(p_answerable)
    return float(ordered[int(np.floor(limit * len(ordered)))])


KINDS = {
    "answerable": lambda c: c.row["answerable"],
    "far": lambda c: c.row["kind"] in ("unanswerable_far", "foreign"),
    "near": lambda c: c.row["kind"] in ("unanswerable_near", "own_near"),
}


def fit_judge(cases: list[Case], fusion: Fusion, k: int, limit: float, right: set[int]) -> tuple[Judge, dict]:
    """The judge fitted on every question as asked and, per language on held-out articles (the
    probability of each question averaged over `JUDGE_DEALS` deals of the articles), its
    operating point, what it declines there, also among the questions asked again after another
    (only scored), and recall@1 (answered, and the first quote, ranked by knobs fitted on the
    other articles, holds the answer: `right` holds those cases' ids)."""
    x, ruled_out = judge_matrix(cases, fusion)
    again = np.array([c.synthetic_history for c in cases])
    y = np.array([c.row["answerable"] for c in cases])
    groups = np.array([c.group for c in cases])
    language = np.array([c.evidence.question.language for c in cases])
    xquad = np.array([from_xquad(c.row) for c in cases])
    kinds = {name: np.array([test(c) for c in cases]) for name, test in KINDS.items()}
    right_first = np.array([id(c) in right for c in cases])
    fitted_on = ~ruled_out & ~again
    oof = np.zeros(len(cases))  # the ruled-out stay at 0: declined whatever the model says
    for deal in range(JUDGE_DEALS):
        for fold in _folds(groups, k, deal):
            test = np.isin(groups, fold)
            model = _boosted(x[~test & fitted_on], y[~test & fitted_on])
            oof[test & ~ruled_out] += model.predict_proba(x[test & ~ruled_out])[:, 1] / JUDGE_DEALS
    thresholds, curve, report = {}, {}, {}
    grid = np.round(np.linspace(0.02, 0.98, 49), 2)
    for lang in LANGUAGES:
        mine = (language == lang) & ~again
        sources = [part for part in (mine & y & xquad, mine & y & ~xquad) if part.any()]
        point = min(_threshold(oof[part], limit) for part in sources)
        thresholds[lang] = math.floor(point * 1e4) / 1e4  # never above the point
        pools = {name: pool & mine for name, pool in kinds.items()}
        later = {name: pool & again & (language == lang) for name, pool in kinds.items()}

        def declined(t, pools=pools):
            return {name: round(float((oof[pool] < t).mean()), 4) if pool.any() else None for name, pool in pools.items()}

        curve[lang] = [{"threshold": float(t), **declined(t)} for t in grid]
        answered_right = (oof >= thresholds[lang]) & right_first
        report[lang] = {"threshold": thresholds[lang], "recall@1": round(float(answered_right[mine & y].mean()), 4),
                        "XQuAD recall@1": round(float(answered_right[mine & y & xquad].mean()), 4),
                        "XQuAD answerable declined": round(float((oof[mine & y & xquad] < thresholds[lang]).mean()), 4),
                        **{f"{n} declined": v for n, v in declined(thresholds[lang]).items()},
                        **{f"{n} questions": int(pool.sum()) for n, pool in pools.items()},
                        "asked after another question": {f"{n} declined": v for n, v in
                                                         declined(thresholds[lang], later).items() if v is not None}}
    baseline, trees = export_trees(_boosted(x[fitted_on], y[fitted_on]))
    typical = tuple(round(float(v), 6) for v in np.median(x[y & ~again], axis=0))
    judge = Judge(FEATURES, baseline, tuple(tuple(tuple(n) for n in t) for t in trees), typical, thresholds)
    return judge, {"held_out": report, "curve": curve, "trees": trees}


def write_curve_svg(curve: dict, path: Path) -> None:
    """False declines against unanswerable questions declined, one line per language."""
    width, height, pad = 520, 360, 50
    colours = {VI: "#1f77b4", VI_NODIAC: "#2ca02c", EN: "#d62728"}

    def xy(fx, fy):
        return pad + fx * (width - 2 * pad), height - pad - fy * (height - 2 * pad)

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="sans-serif" font-size="12">',
             '<rect width="100%" height="100%" fill="white"/>',
             f'<line x1="{pad}" y1="{height - pad}" x2="{width - pad}" y2="{height - pad}" stroke="black"/>',
             f'<line x1="{pad}" y1="{pad}" x2="{pad}" y2="{height - pad}" stroke="black"/>',
             f'<text x="{width / 2}" y="{height - 12}" text-anchor="middle">answerable questions declined (held-out articles)</text>',
             f'<text x="14" y="{height / 2}" transform="rotate(-90 14 {height / 2})" text-anchor="middle">'
             'far + near questions declined</text>']
    for tick in (0, 0.25, 0.5, 0.75, 1):
        x0, y0 = xy(tick, 0)
        x1, y1 = xy(0, tick)
        parts += [f'<text x="{x0}" y="{y0 + 15}" text-anchor="middle">{tick:g}</text>',
                  f'<text x="{x1 - 6}" y="{y1 + 4}" text-anchor="end">{tick:g}</text>']
    x5, _ = xy(0.05, 0)
    parts.append(f'<line x1="{x5}" y1="{pad}" x2="{x5}" y2="{height - pad}" stroke="#999" stroke-dasharray="4"/>')
    for n, (lang, points) in enumerate(curve.items()):
        coords = []
        for p in points:
            unans = [v for v in (p["far"], p["near"]) if v is not None]
            coords.append(xy(p["answerable"], sum(unans) / len(unans)))
        path_d = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
        parts.append(f'<polyline points="{path_d}" fill="none" stroke="{colours[lang]}" stroke-width="2"/>')
        parts.append(f'<text x="{width - pad - 80}" y="{height - pad - 20 - 16 * n}" fill="{colours[lang]}">{lang}</text>')
    parts.append("</svg>")
    path.write_text("\n".join(parts), encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=" ".join(__doc__.split("\n\n")[0].split()))
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="the xquad-dev folder")
    parser.add_argument("--folds", type=int, default=6)
    parser.add_argument("--max-declined", type=float, default=0.05,
                        help="share of answerable questions the judge may decline on held-out folds")
    parser.add_argument("--model", help="a sentence-transformers model (default: the bundled e5-small)")
    parser.add_argument("--ranking-deals", type=int, default=1,
                        help="also measure the held-out ranking over this many deals of the articles into folds")
    parser.add_argument("--dry-run", action="store_true", help="report, but do not write fitted.json")
    args = parser.parse_args()
    if args.ranking_deals < 1:
        parser.error("--ranking-deals must be at least 1")

    sets = with_foreign(xquad_sets(args.data) + project_sets())
    print(f"Embedding the questions of {len(sets)} articles…", file=sys.stderr)
    cases = collect(sets, args.model)
    fit_and_write(cases, sets, args)


def fit_and_write(cases: list[Case], sets, args) -> None:
    start = Fusion()  # the hand-set knobs, before any fitting
    print("Fitting the ranking…", file=sys.stderr)
    fusion, ranking_report, right = fit_fusion(Ranking(cases), start, args.folds, args.ranking_deals)
    print("Fitting the judge…", file=sys.stderr)
    judge, judge_report = fit_judge(cases, fusion, args.folds, args.max_declined, right)
    report = {"ranking": ranking_report, "answerability": judge_report["held_out"]}
    print(json.dumps(report, indent=1))
    if args.dry_run:
        return
    document = {
        "format": fitted.FORMAT,
        "fitted_by": "benchmarks/fit.py",
        "fitted_on": {"date": datetime.date.today().isoformat(), "articles": len(sets),
                      "questions": sum(len(r) for _a, r in sets), "folds": args.folds,
                      "max_declined": args.max_declined},
        "fusion": dataclasses.asdict(fusion),
        "judge": {"features": list(judge.features), "baseline": judge.baseline, "typical": list(judge.typical),
                  "thresholds": dict(judge.thresholds), "trees": "TREES"},
        "cross_validation": report,
    }
    trees = "[\n   " + ",\n   ".join(json.dumps(tree) for tree in judge_report["trees"]) + "\n  ]"
    out = ROOT / "assistant" / fitted.FITTED_FILE
    out.write_text(json.dumps(document, ensure_ascii=False, indent=1).replace('"TREES"', trees) + "\n", encoding="utf-8")
    (ROOT / "docs" / "answerability-curve.json").write_text(json.dumps(judge_report["curve"], indent=1) + "\n")
    write_curve_svg(judge_report["curve"], ROOT / "docs" / "answerability-curve.svg")
    print(f"wrote {out.relative_to(ROOT)} and docs/answerability-curve.svg", file=sys.stderr)


if __name__ == "__main__":
    main()
