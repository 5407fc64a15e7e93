"""Vietnamese text normalisation for matching: folding, tone placement, spelling variants, tokens.

Two forms of every token are produced for lexical search:
- the *accented* form keeps vowel letters (ă â ê ô ơ ư đ) and writes the tone as a trailing digit,
  so old and new tone placement ("hoà"/"hòa", "uỷ"/"ủy") and "tỉ"/"tỷ" give one token;
- the *folded* form drops every mark ("đ" → "d"), which is how people type without diacritics.
Numbers are kept whole with a canonical form ("567.666" → "567666", "74,56" → "74.56").
"""

from __future__ import annotations

import decimal
import functools
import re
import unicodedata

# Combining marks: the five tones, and the vowel-quality marks (breve, circumflex, horn).
_TONES = {"\u0300": "2", "\u0301": "1", "\u0309": "3", "\u0303": "4", "\u0323": "5"}
_TONE_CHARS = "".join(_TONES)
_ONSET_Y = re.compile(r"^(?:b|c|ch|d|đ|g|gh|h|k|kh|l|m|n|ng|ngh|nh|p|ph|r|s|t|th|tr|v|x)y$")
# Numbers with separators first ("567.666", "74,56"), then runs of letters and digits, so codes
# such as "3G", "A1" and "TT&TT" stay whole.
_TOKEN = re.compile(r"\d+(?:[.,]\d+)+|[^\W_]+(?:&[^\W_]+)*")
_VI_LETTERS = re.compile("[àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ]")


@functools.lru_cache(maxsize=4096)
def _fold_char(char: str) -> str:
    if char in "đĐ":
        return "d" if char == "đ" else "D"
    decomposed = unicodedata.normalize("NFD", char)
    base = decomposed[0]
    return base if base.isascii() and len(decomposed) > 1 else char


def fold_diacritics(text: str) -> str:
    """Remove every Vietnamese diacritic ("Điện Biên" → "Dien Bien"), one character for one."""
    return "".join(_fold_char(c) for c in text)


def has_vietnamese_marks(text: str) -> bool:
    """True when the text carries a Vietnamese diacritic (so it was not typed unaccented)."""
    return bool(_VI_LETTERS.search(unicodedata.normalize("NFC", text).lower()))


@functools.lru_cache(maxsize=65536)
def canonical_syllable(word: str) -> str:
    """A lower-case syllable with its tone moved to a trailing digit and "y"/"i" variants merged.

    "hoà" and "hòa" → "hoa2"; "uỷ" and "ủy" → "uy3"; "tỷ" and "tỉ" → "ti3"; "đường" → "đương2".
    """
    decomposed = unicodedata.normalize("NFD", word.lower())
    tone = "".join(_TONES[c] for c in decomposed if c in _TONES)
    letters = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in _TONE_CHARS))
    if _ONSET_Y.match(letters):
        letters = letters[:-1] + "i"
    return letters + tone[:1]


