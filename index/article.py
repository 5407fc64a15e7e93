"""Loading an article: UTF-8 text, first line the title, normalised to NFC.

Every offset in the project refers to `Article.text`, the text after this normalisation.
"""

from __future__ import annotations

import functools
import hashlib
import re
import unicodedata
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

DEFAULT_ARTICLE = "dien-bien-chuyen-doi-so-2024.txt"
MAX_ARTICLE_CHARS = 2_000_000
# A date line under the title: short and holding a date ("16/10/2024", "2024-10-16").
_DATE = re.compile(r"\b\d{1,2}/\d{1,2}/\d{4}\b|\b\d{4}-\d{2}-\d{2}\b")
_DATE_LINE_MAX_CHARS = 80


def paragraph_spans(text: str) -> tuple[tuple[int, int], ...]:
    """`(start, end)` of each non-empty line: the paragraphs, numbered from 1 (the title is 1)."""
    return tuple(m.span() for m in re.finditer(r"[^\n]+", text) if m.group().strip())


class ArticleError(ValueError):
    """The article file cannot be used (missing, not UTF-8, empty, too long)."""


@dataclass(frozen=True)
class Article:
    """An article's normalised text.

    Invariants: `text` is NFC with "\\n" line ends; `title` is its first non-empty line.
    """

    text: str
    title: str
    source: str

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()

    @functools.cached_property
    def paragraphs(self) -> tuple[tuple[int, int], ...]:
        """Paragraph `n` is `text[slice(*paragraphs[n - 1])]` (see `paragraph_spans`)."""
        return paragraph_spans(self.text)

    @property
    def date_line(self) -> str | None:
        """The line under the title when it is a short line holding a date."""
        if len(self.paragraphs) < 2:
            return None
        start, end = self.paragraphs[1]
        line = self.text[start:end].strip()
        return line if len(line) <= _DATE_LINE_MAX_CHARS and _DATE.search(line) else None

    @property
    def lead_paragraph(self) -> int:
        """The number of the lead: the first paragraph after the title and any date line (the
        title itself when there is nothing else)."""
        first = 3 if self.date_line else 2
        return first if first <= len(self.paragraphs) else len(self.paragraphs)

    @classmethod
    def from_text(cls, raw: str, source: str = "<text>") -> "Article":
        text = unicodedata.normalize("NFC", raw.lstrip("\ufeff"))
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        if not text.strip():
            raise ArticleError(f"{source}: the article is empty")
        if len(text) > MAX_ARTICLE_CHARS:
            raise ArticleError(
                f"{source}: the article has {len(text):,} characters; the limit is "
                f"{MAX_ARTICLE_CHARS:,} (split it into several articles)"
            )
        title = next(line.strip() for line in text.split("\n") if line.strip())
        return cls(text=text, title=title, source=source)

    @classmethod
    def load(cls, path: str | Path | None = None) -> "Article":
        """Read an article file; `None` means the article shipped with the package."""
        if path is None:
            raw = resources.files("index").joinpath("data", DEFAULT_ARTICLE).read_bytes()
            source = DEFAULT_ARTICLE
        else:
            p = Path(path)
            if not p.is_file():
                raise ArticleError(f"{p}: no such article file")
            raw, source = p.read_bytes(), str(p)
        try:
            decoded = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ArticleError(f"{source}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
        return cls.from_text(decoded, source)
