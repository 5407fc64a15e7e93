"""The page in headless Chromium: questions in three languages and a follow-up; nothing leaves 127.0.0.1."""

import os
from pathlib import Path

import pytest

from conftest import ROOT

pytestmark = [pytest.mark.browser, pytest.mark.model]
CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = ROOT / "test-artifacts"
LOCAL = ("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:", "about:")


@pytest.fixture(scope="module")
def page(server):
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.outside = []

        def route(r):
            if r.request.url.startswith(LOCAL):
                r.continue_()
            else:
                page.outside.append(r.request.url)
                r.abort()

        page.route("**/*", route)
        page.goto(server + "/")
        page.wait_for_selector("#question textarea", timeout=60_000)
        yield page
        browser.close()


def ask(page, question):
    """Type a question and wait until the reply's quotes are on the page (counts, not network idle)."""
    before = page.locator("#chat blockquote").count()
    page.fill("#question textarea", question)
    page.keyboard.press("Enter")
    page.wait_for_function(f"document.querySelectorAll('#chat blockquote').length > {before}", timeout=60_000)
    page.wait_for_timeout(300)  # the side panel updates in the same event, just after the chat
    return page.locator("#chat blockquote").all_inner_texts()[before:]


@pytest.mark.parametrize("n, question, sentence", [
    (1, "Toàn tỉnh có bao nhiêu tuyến cáp quang?", "Toàn tỉnh có 510 tuyến cáp quang với tổng chiều dài 3.350 km"),
    (2, "ty le ho gia dinh co ket noi internet", "trên 52% hộ gia đình có kết nối Internet."),
    (3, "How many 4G sites are there?", "825 vị trí có phủ sóng 4G."),
    (4, "Trong đó bao nhiêu có 3G?", "811 vị trí có phủ sóng 3G"),
])
def test_questions_render_verbatim_quotes_and_highlight_the_source(page, n, question, sentence):
    quotes = ask(page, question)
    assert any(sentence in q for q in quotes), quotes
    marks = page.locator("#source-panel mark").all_inner_texts()
    assert any(sentence in m for m in marks), marks
    assert page.outside == []
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"chat-{n}.png"))


def test_best_quote_is_scrolled_into_view_and_paragraph_links_show_their_paragraph(page):
    ask(page, "Tổng doanh thu dịch vụ viễn thông đạt bao nhiêu tỷ đồng?")
    best = page.locator('#source-panel mark[data-rank="1"]')
    assert "465 tỷ đồng" in best.inner_text()
    page.wait_for_function("""() => {
        const mark = document.querySelector('#source-panel mark[data-rank="1"]').getBoundingClientRect();
        const box = document.querySelector('#source-column').getBoundingClientRect();
        return mark.top >= box.top && mark.bottom <= box.bottom;
    }""", timeout=10_000)
    link = page.locator("#chat a[href^='#p']").last
    paragraph = link.get_attribute("href")
    url = page.url
    link.click()
    page.wait_for_selector(f"#source-panel p{paragraph}.qa-shown", timeout=10_000)
    assert page.url == url and len(page.context.pages) == 1  # shown in place, not followed
    assert page.outside == []


def test_html_typed_into_a_question_shows_as_text(page):
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    question = '<img src=x onerror="alert(1)"> <b>đậm</b> <script>alert(2)</script> cáp quang dài bao nhiêu km?'
    ask(page, question)
    assert page.locator("#chat [data-testid='user']").last.inner_text() == question
    assert page.locator("#chat img, #chat b, #chat script").count() == 0
    assert dialogs == [] and page.outside == []
    page.screenshot(path=str(ARTIFACTS / "chat-html-question.png"))


def test_focus_returns_to_the_question_box_and_the_page_says_it_is_vietnamese(page):
    ask(page, "Có bao nhiêu vị trí trạm BTS?")
    page.wait_for_function("document.activeElement === document.querySelector('#question textarea')",
                           timeout=10_000)
    assert page.evaluate("document.documentElement.lang") == "vi"


def test_a_counter_shows_near_the_character_limit(page):
    box = page.locator("#question textarea")
    box.fill("x" * 100)
    assert page.locator("#question-counter").count() == 0 or page.locator("#question-counter").inner_text() == ""
    box.fill("x" * 450)
    page.wait_for_function("document.querySelector('#question-counter')?.textContent.startsWith('450/500')")
    box.fill("x" * 600)  # the box keeps 500 and says why
    page.wait_for_function("document.querySelector('#question-counter')?.textContent.includes('giới hạn')")
    assert len(box.input_value()) == 500
    box.fill("")


def test_api_docs_render_with_nothing_fetched_from_outside(page, server):
    page.goto(server + "/api/docs")
    page.wait_for_selector(".swagger-ui .info .title", timeout=60_000)
    assert "Article Q&A" in page.locator(".swagger-ui .info .title").inner_text()
    page.wait_for_selector('.opblock-summary-path[data-path="/api/ask"]', timeout=30_000)
    assert page.outside == []
    page.goto(server + "/")  # leave the page as the other tests expect it
    page.wait_for_selector("#question textarea", timeout=60_000)
