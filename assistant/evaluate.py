"""Scoring a question file (the format of shared/eval/dev.jsonl) against an assistant.

Rules (shared/eval/README.md): compare after NFC and collapsing whitespace; recall@k counts an
answered question whose first k quotes contain an evidence snippet, or, for a row with a `span`
(XQuAD), whose quote covers the span (`start <= span[0] and span[1] <= end`); a declined
unanswerable question counts as right; every quote must be a verbatim slice of the article.
`ranking@k` ignores declines: it scores the quotes alone.
"""

from __future__ import annotations

import json
import time
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path


class EvalFileError(ValueError):
    """The question file is missing or a line is not a valid question record."""


def normalise(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def load_questions(path: str | Path) -> list[dict]:
    p = Path(path)
    if not p.is_file():
        raise EvalFileError(f"{p}: no such question file")
    rows = []
    for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise EvalFileError(f"{p}:{n}: not JSON ({exc.msg})") from None
        if not isinstance(row, dict) or not isinstance(row.get("question"), str):
            raise EvalFileError(f"{p}:{n}: needs an object with a \"question\" string")
        row.setdefault("id", f"line{n}")
        row.setdefault("history", [])
        row.setdefault("evidence", [])
        row.setdefault("answerable", bool(row["evidence"]))
        row.setdefault("kind", "unknown")
        row.setdefault("lang", "unknown")
        rows.append(row)
    return rows


@dataclass
class Outcome:
    row: dict
    answered: bool
    rank: int | None  # 0-based rank of the first quote holding evidence, answered or not
    verbatim: bool
    quotes: list[dict] = field(default_factory=list)
    reason: str = ""
    bold: bool | None = None  # an answer right at rank 1 with a bold span: does it mark the answer?

    def ranked(self, k: int) -> bool:
        """The evidence is in the first k quotes, whether or not the question was declined."""
        return self.rank is not None and self.rank < k

    def hit(self, k: int) -> bool:
        if not self.row["answerable"]:
            return not self.answered
        return self.answered and self.ranked(k)


def holds_evidence(row: dict, quote: dict) -> bool:
    """Whether a quote answers the row: covers its `span`, or contains one of its snippets."""
    if row.get("span"):
        start, end = row["span"]
        return quote["start"] <= start and end <= quote["end"]
    return any(normalise(e) in normalise(quote["text"]) for e in row["evidence"])


def marks_evidence(row: dict, text: str, quote: dict, highlight: tuple[int, int]) -> bool:
    """Whether a bold span overlaps the row's answer: its `span`, or a snippet where the quote holds it."""
    start, end = highlight
    if row.get("span"):
        return start < row["span"][1] and row["span"][0] < end
    found = [(i, i + len(e)) for e in row["evidence"] if (i := text.find(e, quote["start"], quote["end"])) >= 0]
    return any(start < b and a < end for a, b in found)


def score_one(assistant, row: dict, top_k: int = 3) -> Outcome:
    answer = assistant.ask(row["question"], row["history"], top_k=top_k)
    text = assistant.article.text
    quotes = [q.to_dict() for q in answer.quotes]
    verbatim = all(text[q["start"] : q["end"]] == q["text"] for q in quotes)
    rank = next((i for i, q in enumerate(quotes) if holds_evidence(row, q)), None)
    bold = None
    if answer.highlight and rank == 0 and row["answerable"]:
        bold = marks_evidence(row, text, quotes[0], answer.highlight)
    return Outcome(row, answer.answered, rank, verbatim, quotes, answer.reason, bold)


def _metrics(outcomes: list[Outcome]) -> dict:
    answerable = [o for o in outcomes if o.row["answerable"]]
    unanswerable = [o for o in outcomes if not o.row["answerable"]]

    def mean(values):
        return round(sum(values) / len(values), 4) if values else None

    return {
        "questions": len(outcomes),
        "recall@1": mean([o.hit(1) for o in answerable]),
        "recall@3": mean([o.hit(3) for o in answerable]),
        "mrr": mean([1 / (o.rank + 1) if o.hit(len(o.quotes)) else 0 for o in answerable]),
        "ranking@1": mean([o.ranked(1) for o in answerable]),
        "ranking@3": mean([o.ranked(3) for o in answerable]),
        "answerable_declined": mean([not o.answered for o in answerable]),
        "unanswerable_declined": mean([not o.answered for o in unanswerable]),
        "accuracy@1": mean([o.hit(1) for o in outcomes]),
        "verbatim": mean([o.verbatim for o in outcomes]),
        "bold_shown": sum(o.bold is not None for o in outcomes),
        "bold_right": mean([o.bold for o in outcomes if o.bold is not None]),
    }


def evaluate(assistant, rows: list[dict], top_k: int = 3) -> dict:
    """Ask every question; return overall metrics, per kind and per language, and each outcome."""
    started = time.perf_counter()
    outcomes = [score_one(assistant, row, top_k) for row in rows]
    seconds = time.perf_counter() - started
    groups = {}
    for key in ("kind", "lang"):
        for value in sorted({o.row[key] for o in outcomes}):
            groups[f"{key}={value}"] = _metrics([o for o in outcomes if o.row[key] == value])
    return {
        "overall": _metrics(outcomes),
        "groups": groups,
        "seconds": round(seconds, 2),
        "outcomes": [
            {
                "id": o.row["id"], "kind": o.row["kind"], "lang": o.row["lang"],
                "question": o.row["question"], "answerable": o.row["answerable"],
                "answered": o.answered, "reason": o.reason, "rank": o.rank, "right@1": o.hit(1),
                "verbatim": o.verbatim, "bold": o.bold, "quotes": o.quotes,
            }
            for o in outcomes
        ],
    }


def format_report(report: dict, misses: bool = False) -> str:
    """A readable table of the metrics; with `misses`, each wrong question and its top quotes."""
    cols = ["questions", "recall@1", "recall@3", "mrr", "answerable_declined", "unanswerable_declined", "verbatim",
            "bold_right"]
    heads = ["n", "R@1", "R@3", "MRR", "ans.declined", "unans.declined", "verbatim", "bold.right"]

    def fmt(v):
        return "-" if v is None else (str(v) if isinstance(v, int) else f"{v:.3f}")

    rows = [("overall", report["overall"])] + list(report["groups"].items())
    width = max(len(name) for name, _ in rows)
    lines = [f"{'':{width}}  " + "  ".join(f"{h:>8}" for h in heads)]
    for name, m in rows:
        lines.append(f"{name:{width}}  " + "  ".join(f"{fmt(m[c]):>8}" for c in cols))
    lines.append(f"({report['seconds']} s for {report['overall']['questions']} questions)")
    if misses:
        for o in report["outcomes"]:
            if o["right@1"]:
                continue
            state = "answered" if o["answered"] else f"declined ({o['reason']})"
            lines.append(f"\nMISS {o['id']} [{o['kind']}/{o['lang']}] {state}: {o['question']}")
            for i, q in enumerate(o["quotes"]):
                lines.append(f"   {i + 1}. ({q['score']:.3f}, ¶{q['paragraph']}) {q['text'][:110]}")
    return "\n".join(lines)
