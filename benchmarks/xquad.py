"""How the assistant does on questions nobody here wrote: XQuAD-vi, development half.

Asks each of the 24 Wikipedia articles in `../shared/eval/xquad-dev/` its human-written questions
(in Vietnamese, without diacritics and in English), the next article's questions (`far`: should be
declined), the questions it almost answers (`near`: should be declined), and our own near
questions for it (`benchmarks/data/near/xquad-NN.jsonl`). Scored by the `span` rule of that
folder's README. Prints per language:

- recall@1 / recall@3: answered, and the first (three) quotes cover the gold span;
- ranking@1 / ranking@3: the same, ignoring declines (the ranking alone);
- answerable declined; far, near and own-near declined;
- bold / bold.right: answers right at rank 1 with a bold span (the number, date or name asked
  for), and the share of those whose bold span overlaps the gold answer.

    .venv/bin/python benchmarks/xquad.py [--data ../shared/eval/xquad-dev] [--json xquad-report.json]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from assistant.evaluate import load_questions, score_one  # noqa: E402

DEFAULT_DATA = ROOT.parent / "shared" / "eval" / "xquad-dev"
OWN_NEAR = ROOT / "benchmarks" / "data" / "near"
LANGUAGES = ("vi", "vi_nodiac", "en")


def xquad_sets(data: Path) -> list[tuple[Path, list[dict]]]:
    """Each article of the folder with its questions and our own near questions for it (those
    get kind `own_near`)."""
    if not data.is_dir():
        print(f"skipped: no XQuAD folder at {data} (it lives beside the repository, in "
              "../shared/eval/xquad-dev; give another with --data)", file=sys.stderr)
        sys.exit(0)
    sets = []
    for questions in sorted(data.glob("[0-9][0-9].jsonl")):
        rows = load_questions(questions)
        own = OWN_NEAR / f"xquad-{questions.stem}.jsonl"
        if own.is_file():
            rows += [{**r, "kind": "own_near"} for r in load_questions(own)]
        sets.append((questions.with_suffix(".txt"), rows))
    return sets


def _share(flags: list[bool]) -> float | None:
    return round(sum(flags) / len(flags), 4) if flags else None


def summarise(outcomes: list[dict]) -> dict:
    """Per-language metrics of scored outcomes (see the module docstring)."""
    table = {}
    for language in LANGUAGES + ("all",):
        mine = [o for o in outcomes if language in ("all", o["lang"])]
        answerable = [o for o in mine if o["answerable"]]

        def declined(kind):
            return _share([not o["answered"] for o in mine if o["kind"] == kind])

        table[language] = {
            "answerable": len(answerable),
            "recall@1": _share([o["answered"] and o["rank"] == 0 for o in answerable]),
            "recall@3": _share([o["answered"] and o["rank"] is not None and o["rank"] < 3 for o in answerable]),
            "ranking@1": _share([o["rank"] == 0 for o in answerable]),
            "ranking@3": _share([o["rank"] is not None and o["rank"] < 3 for o in answerable]),
            "answerable_declined": _share([not o["answered"] for o in answerable]),
            "far_declined": declined("unanswerable_far"),
            "near_declined": declined("unanswerable_near"),
            "own_near_declined": declined("own_near"),
            "verbatim": _share([o["verbatim"] for o in mine]),
            "bold_shown": sum(o["bold"] is not None for o in mine),
            "bold_right": _share([o["bold"] for o in mine if o["bold"] is not None]),
        }
    return table


def format_table(table: dict) -> str:
    cols = ["answerable", "recall@1", "recall@3", "ranking@1", "ranking@3", "answerable_declined",
            "far_declined", "near_declined", "own_near_declined", "verbatim", "bold_shown", "bold_right"]
    heads = ["n", "R@1", "R@3", "rank@1", "rank@3", "ans.decl", "far.decl", "near.decl", "own.decl", "verbatim",
             "bold", "bold.right"]
    lines = ["| lang | " + " | ".join(heads) + " |", "|" + " --- |" * (len(heads) + 1)]
    for language, m in table.items():
        cells = [str(m[c]) if isinstance(m[c], int) else ("–" if m[c] is None else f"{m[c]:.3f}") for c in cols]
        lines.append(f"| {language} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="the xquad-dev folder")
    parser.add_argument("--json", default="xquad-report.json", help="write metrics and outcomes here ('' for none)")
    parser.add_argument("--model", help="a sentence-transformers model (default: the bundled e5-small)")
    args = parser.parse_args()
    from assistant import Assistant

    outcomes = []
    for article, rows in xquad_sets(args.data):
        assistant = Assistant(article=article, model=args.model)
        for row in rows:
            o = score_one(assistant, row)
            outcomes.append({
                "id": row["id"], "article": article.name, "lang": row["lang"], "kind": row["kind"],
                "question": row["question"], "answerable": row["answerable"], "answered": o.answered,
                "reason": o.reason, "rank": o.rank, "verbatim": o.verbatim, "bold": o.bold,
            })
        print(f"{article.name}: {len(rows)} questions", file=sys.stderr, flush=True)
    table = summarise(outcomes)
    print(format_table(table))
    if args.json:
        Path(args.json).write_text(json.dumps({"metrics": table, "outcomes": outcomes}, ensure_ascii=False, indent=1),
                                   encoding="utf-8")
        print(f"report written to {args.json}")


if __name__ == "__main__":
    main()
