import pytest

from assistant.lexical import LexicalIndex

from index.vietnamese import (canonical_number, canonical_syllable, fold_diacritics, lexical_terms,
                              numbers_written_otherwise, split_code)
from assistant.question import EN, OPENS, REFERS, VI, VI_NODIAC, QuestionError, clean_question, detect_language, read_question


def test_fold_is_one_character_for_one():
    text = "Điện Biên Phủ, Ủy ban, tỷ lệ"
    assert fold_diacritics(text) == "Dien Bien Phu, Uy ban, ty le"
    assert len(fold_diacritics(text)) == len(text)


@pytest.mark.parametrize("a, b", [("hoà", "hòa"), ("uỷ", "ủy"), ("tỉ", "tỷ"), ("kĩ", "kỹ"), ("Thuý", "thúy")])
def test_spelling_variants_share_one_term(a, b):
    assert canonical_syllable(a) == canonical_syllable(b)


def test_distinct_words_stay_distinct():
    assert canonical_syllable("hoà") != canonical_syllable("hoá")
    assert canonical_syllable("tay") != canonical_syllable("tai")  # "ay" is a vowel, not "y"


@pytest.mark.parametrize("raw, canon", [("567.666", "567666"), ("3.350", "3350"), ("74,56", "74.56"),
                                        ("3,350", "3350"), ("74.56", "74.56"), ("2024", "2024")])
def test_numbers_have_one_canonical_form(raw, canon):
    assert canonical_number(raw) == canon


def test_terms_keep_codes_whole_and_add_bigrams():
    terms = lexical_terms("Bộ TT&TT phủ sóng 4G đạt 74,56%", folded=True)
    assert {"tt&tt", "4g", "74.56", "phu_song"} <= set(terms)


@pytest.mark.parametrize("q, lang", [
    ("Toàn tỉnh có bao nhiêu tuyến cáp quang?", VI),
    ("ty le ho gia dinh co ket noi internet", VI_NODIAC),
    ("so vi tri phu song 3g", VI_NODIAC),
    ("How many 4G sites are there?", EN),
    ("What share of people use the Internet?", EN),
    ("How many BTS sites does Điện Biên have?", EN),  # English naming a place with its marks
    ("how many bts sites does điện biên have", EN),
    ("Where is Điện Biên Phủ?", EN),
    ("Chuyển đổi số là gì? What is it?", VI),
    ("Ai da gianh Super Bowl XLIX?", VI_NODIAC),  # names say nothing of the language
    ("Carl Wilhelm Scheele phat hien ra oxi khi nao?", VI_NODIAC),
    ("Who won Super Bowl 50?", EN),
    ("Bài hát What Is Love của ai?", VI),  # an English title inside a Vietnamese question
])
def test_language_detection(q, lang):
    assert detect_language(q) == lang


def test_questions_are_cleaned_and_bad_ones_refused():
    assert clean_question("  Tỉ   le\u0300?\n") == "Tỉ lè?"
    for bad in ["", "   \n\t", "x" * 501, None, 42]:
        with pytest.raises(QuestionError):
            clean_question(bad)


def test_shouted_questions_are_lower_cased():
    assert read_question("ĐIỆN BIÊN CÓ BAO NHIÊU THUÊ BAO").text == "điện biên có bao nhiêu thuê bao"


@pytest.mark.parametrize("typed, read, language", [
    ("Có bàn về SIM rác ko?", "Có bàn về SIM rác không?", VI),
    ("bo tttt voi tinh DB lam viec vs nhau ngay nao", "bo tttt voi tinh DB lam viec voi nhau ngay nao", VI_NODIAC),
    ("co bnh tram BTS", "co bao nhieu tram BTS", VI_NODIAC),
    ("Vitamin K là gì?", "Vitamin K là gì?", VI),  # a capital is a name
    ("VITAMIN K LÀ GÌ?", "vitamin k là gì?", VI),  # shouted: capitals say nothing, so nothing is spelt out
    ("What about K-pop vs J-pop?", "What about K-pop vs J-pop?", EN),
    ("tom vs jerry", "tom vs jerry", EN),
    ("J.K. Rowling sinh năm nào?", "J.K. Rowling sinh năm nào?", VI),
    ("lương 10 k một tháng", "lương 10 k một tháng", VI),  # a thousand after a number
    ("Ko biết tỉnh có bao nhiêu trạm?", "Không biết tỉnh có bao nhiêu trạm?", VI),  # capitalised first word
    ("Có bàn về SIM rác ko.", "Có bàn về SIM rác không.", VI),
])
def test_chat_abbreviations_are_spelt_out_in_vietnamese_questions(typed, read, language):
    question = read_question(typed)
    assert (question.text, question.language) == (read, language)


def test_followup_cues():
    assert read_question("Còn 4G thì sao?").followup_cue == OPENS
    assert read_question("Trong đó bao nhiêu có 4G?").followup_cue == REFERS
    assert read_question("And fixed broadband?").followup_cue == OPENS
    # "X thì sao?" asks what about X without an opener too
    assert read_question("4G thì sao ạ?").followup_cue == OPENS and read_question("4g thi sao").followup_cue == OPENS
    assert not read_question("Tại sao 4G chậm?").followup
    assert not read_question("Bộ trưởng đề nghị tỉnh tăng chi ngân sách cho lĩnh vực nào?").followup
    # "else" and "nữa" point back after a question word only: "bao nhiêu năm nữa" is "in how many more years".
    assert read_question("Anywhere else?").followup_cue == REFERS and read_question("Ai nữa?").followup_cue == REFERS
    assert not read_question("Bao nhiêu năm nữa thì hoàn thành?").followup


