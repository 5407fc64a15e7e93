"""The chat handler and API functions without a server, then the served HTTP doors."""

import pytest

from ui.app import api_ask, chat_reply, source_panel, user_questions
from assistant import Assistant, QuestionError

pytestmark = pytest.mark.model


def test_history_from_browser_parts_and_client_strings_alike():
    history = [
        {"role": "user", "content": [{"type": "text", "text": "Có bao nhiêu vị trí trạm BTS?"}]},
        {"role": "assistant", "content": "Bài báo viết: …"},
        {"role": "user", "content": "Còn 4G?"},
        {"role": "user", "content": "   "},
    ]
    assert user_questions(history) == ["Có bao nhiêu vị trí trạm BTS?", "Còn 4G?"]
    assert user_questions(None) == []


def test_chat_handler_answers_follow_ups_and_marks_the_source(real_assistant):
    history = [{"role": "user", "content": "Có bao nhiêu vị trí trạm BTS?"},
               {"role": "assistant", "content": "…"}]
    reply, panel = chat_reply(real_assistant, "Trong đó bao nhiêu có 4G?", history)
    assert "825 vị trí có phủ sóng 4G" in reply.replace("**", "") and "> " in reply
    assert '<mark class="qa-answer"' in panel and "825 vị trí có phủ sóng 4G" in panel


def test_chat_handler_turns_bad_input_into_a_reply(real_assistant):
    reply, _ = chat_reply(real_assistant, "   ", [])
    assert reply.startswith("⚠️") and "empty" in reply


def test_declined_answer_marks_closest_passages_as_not_an_answer(real_assistant):
    reply, panel = chat_reply(real_assistant, "Giá vàng hôm nay bao nhiêu?", [])
    assert reply.startswith("Bài báo không nói")
    assert 'class="qa-closest"' in panel and "not an answer" in panel
    assert '<p class="qa-note" role="status">Bài báo không trả lời' in panel  # in text, not only a tooltip
    _reply, answered_panel = chat_reply(real_assistant, "Toàn tỉnh có bao nhiêu tuyến cáp quang?", [])
    assert "qa-note" not in answered_panel


def test_html_in_an_article_never_renders(tmp_path, real_assistant):
    path = tmp_path / "html.txt"
    path.write_text("Tiêu đề <b>đậm</b>\nGiá vé là $5 <script>alert(1)</script> một lượt.\n", encoding="utf-8")
    other = Assistant(article=path)
    reply, panel = chat_reply(other, "Giá vé bao nhiêu?", [])
    assert "<script>" not in panel and "&lt;script&gt;" in panel
    assert "<script>" not in reply and "\\$" in reply


def test_api_function_matches_python_api(real_assistant):
    q = "How many 4G sites are there?"
    assert api_ask(real_assistant, q, [], 2) == real_assistant.ask(q, [], top_k=2).to_dict()
    with pytest.raises(QuestionError):
        api_ask(real_assistant, "", [])
    with pytest.raises(QuestionError):
        api_ask(real_assistant, "cáp quang", "not a list")


def test_json_api_over_http(server, real_assistant):
    import httpx

    q = {"question": "Toàn tỉnh có bao nhiêu tuyến cáp quang?", "history": [], "top_k": 2}
    r = httpx.post(server + "/api/ask", json=q, timeout=60)
    assert r.status_code == 200
    assert r.json() == real_assistant.ask(q["question"], [], top_k=2).to_dict()
    assert httpx.get(server + "/api/health").json()["status"] == "ok"
    for bad in [{"question": "  "}, {"question": "x" * 501}, {"question": "a", "top_k": 0}, {"nope": 1}]:
        r = httpx.post(server + "/api/ask", json=bad, timeout=60)
        assert 400 <= r.status_code < 500 and r.json()
    r = httpx.post(server + "/api/ask", content=b"{not json", headers={"content-type": "application/json"})
    assert 400 <= r.status_code < 500
    assert httpx.get(server + "/api/openapi.json").json()["paths"]["/api/ask"]


def test_gradio_client_gets_structured_quotes(server, real_assistant):
    from gradio_client import Client

    client = Client(server + "/", verbose=False)
    q = "ty le nguoi dung internet"
    assert client.predict(q, [], 3, api_name="/ask") == real_assistant.ask(q).to_dict()
    chat = client.predict(q, api_name="/chat")
    assert "72%" in str(chat)


def test_header_shows_a_date_line_only_when_the_article_has_one():
    from index.article import Article
    from ui.app import date_line

    assert date_line(Article.from_text("Tiêu đề\nThứ Năm, 17/10/2024 08:00\nNội dung.")) == " · Thứ Năm, 17/10/2024 08:00"
    assert date_line(Article.from_text("Tiêu đề\nNgày 16/10, đoàn công tác đã làm việc với tỉnh về nhiều nội dung quan trọng khác nhau.")) == ""
