"""English questions put into Vietnamese words: lemmas, phrases, names left alone, coverage."""

import numpy as np
import pytest

from assistant.english import Lexicon, lexicon
from assistant.lexical import LexicalIndex


def _english(text):
    return [r.english for r in lexicon().translate(text).renderings]


def test_the_shipped_lexicon_loads_with_many_entries():
    assert len(lexicon().entries) > 500
    assert lexicon().translate("hospital").renderings[0].vietnamese == ("bệnh viện",)


@pytest.mark.parametrize("question, found", [
    ("How many hospitals are there?", ["hospital"]),
    ("Which villages were flooded?", ["village", "flood"]),
    ("What did the universities plan?", ["university", "plan"]),
    ("Who is the chairman of the People's Committee?", ["chairman", "people's committee"]),
    ("What about fixed broadband?", ["fixed broadband"]),
    ("HOW MANY SUBSCRIBERS", ["subscriber"]),
    ("What is it used for, and who is using it?", ["use", "use"]),  # short stems too
])
def test_words_are_lemmatised_and_the_longest_phrase_wins(question, found):
    assert _english(question) == found


def test_a_hyphenated_word_not_known_whole_is_read_as_its_parts():
    assert _english("Who owns the fiber-optic network?") == ["own", "fiber optic", "network"]
    assert _english("a state-owned enterprise, socio-economic growth") == [
        "state-owned enterprise", "socio-economic", "growth"]  # known whole: kept whole
    assert lexicon().translate("Were Huguenot-descended families poor?").untranslated == ("descended",)


def test_vietnamese_names_are_not_translated():
    # "Long" is an English word, but here it is part of the name "Ha Long".
    assert _english("What is the area of Ha Long Bay?") == ["area", "bay"]
    assert _english("How long is the cable?") == ["long", "cable"]


@pytest.mark.parametrize("text, message", [
    ("hospital bệnh viện", "line 1"),
    ("hospital:", "line 1"),
    ("# comment\nhospital: bệnh viện\nHospital: nhà thương", "line 3"),
])
def test_a_bad_lexicon_line_is_named(text, message):
    with pytest.raises(ValueError, match=message):
        Lexicon.parse(text)


def test_a_concept_is_held_once_whichever_rendering_a_sentence_uses():
    index = LexicalIndex(["Tỉnh có ba bệnh viện.", "Tỉnh có nhiều trường học.", "Không có gì."], folded=True)
    hospital, school = ("bệnh viện", "nhà thương"), ("trường", "trường học")
    held, total = index.concept_held([hospital, school])
    assert held[0] > 0 and held[1] > 0 and held[2] == 0
    assert np.isclose(held[0] + held[1], total)
    held, total = index.concept_held([])
    assert total == 0 and not held.any()  # nothing translated: no sentence is known to hold it


def test_names_and_numbers_count_towards_an_english_question_coverage():
    index = LexicalIndex(["Điện Biên có 920 trạm BTS, 825 trạm có 4G.", "Không có gì."], folded=True)
    held, total = index.terms_held([("dien_bien",), ("4g",), ("panthers",)])
    assert held[0] == pytest.approx(total - index.idf_unseen) and held[1] == 0  # "panthers" is nowhere


def test_share_translated_counts_content_words_but_not_names():
    assert lexicon().translate("How do I knead sourdough?").share == 0.0
    bay = lexicon().translate("What is the area of Ha Long Bay?")
    assert bay.untranslated == () and bay.share == 1.0
    half = lexicon().translate("Which hospital has sourdough?")
    assert half.untranslated == ("sourdough",) and half.share == 0.5


def test_concept_bm25_counts_each_concept_once():
    index = LexicalIndex(["Đoàn công tác của đoàn thanh niên.", "Bí thư tiếp đoàn.", "Trời mưa."], folded=True)
    one = lambda *concepts: index.concept_bm25_parts(list(concepts))[0]  # noqa: E731
    delegation, secretary = ("đoàn", "đoàn công tác"), ("bí thư",)
    # A concept scores as its best rendering, not as the sum of them; concepts add up.
    assert np.allclose(one(delegation), np.maximum(one(("đoàn",)), one(("đoàn công tác",))))
    assert np.allclose(one(delegation, secretary), one(delegation) + one(secretary))
    assert one(delegation)[2] == 0 and (index.concept_bm25_parts([])[0] == 0).all()


@pytest.mark.parametrize("question, names", [
    ("Who painted the Mona Lisa?", ("mona", "lisa")),
    ("Who is the chairman of Viettel?", ("viettel",)),
    ("When did Vietnam gain independence from France?", ()),  # the lexicon knows them
    ("What Is The Population Of Dien Bien?", ()),  # title case, Vietnamese names
    ("How many BTS stations are there?", ()),  # codes are judged elsewhere
])
def test_foreign_names_are_capitalised_words_the_lexicon_does_not_know(question, names):
    assert lexicon().foreign_names(question) == names


@pytest.mark.model
def test_an_english_question_about_a_name_the_article_never_mentions_is_declined(real_assistant):
    assert not real_assistant.ask("Who painted the Mona Lisa?").answered
    assert real_assistant.ask("Who is the chairman of the provincial People's Committee?").answered


@pytest.mark.model
def test_a_word_the_lexicon_does_not_know_is_not_known_to_be_held(real_assistant):
    # "recommend" is the one word it knows, and the article writes "kiến nghị": held, but it is
    # a third of the question's words.
    def coverage(question):
        return max(h.coverage for h in real_assistant.retrieve(question).hits)

    assert coverage("What did they recommend?") == pytest.approx(1.0)
    assert coverage("Can you recommend a blorfy zindle?") == pytest.approx(1 / 3)
