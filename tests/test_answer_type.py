"""What a question asks for, and the bold answer in the rendered quote (no model needed)."""

import pytest

from assistant.answer import Quote, render_markdown
from assistant.answer_type import (DATE, NUMBER, PERCENT, PERSON, answer_spans, asks_reason, counted_noun,
                                   expected_answer, focused_spans, gives_reason, holds_answer, names)
from assistant.question import read_question
from index.vietnamese import lexical_terms


@pytest.mark.parametrize("question, kind", [
    ("Toàn tỉnh có bao nhiêu tuyến cáp quang?", NUMBER),
    ("toan tinh co bao nhieu tuyen cap quang", NUMBER),
    ("How many fibre routes are there?", NUMBER),
    ("Doanh thu tăng bao nhiêu phần trăm?", PERCENT),
    ("What share of people use the Internet?", PERCENT),
    ("Đoàn công tác làm việc khi nào?", DATE),
    ("When did the visit take place?", DATE),
    ("Ai trao kỷ niệm chương?", PERSON),
    ("ai trao ky niem chuong", PERSON),
    ("Who is the provincial Party Secretary?", PERSON),
    ("Vua nào cho dựng chùa?", PERSON),
    ("vi nao trao ky niem chuong", PERSON),
    ("Tỉnh nào có nhiều trạm nhất?", None),
    ("Cơ cấu kinh tế chuyển dịch ra sao?", None),
    ("tỷ lệ người dùng internet", PERCENT),
    ("Điện Biên cần tăng tỷ lệ cấp ủy có chuyên môn gì?", None),  # asks for the "gì", not a rate
    ("Why does the province need digital transformation?", None),
    # Told by their marks: "khí nào" (which gas) is not "khi nào", nor "Ải" "ai", nor "tường" "tướng".
    ("Loại khí nào làm lửa bùng phát?", None),
    ("Ải Nam Quan ở đâu?", None),
    ("Bức tường nào bị đổ?", None),
    ("Tướng nào chỉ huy trận đánh?", PERSON),
    ("ty le ho gia dinh o Điện Biên", PERCENT),  # typed partly without marks: read word by word
    ("Điện Biên có mấy nhà mạng?", NUMBER),
    ("Mấy doanh nghiệp này nhằm mục đích gì?", None),  # "these few", beside another question word
    ("Điện Biên không mấy khi có bão?", None),  # "hardly ever"
    ("Thí điểm bắt đầu từ tháng mấy?", DATE),
    ("Đứng thứ mấy cả nước?", None),  # a rank, as often written in words ("thứ hai")
    ("may bay cat canh", None),  # without marks "may" may be "máy" (machine)
    ("What time was it signed?", DATE),
    ("In which years was the plan carried out?", DATE),
    ("Hôm nào hai bên ký biên bản?", DATE),
    # English also asks for a number by naming a measure, but not for the name of one.
    ("What was the telecom revenue?", NUMBER),
    ("What is the province's population?", NUMBER),
    ("What is the name of the population living there?", None),
    ("What was the percentage of households with Internet?", PERCENT),
    ("What % of households have Internet?", PERCENT),
])
def test_expected_answer_in_three_ways_of_asking(question, kind):
    assert expected_answer(question) == kind


@pytest.mark.parametrize("question, kind", [
    # English fronts its question word: a later "when" or "what year" opens a clause.
    ("How many seconds were left when the Broncos intercepted the pass?", NUMBER),
    ("How old was the quarterback when he played in the final?", NUMBER),
    ("Who was the leader when the Franks entered the valley?", PERSON),
    ("When did the visit take place, and who led it?", DATE),
    # Vietnamese leaves it in place: the order of the cues decides, not where they stand.
    ("Syria và Ai Cập tấn công Israel khi nào?", DATE),
])
def test_english_asks_for_its_first_cue_vietnamese_by_the_order_of_cues(question, kind):
    assert read_question(question).answer_kind == kind


