"""Abbreviations an article defines, and its sentences with them spelt out for matching.

A news article defines an abbreviation once ("Ủy ban Quốc gia về Chuyển đổi số (CĐS)") and then
uses it alone ("CĐS là cuộc cách mạng toàn dân"). A question says the words ("chuyển đổi số",
"digital transformation"), which neither BM25 nor the embedding model can link to "CĐS". So each
sentence is matched in a form where every defined abbreviation is preceded by its long form
("Chuyển đổi số (CĐS) là cuộc cách mạng…"). Quotes are still cut from the article as written.

Only abbreviations the article defines are spelt out. A list of common ones ("UBND", "TT&TT")
was tried and left out: spelling out frequent abbreviations lengthened many sentences and cost
more English questions than it won. A definition is found as in Schwartz & Hearst (2003),
simplified to initials: an upper-case abbreviation in brackets whose letters are the initials of
the words just before it, in order (marks ignored: "Ủy ban" gives "UB"), where a joining word
("và", "về", "của", "and", "of", "the", "&") may be skipped.
"""

from __future__ import annotations

import re
import unicodedata

from .vietnamese import fold_diacritics

_DEFINED = re.compile(r"\(([A-ZĐ][A-ZĐ&]{1,9})\)")
_WORD = re.compile(r"[^\W\d_]+|&")
_JOINING = frozenset("và về của cho and of for the &".split())


def _long_form(before: str, abbreviation: str) -> str | None:
    letters = [c for c in fold_diacritics(abbreviation) if c.isalpha()]
    found = list(_WORD.finditer(before))
    i = len(found)
    for letter in reversed(letters):
        while i > 0 and fold_diacritics(found[i - 1].group()[0]).upper() != letter:
            if found[i - 1].group().lower() not in _JOINING:
                return None
            i -= 1
        if i == 0:
            return None
        i -= 1
    return before[found[i].start() :].strip() if found else None


def defined_abbreviations(text: str) -> dict[str, str]:
    """Each abbreviation the text defines, mapped to its long form: {"CĐS": "Chuyển đổi số"}.

    The first definition of an abbreviation wins; a bracketed code whose letters are not the
    initials of the words before it ("trạm thu phát sóng (BTS)") defines nothing.
    """
    text = unicodedata.normalize("NFC", text)
    found: dict[str, str] = {}
    for match in _DEFINED.finditer(text):
        abbreviation = match.group(1)
        line_start = text.rfind("\n", 0, match.start()) + 1
        long_form = _long_form(text[line_start : match.start()], abbreviation)
        if long_form and abbreviation not in found:
            found[abbreviation] = long_form
    return found


def spelled_out(sentence: str, abbreviations: dict[str, str]) -> str:
    """The sentence with each use of a defined abbreviation preceded by its long form; a use
    already in brackets (the definition itself) is left as it is."""
    for abbreviation, long_form in abbreviations.items():
        pattern = rf"(?<![\w&(.-]){re.escape(abbreviation)}(?![\w&-])"
        sentence = re.sub(pattern, lambda _m: f"{long_form} ({abbreviation})", sentence)
    return sentence