@pytest.mark.parametrize("question, content", [
    ("Bạn ơi, cho mình hỏi với, toàn tỉnh có bao nhiêu tuyến cáp quang?", "toàn tỉnh có bao nhiêu tuyến cáp quang?"),
    ("Cho biết tỉ lệ hộ gia đình có internet?", "tỉ lệ hộ gia đình có internet?"),  # "tỉ" is no softener "tí"
    ("Xin cho hỏi voi rừng sống ở đâu?", "voi rừng sống ở đâu?"),  # nor the elephant "với"
])
def test_framing_that_asks_nothing_is_left_out(question, content):
    assert read_question(question).content == content


@pytest.mark.parametrize("question", [
    "Bài báo nói về chuyện gì?", "Bài này nói về cái gì vậy?", "Bài báo đề cập đến vấn đề gì?", "Nội dung bài báo là gì?",
    "noi dung bai bao la gi", "Chủ đề của bài viết này là gì?", "Ý chính của bài viết là gì?", "Tóm tắt bài báo",
    "What's this about?", "What is the article about, briefly?",
])
def test_questions_about_the_whole_article(question):
    assert read_question(question).about_article


@pytest.mark.parametrize("question", [
    "Nội dung chính của biên bản là gì?", "Nội dung chính mà hai bên thống nhất là gì?",  # of one thing in it
    "Bài báo nói gì về 4G?", "What does this say about 4G?", "What is this place about?",
])
def test_questions_about_one_thing_in_the_article(question):
    assert not read_question(question).about_article


@pytest.mark.parametrize("question, terms", [
    ("How many districts does Ho Chi Minh City have?", (("ho_chi", "chi_minh"),)),
    ("What is the area of Ha Long Bay?", (("ha_long", "long_bay"),)),
    ("When did the minister visit Dien Bien?", (("dien_bien",),)),
    ("How many 5G stations are there?", (("5g",),)),
    ("What is the capital of France?", ()),  # not a Vietnamese name: the embedding judges it
])
def test_specific_terms_include_vietnamese_names_typed_without_marks(question, terms):
    assert read_question(question).specific_terms == terms


def test_numbers_are_told_from_names_whose_tone_is_a_digit():
    question = read_question("Ai là Thủ tướng Đông Đức năm 1990, trước trạm 5G?")
    assert ("thu3",) in question.specific_terms  # the name, its tone written as a digit
    assert question.numbers == ("1990", "5g")


def test_numbers_written_within_codes_or_as_roman_numerals():
    written = numbers_written_otherwise("Chuyến bay AS206, mạng 4G, DECnet Giai đoạn II, thế kỷ XV; tháng 9/2024")
    assert written == {"206", "4", "2", "15"}  # "2024" is a number of its own: the index has it


def test_a_code_written_apart_is_the_pair_of_its_two_runs():
    assert split_code("AS206", folded=False) == "as_206"  # "AS-206", "AS 206"
    assert split_code("4g", folded=True) == "4_g"
    assert split_code("h2o", folded=True) is None  # three runs: no one term of the index
    assert split_code("3.5", folded=True) is None  # a number, not a code: "3,5%" is not "3-5%"


def test_numbers_written_in_vietnamese_words():
    written = numbers_written_otherwise("Gần một trăm năm trước, hai mươi lăm người; ba mươi tư. Mười lăm, "
                                        "một nghìn không trăm lẻ năm, hai triệu ba trăm nghìn")
    assert {"100", "25", "34", "15", "1005", "2300000"} <= written
    assert "25" not in numbers_written_otherwise("hai người, mươi")  # the words apart say nothing of 25
    assert numbers_written_otherwise("Tôi đi học.") == set()
    assert numbers_written_otherwise("Đầu tư tư nhân, Bộ Tư pháp") == set()  # "tư" is 4 only after a ten
    assert "105" not in numbers_written_otherwise("một trăm\nnăm")  # a line ends a number


@pytest.mark.parametrize("question, numbers", [
    ("Who fumbled on 3rd and nine?", ("3",)),
    ("Who reformed the Church in the 15th century?", ("15",)),
    ("How many fled France by the 1700s?", ("1700",)),
    ("Does the iPhone 6s have 5G?", ("6s", "5g")),  # codes, not ordinals or decades
    ("Ten mien 10⁵ la gi?", ("10", "5")),  # an exponent is not more digits
    ("Lưu vực có diện tích bao nhiêu km²?", ()),  # a unit ("km2" after NFKC), which may be written "km vuông"
    ("Có bao nhiêu trạm 5G, 4G?", ("5g", "4g")),
])
def test_ordinals_decades_superscripts_and_units(question, numbers):
    assert read_question(question).numbers == numbers


@pytest.mark.parametrize("question, weighed", [
    ("Khi nào?", ""), ("khi nao ky", "ky"), ("Bao giờ ký?", "ký"), ("Cho những ai?", "cho"),
    ("Chuyện gì xảy ra khi tỉnh dậy?", "chuyện xảy ra khi tỉnh dậy"),
])
def test_question_phrases_weigh_nothing(question, weighed):
    # "khi nào", "bao giờ" (when) and "những ai" (who, of several) ask; "khi" alone is "when" in a clause.
    folded = question == "khi nao ky"
    index = LexicalIndex(["Bộ trưởng ký vào ngày 16/10."], folded=folded)
    assert set(index.content_weights(question)) == {t for t in lexical_terms(weighed, folded) if "_" not in t}
