"""Is the method fitted to one article? Ask a second article its own questions, and ask each
article the other's questions (which it should decline).

    .venv/bin/python benchmarks/cross_article.py ARTICLE_A QUESTIONS_A ARTICLE_B QUESTIONS_B

An empty ARTICLE means the shipped article. Prints recall and decline rates per direction.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from assistant import Assistant  # noqa: E402
from assistant.evaluate import evaluate, load_questions  # noqa: E402


def _as_unanswerable(rows: list[dict]) -> list[dict]:
    return [{**r, "answerable": False, "evidence": [], "kind": "other_article"} for r in rows if not r["history"]]


def main() -> None:
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    article_a, questions_a, article_b, questions_b = sys.argv[1:]
    a, b = Assistant(article=article_a or None), Assistant(article=article_b or None)
    rows_a, rows_b = load_questions(questions_a), load_questions(questions_b)
    for name, assistant, own, other in (("A", a, rows_a, rows_b), ("B", b, rows_b, rows_a)):
        mine = evaluate(assistant, own)["overall"]
        foreign = evaluate(assistant, _as_unanswerable(other))
        declined = {k[5:]: round(v["unanswerable_declined"], 3)
                    for k, v in foreign["groups"].items() if k.startswith("lang=")}
        print(f"article {name}: own questions R@1 {mine['recall@1']:.3f} R@3 {mine['recall@3']:.3f} "
              f"answerable declined {mine['answerable_declined']:.3f}; the other article's questions "
              f"declined {foreign['overall']['unanswerable_declined']:.3f} (by language {declined})")


if __name__ == "__main__":
    main()
