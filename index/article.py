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
MAX_ARTICLE_BYTES = 4 * MAX_ARTICLE_CHARS  # UTF-8 needs at most 4 bytes a character: refused unread
MAX_PARAGRAPH_CHARS = 50_000  # ten times a long news paragraph; a longer line is not prose
# A date line under the title: short and holding a date ("16/10/2024", "2024-10-16").
_DATE = re.compile(r"\b\d{1,2}/\d{1,2}/\d{4}\b|\b\d{4}-\d{2}-\d{2}\b")
_DATE_LINE_MAX_CHARS = 80
# A source line closing an article: "Nguồn: …", "Source: …", "Theo Báo …" (short, the last line).
_SOURCE_LINE = re.compile(r"^(nguồn|source)\s*:|^theo\s+\w", re.IGNORECASE)
_SOURCE_LINE_MAX_CHARS = 100


def paragraph_spans(text: str) -> tuple[tuple[int, int], ...]:
    """`(start, end)` of each non-empty line: the paragraphs, numbered from 1 (the title is 1)."""
    return tuple(m.span() for m in re.finditer(r"[^\n]+", text) if m.group().strip())


class ArticleError(ValueError):
    """The article file cannot be used (missing, a directory, binary, not UTF-8, empty, a title
    with no body, no words, too long)."""


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
    def source_line(self) -> str | None:
        """The last line when it is a short line naming the source ("Nguồn: …", "Theo Báo …")."""
        if len(self.paragraphs) < 3:
            return None
        start, end = self.paragraphs[-1]
        line = self.text[start:end].strip()
        return line if len(line) <= _SOURCE_LINE_MAX_CHARS and _SOURCE_LINE.match(line) else None

    @property
    def lead_paragraph(self) -> int:
        """The number of the lead: the first paragraph after the title and any date line (the
        title itself when there is nothing else)."""
        first = 3 if self.date_line else 2
        return first if first <= len(self.paragraphs) else len(self.paragraphs)

    @classmethod
    def from_text(cls, raw: str, source: str = "<text>") -> "Article":
        if len(raw) > MAX_ARTICLE_CHARS:
            raise ArticleError(
                f"{source}: the article has {len(raw):,} characters; the limit is "
                f"{MAX_ARTICLE_CHARS:,} (split it into several articles)"
            )
        if re.search(r"[\ud800-\udfff]", raw):
            raise ArticleError(f"{source}: the text is not valid Unicode (it holds lone surrogates)")
        if "\x00" in raw:
            raise ArticleError(f"{source}: the file holds NUL characters, so it is not a text article "
                               "(give a UTF-8 text file, first line the title)")
        text = unicodedata.normalize("NFC", raw.lstrip("\ufeff"))
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        if not text.strip():
            raise ArticleError(f"{source}: the article is empty")
        lines = [line for line in text.split("\n") if line.strip()]
        if len(lines) < 2:
            raise ArticleError(f"{source}: the article has a title but no body (the first line is the "
                               "title, the paragraphs follow on the next lines)")
        longest = max(range(len(lines)), key=lambda i: len(lines[i]))
        if len(lines[longest]) > MAX_PARAGRAPH_CHARS:
            raise ArticleError(f"{source}: a line has {len(lines[longest]):,} characters; the limit is "
                               f"{MAX_PARAGRAPH_CHARS:,} a paragraph (one paragraph a line)")
        if not any(ch.isalnum() for line in lines[1:] for ch in line):
            raise ArticleError(f"{source}: the article's body has no words to answer from")
        return cls(text=text, title=lines[0].strip(), source=source)

    @classmethod
    def load(cls, path: str | Path | None = None) -> "Article":
        """Read an article file; `None` means the article shipped with the package."""
        if path is None:
            raw = resources.files("index").joinpath("data", DEFAULT_ARTICLE).read_bytes()
            source = DEFAULT_ARTICLE
        else:
            p = Path(path)
            if p.is_dir():
                raise ArticleError(f"{p}: is a directory; give the article's text file")
            if not p.is_file():
                raise ArticleError(f"{p}: no such article file")
            if p.stat().st_size > MAX_ARTICLE_BYTES:
                raise ArticleError(f"{p}: the file has {p.stat().st_size:,} bytes; the limit is "
                                   f"{MAX_ARTICLE_BYTES:,} (split it into several articles)")
            raw, source = p.read_bytes(), str(p)
        try:
            decoded = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ArticleError(f"{source}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
        return cls.from_text(decoded, source)
