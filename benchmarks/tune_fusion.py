"""Cross-validate the dense/lexical fusion weight of each question language.

For every language, the weight is chosen on k-1 folds of the question file (recall@1 over a grid,
ties broken towards the middle of the best plateau) and scored on the held-out fold; the script
prints the cross-validated recall@1 beside the weight in `assistant/retrieval.py`.

    .venv/bin/python benchmarks/tune_fusion.py ../shared/eval/dev.jsonl [more.jsonl …] [--folds 5]
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from assistant import Assistant, retrieval  # noqa: E402
from assistant.evaluate import load_questions, normalise  # noqa: E402

GRID = [round(0.05 * i, 2) for i in range(21)]


def _hits(assistant: Assistant, rows: list[dict], language: str) -> dict[float, list[bool]]:
    """For each weight, whether each question's first quote holds its evidence."""
    saved = retrieval.DENSE_WEIGHT[language]
    table = {}
    try:
        for w in GRID:
            retrieval.DENSE_WEIGHT[language] = w
            table[w] = []
            for row in rows:
                quote = assistant.ask(row["question"], row["history"], top_k=1).quotes[0]
                table[w].append(any(normalise(e) in normalise(quote.text) for e in row["evidence"]))
    finally:
        retrieval.DENSE_WEIGHT[language] = saved
    return table


def _best(table: dict[float, list[bool]], keep: list[int]) -> float:
    score = {w: sum(hits[i] for i in keep) for w, hits in table.items()}
    top = max(score.values())
    plateau = [w for w in GRID if score[w] == top]
    return plateau[len(plateau) // 2]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+")
    parser.add_argument("--folds", type=int, default=5)
    args = parser.parse_args()
    rows = [r for f in args.files for r in load_questions(f) if r["answerable"]]
    assistant = Assistant()
    print(f"{'language':10} {'n':>3} {'in use':>7} {'R@1 in use':>10} {'CV R@1':>7}  weights chosen per fold")
    for language in retrieval.DENSE_WEIGHT:
        group = [r for r in rows if r["lang"] == language]
        if not group:
            continue
        table = _hits(assistant, group, language)
        order = list(range(len(group)))
        random.Random(0).shuffle(order)
        folds = [order[k :: args.folds] for k in range(min(args.folds, len(group)))]
        right, chosen = 0, []
        for test in folds:
            w = _best(table, [i for i in order if i not in test])
            chosen.append(w)
            right += sum(table[w][i] for i in test)
        in_use = retrieval.DENSE_WEIGHT[language]
        current = sum(table[min(GRID, key=lambda g: abs(g - in_use))]) / len(group)
        print(f"{language:10} {len(group):3d} {in_use:7.2f} {current:10.3f} {right / len(group):7.3f}  {chosen}")
        print(" " * 11 + "R@1 by weight: " + " ".join(f"{w:g}:{sum(h)}" for w, h in table.items()))


if __name__ == "__main__":
    main()