@pytest.mark.parametrize("text, numbers", [
    ("Nhiệm vụ AS-207/208 hoặc AS-278 có 3 phi hành gia.", ["3"]),  # a number within a code is no count
    ("Trường thành lập ngày 1 tháng 8 năm 1963 với 120 sinh viên.", ["120"]),  # nor a day of a date
    ("COVID-19 có 300 ca, 2,5% số dân.", ["300", "2,5%"]),
])
def test_numbers_that_can_answer_how_many(text, numbers):
    assert [text[a:b] for a, b in answer_spans(text, NUMBER)] == numbers


@pytest.mark.parametrize("text, holds", [
    ("Thành phố có hai trường đại học.", True),
    ("Khu vực này bao gồm lãnh thổ thuộc chín quốc gia.", True),
    ("Khi đạt hai phần ba theo đa số thì có thể khiển trách.", True),
    ("Ba Lan là thành viên thứ hai của khối.", False),  # a name and an ordinal
    ("Một số tỉnh triển khai trong năm nay.", False),  # "một" is "a", "năm" the year
    ("Toàn tỉnh có 510 tuyến cáp quang.", True),
])
def test_a_count_in_words_answers_how_many_for_the_judge(text, holds):
    assert holds_answer(text, NUMBER) is holds
    assert not any(text[a:b].isalpha() for a, b in answer_spans(text, NUMBER))  # never bolded


def test_answer_spans_on_the_article(article):
    text = article.text
    def found(kind):
        return [text[a:b] for a, b in answer_spans(text, kind)]
    assert "567.666" in found(NUMBER) and "74,56%" in found(NUMBER)
    assert "2024" not in found(NUMBER)  # a year is a date, not a count
    assert found(PERCENT) and all(s.endswith("%") for s in found(PERCENT))
    assert "Ngày 16/10" in found(DATE)
    assert set(found(PERSON)) == {"Nguyễn Mạnh Hùng", "Trần Quốc Cường", "Lê Thành Đô"}


def test_highlight_goes_around_the_verbatim_quote(article):
    start = article.text.index("Tổng số thuê bao di động")
    end = article.text.index(";", start)
    quote = Quote(article.text[start:end], start, end, 1.0, 8)
    answer = render_markdown(True, (quote, quote), "vi", answer_spans(quote.text, NUMBER))
    first, second = answer.split("\n\n")[1:3]
    assert "**567.666**" in first and "**86,8**" in first
    assert "**" not in second  # only the first quote is highlighted
    assert first.replace("**", "").replace("\\", "").startswith("> " + quote.text)
    declined = render_markdown(False, (quote,), "vi", answer_spans(quote.text, NUMBER))
    assert "**" not in declined


BTS = ("Hiện toàn tỉnh có 5 doanh nghiệp cung cấp dịch vụ viễn thông, internet với tổng số 920 vị trí trạm thu "
       "phát sóng thông tin di động (BTS) trong đó có 811 vị trí có phủ sóng 3G, 825 vị trí có phủ sóng 4G.")


def focus(sentence: str, question: str, weights: dict[str, float] | None = None) -> list[str]:
    """The bold text for a question, its words weighing 1 unless `weights` says otherwise."""
    parsed = read_question(question)
    folded = parsed.language == "vi_nodiac"
    terms = {t: (weights or {}).get(word, 1.0) for word in question.split() for t in lexical_terms(word, folded)[:1]}
    return [sentence[a:b] for a, b in focused_spans(sentence, parsed.answer_kind, terms, parsed)]


