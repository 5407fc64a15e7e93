"""Reading a question before retrieval: clean it, tell its language, spot follow-ups and the
specific terms (numbers, codes, names) it hinges on.

Everything here is general knowledge of Vietnamese and English (phonotactics, question and
continuation words), not knowledge of any particular article.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from index.vietnamese import (canonical_number, canonical_syllable, fold_diacritics, has_vietnamese_marks, scaled_numbers,
                             words)

from .answer_type import asks_quantity, asks_reason, counted_noun, expected_answer

MAX_QUESTION_CHARS = 500

VI, VI_NODIAC, EN = "vi", "vi_nodiac", "en"

# A Vietnamese syllable typed without marks: onset, vowel nucleus, optional coda.
_VI_SYLLABLE = re.compile(
    r"^(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|b|c|d|g|h|k|l|m|n|p|r|s|t|v|x)?"
    r"(?:[aeiouy]{1,3})(?:ng|nh|ch|c|m|n|p|t)?$"
)
EN_FUNCTION_WORDS = frozenset(
    "the a an of in on at to for from by with and or is are was were be been do does did what "
    "which who whom whose when where why how many much there their its it this that these those "
    "has have had will would can could should about into than i me my you your he him his she her "
    "we us our they them not but as if so also then one else anywhere anyone anything somewhere someone "
    "something".split()
)
# Words that open or mark an elliptical follow-up ("Còn 4G thì sao?", "And fixed broadband?").
_FOLLOWUP_OPENERS = ("còn", "thế còn", "vậy còn", "và", "còn về", "and", "what about", "how about", "also")
_FOLLOWUP_REFERENCES = re.compile(
    r"\b(?:trong đó|trong số đó|số đó|đó|này|ấy|họ|nó|(?:ai|gì|đâu|nào) nữa|"
    r"of them|of those|of these|among them|they|them|those|it|its|that one|"
    r"(?:who|what|where|when|anywhere|anything|anyone|somewhere|someone|something) else)\b"
)
# Framing that asks nothing: politeness, and pointers to the article itself ("Xin cho biết, theo
# bài báo, …", "Please tell me …"). Matched on the folded, lower-case question, so that it works
# without diacritics; removed before the question's words are weighed.
_ARTICLE_WORDS = r"(?:bai bao|bai viet|bai nay|ban tin|tin nay|the article|this article|the story|this story|the text|this text|the report|this report)"
# "cho (mình) hỏi / biết", with a softener before a pause ("cho mình hỏi với, …"; "tỉ lệ" is no "tí").
_SOFTENER = r"(?:\s+(?:voi|chut|ti)(?=\s*(?:[,.:;?!]|$)))?\b"
_MAY_I_ASK = r"cho\s+(?:(?:toi|minh|em|tui)\s+)?(?:hoi|biet)" + _SOFTENER
_FRAMING = re.compile(
    r"\b(?:xin vui long|vui long|xin hoi|lam on|giup (?:toi|minh|em))\b"
    r"|\b(?:ban|anh|chi|em|ad|admin)\s+oi\b(?:[\s,]+" + _MAY_I_ASK + r")?"  # "bạn ơi": calling the one asked
    r"|(?:^|[,.:;]\s*|\bxin\s+|\b(?:ban|anh|chi|em)\s+(?:co the\s+)?|\bco the\s+)" + _MAY_I_ASK
    + r"|\b(?=cho\s+(?:toi|minh|em|tui)\s)" + _MAY_I_ASK  # anywhere, when it names who asks
    + r"|\b(?:toi|minh|em|tui)\s+(?:muon|can|dang can|can duoc)\s+(?:hoi|biet|tim hieu|thong tin|so lieu)(?:\s+(?:ve|la))?\b"
    r"|\b(?:theo|trong|tu)\s+(?:noi dung\s+)?" + _ARTICLE_WORDS + r"\b"
    r"|\b" + _ARTICLE_WORDS + r"\s+(?:co\s+)?(?:cho biet|noi|viet|neu|de cap)\s+(?:rang|la)\b"
    r"|\b(?:please|kindly)\b|\b(?:can|could|would) you(?: please)?(?: tell| show| let) me(?: know)?\b"
    r"|\b(?:tell me|i(?:'d| would) like to know|i want to know|i need to know|i wonder|do you know)\b"
    r"|\b(?:according to|in|from)\s+" + _ARTICLE_WORDS + r"\b"
    r"|\b(?:does|did)\s+" + _ARTICLE_WORDS + r"\s+(?:say|mention|tell)\b"
)
# A question about the article as a whole: "Bài báo nói về chuyện gì?", "Tóm tắt bài báo",
# "What is this article about?". It is answered with the lead, not by retrieval. It ends there
# (`_ASKED_WHOLE`: a closing particle or punctuation): "… nói gì về 4G", "… say about 4G" ask
# what the article says of one thing, which retrieval finds.
_CLOSING_PARTICLE = r"(?:vay|the|nhi|nhe|ha|a)"  # "vậy", "thế", "nhỉ", "nhé", "hả", "ạ", folded
_ASKED_WHOLE = r"(?=\s*(?:(?:" + _CLOSING_PARTICLE + r"|briefly|please)\b|[?.!,]|$))"
_ABOUT_ARTICLE = re.compile(
    r"\b(?:tom tat|tom luoc|summar\w*|sum up|gist|main points?|overview|tl;?dr)\b"
    # "Nội dung chính?", "Ý chính của bài viết là gì?", not "Nội dung chính của biên bản …"
    r"|\b(?:noi dung chinh|y chinh)(?:\s+(?:cua\s+)?" + _ARTICLE_WORDS + r"(?:\s+nay)?)?(?:\s+(?:la|co)\s+(?:gi|nao))?"
    + _ASKED_WHOLE +
    # "Bài báo nói về chuyện gì?", "Bài này đề cập đến cái gì?"
    r"|" + _ARTICLE_WORDS + r"\s+(?:nay\s+)?(?:noi|viet|de cap|bao)(?:\s+(?:ve|den|toi))?"
    r"(?:\s+(?:chuyen|dieu|viec|van de|su kien|noi dung|cai))?\s+(?:gi|nao)" + _ASKED_WHOLE +
    # "Nội dung bài báo là gì?", "Chủ đề của bài viết này là gì?"
    r"|\b(?:noi dung|chu de)\s+(?:cua\s+)?" + _ARTICLE_WORDS + r"(?:\s+nay)?\s+(?:la|co)?\s*(?:gi|nao)" + _ASKED_WHOLE +
    # "What is this article about?", and "this" alone for it: "What's this about?"
    r"|\bwhat(?:'s| is| does)\s+(?:" + _ARTICLE_WORDS + r"|this)(?:\s+(?:all|mainly|really))?\s+(?:about|say)"
    + _ASKED_WHOLE
)
_ABOUT_ARTICLE_MAX_WORDS = 12  # longer questions ask something of the article, not about it


class QuestionError(ValueError):
    """The question cannot be asked (empty, too long, not text)."""


@dataclass(frozen=True)
class Question:
    """A cleaned question. Invariant: `text` is NFC, single-spaced, non-empty, ≤ MAX_QUESTION_CHARS;
    a question typed all in capitals is lower-cased (its capitals say nothing about names)."""

    text: str
    language: str
    followup_cue: str | None  # OPENS ("Còn 4G thì sao?") or REFERS back ("trong đó", "of them"), or None
    specific_terms: tuple[tuple[str, ...], ...]
    answer_kind: str | None = None  # what it asks for: see `answer_type`
    content: str = ""  # the text without framing that asks nothing ("xin cho biết", "please")
    about_article: bool = False  # asks what the whole article says ("Tóm tắt bài báo")
    asks_quantity: bool = False  # "bao nhiêu", "how many": the answer is a number
    counted_noun: str | None = None  # what a Vietnamese "bao nhiêu …" counts, folded
    numbers: tuple[str, ...] = ()  # the specific terms written with a digit ("2019", "5g")
    asks_reason: bool = False  # "vì sao", "tại sao", "why"
    focus: str = ""  # the content without words that point back ("trong đó"): what the bold answer follows
    periods: tuple[tuple[str, int, int], ...] = ()  # ("15", 1401, 1500) for "thế kỷ 15": see `periods`
    readings: tuple[tuple[str, str], ...] = ()  # ("73", "73000") for "73 nghìn": see `readings`

    def __post_init__(self):
        if not self.content:
            object.__setattr__(self, "content", self.text)
        if not self.focus:
            object.__setattr__(self, "focus", self.content)

    @property
    def followup(self) -> bool:
        return self.followup_cue is not None


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")


def clean_question(raw: object) -> str:
    """NFC, control characters read as spaces, whitespace collapsed; raises QuestionError for
    non-text, empty, over-long input or text that is not valid Unicode (lone surrogates, which
    is what undecodable bytes become)."""
    if not isinstance(raw, str):
        raise QuestionError(f"the question must be text, not {type(raw).__name__}")
    if len(raw) > 4 * MAX_QUESTION_CHARS:  # refused before any work on it: no spacing shrinks it enough
        raise QuestionError(f"the question has {len(raw):,} characters; the limit is {MAX_QUESTION_CHARS}")
    bad = _SURROGATE.search(raw)
    if bad:
        raise QuestionError(f"the question is not valid Unicode text (a lone surrogate at character "
                            f"{bad.start() + 1}); send it as UTF-8")
    text = " ".join(unicodedata.normalize("NFC", _CONTROL.sub(" ", raw)).split())
    if not text:
        raise QuestionError("the question is empty; type a question about the article")
    if len(text) > MAX_QUESTION_CHARS:
        raise QuestionError(
            f"the question has {len(text)} characters; the limit is {MAX_QUESTION_CHARS}"
        )
    return text


def detect_language(text: str) -> str:
    """`vi` when it has Vietnamese marks, unless it is English that names a place or person with
    them ("How many BTS sites does Điện Biên have?": more English function words than lower-case
    marked words); else `vi_nodiac` when its words read as Vietnamese syllables."""
    # Capitalised words after the first are names or titles ("Ai da gianh Super Bowl XLIX?", "Bài
    # hát What Is Love của ai?"): they say nothing of the language the question is typed in.
    tokens = [w for i, w in enumerate(words(text)) if i == 0 or not w[0].isupper()]
    if has_vietnamese_marks(text):
        english = sum(w.lower() in EN_FUNCTION_WORDS and not looks_vietnamese(w.lower()) for w in tokens)
        vietnamese = sum(w.islower() and has_vietnamese_marks(w) for w in tokens)
        return EN if english >= 2 and english >= vietnamese else VI
    alpha = [w.lower() for w in tokens if w.isalpha()]
    if not alpha:
        return VI_NODIAC
    english = sum(w in EN_FUNCTION_WORDS for w in alpha)
    vietnamese = sum(looks_vietnamese(w) and w not in EN_FUNCTION_WORDS for w in alpha)
    return VI_NODIAC if vietnamese > 2 * english and vietnamese >= 0.6 * len(alpha) else EN


def without_english_function_words(text: str) -> str:
    """An English question's content words: its function words, folded, read as Vietnamese
    syllables ("to" → "tổ", "do" → "độ", "the" → "thể") and would match by accident."""
    return " ".join(w for w in words(text) if w.lower() not in EN_FUNCTION_WORDS)


OPENS, REFERS = "opens", "refers"


_FOLDED_OPENERS = tuple(fold_diacritics(o) for o in _FOLLOWUP_OPENERS)


def _openers(lower: str) -> tuple[str, ...]:
    """The follow-up openers in the form the question is typed in: with their marks when it has
    any ("Cơn bão …" does not open with "còn"), without them when it has none ("con 4G thi sao")."""
    return _FOLLOWUP_OPENERS if has_vietnamese_marks(lower) else _FOLDED_OPENERS


# "X thì sao?" (what about X?) asks a follow-up without an opener too: "4G thì sao?", "Thế 4G
# thì sao ạ?". Matched folded.
_WHAT_ABOUT = re.compile(r"\bthi sao(?:\s+" + _CLOSING_PARTICLE + r")?$")


def followup_cue(text: str) -> str | None:
    """How a question leans on the one before: it OPENS like a follow-up ("còn…", "and…", "…
    thì sao?"), it REFERS back ("trong đó", "them": words that standalone questions use too), or
    neither."""
    lower = text.lower().strip(" ?!.")
    if any(lower.startswith(o + " ") for o in _openers(lower)) or _WHAT_ABOUT.search(fold_diacritics(lower)):
        return OPENS
    return REFERS if _FOLLOWUP_REFERENCES.search(lower) else None


def without_framing(text: str) -> str:
    """The question without words that ask nothing ("Xin cho biết, theo bài báo, …" → "…");
    the text itself when nothing else would be left. Character for character, so that the
    kept words keep their marks."""
    folded = fold_diacritics(text.lower())  # one character for one: spans carry over
    kept, at = [], 0
    for match in _FRAMING.finditer(folded):
        kept.append(text[at : match.start()])
        at = match.end()
    kept.append(text[at:])
    content = " ".join(" ".join(kept).replace(" ,", ",").split()).strip(" ,:;")
    return content if words(content) else text


# Words that point back or frame a count rather than say what is asked: a follow-up's opener
# ("Còn …", "And …"), a reference back ("trong đó", "of them") and the "có" of "có bao nhiêu" (how
# many are there). Typed without marks, only the unambiguous ones: "do" and "nay" are words.
_COUNT_FRAME = re.compile(r"\bcó(?=\s+(?:bao nhiêu|mấy)\b)")
_FOLDED_REFERENCES = re.compile(r"\b(?:trong so do|trong do|so do)\b|\bco(?=\s+bao nhieu\b)")
_OPENING = {openers: re.compile(r"^(?:" + "|".join(map(re.escape, sorted(openers, key=len, reverse=True))) + r")\b")
            for openers in (_FOLLOWUP_OPENERS, _FOLDED_OPENERS)}


def without_pointers(text: str) -> str:
    """The question without the words that point back ("trong đó", "Còn … thì sao?") or frame
    a count (the "có" of "có bao nhiêu"): the words the answer itself stands next to."""
    lower = text.lower()
    if len(lower) != len(text):
        return text
    patterns = ((_FOLLOWUP_REFERENCES, _COUNT_FRAME) if has_vietnamese_marks(lower) else (_FOLDED_REFERENCES,))
    cuts = [m.span() for pattern in (_OPENING[_openers(lower)], *patterns) for m in pattern.finditer(lower)]
    kept = "".join(c for i, c in enumerate(text) if not any(a <= i < b for a, b in cuts))
    return " ".join(kept.split()) or text


def is_about_article(text: str, content: str) -> bool:
    """Asks what the article as a whole says: "Bài báo nói về chuyện gì?", "Summarise it"; short
    but for its framing (`content` is the text without it: "Làm ơn … giúp tôi" asks nothing)."""
    return len(words(content)) <= _ABOUT_ARTICLE_MAX_WORDS and bool(_ABOUT_ARTICLE.search(fold_diacritics(text.lower())))


def looks_vietnamese(word: str) -> bool:
    """True when the word could be a Vietnamese syllable typed without marks ("long", "bien")."""
    return bool(_VI_SYLLABLE.match(word.lower()))


# A unit of area or volume ("km2", "m³" after NFKC) names what the answer measures in, not a
# number it must hold: the article may write "km vuông", "mét khối".
_UNIT_POWER = re.compile(r"[kcdm]?m[23]", re.IGNORECASE)
_ORDINAL_OR_DECADE = re.compile(r"(\d+)(?:st|nd|rd|th)|(\d*0)s", re.IGNORECASE)  # "3rd", "15th", "1700s"


def number_term(word: str) -> str:
    """The canonical form of a word written with a digit: a number ("3.350" → "3350"; an English
    ordinal or decade is its number, "15th" → "15") or a code ("5g")."""
    if ordinal := _ORDINAL_OR_DECADE.fullmatch(word):
        return ordinal[1] or ordinal[2]
    return canonical_number(word) if not any(c.isalpha() for c in word) else word.lower()


def is_number_term(word: str) -> bool:
    """A word written with a digit that the answer must hold: a number or a code, not a unit."""
    return any(c.isdigit() for c in word) and not _UNIT_POWER.fullmatch(word)


# A century or a decade names a span of years: "thế kỷ (thứ) 15" or "15th century" any year from
# 1401 to 1500, "1990s", "thập niên 1990", "những năm 90" any from 1990 to 1999 ("1700s": 1700 to
# 1799, read generously: the rule this serves declines only what the article surely lacks).
# Matched on the folded, lower-case question.
_CENTURY = re.compile(r"\bthe k[yi]\s+(?:thu\s+)?(\d{1,2})\b|\b(\d{1,2})(?:st|nd|rd|th)[ -]century\b")
_DECADE = re.compile(r"\b(\d{1,3}0)s\b|\b(?:thap nien|thap ky|nhung nam)\s+(\d0|\d{3}0)\b")


def periods(text: str) -> tuple[tuple[str, int, int], ...]:
    """The centuries and decades the question names, each as its number term (see
    `number_term`) with the first and last year it spans."""
    folded = fold_diacritics(text.lower())
    found = []
    for match in _CENTURY.finditer(folded):
        century = int(match[1] or match[2])
        found.append((str(century), 100 * century - 99, 100 * century))
    for match in _DECADE.finditer(folded):
        year = int(match[1] or match[2])
        for start in (1900 + year, 2000 + year) if year < 100 else (year,):  # "thập niên 90": the 1990s (or 2090s)
            found.append((str(year), start, start + (99 if start % 100 == 0 and year >= 100 else 9)))
    return tuple(found)


_DAY_MONTH = re.compile(r"(\d{1,2})\.(\d{1,2})")
_THOUSANDS_APART = re.compile(r"(?<![\d.,])\d{1,3}(?: \d{3})+(?![\d.,])")


def readings(text: str) -> tuple[tuple[str, str], ...]:
    """Other ways an article may write the question's numbers, as (number term, term of the
    lexical index): with the scale word applied ("73 nghìn" → "73000"), a day and month written
    with a dot as with a slash ("16.10" → "16_10", the pair of "16/10"), thousands written
    apart as one number ("567 666" → "567666")."""
    found = list(scaled_numbers(text))
    for word in words(text):
        day_month = _DAY_MONTH.fullmatch(word)
        if day_month and 1 <= int(day_month[1]) <= 31 and 1 <= int(day_month[2]) <= 12:
            found.append((number_term(word), f"{int(day_month[1])}_{int(day_month[2])}"))
    for match in _THOUSANDS_APART.finditer(text):
        found += [(number_term(part), match.group().replace(" ", "")) for part in match.group().split()]
    return tuple(found)


def numbers(text: str) -> tuple[str, ...]:
    """The words written with a digit, as canonical forms. Told apart here because a canonical
    syllable carries its tone as a digit: "thu3" is the name "Thủ", not a code."""
    return tuple(dict.fromkeys(number_term(w) for w in words(text) if is_number_term(w)))


def specific_terms(text: str, language: str) -> tuple[tuple[str, ...], ...]:
    """Numbers, codes ("5G") and names the answer would have to contain, each as the forms of
    which the article must use at least one.

    Names are capitalised words of a Vietnamese question, and, in a question typed without
    diacritics or in English, runs of capitalised Vietnamese-shaped syllables: "Ho Chi Minh City"
    needs ho_chi or chi_minh, "Ha Long Bay" ha_long or long_bay ("Bay" may be English). Forms are
    canonical terms of the lexical index for that language (accented for `vi`, folded otherwise).
    """
    found: list[tuple[str, ...]] = []
    # A capital opening a sentence says nothing ("What", "How", "Còn", "Tôi").
    tokens = [(word, i == 0) for sentence in sentences(text) for i, word in enumerate(words(sentence))]
    for word, opens in tokens:
        if is_number_term(word):
            found.append((number_term(word),))
        elif language == VI and (not opens or word.isupper()) and word[0].isupper():
            found.append((canonical_syllable(word),))
    if language != VI:
        run: list[str] = []
        for word, opens in tokens + [("", True)]:
            if not opens and word[:1].isupper() and looks_vietnamese(word):
                run.append(canonical_syllable(word.lower()))
                continue
            if len(run) > 1:
                found.append(tuple(f"{a}_{b}" for a, b in zip(run, run[1:])))
            run = []
    return tuple(dict.fromkeys(found))


def sentences(text: str) -> list[str]:
    """The sentences of a question that has several ("Tôi là phóng viên … Tôi cần …")."""
    return [s for s in re.split(r"(?<=[.!?:…])\s+", text) if s]


# Abbreviations of Vietnamese chat typing, written out before anything else reads the question:
# the article spells the words in full ("ko" không, "dc" được, "vs" với, "j" gì, "ntn" như thế nào).
_CHAT_ABBREVIATIONS = {
    "ko": "không", "k": "không", "khum": "không", "dc": "được", "đc": "được", "vs": "với", "j": "gì",
    "ntn": "như thế nào", "trc": "trước", "cx": "cũng", "cg": "cũng", "ng": "người", "lm": "làm", "nx": "nữa",
    "kq": "kết quả", "cty": "công ty", "bnh": "bao nhiêu",
}
# A word of its own, in lower case ("Vitamin K", "KQ", "J.K.", "K-pop", "10 k", "500 k/tháng" are
# something else), or capitalised as the question's first word ("Ko biết …").
_CHAT_ABBREVIATION = re.compile(
    r"(?<!\S)(?<!\d )(?:" + "|".join(sorted(_CHAT_ABBREVIATIONS, key=len, reverse=True)) + r")(?=[?!,;:.…]*(?:\s|$))",
    re.IGNORECASE,
)


def without_chat_abbreviations(text: str) -> str:
    """A Vietnamese question with its chat abbreviations written out, without marks when it is
    typed without them ("co ban ve SIM rac ko" → "co ban ve SIM rac khong")."""
    marked = has_vietnamese_marks(text.lower())

    def spell(match: re.Match) -> str:
        typed = match.group()
        first_capitalised = match.start() == 0 and typed[1:].islower()
        if typed != typed.lower() and not first_capitalised:
            return typed
        full = _CHAT_ABBREVIATIONS[typed.lower()]
        full = full if marked else fold_diacritics(full)
        return full[0].upper() + full[1:] if typed[0].isupper() else full

    return _CHAT_ABBREVIATION.sub(spell, text)


def _is_shouting(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 4 and all(c.isupper() for c in letters)


def read_question(raw: object) -> Question:
    text = clean_question(raw)
    if _is_shouting(text):
        text = text.lower()  # after which "vitamin k" is a name no longer told from "k"
    elif detect_language(text) != EN:  # "tom vs jerry" keeps its "vs"
        text = without_chat_abbreviations(text)
    language = detect_language(text)
    content = without_framing(text)
    return Question(
        text, language, followup_cue(text), specific_terms(text, language), expected_answer(text, language == EN),
        content=content, about_article=is_about_article(text, content),
        asks_quantity=asks_quantity(text), counted_noun=counted_noun(text) if language != EN else None,
        numbers=numbers(text), asks_reason=asks_reason(text), focus=without_pointers(content),
        periods=periods(text), readings=readings(text),
    )
