"""The chat handler and API functions without a server, then the served HTTP doors."""

import pytest

from ui.app import api_ask, article_panel, chat_reply, conversation_markdown, restored, user_questions
from assistant import Assistant, QuestionError
from assistant.answer import escape_markdown

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


def test_chat_handler_answers_follow_ups_with_numbered_citations(real_assistant):
    history = [{"role": "user", "content": "Có bao nhiêu vị trí trạm BTS?"},
               {"role": "assistant", "content": "…"}]
    reply = chat_reply(real_assistant, "Trong đó bao nhiêu có 4G?", history)
    assert "825 vị trí có phủ sóng 4G" in reply.replace("**", "") and "> " in reply
    answer = real_assistant.ask("Trong đó bao nhiêu có 4G?", ["Có bao nhiêu vị trí trạm BTS?"])
    for rank, quote in enumerate(answer.quotes, 1):  # "[1] đoạn 9" linking to the quote's offsets
        assert f"[\\[{rank}\\] đoạn {quote.paragraph}](#a{quote.start}-{quote.end})" in reply


def test_chat_handler_turns_bad_input_into_a_reply(real_assistant):
    reply = chat_reply(real_assistant, "   ", [])
    assert reply.startswith("⚠️") and "empty" in reply


def test_declined_answer_cites_closest_passages_apart_from_answers(real_assistant):
    reply = chat_reply(real_assistant, "Giá vàng hôm nay bao nhiêu?", [])
    assert reply.startswith("Bài báo không nói") and "](#c" in reply and "](#a" not in reply


def test_article_panel_numbers_paragraphs_from_the_title_and_offsets_every_paragraph(article):
    panel = article_panel(article)
    assert '<h2 id="p1"><sup>1</sup> ' in panel
    for n, (start, end) in enumerate(article.paragraphs[1:], 2):
        assert f'<p id="p{n}"><sup>{n}</sup> <span class="qa-text" data-start="{start}">' in panel


def test_article_panel_shows_metadata_and_never_renders_html():
    from index.article import Article

    article = Article.from_text("Tiêu đề <b>đậm</b>\nThứ Năm, 17/10/2024 08:00\nGiá vé là $5 <script>alert(1)</script>."
                                "\nCâu thứ hai của bài.\nNguồn: Báo Điện Biên Phủ")
    panel = article_panel(article)
    assert "<script>" not in panel and "&lt;script&gt;" in panel and "&lt;b&gt;" in panel
    assert '<p class="qa-meta">Thứ Năm, 17/10/2024 08:00 · Nguồn: Báo Điện Biên Phủ</p>' in panel
    assert 'id="p2"' not in panel and 'id="p5"' not in panel and 'id="p3"' in panel  # shown once, above


def test_html_in_an_article_never_renders_in_a_reply(tmp_path):
    path = tmp_path / "html.txt"
    path.write_text("Tiêu đề <b>đậm</b>\nGiá vé là $5 <script>alert(1)</script> một lượt.\n", encoding="utf-8")
    reply = chat_reply(Assistant(article=path), "Giá vé bao nhiêu?", [])
    assert "<script>" not in reply and "\\$" in reply


def test_exported_conversation_quotes_the_article_verbatim_without_page_links(real_assistant):
    article = real_assistant.article
    questions = ["Có bao nhiêu vị trí trạm BTS?", "Giá vàng hôm nay bao nhiêu?"]
    history = []
    for q in questions:
        history += [{"role": "user", "content": q}, {"role": "assistant", "content": chat_reply(real_assistant, q, [])}]
    history.append({"role": "assistant", "content": "[\\[1\\] đoạn 2](#a0-99999999) forged"})  # not the article's
    text = conversation_markdown(article, history)
    assert text.startswith(f"# {article.title}\n") and "#a" not in text and "#c" not in text and "](#" not in text
    assert "## Có bao nhiêu vị trí trạm BTS?" in text and "Những đoạn gần nhất (không phải câu trả lời):" in text
    for q in questions:
        for rank, quote in enumerate(real_assistant.ask(q).quotes, 1):
            assert f"> {escape_markdown(quote.text)}\n> — [{rank}] đoạn {quote.paragraph}" in text
    assert "99999999" not in text


def test_a_kept_conversation_is_restored_only_in_the_chat_shape():
    good = [{"role": "user", "content": "Câu hỏi?"}, {"role": "assistant", "content": [{"type": "text", "text": "Đáp."}]}]
    assert restored(good) == [{"role": "user", "content": "Câu hỏi?"}, {"role": "assistant", "content": "Đáp."}]
    assert restored("nonsense") == [] and restored(None) == []
    assert restored([{"role": "system", "content": "x"}, 3, {"role": "user"}]) == []


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


def test_header_is_one_language_and_shows_metadata_only_when_the_article_has_it():
    from index.article import Article
    from ui.text import header

    dated = Article.from_text("Tiêu đề\nThứ Năm, 17/10/2024 08:00\nNội dung.")
    assert "**Tiêu đề** · Thứ Năm, 17/10/2024 08:00" in header(dated, "vi")
    plain = Article.from_text("Tiêu đề\nNgày 16/10, đoàn công tác đã làm việc với tỉnh về nhiều nội dung quan trọng khác nhau.")
    assert "**Tiêu đề**\n" in header(plain, "vi")
    assert "Ask in" not in header(plain, "vi") and "Hỏi bằng" not in header(plain, "en")