@pytest.mark.parametrize("sentence, question, bold", [
    # What counts is written after the number, the attribute before it: both are read.
    (BTS, "Có bao nhiêu vị trí phủ sóng 3G?", "811"),
    ("Vịnh rộng khoảng 1.553 km² với khoảng 1.969 hòn đảo lớn nhỏ.", "Vịnh có bao nhiêu hòn đảo?", "1.969"),
    ("Toàn tỉnh có 510 tuyến cáp quang với tổng chiều dài 3.350 km.", "Tổng chiều dài là bao nhiêu?", "3.350"),
    ("Xã có 1.250 hộ; quy mô hộ trung bình là 3,6 người.", "Quy mô hộ trung bình là bao nhiêu?", "3,6"),
    # A number the question states, or a period ("9 tháng"), is not the answer.
    ("Doanh thu 9 tháng đầu năm 2024 ước đạt 105 tỷ đồng.", "Doanh thu 9 tháng là bao nhiêu?", "105"),
    ("Doanh thu viễn thông 9 tháng đầu năm ước đạt 465 tỷ đồng.", "Doanh thu viễn thông là bao nhiêu?", "465"),
    ("Dự án kéo dài 3 năm với 120 cán bộ tham gia.", "Dự án kéo dài bao nhiêu năm?", "3"),
    # A count is not a percentage.
    ("Xã có 1.250 hộ, trong đó 830 (66,4%) hộ có kết nối Internet.", "Có bao nhiêu hộ có kết nối Internet?", "830"),
    ("Động cơ có 5 xi-lanh, hiệu suất cao hơn 30%.", "How many cylinders does the engine have?", "5"),
    ("Số trạm năm nay đạt 920, năm 2023 chỉ có 850.", "Năm nay có bao nhiêu trạm?", "920"),  # "năm 2023" is no unit of 920
    ("Đội bóng có 12 thắng, 5 hòa và 3 thua sau 20 trận.", "Đội bóng có bao nhiêu trận thắng?", "12"),  # "thắng" is no "tháng"
    ("Chủ tịch UBND tỉnh Lê Thành Đô trao kỷ niệm chương.", "Ai trao kỷ niệm chương?", "Lê Thành Đô"),
    # "… ai" after a verb asks who follows it: the one named before it acts.
    ("Ông Phạm Văn Hai khen thưởng bà Lò Thị Mai vì thành tích.", "Ông Hai khen thưởng ai?", "Lò Thị Mai"),
    ("Ông Phạm Văn Hai khen thưởng bà Lò Thị Mai vì thành tích.", "Ai khen thưởng bà Mai?", "Phạm Văn Hai"),
    ("Kỷ niệm chương được trao bởi ông Vũ Đức Minh.", "Kỷ niệm chương được trao bởi ai?", "Vũ Đức Minh"),
    # Who is asked about is not the answer: a person the question names is not bold.
    ("Tiếp đoàn có Bí thư Tỉnh ủy Trần Văn An, Chủ tịch UBND tỉnh Lê Văn Bình.", "Ai cùng Bí thư Trần Văn An tiếp đoàn?",
     "Lê Văn Bình"),
    ("Tiếp đoàn có Bí thư Tỉnh ủy Trần Văn An, Chủ tịch UBND tỉnh Lê Văn Bình.", "Who joined Tran Van An to meet the delegation?",
     "Lê Văn Bình"),
    ("Tiếp đoàn có Bí thư Tỉnh ủy Trần Văn An, Chủ tịch UBND tỉnh Lê Văn Bình.", "ai cung bi thu tran van an tiep doan",
     "Lê Văn Bình"),
    # … or by the given name after "ông", "bà", "Mr"
    ("Tiếp đoàn có Bí thư Tỉnh ủy Trần Văn An, Chủ tịch UBND tỉnh Lê Văn Bình.", "Ai cùng ông An tiếp đoàn?", "Lê Văn Bình"),
    ("Tiếp đoàn có Bí thư Tỉnh ủy Trần Văn An, Chủ tịch UBND tỉnh Lê Văn Bình.", "ai cung ong an tiep doan", "Lê Văn Bình"),
    ("Tiếp đoàn có Bí thư Tỉnh ủy Trần Văn An, Chủ tịch UBND tỉnh Lê Văn Bình.", "Who joined Mr. An to meet the delegation?",
     "Lê Văn Bình"),
    # Who received: the one named after "tặng", "cho" or "to", not the giver.
    ("Bí thư Trần Văn An trao kỷ niệm chương tặng Bộ trưởng Nguyễn Văn Bình.", "Ai được tặng kỷ niệm chương?",
     "Nguyễn Văn Bình"),
    ("Bí thư Trần Văn An trao kỷ niệm chương cho ông Nguyễn Văn Bình.", "Who received the medal?", "Nguyễn Văn Bình"),
    ("Bí thư Trần Văn An trao kỷ niệm chương tặng Bộ trưởng Nguyễn Văn Bình.", "Ai trao kỷ niệm chương?",
     "Trần Văn An"),
    # The question's numbers, codes and names tell a list apart, before its common words.
    (BTS, "Bao nhiêu vị trí trạm thu phát sóng được phủ sóng 4G?", "825"),
    (BTS, "Có bao nhiêu trạm 3G?", "811"),
    ("Thành phố Cẩm Phả có 80 trạm, Hạ Long có 120 trạm.", "How many stations are in Cam Pha?", "80"),
    # An aside's words are read for the numbers within it, and only for them.
    ("Tỉnh có 920 (trong đó 811 có 3G) trạm BTS.", "Tỉnh có bao nhiêu trạm BTS?", "920"),
    ("Tổng số thuê bao di động ước đạt 567.666 thuê bao (đạt 86,8 thuê bao/100 dân).",
     "Mật độ thuê bao di động trên 100 dân là bao nhiêu?", "86,8"),
    ("Tổng số thuê bao di động ước đạt 567.666 thuê bao (đạt 86,8 thuê bao/100 dân).",
     "Có bao nhiêu thuê bao di động?", "567.666"),
    # A date is bold whole, from its day, also when the question names its year.
    ("Ông qua đời vào ngày 7 tháng 1 năm 1943 tại Hà Nội.", "Ông qua đời khi nào?", "ngày 7 tháng 1 năm 1943"),
    ("Ông qua đời vào ngày 7 tháng 1 năm 1943 tại Hà Nội.", "Ông qua đời ngày nào năm 1943?", "ngày 7 tháng 1 năm 1943"),
])
def test_the_bold_span_is_the_one_the_question_asks_for(sentence, question, bold):
    assert focus(sentence, question) == [bold]


