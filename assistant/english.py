"""Dictionary-based translation of an English question into Vietnamese words, for BM25.

English words never occur in a Vietnamese article, so to BM25 an English question is only its
names and numbers, and the embedding model is its one cross-lingual signal. A bilingual lexicon
(`data/en_vi.txt`: general vocabulary of news and encyclopaedic text, not of one article) gives
each content word or phrase its Vietnamese renderings, the classic dictionary-based query
translation of cross-language retrieval. Phrases are matched longest first ("people's committee"
before "committee"); words are reduced to a lemma by plain suffix rules ("hospitals" → "hospital",
"flooded" → "flood"). A Vietnamese name is not translated: in "Ha Long Bay" only "Bay" is, as a
capitalised Vietnamese-shaped word followed by another belongs to a name.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from importlib import resources

from .question import EN_FUNCTION_WORDS, looks_vietnamese, sentences

_TOKEN = re.compile(r"[A-Za-z0-9]+(?:[-'][A-Za-z0-9]+)*")


@dataclass(frozen=True)
class Rendering:
    """An English word or phrase of a question and its Vietnamese renderings, best first."""

    english: str
    vietnamese: tuple[str, ...]


@dataclass(frozen=True)
class Translation:
    """What the lexicon made of a question: `renderings` of the words it knows, and
    `untranslated`, the lower-case content words it does not (names and numbers are left out:
    they are matched as they are)."""

    renderings: tuple[Rendering, ...]
    untranslated: tuple[str, ...]

    @property
    def share(self) -> float:
        """Share of the question's content words translated (1 when it has none)."""
        done = sum(len(r.english.split()) for r in self.renderings)
        return done / (done + len(self.untranslated)) if done or self.untranslated else 1.0


# Irregular past forms and participles of common verbs, and irregular plurals.
_IRREGULAR = dict(
    pair.split(":")
    for pair in """
    was:be were:be been:be had:have did:do done:do made:make built:build began:begin begun:begin
    became:become brought:bring bought:buy chose:choose chosen:choose came:come cost:cost
    drew:draw drawn:draw drove:drive driven:drive fell:fall fallen:fall felt:feel fought:fight
    found:find flew:fly flown:fly forgot:forget got:get gotten:get gave:give given:give went:go
    gone:go grew:grow grown:grow held:hold hit:hit kept:keep knew:know known:know laid:lay led:lead
    left:leave lent:lend let:let lay:lie lost:lose meant:mean met:meet paid:pay put:put quit:quit
    read:read rode:ride ridden:ride rose:rise risen:rise ran:run said:say saw:see seen:see sold:sell
    sent:send set:set shook:shake shot:shoot showed:show shown:show shut:shut sang:sing sung:sing
    sat:sit slept:sleep spoke:speak spoken:speak spent:spend stood:stand stole:steal stolen:steal
    struck:strike swore:swear swam:swim took:take taken:take taught:teach told:tell thought:think
    threw:throw thrown:throw understood:understand woke:wake wore:wear worn:wear won:win wrote:write
    written:write men:man women:woman children:child people:people feet:foot teeth:tooth mice:mouse
    """.split()
)


def _lemmas(word: str) -> list[str]:
    """The word, then the forms it may inflect: plural, past, gerund, possessive."""
    w = word.removesuffix("'s").removesuffix("'")
    forms = [word, w] + ([_IRREGULAR[w]] if w in _IRREGULAR else [])
    if w.endswith("ies"):
        forms.append(w[:-3] + "y")
    if w.endswith(("ses", "xes", "ches", "shes")):
        forms.append(w[:-2])
    if w.endswith("s") and not w.endswith("ss"):
        forms.append(w[:-1])
    for suffix in ("ed", "ing"):
        if w.endswith(suffix) and len(w) >= len(suffix) + 2 and not w.endswith("eed"):
            stem = w[: -len(suffix)]
            forms += [stem, stem + "e"]  # "used" → "use", "using" → "use"
            if len(stem) > 2 and stem[-1] == stem[-2]:
                forms.append(stem[:-1])  # "planned" → "plan"
            if stem.endswith("i"):
                forms.append(stem[:-1] + "y")  # "applied" → "apply"
    return forms


@dataclass(frozen=True)
class Lexicon:
    """English lemma or phrase (a tuple of words) → Vietnamese renderings.

    Invariant: every key and rendering is non-empty; `longest` is the longest key's length.
    """

    entries: dict[tuple[str, ...], tuple[str, ...]]
    longest: int

    @classmethod
    def parse(cls, text: str) -> "Lexicon":
        entries: dict[tuple[str, ...], tuple[str, ...]] = {}
        for n, line in enumerate(text.splitlines(), 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            english, sep, vietnamese = line.partition(":")
            key = tuple(_TOKEN.findall(english.lower()))
            renderings = tuple(v.strip() for v in vietnamese.split(",") if v.strip())
            if not sep or not key or not renderings:
                raise ValueError(f"lexicon line {n}: expected 'english: vietnamese, …', got {line!r}")
            if key in entries:
                raise ValueError(f"lexicon line {n}: {' '.join(key)!r} is already an entry")
            entries[key] = renderings
        return cls(entries, max(map(len, entries), default=0))

    @functools.cached_property
    def _known_words(self) -> frozenset[str]:
        return frozenset(w for key in self.entries for w in key)

    def _lemma(self, word: str) -> str:
        return next((f for f in _lemmas(word) if f in self._known_words), word)

    def foreign_names(self, text: str) -> tuple[str, ...]:
        """Capitalised words inside the text that are neither English words the lexicon knows
        nor Vietnamese-shaped ("Australia", "Mona", "Lisa"): names, lower-cased. All-capital
        codes and the first word of each sentence are left out."""
        tokens = [t for sentence in sentences(text) for t in _TOKEN.findall(sentence)[1:]]
        return tuple(
            t.lower() for t in tokens
            if t[0].isupper() and not t.isupper() and t.isalpha() and not looks_vietnamese(t)
            and t.lower() not in EN_FUNCTION_WORDS and self._lemma(t.lower()) not in self._known_words
        )

    def translate(self, text: str) -> Translation:
        """The renderings of the text's words and phrases found in the lexicon, in order."""
        tokens = _TOKEN.findall(text)
        lemmas = [self._lemma(t.lower()) for t in tokens]
        for i in range(1, len(tokens) - 1):
            if all(t[0].isupper() and looks_vietnamese(t) for t in tokens[i : i + 2]):
                lemmas[i] = ""  # part of a name
        found, missed, i = [], [], 0
        while i < len(lemmas):
            for size in range(min(self.longest, len(lemmas) - i), 0, -1):
                key = tuple(lemmas[i : i + size])
                if key in self.entries:
                    found.append(Rendering(" ".join(key), self.entries[key]))
                    i += size
                    break
            else:
                word = tokens[i]
                if "-" in word and lemmas[i]:  # not known whole: "fiber-optic" is read as "fiber optic"
                    parts = word.split("-")
                    tokens[i : i + 1], lemmas[i : i + 1] = parts, [self._lemma(p.lower()) for p in parts]
                    continue
                if lemmas[i] and word.isalpha() and (i == 0 or word.islower()) and word.lower() not in EN_FUNCTION_WORDS:
                    missed.append(word.lower())
                i += 1
        return Translation(tuple(found), tuple(missed))


@functools.lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    """The shipped English → Vietnamese lexicon."""
    return Lexicon.parse(resources.files("assistant").joinpath("data/en_vi.txt").read_text("utf-8"))
