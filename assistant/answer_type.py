"""What kind of answer a question asks for, and where such answers stand in a sentence.

"Bao nhiêu / how many" asks for a number, "bao nhiêu phần trăm / what share" for a percentage,
"khi nào / when" for a date, "ai / who" for a person. Retrieval prefers sentences that hold an
answer of the asked kind, and the rendered answer bolds it. Everything here is general knowledge
of Vietnamese and English question words, number and date writing, and Vietnamese personal names.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Mapping

from index.vietnamese import canonical_number, canonical_syllable, fold_diacritics, has_vietnamese_marks, lexical_terms, words

if TYPE_CHECKING:
    from .question import Question

NUMBER, PERCENT, DATE, PERSON = "number", "percent", "date", "person"
KINDS = (NUMBER, PERCENT, DATE, PERSON)
REASON = "reason"  # asked by "vì sao / why"; ranking wants a sentence that gives one, nothing is bold

# "mấy" asks how many ("có mấy nhà mạng"), with its marks only, but not in "thứ mấy", "hạng mấy"
# (which place: a rank is as often written in words, "thứ hai"), in a date or a time ("tháng
# mấy", "mấy giờ": see `_CUES`), in "không mấy" (hardly) or "mấy ai" (few people), nor beside
# another question word ("Mấy doanh nghiệp này nhằm mục đích gì?": these few). The noun after it
# is what is counted.
_HOW_MANY = (r"^(?!.*\b(?:gì|nào|sao|đâu|ai)\b).*?(?<!thứ )(?<!hạng )(?<!không )(?<!ngày )(?<!tháng )(?<!năm )"
             r"\b(?P<cue>mấy)\b(?!\s+giờ\b)"
             r"(?:\s+(?P<noun>[^\W\d_]+))?")
_HOW_MANY_MARKED = re.compile(_HOW_MANY)

# "What was the population of …?", "What is the approximate condenser temperature?", "What was
# telecom revenue?": English asks for a number by naming a measure. Nouns that name one, ending
# the question or followed by a preposition ("What is population genetics?" asks for no number),
# with no "of" before them ("What is the name of the population …" asks for a name).
_MEASURES = (
    "population number amount quantity total sum count score size length height width depth weight mass area "
    "distance diameter elevation altitude volume density pressure temperature speed velocity capacity "
    "efficiency cost price budget revenue income salary wage fee fees value attendance enrollment age"
).split()
_WHAT_MEASURE = (r"(?:what|which) (?:is|was|are|were) (?:(?!of\b)[\w'’-]+ ){0,4}(?:" + "|".join(_MEASURES) + r")"
                 r"(?=\s*(?:[?.,]|$)|\s+(?:of|in|for|at|on|per|during|between|from|to|by|with|under|over)\b)")

# Question cues, written with their marks. A question typed with marks is matched as written,
# so "loại khí nào" (which gas) is not "khi nào" (when) and "ải" is not "ai"; words typed without
# marks are matched with the cues' marks removed (see `_cue_at`), except for the cues marked
# False: "mấy" (how many) without marks is as often "máy" (machine) or "mây" (cloud). Earlier
# entries win: "bao nhiêu phần trăm" is a percentage before it is a number, "tháng mấy" a date;
# but in English the cue that comes first (see `expected_answer`).
_CUES = (
    # "tỷ lệ …" alone asks for the rate; "tỷ lệ … có chuyên môn gì?" asks for the "gì".
    (PERCENT, r"^(?!.*\b(?:gì|nào|sao)\b).*\b(?P<cue>tỷ lệ|tỉ lệ)\b", True),
    (PERCENT, r"\b(?P<cue>bao nhiêu phần trăm|bao nhiêu %|what percentage|what share|"
              r"what proportion|what fraction|what percent|what per cent|what %|how many percent|"
              r"(?:is|was|are|were) the percentage)(?!\w)", True),
    (PERCENT, r"\b(?P<cue>mấy phần trăm|mấy %)(?!\w)", False),
    (DATE, r"\b(?P<cue>khi nào|bao giờ|ngày nào|hôm nào|tháng nào|năm nào|lúc nào|thời gian nào|thời điểm nào|"
           r"giai đoạn nào|when|what time|(?:what|which) (?:dates?|days?|years?|months?|periods?|decades?|"
           r"century|centuries))\b", True),
    (DATE, r"\b(?P<cue>ngày mấy|tháng mấy|năm mấy|mấy giờ)\b", False),
    (NUMBER, r"\b(?P<cue>bao nhiêu|bao lâu|how many|how much|how long|how large|how big|how far|"
             r"how old|what age|what number|what amount|" + _WHAT_MEASURE + r")\b", True),
    (NUMBER, _HOW_MANY, False),
    # "ai", or a noun for a person with "nào" ("vị nào", "vua nào": which king).
    (PERSON, r"(?:^|\s)(?P<cue>ai|who|whom|(?:người|ông|bà|vị|vua|tướng|nhà sử|tác giả|nhà văn|"
             r"nhà thơ|nhà khoa học|ca sĩ|cầu thủ) nào)\b", True),
)

_NUMBER = r"\d+(?:[.,]\d+)*"
_SPANS = {
    # A number with what it counts when that is a percentage or a unit glued to it ("3.350 km"
    # keeps only the number: units vary too much to list); not one within a code ("AS-278").
    NUMBER: re.compile(rf"(?<![\w/])(?<![^\W\d_]-){_NUMBER}(?:\s?%)?(?![\w/])"),
    PERCENT: re.compile(rf"(?<![\w/]){_NUMBER}\s?%"),
    DATE: re.compile(
        r"(?:(?:[Nn]gày|[Tt]háng|[Nn]ăm)\s+)?\d{1,2}/\d{1,2}(?:/\d{2,4})?"
        r"|(?:[Gg]iai đoạn|[Nn]ăm|[Tt]háng)\s+\d{1,4}(?:\s?[-–]\s?\d{1,4})?"
        r"|\b(?:1[89]|20)\d{2}\b"
    ),
}
# A count written in words ("hai trường đại học", "chín quốc gia", "hai phần ba") opens with a
# cardinal from two to ten, lower-case ("Ba Lan" is Poland), not an ordinal ("thứ hai"); only
# whether one stands there matters, never its span. "một" is as often "a" and "năm" as often
# "year", so neither opens one.
_SPELLED_NUMBER = re.compile(r"(?<![\w-])(?<!thứ )(?:hai|ba|bốn|sáu|bảy|tám|chín|mười)(?![\w-])")
# The most common Vietnamese family names (together well over 90% of the population, and the
# usual Hmong and Thai names of the north-west): a capitalised run starting with one is a name.
_SURNAMES = (
    "Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý Đinh Trịnh Đào Mai "
    "Lương Trương Lâm Phùng Tạ Cao Chu Đoàn Vương Thái Tô Quách Lò Lường Giàng Sùng Vàng Mùa Thào "
    "Cầm Tòng Quàng"
).split()
_PERSON = re.compile(rf"\b(?:{'|'.join(_SURNAMES)})(?:\s[^\W\d_]+){{1,3}}")
# A clause: the text between ", ", "; ", ": " or ". " (the comma in "74,56" does not end one).
_CLAUSE = re.compile(r"(?:[^,;:.]|[,;:.](?!\s))+")
_NEVER = re.compile(r"(?!)")
_CUE_PATTERNS = tuple((kind, re.compile(pattern), re.compile(fold_diacritics(pattern)) if unmarked else _NEVER)
                      for kind, pattern, unmarked in _CUES)


def _person_spans(text: str) -> list[tuple[int, int]]:
    """A family name followed by one to three capitalised given names ("Lê Thành Đô")."""
    spans = []
    for match in _PERSON.finditer(text):
        names = match.group().split(" ")
        given = 0
        while given + 1 < len(names) and names[given + 1][0].isupper():
            given += 1
        if given:
            spans.append((match.start(), match.start() + len(" ".join(names[: given + 1]))))
    return spans


# Words that ask outright for a quantity; its answer is a number.
_ASKS_QUANTITY = re.compile(r"\b(?:bao nhieu|how many|how much|what percentage|what share|what proportion)\b")


# English "how many" counts things, as "bao nhiêu" + noun does: a percentage does not answer it.
_COUNTS_EN = re.compile(r"\bhow many\b")


def asks_quantity(question: str) -> bool:
    """True for "bao nhiêu …?", "có mấy …?", "how many …?" and the like (not for a bare "tỷ lệ …")."""
    lower = question.lower()
    return bool(_ASKS_QUANTITY.search(fold_diacritics(lower)) or _HOW_MANY_MARKED.search(lower))


# "bao nhiêu" + noun: the noun is what is counted ("bao nhiêu huyện" → "huyện"), and the answer
# names it ("510 tuyến cáp quang"). Words that cannot be that noun: "phần trăm" (written "%"),
# "tiền" (money: the answer names a currency, "105 tỷ đồng"), prepositions, conjunctions,
# particles, and the verbs that follow when "bao nhiêu" is the subject ("bao nhiêu có 4G", "bao
# nhiêu được cấp").
_COUNTED = re.compile(r"\bbao nhieu\s+([a-z]+)")
_NOT_COUNTED = frozenset("phan tien so voi trong cua la thi vay nua tu den tai o va khi hay hoac nhu de cho ve".split())
# Nor the particles and forms of address that close a question, when only such words follow
# ("bao nhiêu ạ?", "bao nhiêu thế chị?", but "bao nhiêu thế hệ", "bao nhiêu em bé"): told by
# their marks, since typed without them "the", "day" and "ban" are as often nouns.
_CLOSING = frozenset("ạ à nhỉ nhé nhá hả hở thế đấy đây ấy vậy chứ không chưa bạn anh chị em ông bà cô chú ad".split())
_FOLDED_CLOSING = frozenset("a nhi nhe ha vay khong".split())
_VERBS = frozenset("có được đã sẽ đang bị".split())  # told by their marks: "cơ sở", "đảng" are nouns
_FOLDED_VERBS = frozenset(map(fold_diacritics, _VERBS))  # typed without marks, "co" may be either


def counted_noun(question: str) -> str | None:
    """The word counted by a Vietnamese "bao nhiêu …" or "mấy …" question, without diacritics, if any."""
    lower = question.lower()
    match, group = _COUNTED.search(fold_diacritics(lower)), 1  # one character for one: spans carry over
    if not match:
        match, group = _HOW_MANY_MARKED.search(lower), "noun"
    if not match or not match.group(group):
        return None
    word = lower[match.start(group) : match.end(group)]
    if fold_diacritics(word) in _NOT_COUNTED:
        return None
    marked = has_vietnamese_marks(lower)
    closing = _CLOSING if marked else _FOLDED_CLOSING
    if word in (_VERBS if marked else _FOLDED_VERBS) or all(w in closing for w in words(lower[match.start(group) :])):
        return None
    return fold_diacritics(word)


# Words that ask for a reason or a purpose ("vì sao", "tại sao", "để làm gì", "why"), and the
# connectives a sentence gives one with: cause, purpose and result in Vietnamese ("vì", "do",
# "nhờ", "để", "nên", "dẫn đến") and in English, for an English article. "tại" alone says where
# ("tại vì" why: "vì" covers it), "tự do" is freedom and "trở nên" become. A sentence without any
# gives no reason.
_ASKS_REASON_EN = (r"why|how come|what for|what causes?|what caused|what led to|for what reason|"
                   r"what (?:is|was) the (?:reason|purpose)")
# Matched as `_cue_at` matches: with marks, "do đâu" (why) is not "nhiệt độ đầu vào", nor "vì
# đâu" "vị đầu tiên"; typed without marks, only the words that cannot be read otherwise count.
_ASKS_REASON_MARKED = re.compile(r"(?<!\w)(?:tại sao|vì sao|vì lẽ gì|vì đâu|do đâu|lý do|lí do|nguyên nhân|mục đích|"
                                 r"để làm gì|" + _ASKS_REASON_EN + r")(?!\w)")
_ASKS_REASON_FOLDED = re.compile(r"\b(?:tai sao|vi sao|vi le gi|ly do|li do|nguyen nhan|muc dich|de lam gi|"
                                 + _ASKS_REASON_EN + r")\b")
_GIVES_REASON = re.compile(
    r"\b(?:vì|bởi|(?<!tự )do|nhờ|(?<!trở )nên|để|nhằm|khiến|dẫn đến|gây ra|nguyên nhân|thành ra|"
    r"because|due to|owing to|thanks to|so that|in order to|caus(?:e|es|ed|ing)|led to|result(?:s|ed|ing)?|"
    r"reasons?)\b"
)


def _cue_at(marked: re.Pattern, folded: re.Pattern, lower: str) -> int | None:
    """Where the lower-cased question's cue starts, or None: as written, or in words typed
    without marks (its `cue` group, or the whole match, has none) in the cue's form without
    marks. So a question typed partly with marks ("ty le ho gia dinh o Điện Biên") is read word
    by word."""
    group = "cue" if "cue" in marked.groupindex else 0
    starts = [m.start(group) for m in [marked.search(lower)] if m]
    starts += [m.start(group) for m in folded.finditer(fold_diacritics(lower))
               if not has_vietnamese_marks(lower[m.start(group) : m.end(group)])]
    return min(starts, default=None)


def asks_reason(question: str) -> bool:
    """True for "Vì sao …?", "Tại sao …?", "Why …?" and the like."""
    return _cue_at(_ASKS_REASON_MARKED, _ASKS_REASON_FOLDED, question.lower()) is not None


def gives_reason(text: str) -> bool:
    """True when the sentence holds a connective of cause, purpose or result."""
    return bool(_GIVES_REASON.search(text.lower()))


def expected_answer(question: str, english: bool = False) -> str | None:
    """The kind of answer the question asks for, or None when it asks for an explanation. An
    English question puts its question word first, so there the cue that comes first wins ("How
    many seconds were left when …?": a later "when" opens a clause); a Vietnamese one leaves it
    where the answer stands ("Syria và Ai Cập tấn công Israel khi nào?"), so the earlier entry
    of `_CUES` wins."""
    lower = question.lower()
    found = [(at if english else 0, order, kind) for order, (kind, marked, folded) in enumerate(_CUE_PATTERNS)
             if (at := _cue_at(marked, folded, lower)) is not None]
    return min(found)[2] if found else None


def answer_spans(text: str, kind: str | None) -> list[tuple[int, int]]:
    """Character spans of `text` that could answer a question of that kind, in order."""
    if kind is None:
        return []
    if kind == PERSON:
        return _person_spans(text)
    spans = [m.span() for m in _SPANS[kind].finditer(text)]
    if kind == NUMBER:  # a year or a date, from its day, is not the count a "how many" asks for
        dates = _whole_dates(text, [m.span() for m in _SPANS[DATE].finditer(text)])
        spans = [(a, b) for a, b in spans if not any(a < d1 and d0 < b for d0, d1 in dates)]
    return spans


def holds_answer(text: str, kind: str | None) -> bool:
    """The sentence holds an answer of that kind: one of `answer_spans`, or for a number a count
    written in words ("hai trường đại học", "chín quốc gia"). Only the judge counts those: in
    ranking they favour "hai bên" (both sides) as much as a count, and they are not bolded."""
    return bool(answer_spans(text, kind)) or (kind == NUMBER and bool(_SPELLED_NUMBER.search(text)))


# Words after a number that make it a period, not a count: "9 tháng đầu năm" (the first nine
# months) qualifies the figure that follows; only a question about a duration is answered by one.
_TIME_UNITS = frozenset("ngày tuần tháng quý năm giờ phút giây day days week weeks month months quarter quarters "
                        "year years hour hours minute minutes second seconds".split())
_FOLDED_TIME_UNITS = frozenset(map(fold_diacritics, _TIME_UNITS))
_ASKS_DURATION = re.compile(r"\b(?:bao lau|how long|(?:bao nhieu|how many) (?:" + "|".join(_FOLDED_TIME_UNITS) + r"))\b")
# The word right after a number, unless a number follows it ("5 tháng 10" is a date).
_NEXT_WORD = re.compile(r"\s+([^\W\d_]+)(?!\s*\d)")
# An aside in brackets ("830 (66,4%) hộ"): neither a clause of its own nor counted in the
# distance between words, but for the spans within it.
_ASIDE = re.compile(r"\([^()]*\)")
# A day written before a month ("ngày 7 tháng 1 năm 1943"): part of one date.
_DAY_BEFORE = re.compile(r"(?:[Nn]gày|[Mm]ùng)\s+\d{1,2}\s+$")


def _whole_dates(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Date parts that stand next to each other as one date: "tháng 1" + "năm 1943", with the
    day before them, is "ngày 7 tháng 1 năm 1943"."""
    whole: list[tuple[int, int]] = []
    for start, end in spans:
        if whole and not text[whole[-1][1] : start].strip():
            whole[-1] = (whole[-1][0], end)
            continue
        day = _DAY_BEFORE.search(text[:start])
        whole.append((day.start() if day else start, end))
    return whole


# "… đánh giá ai?", "… công tác của ai?": a Vietnamese "ai" after a verb or a preposition asks
# who stands after those words in the answer (the object follows the verb). Matched folded, "ai"
# in lower case: "AI" is artificial intelligence.
_AI_AFTER = re.compile(r"(?:^|\s)(\w+\s\w+)\s(?:nhung\s)?ai(?!\w)")


def _asked_after(text: str, question: Question) -> int | None:
    """Where the text writes the two words the question puts before "ai", if it does: a person
    named before them is who acts, not who is asked about ("Bộ trưởng Nguyễn Mạnh Hùng … đánh
    giá cấp ủy" for "đánh giá ai")."""
    from .question import EN  # here: the question module reads this one as it loads

    match = None if question.language == EN else _AI_AFTER.search(fold_diacritics(question.text))
    if not match:
        return None
    found = _writes(text, match.group(1))
    return found.start() if found else None


def _writes(text: str, words: str) -> re.Match | None:
    """Where `text` writes these words as whole words, either of them typed with or without
    diacritics, in any case."""
    return re.search(rf"(?<!\w){re.escape(fold_diacritics(words))}(?!\w)", fold_diacritics(text), re.IGNORECASE)


# "ông Hùng", "bà Mai", "Mr Hung": a person named by the given name alone. Matched folded.
_HONORIFIC = r"(?:ong|ba|mrs?|ms)\.?"


def _names(question: str, name: list[str]) -> bool:
    """The question names this person (the words of a name): in full, or by the given name after
    "ông", "bà" or "Mr"/"Ms" ("Ai đi cùng ông Hùng?" names Nguyễn Mạnh Hùng)."""
    given = re.escape(fold_diacritics(name[-1]))
    return bool(_writes(question, " ".join(name))
                or re.search(rf"(?<!\w){_HONORIFIC} {given}(?!\w)", fold_diacritics(question), re.IGNORECASE))


# "Ai được tặng …?", "… trao cho ai?", "Who received …?" ask who something is given to: the one
# named after "tặng", "cho" or "to" ("… trao Kỷ niệm chương … tặng Bộ trưởng Nguyễn Mạnh Hùng"),
# not the giver named before. Matched folded.
_ASKS_RECIPIENT = re.compile(r"\b(?:ai (?:duoc (?:trao|tang)|nhan)|(?:cho|tang) ai|to whom|who (?:received|receives|got|"
                             r"gets|(?:was|were) (?:given|awarded|presented))|(?:given|awarded|presented) to)\b")
_GIVEN_TO = re.compile(r"(?<!\w)(?:tặng|cho|to)(?!\w)", re.IGNORECASE)


def _given_to(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The spans with "tặng", "cho" or "to" between them and the span (or start) before."""
    ends = [0] + [b for _a, b in spans]
    return [(a, b) for (a, b), before in zip(spans, ends) if _GIVEN_TO.search(text, before, a)]


# "Ngày nào / what day" asks for a day: a year or a period ("năm 2024", "giai đoạn 2024 - 2026")
# does not answer it.
_ASKS_DAY = re.compile(r"\b(?:ngay (?:nao|may)|hom nao|what day|which day|what date|which date)\b")
_GIVES_DAY = re.compile(r"\d{1,2}/\d{1,2}|[Nn]gày\s+\d")


def candidate_spans(text: str, kind: str | None, question: Question) -> list[tuple[int, int]]:
    """The spans of `text` that could answer this question: `answer_spans`, dates whole, less
    what cannot be the answer. A number the question states is not its answer ("trong 9
    tháng" asks for another figure); nor is a period ("9 tháng") unless it asks how long, nor a
    year for "ngày nào" (what day); nor a percentage when it counts something ("bao nhiêu hộ",
    "how many households"); nor a person the question names, in full ("Ai đi cùng Bộ trưởng
    Nguyễn Mạnh Hùng?") or as "ông Hùng" (`_names`), nor one named before the words a
    Vietnamese "… ai?" puts before it, nor a giver for "ai được tặng" (who received)."""
    spans = answer_spans(text, kind)
    folded = fold_diacritics(question.text.lower())
    if kind == PERSON:
        spans = [(a, b) for a, b in spans if not _names(folded, text[a:b].split())]
        if (after := _asked_after(text, question)) is not None:
            spans = [(a, b) for a, b in spans if a >= after]
        if _ASKS_RECIPIENT.search(folded):
            spans = _given_to(text, spans)
    if kind == DATE:
        spans = _whole_dates(text, spans)
        if _ASKS_DAY.search(folded):
            spans = [(a, b) for a, b in spans if _GIVES_DAY.search(text[a:b])]
    stated = set(question.numbers)
    spans = [(a, b) for a, b in spans if not (numbers := _numbers_in(text[a:b])) or not numbers <= stated]
    if kind == NUMBER:
        if not _ASKS_DURATION.search(folded) and question.counted_noun not in _FOLDED_TIME_UNITS:
            spans = [(a, b) for a, b in spans if not _is_period(text, b)]
        if question.counted_noun or _COUNTS_EN.search(question.text.lower()):
            spans = [(a, b) for a, b in spans if not text[a:b].endswith("%")]
    return spans


def could_answer(text: str, kind: str, question: Question) -> bool:
    """The sentence holds one of `candidate_spans`, or for a number a count written in words."""
    return bool(candidate_spans(text, kind, question)) or (kind == NUMBER and bool(_SPELLED_NUMBER.search(text)))


def names(text: str, counted: str) -> bool:
    """The text names what a question counts (`Question.counted_noun`, without diacritics),
    spelt either way where Vietnamese allows ("tỉ" or "tỷ")."""
    return canonical_syllable(counted) in {canonical_syllable(fold_diacritics(w.lower())) for w in words(text)}


def _numbers_in(text: str) -> set[str]:
    return {canonical_number(w) for w in words(text) if w[0].isdigit() and not any(c.isalpha() for c in w)}


def _is_period(text: str, end: int) -> bool:
    """The number ending at `end` is followed by a unit of time: "9 tháng đầu năm"."""
    word = _NEXT_WORD.match(text, end)
    return bool(word) and word.group(1).lower() in _TIME_UNITS


def focused_spans(text: str, kind: str | None, weights: Mapping[str, float], question: Question) -> list[tuple[int, int]]:
    """The answer span whose surroundings hold the question's words closest and weightiest
    ("825" for "bao nhiêu có 4G" in "… 811 vị trí có phủ sóng 3G, 825 vị trí có phủ sóng 4G").

    Of `candidate_spans`, each is scored over its clause, cut at the neighbouring spans: first by
    how many of the question's specific terms (`Question.specific_terms`: numbers, codes, names)
    stand there (a list is told apart by them: "825 vị trí có phủ sóng 4G" for "bao nhiêu trạm …
    4G", though "trạm" stands by the total 920), then every question term found there adds its
    weight over its distance in words, counted once, at its nearest. A word after the span stands at
    its distance, a word before it one further: a Vietnamese number comes before what it counts
    ("920 vị trí trạm"), and what stands before it is as often the frame ("trong đó có 811"). An
    aside in brackets is read, in place, only for the spans within it: "86,8" in "567.666 thuê bao
    (đạt 86,8 thuê bao/100 dân)" stands by "dân", "567.666" does not, and "920" in "920 (trong đó
    811 có 3G) trạm" stands by "trạm". `weights` maps the question's lexical terms (see
    `index.vietnamese.lexical_terms`) to their weight; terms of `question.focus` count, not the
    words that only point back ("trong đó", "còn … thì sao"). A lone span is returned as it is; of
    several, only one that scores more than every other, else none (a guess between "811" and "920"
    would mislead). A sentence that never names what is counted gives none ("510 tuyến cáp quang"
    for "bao nhiêu người").
    """
    from .question import EN, VI, VI_NODIAC  # here: the question module reads this one as it loads

    spans = candidate_spans(text, kind, question)
    if kind == NUMBER and question.counted_noun and not names(text, question.counted_noun):
        return []
    if len(spans) <= 1:
        return spans
    folded = question.language == VI_NODIAC
    if question.language != EN:  # an English question's weights are its Vietnamese renderings
        focus = set(lexical_terms(question.focus, folded))
        weights = {term: w for term, w in weights.items() if term in focus}
    if not weights:
        return []
    asides = [m.span() for m in _ASIDE.finditer(text)]
    outside = _ASIDE.sub(lambda aside: " " * len(aside.group()), text)  # offsets kept
    home = [next((aside for aside in asides if aside[0] <= a < aside[1]), None) for a, _b in spans]

    def score(i: int) -> tuple[int, float]:
        # Read without asides, but for the one the span stands in; cut at the spans seen there.
        a, b = home[i] or (0, 0)
        seen = outside[:a] + text[a:b] + outside[b:]
        visible = [s for s, h in zip(spans, home) if h is None or h == home[i]]
        k = visible.index(spans[i])
        start, end = next((c.span() for c in _CLAUSE.finditer(seen) if c.start() <= spans[i][0] < c.end()), spans[i])
        if k > 0:
            start = max(start, visible[k - 1][1])
        if k + 1 < len(visible):
            end = min(end, visible[k + 1][0])
        after = lexical_terms(seen[spans[i][1] : end], folded)
        before = lexical_terms(seen[start : spans[i][0]], folded)
        distance: dict[str, int] = {}
        for offset, terms in ((1, after), (2, before[::-1])):
            for at, term in enumerate(t for t in terms if "_" not in t):
                if term in weights:
                    distance[term] = min(distance.get(term, at + offset), at + offset)
        # around the span, in the form of the question's specific terms (folded unless it has marks)
        found = {t for part in (seen[start : spans[i][0]], seen[spans[i][1] : end])
                 for t in lexical_terms(part, question.language != VI)}
        pinned = sum(not found.isdisjoint(forms) for forms in question.specific_terms)
        return pinned, sum(weights[term] / d for term, d in distance.items())

    scores = [score(i) for i in range(len(spans))]
    best = [s for s, value in zip(spans, scores) if value == max(scores) and any(value)]
    return best if len(best) == 1 else []