def test_who_received_is_not_answered_by_the_giver():
    assert focus("Chủ tịch Lê Văn Đô trao kỷ niệm chương cho đại diện các đơn vị.", "Ai nhận kỷ niệm chương?") == []


def test_what_day_is_not_answered_by_a_year_or_a_period():
    signed = "Hai bên ký kết biên bản ghi nhớ hợp tác giai đoạn 2024 - 2026 nhằm thúc đẩy CĐS."
    assert focus(signed, "Biên bản ghi nhớ được ký ngày nào?") == []
    assert focus(signed, "On what date was the memorandum signed?") == []
    assert focus(signed, "Biên bản ghi nhớ được ký khi nào?") == ["giai đoạn 2024 - 2026"]  # "when" may be a period
    assert focus("Ngày 16/10, Bộ trưởng làm việc với tỉnh.", "Bộ trưởng làm việc với tỉnh ngày nào?") == ["Ngày 16/10"]


def test_words_that_point_back_do_not_choose_the_bold_span():
    weights = {"Trong": 1.3, "có": 1.5, "4G?": 2.7}  # IDF-like: "có" is common, "4G" rarer
    assert focus(BTS, "Trong đó bao nhiêu có 4G?", weights) == ["825"]
    assert read_question("Trong đó bao nhiêu có 4G?").focus == "bao nhiêu có 4G?"
    assert read_question("Còn bưu chính thì sao?").focus == "bưu chính thì sao?"
    assert read_question("Có bao nhiêu vị trí trạm BTS?").focus == "bao nhiêu vị trí trạm BTS?"
    assert read_question("ho gia dinh co ket noi internet").focus == "ho gia dinh co ket noi internet"
    assert read_question("Trong do bao nhieu co 4G?").focus == "bao nhieu co 4G?"
    # With marks, only the words themselves: "Cơn" is not "còn", "máy" not "mấy".
    storm = read_question("Cơn bão số 3 gây thiệt hại bao nhiêu?")
    assert storm.focus == storm.text and storm.followup_cue is None
    assert read_question("Có bao nhiêu hộ có máy tính?").focus == "bao nhiêu hộ có máy tính?"


def test_no_bold_span_when_none_stands_out():
    assert focus("Tỉnh có 811 trạm 3G và 825 trạm 4G.", "Có bao nhiêu trạm?") == []
    # Nor a count of what the sentence never names: 510 routes are no population.
    assert focus("Toàn tỉnh có 510 tuyến cáp quang.", "Dân số tỉnh là bao nhiêu người?") == []
    # Nor who acts, when "ai" asks who is acted on: the cadres evaluated are named by no name.
    assert focus("Bộ trưởng Nguyễn Văn Hùng đề nghị đánh giá cán bộ theo kết quả.", "Kết quả dùng để đánh giá ai?") == []
    assert focus("Bộ trưởng Nguyễn Văn Hùng đề nghị đánh giá cán bộ theo kết quả.", "ket qua dung de danh gia nhung ai") == []


