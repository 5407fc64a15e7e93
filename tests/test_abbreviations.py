"""Abbreviations an article defines are spelt out for matching; quotes stay as written."""

import pytest

from index.abbreviations import defined_abbreviations, spelled_out
from index.store import spelled_out_sentences


def test_the_shipped_article_defines_cds_only(article):
    # "trạm thu phát sóng … (BTS)": the letters are not the initials of the words before them.
    assert defined_abbreviations(article.text) == {"CĐS": "Chuyển đổi số"}


@pytest.mark.parametrize("text, expected", [
    ("Bộ Thông tin và Truyền thông (TT&TT) họp.", {"TT&TT": "Thông tin và Truyền thông"}),
    ("Chủ tịch Ủy ban nhân dân (UBND) tỉnh.", {"UBND": "Ủy ban nhân dân"}),
    ("the World Health Organization (WHO) said", {"WHO": "World Health Organization"}),
    ("trạm thu phát sóng thông tin di động (BTS)", {}),
    ("(ABC) at the start of a line", {}),
    ("Chuyển đổi số (CĐS). Cải cách đất số (CĐS).", {"CĐS": "Chuyển đổi số"}),
])
def test_definitions_are_initials_of_the_words_before(text, expected):
    assert defined_abbreviations(text) == expected


def test_uses_are_spelt_out_but_not_the_definition_or_longer_words():
    known = {"CĐS": "Chuyển đổi số"}
    assert spelled_out("Về Chuyển đổi số (CĐS): CĐS là cuộc cách mạng; CĐSX, ACĐS.", known) == (
        "Về Chuyển đổi số (CĐS): Chuyển đổi số (CĐS) là cuộc cách mạng; CĐSX, ACĐS."
    )


def test_sentences_keep_their_order_and_count(article):
    from index.chunking import split_sentences

    chunks = split_sentences(article.text)
    texts = spelled_out_sentences(article, chunks)
    assert len(texts) == len(chunks)
    assert sum(t != c.text for t, c in zip(texts, chunks)) >= 10  # CĐS is used in many sentences
    undo = lambda s: s.replace("Chuyển đổi số (CĐS)", "CĐS")  # noqa: E731
    assert all(undo(t) == undo(c.text) for t, c in zip(texts, chunks))


@pytest.mark.model
def test_the_long_form_finds_the_abbreviation_and_the_quote_is_as_written(real_assistant):
    answer = real_assistant.ask("Chuyển đổi số là cuộc cách mạng như thế nào?")
    first = answer.quotes[0]
    assert "CĐS là cuộc cách mạng toàn dân và toàn diện" in first.text
    assert real_assistant.article.text[first.start : first.end] == first.text
