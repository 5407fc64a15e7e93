"""What each part of English retrieval adds, on XQuAD-dev's aligned English questions.

Each English question is embedded once; its lexical signals are then rebuilt without the
bilingual lexicon (BM25 sees only its names and numbers), with the lexicon but a flat BM25 query
(every rendering of every word in one bag), and as shipped (one structured concept per word); and
the dense share is set to the shipped one, to all-dense and to all-BM25. Prints the share of
questions whose first quote holds the answer (as `Assistant` quotes: the best sentence merged
with those of the first three that stand next to it), per variant. A variant that ablates a part
gets its best dense share over a grid, fitted on these very questions: the comparison is
generous to it.

    .venv/bin/python benchmarks/english.py [--data ../shared/eval/xquad-dev]
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from fit import SHARE_GRID, Case, Ranking, holds_answer  # noqa: E402
from xquad import DEFAULT_DATA, xquad_sets  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    args = parser.parse_args()

    from assistant import fitted
    from assistant.english import lexicon
    from assistant.question import EN, read_question, without_english_function_words
    from assistant.retrieval import Retriever
    from index.article import Article
    from index.embedder import shared_embedder
    from index.settings import cache_dir
    from index.store import ArticleIndex

    fusion, _judge = fitted.load()
    embedder = shared_embedder(None)
    variants: dict[str, list[Case]] = {"without the lexicon": [], "lexicon, flat BM25": [], "as shipped": []}
    for group, (article, rows) in enumerate(xquad_sets(args.data)):
        index, _ = ArticleIndex.open(Article.load(article), embedder, cache_dir())
        retriever = Retriever(index, embedder, fusion)
        lexical = retriever.folded
        for row in rows:
            if row["lang"] != EN or not row["answerable"]:
                continue
            question = read_question(row["question"])
            evidence = retriever.evidence(question)
            good = holds_answer(row, index.chunks)
            own = evidence.own
            names_only = lexical.score(without_english_function_words(question.content)).bm25
            renderings = [v for r in lexicon().translate(question.content).renderings for v in r.vietnamese]
            flat = names_only + lexical.score(" ".join(renderings)).bm25
            for name, signals in (
                ("without the lexicon", dataclasses.replace(own, bm25=names_only, translated=0.0)),
                ("lexicon, flat BM25", dataclasses.replace(own, bm25=flat)),
                ("as shipped", own),
            ):
                variants[name].append(Case(row, group, dataclasses.replace(evidence, own=signals), retriever.shape, good))
        print(f"  {article.name}", file=sys.stderr, flush=True)

    print(f"{'variant':22} {'n':>4} {'dense share':>12} {'first quote right':>18}")
    for name, cases in variants.items():
        ranking = Ranking(cases)
        everything = np.ones(len(ranking.cases), bool)

        def right(f):
            return float(ranking.scores(f)[0].mean())

        shares = [("shipped", fusion)]
        shares += [("all dense", dataclasses.replace(fusion, dense_en=1.0, dense_untranslated=1.0)),
                   ("all BM25", dataclasses.replace(fusion, dense_en=0.0, dense_untranslated=0.0))]
        if name != "as shipped":  # its best share, fitted on these questions
            best = max(SHARE_GRID, key=lambda w: right(dataclasses.replace(fusion, dense_en=w, dense_untranslated=w)))
            shares.append((f"best ({best:g})", dataclasses.replace(fusion, dense_en=best, dense_untranslated=best)))
        for label, f in shares:
            print(f"{name:22} {int(everything.sum()):4d} {label:>12} {right(f):18.3f}")


if __name__ == "__main__":
    main()
