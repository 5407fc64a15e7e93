import unicodedata

import pytest

from index.article import Article, ArticleError
from index.chunking import split_sentences


def test_every_sentence_slices_the_real_article(article):
    chunks = split_sentences(article.text)
    assert len(chunks) > 20
    for i, c in enumerate(chunks):
        assert c.id == i
        assert article.text[c.start : c.end] == c.text
        assert c.text == c.text.strip()
    starts = [c.start for c in chunks]
    assert starts == sorted(starts)


def test_sentences_cover_every_non_whitespace_character(article):
    covered = set()
    for c in split_sentences(article.text):
        covered.update(range(c.start, c.end))
    assert all(ch.isspace() for i, ch in enumerate(article.text) if i not in covered)


def test_paragraphs_are_numbered_over_non_empty_lines(article):
    chunks = split_sentences(article.text)
    lines = [line for line in article.text.split("\n") if line.strip()]
    assert chunks[0].paragraph == 1 and chunks[0].text == lines[0].strip()  # the title
    assert chunks[-1].paragraph == len(lines)
    for c in chunks:
        assert c.text in lines[c.paragraph - 1]


@pytest.mark.parametrize(
    "kept",
    ["567.666 thuê bao", "3.350 km", "74,56%", "Ngày 16/10,", "Bộ TT&TT", "Nghĩa trang liệt sĩ A1./."],
)
def test_numbers_dates_and_codes_do_not_split(article, kept):
    assert any(kept in c.text for c in split_sentences(article.text))


def test_vietnamese_abbreviations_and_headings():
    text = "Tiêu đề không có dấu chấm\nÔng đến TP. Hồ Chí Minh ngày 16/10. Sau đó về TP.HCM! Hết./."
    sentences = [c.text for c in split_sentences(text)]
    assert sentences == [
        "Tiêu đề không có dấu chấm",
        "Ông đến TP. Hồ Chí Minh ngày 16/10.",
        "Sau đó về TP.HCM!",
        "Hết./.",
    ]


def test_article_is_nfc_and_first_line_is_title(tmp_path):
    p = tmp_path / "a.txt"
    p.write_bytes(("\ufeff" + unicodedata.normalize("NFD", "Tiêu đề\r\nDòng hai.\r\n")).encode())
    a = Article.load(p)
    assert a.title == "Tiêu đề"
    assert a.text == "Tiêu đề\nDòng hai.\n"


@pytest.mark.parametrize(
    "content, message",
    [(b"", "empty"), (b"  \n \n", "empty"), (b"\xff\xfe bad", "not UTF-8")],
)
def test_bad_articles_are_refused_clearly(tmp_path, content, message):
    p = tmp_path / "bad.txt"
    p.write_bytes(content)
    with pytest.raises(ArticleError, match=message):
        Article.load(p)


def test_missing_article_file(tmp_path):
    with pytest.raises(ArticleError, match="no such article"):
        Article.load(tmp_path / "nope.txt")
