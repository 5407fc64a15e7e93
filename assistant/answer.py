"""Answers made of verbatim quotes, and their markdown for the chat.

Quote text is always `article.text[start:end]`; the markdown escapes it only so that it renders
as itself.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import Sequence

from .question import EN


@dataclass(frozen=True)
class Quote:
    """A verbatim passage. Invariant: `article.text[start:end] == text`."""

    text: str
    start: int
    end: int
    score: float
    paragraph: int

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Answer:
    """The reply to a question. When `answered` is false, `quotes` are the closest passages,
    offered as such, not as an answer. `highlight` is the `[start, end)` of the article that the
    answer shows in bold (the number, date or name asked for), within the first quote; None
    when nothing is bold."""

    answered: bool
    answer: str
    quotes: tuple[Quote, ...]
    language: str = "vi"
    reason: str = ""  # why it declined, in words ("" when answered)
    highlight: tuple[int, int] | None = None

    def __post_init__(self):
        if self.highlight is not None and not (
            self.answered and self.quotes and self.quotes[0].start <= self.highlight[0] < self.highlight[1] <= self.quotes[0].end
        ):
            raise ValueError("a highlight must lie within the first quote of an answer")

    def to_dict(self) -> dict:
        return {
            "answered": self.answered,
            "answer": self.answer,
            "quotes": [q.to_dict() for q in self.quotes],
            "reason": self.reason,
            "highlight": list(self.highlight) if self.highlight else None,
        }


# Characters that markdown, HTML or LaTeX would act on anywhere in a line; the rest of the
# article's punctuation ("-", ".", "(", "&", "%") renders as itself and stays unescaped.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>$~|#])")
_LINE_START_MARKER = re.compile(r"^(\d+)([.)])|^([-+=])", re.MULTILINE)


def _escape_inline(text: str) -> str:
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def _escape_line_starts(markdown: str) -> str:
    return _LINE_START_MARKER.sub(lambda m: f"{m[1]}\\{m[2]}" if m[1] else f"\\{m[3]}", markdown)


def escape_markdown(text: str) -> str:
    """Backslash-escape what markdown, HTML or LaTeX would act on, so text renders as itself."""
    return _escape_line_starts(_escape_inline(text))


def _render_quote(quote: Quote, bold: Sequence[tuple[int, int]] = ()) -> str:
    """A blockquote of the quote with the `bold` spans of its text in bold (the markup goes around
    the verbatim text, never into it)."""
    parts, at = [], 0
    for start, end in bold:
        parts += [_escape_inline(quote.text[at:start]), "**", _escape_inline(quote.text[start:end]), "**"]
        at = end
    parts.append(_escape_inline(quote.text[at:]))
    return "> " + _escape_line_starts("".join(parts)).replace("\n", "\n> ")


_FRAMES = {
    "vi": {
        "answered": "Bài báo viết:",
        "declined": "Bài báo không nói về điều này.",
        "closest": "Những đoạn gần nhất (không phải câu trả lời):",
        "paragraph": "đoạn",
    },
    "en": {
        "answered": "The article says (quoted in its own language, not translated):",
        "declined": "The article does not say.",
        "closest": "Closest passages (not an answer):",
        "paragraph": "paragraph",
    },
}


def render_markdown(
    answered: bool, quotes: tuple[Quote, ...], language: str, highlights: Sequence[tuple[int, int]] = ()
) -> str:
    """The chat reply: a framing line in the question's language, then each quote as a blockquote.

    `highlights` are spans of the first quote's text that answer the question (see
    `answer_type.focused_spans`), shown in bold; passages offered after a decline never are.
    Each quote ends with its numbered citation, "[1] đoạn 9", linking to `#a<start>-<end>` (an
    answer) or `#c<start>-<end>` (a closest passage): the page marks that slice of the article.
    """
    frame = _FRAMES["en" if language == EN else "vi"]
    lines = [frame["answered"] if answered else frame["declined"]]
    if quotes and not answered:
        lines.append(frame["closest"])
    kind = "a" if answered else "c"
    for rank, quote in enumerate(quotes, 1):
        lines.append("")
        lines.append(_render_quote(quote, highlights if answered and rank == 1 else ()))
        lines.append(f"> — *[\\[{rank}\\] {frame['paragraph']} {quote.paragraph}](#{kind}{quote.start}-{quote.end})*")
    return "\n".join(lines)
