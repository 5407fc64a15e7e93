"""The real model on the real article: verbatim quotes, languages, follow-ups, declines."""

import unicodedata

import pytest

from assistant import Assistant, QuestionError
from assistant.evaluate import evaluate, load_questions, normalise
from conftest import ROOT, SHARED_EVAL

pytestmark = pytest.mark.model
FOLLOWUPS = ROOT / "tests" / "data" / "followups.jsonl"


def _questions():
    rows = load_questions(FOLLOWUPS)
    if SHARED_EVAL.is_file():
        rows += load_questions(SHARED_EVAL)
    return rows


def test_every_quote_is_a_verbatim_slice(real_assistant):
    text = real_assistant.article.text
    for row in _questions():
        answer = real_assistant.ask(row["question"], row["history"], top_k=5)
        assert answer.quotes, row["id"]
        for q in answer.quotes:
            assert text[q.start : q.end] == q.text
            assert "> " in answer.answer


def test_each_sentence_finds_itself_first(real_assistant):
    for chunk in real_assistant.index.chunks:
        # A heading yields to body sentences (one here restates it word for word).
        if len(chunk.text) > 40 and not real_assistant.retriever.shape.is_heading[chunk.id]:
            first = real_assistant.ask(chunk.text).quotes[0]  # may merge with a neighbour
            assert first.start <= chunk.start and chunk.end <= first.end


@pytest.mark.parametrize("accented, unaccented, answer", [
    ("Tỷ lệ người sử dụng Internet là bao nhiêu?", "ty le nguoi su dung internet la bao nhieu", "72%"),
    ("Toàn tỉnh có bao nhiêu tuyến cáp quang?", "toan tinh co bao nhieu tuyen cap quang", "510 tuyến"),
    ("Có bao nhiêu vị trí phủ sóng 4G?", "co bao nhieu vi tri phu song 4g", "825 vị trí"),
])
def test_unaccented_question_finds_what_its_accented_twin_finds(real_assistant, accented, unaccented, answer):
    for question in (accented, unaccented):
        reply = real_assistant.ask(question)
        assert reply.answered and answer in reply.quotes[0].text, question


def test_nfd_question_behaves_like_nfc(real_assistant):
    q = "Tổng chiều dài cáp quang là bao nhiêu?"
    assert real_assistant.ask(unicodedata.normalize("NFD", q)) == real_assistant.ask(q)


def test_followups_use_the_conversation(real_assistant):
    rows = load_questions(FOLLOWUPS)
    right = 0
    for row in rows:
        top = real_assistant.ask(row["question"], row["history"]).quotes[0].text
        right += any(normalise(e) in normalise(top) for e in row["evidence"])
    assert right >= 8, f"{right}/{len(rows)} follow-ups right"


def test_self_contained_question_is_not_pulled_by_history(real_assistant):
    q = "Toàn tỉnh có bao nhiêu tuyến cáp quang?"
    with_history = real_assistant.ask(q, ["Tổng thu ngân sách địa phương đạt bao nhiêu?"]).quotes
    # The fitted share of the previous question may move the scores, not the passages.
    assert [(x.start, x.end) for x in with_history] == [(x.start, x.end) for x in real_assistant.ask(q).quotes]


@pytest.mark.parametrize("question", [
    "Giá vàng hôm nay bao nhiêu?", "What is the capital of France?", "How do I reset my iPhone password?",
    "When will the new airport open?", "How many hospitals are in Dien Bien?",
    "Tỉnh có bao nhiêu trạm phát sóng 5G?",  # a code the article never writes
    "aaaa", "asdf qwer zxcv", "lorem ipsum dolor sit amet", "a " * 200,  # nonsense
])
def test_declines_when_the_article_does_not_say(real_assistant, question):
    answer = real_assistant.ask(question)
    assert not answer.answered and answer.reason, question
    assert answer.answer.startswith("Bài báo không nói") or answer.answer.startswith("The article does not say")
    assert "không phải câu trả lời" in answer.answer or "not an answer" in answer.answer  # never a dead end


def test_an_unrelated_question_after_a_followup_is_judged_on_its_own_terms(real_assistant):
    history = ["Toàn tỉnh có bao nhiêu tuyến cáp quang?"]
    assert not real_assistant.ask("Giá vàng hôm nay bao nhiêu?", history).answered
    assert real_assistant.ask("Còn tổng chiều dài thì sao?", history).answered


def test_a_followup_with_no_words_of_its_own_is_read_with_the_question_before(real_assistant):
    wreaths = "Where did the minister's delegation lay wreaths before the meeting?"
    for question, history, expected in [("Anywhere else?", [wreaths], "Nghĩa trang liệt sĩ A1"),
                                        ("Còn ai nữa?", ["Ai trao Kỷ niệm chương cho Bộ trưởng?"], "Lê Thành Đô"),
                                        ("Khi nào?", ["Ai dẫn đầu đoàn công tác của Bộ TT&TT?"], "Ngày 16/10")]:
        answer = real_assistant.ask(question, history)
        assert answer.answered and expected in answer.quotes[0].text, question
    assert not real_assistant.ask("Anywhere else?").answered  # asked first, it asks nothing