def test_the_bold_number_is_the_one_next_to_what_was_asked(real_assistant):
    answer = real_assistant.ask("Trong đó bao nhiêu có 4G?", ["Có bao nhiêu vị trí trạm BTS?"])
    assert "**825**" in answer.answer and "**811**" not in answer.answer
    answer = real_assistant.ask("Có bao nhiêu vị trí phủ sóng 3G?")
    assert "**811**" in answer.answer and "**825**" not in answer.answer
    answer = real_assistant.ask("Còn 4G thì sao?", ["Tỉnh có bao nhiêu trạm BTS?"])
    assert "**825**" in answer.answer and "**920**" not in answer.answer
    answer = real_assistant.ask("Mật độ thuê bao di động trên 100 dân là bao nhiêu?")
    assert "**86,8**" in answer.answer and "**567.666**" not in answer.answer


@pytest.mark.parametrize("question, noun", [
    ("Tỉnh Điện Biên có bao nhiêu huyện?", "huyen"),
    ("toan tinh co bao nhieu tuyen cap quang", "tuyen"),
    ("Doanh thu tăng bao nhiêu phần trăm?", None),  # written "%"
    ("Doanh thu bưu chính được bao nhiêu tiền?", None),  # money: written as a currency
    ("Tăng bao nhiêu so với cùng kỳ?", None),
    ("Thu ngân sách đạt bao nhiêu?", None),
    ("Trong đó bao nhiêu có 4G?", None),  # "có" is the verb: how many have 4G
    ("Có bao nhiêu cơ sở đạt chuẩn?", "co"),  # "cơ sở" is a noun
    ("Toàn tỉnh có mấy người?", "nguoi"),
    # particles and forms of address that close the question count nothing
    ("Tổng số thuê bao di động là bao nhiêu ạ?", None),
    ("Có bao nhiêu trạm thế chị?", "tram"),
    ("Doanh thu là bao nhiêu thế chị?", None),
    ("tong so thue bao la bao nhieu a", None),
    ("Có mấy nhà mạng vậy?", "nha"),
    ("Qua bao nhiêu thế hệ?", "the"),  # "thế hệ" goes on: a noun
])
def test_counted_noun(question, noun):
    assert counted_noun(question) == noun


def test_the_counted_noun_is_named_in_either_spelling():
    assert names("ước đạt 465 tỷ đồng", counted_noun("Doanh thu đạt bao nhiêu tỉ?"))


@pytest.mark.parametrize("question, asks", [
    ("Vì sao doanh thu bưu chính tăng?", True),
    ("tai sao doanh thu buu chinh tang", True),
    ("Why did postal revenue grow?", True),
    ("Nguyên nhân của việc chậm tiến độ là gì?", True),
    ("Doanh thu bưu chính tăng bao nhiêu?", False),
    ("Do đâu mà doanh thu tăng?", True),
    ("Nhiệt độ đầu vào của tua-bin là bao nhiêu?", False),  # "độ đầu" is not "do đâu"
    ("Vị đầu tiên là ai?", False),
    ("Vi sao Điện Biên cần chuyển đổi số?", True),  # the cue typed without marks, a name with them
    ("nhiet do dau vao la bao nhieu", False),  # without marks, "do dau" could be either
])
def test_asks_reason(question, asks):
    assert asks_reason(question) == asks


def test_gives_reason_looks_for_a_connective_of_cause_purpose_or_result():
    assert gives_reason("Doanh thu tăng nhờ thương mại điện tử phát triển.")
    assert gives_reason("Tỉnh ký biên bản ghi nhớ để đẩy mạnh chuyển đổi số.")
    assert gives_reason("Revenue grew because of e-commerce.")
    assert not gives_reason("Doanh thu bưu chính đạt 105 tỷ đồng, tăng 1,78%.")
    assert not gives_reason("Tại buổi làm việc, Bộ trưởng trao đổi về chuyển đổi số.")  # "tại" says where