def canonical_number(raw: str) -> str:
    """One spelling per number: Vietnamese "3.350" and English "3,350" → "3350"; "74,56" → "74.56"."""
    if re.fullmatch(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?", raw):
        return raw.replace(".", "").replace(",", ".")
    if re.fullmatch(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?", raw):
        return raw.replace(",", "")
    return raw.replace(",", ".")


_ROMAN = re.compile(r"X{0,3}(?:IX|IV|V?I{0,3})")  # up to XXXIX: "Giai đoạn II", "thế kỷ XV"
_ROMAN_VALUES = {"I": 1, "V": 5, "X": 10}


# Vietnamese numerals in words. A numeral opens with a digit or "mười"; "mốt", "tư", "lăm" and
# "nhăm" are the forms 1, 4 and 5 take after a ten ("hai mươi mốt", "ba mươi tư", "mười lăm") and
# "lẻ"/"linh" fill an empty tens place ("một trăm lẻ năm"): alone they are other words ("đầu tư").
_NUMERAL_DIGITS = {"không": 0, "một": 1, "hai": 2, "ba": 3, "bốn": 4, "năm": 5, "sáu": 6, "bảy": 7,
                   "bẩy": 7, "tám": 8, "chín": 9}
_NUMERAL_AFTER_TEN = {"mốt": 1, "tư": 4, "lăm": 5, "nhăm": 5}
_NUMERAL_SCALES = {"nghìn": 1000, "ngàn": 1000, "triệu": 10**6, "tỷ": 10**9, "tỉ": 10**9}
_NUMERAL_OPENS = {*_NUMERAL_DIGITS, "mười"}
_NUMERAL_WORDS = {*_NUMERAL_OPENS, *_NUMERAL_AFTER_TEN, *_NUMERAL_SCALES, "mươi", "trăm", "lẻ", "linh"}


def _numeral_values(run: list[str]) -> set[int]:
    """The values a run of Vietnamese numeral words may mean: the whole run ("hai mươi lăm" →
    25, "hai mươi nghìn tỷ" → 2·10¹³) and each of its beginnings ("một trăm năm" is 100 years
    more often than 105)."""
    values, total, group, pending = set(), 0, 0, 0
    for word in run:
        digit = _NUMERAL_DIGITS.get(word, _NUMERAL_AFTER_TEN.get(word))
        if digit is not None:
            pending = digit
        elif word == "mười":
            group, pending = group + 10, 0
        elif word == "mươi":
            group, pending = group + pending * 10, 0
        elif word == "trăm":
            group, pending = group + pending * 100, 0
        elif word in _NUMERAL_SCALES:
            part, scale = group + pending, _NUMERAL_SCALES[word]
            total, group, pending = (total + part * scale) if part else total * scale, 0, 0
        values.add(total + group + pending)
    return values


# A number followed by one of these is that many thousands, millions, billions: "73 nghìn" is
# 73.000, "465 tỷ" 465.000.000.000, "3,35 nghìn km" 3.350 km.
_SCALES = {**_NUMERAL_SCALES, **{fold_diacritics(w): v for w, v in _NUMERAL_SCALES.items()},
           "thousand": 1000, "million": 10**6, "billion": 10**9}
_SCALED = re.compile(r"(\d+(?:[.,]\d+)*)\s+(" + "|".join(_SCALES) + r")(?!\w)", re.IGNORECASE)


def scaled_numbers(text: str) -> list[tuple[str, str]]:
    """Each number the text writes with a scale word after it, and its value, both canonical:
    "73 nghìn" → ("73", "73000"), "3,35 nghìn" → ("3.35", "3350")."""
    found = []
    for match in _SCALED.finditer(text):
        number = canonical_number(match[1])
        try:
            value = decimal.Decimal(number) * _SCALES[match[2].lower()]
        except decimal.InvalidOperation:  # "1.2.3": no number
            continue
        found.append((number, format(value.normalize(), "f")))
    return found


def numbers_written_otherwise(text: str) -> set[str]:
    """Canonical numbers the text writes other than as a number of their own: the digits of a
    code ("AS206" → "206", "4G" → "4"), Roman numerals in capitals ("II" → "2", "XV" → "15"),
    Vietnamese numerals in words ("một trăm" → "100") and numbers with a scale word ("465 tỷ" →
    "465000000000"). It may read in more than the text means ("năm" is also "year", "ba" also
    "father"): it only keeps a question's number from being declined as one the article never
    writes."""
    found = {value for _number, value in scaled_numbers(text)}
    for word in words(text):
        if any(c.isalpha() for c in word) and any(c.isdigit() for c in word):
            found.update(canonical_number(digits) for digits in re.findall(r"\d+", word))
        elif _ROMAN.fullmatch(word):
            values = [_ROMAN_VALUES[c] for c in word]
            found.add(str(sum(-v if v < w else v for v, w in zip(values, values[1:] + [0]))))
    for phrase in re.split(r"[^\w ]", unicodedata.normalize("NFC", text.lower())):
        run: list[str] = []
        for word in [*words(phrase), ""]:
            if word in _NUMERAL_OPENS or (run and word in _NUMERAL_WORDS):
                run.append(word)
                continue
            found.update(str(v) for v in _numeral_values(run))
            run = []
    return found


def split_code(code: str, folded: bool) -> str | None:
    """The lexical term of a code of letters then digits (or digits then letters) written apart,
    "AS206" as "AS-206" or "AS 206": the pair "as_206". None for anything else: a number ("3.5"
    is not "3-5") or a code of more runs, for which the index, pairing adjacent terms only, holds
    no one term."""
    runs = re.findall(r"\d+|[^\W\d_]+", code)
    if len(runs) != 2 or runs[0].isdigit() == runs[1].isdigit():
        return None
    return "_".join(_unit(run, folded) for run in runs)


# A superscript after a digit is an exponent or a footnote ("10⁵", "2019¹"), not more digits:
# set apart before NFKC turns it into a plain digit (as it should after a unit: "km²" → "km2").
_SUPERSCRIPT_AFTER_DIGIT = re.compile(r"(?<=\d)(?=[\u2070\u00b9\u00b2\u00b3\u2074-\u2079])")


def words(text: str) -> list[str]:
    """The text's words and numbers, NFKC, in order ("TT&TT" stays one word; "km²" is "km2")."""
    return _TOKEN.findall(unicodedata.normalize("NFKC", _SUPERSCRIPT_AFTER_DIGIT.sub(" ", text)))


def _unit(word: str, folded: bool) -> str:
    if word[0].isdigit() and not any(c.isalpha() for c in word):
        return canonical_number(word)
    if folded:
        return canonical_syllable(fold_diacritics(word))
    return canonical_syllable(word)


def lexical_terms(text: str, folded: bool) -> list[str]:
    """Terms for BM25: canonical syllables and numbers, plus each adjacent pair as a bigram."""
    units = [_unit(w, folded) for w in words(text)]
    return units + [f"{a}_{b}" for a, b in zip(units, units[1:])]