@pytest.mark.parametrize("question", [
    "Xin cho biết, theo bài báo, toàn tỉnh có bao nhiêu tuyến cáp quang?",
    "Cho mình hỏi toàn tỉnh có bao nhiêu tuyến cáp quang?",
    "Bạn ơi, cho mình hỏi với, toàn tỉnh có bao nhiêu tuyến cáp quang?",
    "Please tell me how many fiber optic routes the province has.",
])
def test_framing_that_asks_nothing_does_not_count_against_the_question(real_assistant, question):
    answer = real_assistant.ask(question)
    assert answer.answered and "510 tuyến cáp quang" in answer.quotes[0].text


@pytest.mark.parametrize("question", ["Bài báo nói về chuyện gì?", "Tóm tắt bài báo", "What is this article about?",
                                      "Làm ơn tóm tắt nội dung chính của bài báo này giúp tôi"])  # long but for its framing
def test_a_question_about_the_whole_article_gets_the_lead(real_assistant, question):
    answer = real_assistant.ask(question)
    lead = real_assistant.article.lead_paragraph
    assert answer.answered and answer.quotes and all(q.paragraph == lead for q in answer.quotes)


def test_the_bold_answer_is_the_one_asked_for_or_none(real_assistant):
    bts = real_assistant.ask("Có bao nhiêu vị trí trạm BTS?")
    assert "**920**" in bts.answer and "**811**" not in bts.answer
    followup = real_assistant.ask("Còn 4G thì sao?", ["Có bao nhiêu vị trí trạm BTS?"])
    assert "**100%**" not in followup.answer and "**811**" not in followup.answer


def test_dev_set_metrics(real_assistant):
    if not SHARED_EVAL.is_file():
        pytest.skip(f"{SHARED_EVAL} is absent (it lives beside the repository, not in it)")
    report = evaluate(real_assistant, load_questions(SHARED_EVAL))
    m = report["overall"]
    assert m["verbatim"] == 1.0
    assert m["recall@1"] >= 0.95 and m["recall@3"] >= 0.95
    # The judge declines at most 5% of answerable questions on held-out articles; at that
    # operating point it declines the far questions here and one near one of four.
    assert m["answerable_declined"] <= 0.05 and m["unanswerable_declined"] >= 0.5


def test_bad_questions_raise_question_error(real_assistant):
    for bad in ["", "   ", "x" * 501]:
        with pytest.raises(QuestionError):
            real_assistant.ask(bad)
    with pytest.raises(ValueError, match="top_k"):
        real_assistant.ask("cáp quang", top_k=0)


def test_another_article_shares_the_loaded_model(real_assistant, tmp_path, monkeypatch):
    import index.embedder as embedder_module

    path = tmp_path / "other.txt"
    path.write_text("Hà Nội mở rộng tàu điện\nThành phố khai trương tuyến tàu điện dài 12 km vào tháng 8. "
                    "Giá vé là 8.000 đồng một lượt.\n", encoding="utf-8")

    def no_second_load(*args, **kwargs):
        raise AssertionError("the model was loaded a second time")

    monkeypatch.setattr(embedder_module.SentenceTransformerEmbedder, "load", no_second_load)
    other = Assistant(article=path)
    assert other.embedder is real_assistant.embedder
    answer = other.ask("Giá vé bao nhiêu?")
    assert answer.answered and "8.000 đồng" in answer.quotes[0].text
    assert other.index_status == "built" and Assistant(article=path).index_status == "loaded"


def test_another_kind_of_article_a_wikipedia_style_page(real_assistant):
    """A title that only names the subject resembles every question but answers none."""
    other = Assistant(article=ROOT / "benchmarks" / "data" / "vinh-ha-long.txt")
    answer = other.ask("Vịnh Hạ Long nằm ở tỉnh nào?")
    assert answer.answered and "tỉnh Quảng Ninh" in answer.quotes[0].text
    answer = other.ask("Mùa đông ở vùng vịnh có đặc điểm thế nào?")  # "đặc điểm" paraphrases "đặc trưng"
    assert answer.answered and "mùa đông lạnh, khô" in answer.quotes[0].text
    assert not other.ask("Giá vàng hôm nay bao nhiêu?").answered


@pytest.mark.parametrize("q", ["Bộ trưởng tên là gì?", "bo truong ten la gi"])
def test_asking_for_a_name_is_answered_though_the_answer_never_says_ten(real_assistant, q):
    answer = real_assistant.ask(q)
    assert answer.answered and "Nguyễn Mạnh Hùng" in answer.quotes[0].text
