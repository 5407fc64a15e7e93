"""The page in headless Chromium: questions in three languages and a follow-up; nothing leaves 127.0.0.1."""

import sys
from pathlib import Path

import pytest

from conftest import ROOT, serving

pytestmark = [pytest.mark.browser, pytest.mark.model]
CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = ROOT / "test-artifacts"
LOCAL = ("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:", "about:")
DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}
sys.path.insert(0, str(ROOT / "benchmarks"))
from accessibility import SERIOUS, ask, audit  # noqa: E402  (the audit and the asking are shared)


def open_page(browser, url, viewport=DESKTOP, scheme="light", locale="vi-VN"):
    """A new page on `url` whose requests outside 127.0.0.1 are refused and kept in `page.outside`."""
    page = browser.new_context(viewport=viewport, color_scheme=scheme, locale=locale,
                               accept_downloads=True).new_page()
    page.outside = []

    def route(r):
        if r.request.url.startswith(LOCAL):
            r.continue_()
        else:
            page.outside.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    page.goto(url)
    page.wait_for_selector("#question textarea", timeout=60_000)
    page.wait_for_timeout(500)  # page.js runs once the page has loaded
    return page


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def page(browser, server):
    """One desktop page in Vietnamese kept across tests, as a reader keeps it open."""
    page = open_page(browser, server + "/")
    yield page
    page.context.close()


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


def marks(page):
    """(class, rank, text) of each mark in the article panel."""
    return [(m.get_attribute("class"), m.get_attribute("data-rank"), m.inner_text())
            for m in page.locator("#source-panel mark").all()]


def test_every_answer_owns_its_citations_and_rank_one_is_strongest(page):
    ask(page, "Tổng doanh thu dịch vụ viễn thông đạt bao nhiêu tỷ đồng?")
    best = page.locator('#source-panel mark[data-rank="1"]')
    assert "465 tỷ đồng" in best.inner_text()
    page.wait_for_function("""() => {
        const mark = document.querySelector('#source-panel mark[data-rank="1"]').getBoundingClientRect();
        const box = document.querySelector('#source-column').getBoundingClientRect();
        return mark.top >= box.top && mark.bottom <= box.bottom;
    }""", timeout=10_000)
    styles = page.evaluate("""[...document.querySelectorAll('#source-panel mark.qa-answer')].map((m) => {
        const s = getComputedStyle(m); return [m.dataset.rank, s.backgroundColor, s.boxShadow]; })""")
    first = [s for s in styles if s[0] == "1"][0]
    assert first[2] != "none" and all(s[1] != first[1] and s[2] == "none" for s in styles if s[0] != "1")

    ask(page, "Giá vàng hôm nay bao nhiêu?")  # a decline: grey marks and a note in words
    assert {m[0] for m in marks(page)} == {"qa-closest"} and page.locator("#qa-note").is_visible()
    assert "không trả lời" in page.locator("#qa-note").inner_text()

    url = page.url
    answer = page.locator("#chat [data-testid='bot']").nth(-2)
    answer.locator("a[href^='#a']").first.click()  # "[1] đoạn 8" of the earlier answer
    page.wait_for_function("document.querySelector('#source-panel mark')?.className === 'qa-answer'")
    assert "465 tỷ đồng" in page.locator('#source-panel mark[data-rank="1"]').inner_text()
    assert not page.locator("#qa-note").is_visible()
    assert "qa-shown-answer" in answer.get_attribute("class")
    assert page.url == url and len(page.context.pages) == 1  # shown in place, not followed
    assert page.outside == []


def test_focusing_a_citation_outlines_its_paragraph(page):
    ask(page, "Có bao nhiêu vị trí trạm BTS?")
    link = page.locator("#chat [data-testid='bot']").last.locator("a[href^='#a']").first
    link.focus()
    paragraph = link.inner_text().split()[-1]
    page.wait_for_selector(f"#source-panel p#p{paragraph}.qa-shown", timeout=5_000)


def test_clear_undo_and_retry_keep_the_panel_in_step_with_the_chat(page):
    ask(page, "Toàn tỉnh có bao nhiêu tuyến cáp quang?")
    ask(page, "Giá vàng hôm nay bao nhiêu?")
    page.get_by_role("button", name="Hoàn tác").last.click()  # Vietnamese names for Gradio's controls
    page.wait_for_function("document.querySelector('#source-panel mark')?.className === 'qa-answer'")
    assert "510 tuyến cáp quang" in page.locator('#source-panel mark[data-rank="1"]').inner_text()
    page.get_by_role("button", name="Hỏi lại").last.click()
    page.wait_for_timeout(1500)
    assert "510 tuyến cáp quang" in page.locator('#source-panel mark[data-rank="1"]').inner_text()
    page.get_by_role("button", name="Xóa cuộc trò chuyện").click()
    page.wait_for_function("document.querySelectorAll('#source-panel mark').length === 0")
    assert not page.locator("#qa-note").is_visible()


def test_choosing_an_example_answers_it_and_returns_focus_to_the_box(page):
    if page.locator("#chat button.example").count() == 0:
        page.get_by_role("button", name="Xóa cuộc trò chuyện").click()
    page.locator("#question textarea").fill("")  # Undo puts the undone question back in the box
    example = page.locator("#chat button.example").first
    assert example.get_attribute("aria-label").startswith("Hỏi câu mẫu: ")
    example.click()
    page.wait_for_selector("#chat blockquote", timeout=60_000)
    page.wait_for_function("document.activeElement === document.querySelector('#question textarea')",
                           timeout=10_000)
    page.keyboard.type("Còn 4G thì sao?")
    assert page.locator("#question textarea").input_value() == "Còn 4G thì sao?"
    page.locator("#question textarea").fill("")


def test_names_labels_and_visible_focus(page):
    assert page.get_by_role("textbox", name="Câu hỏi về bài báo").count() == 1
    page.get_by_role("button", name="Gửi câu hỏi").wait_for(timeout=5_000)
    assert page.get_by_role("region", name="Bài báo").count() == 1
    assert page.get_by_role("heading", level=1).inner_text() == "Hỏi đáp về bài báo"  # one header
    assert "Ask in" not in page.locator("#header").inner_text()
    page.locator("#question textarea").focus()
    page.keyboard.press("Tab")  # to the send button, by keyboard: its focus ring shows
    outline = page.evaluate("(() => { const s = getComputedStyle(document.activeElement); "
                            "return [s.outlineStyle, parseFloat(s.outlineWidth)]; })()")
    assert outline[0] != "none" and outline[1] >= 2


def test_an_empty_question_is_refused_in_the_interface_language(page):
    page.locator("#question textarea").fill("")
    page.locator("#question textarea").press("Enter")
    page.wait_for_function("document.querySelector('#question-counter')?.textContent.includes('Hãy nhập')")


def test_the_conversation_survives_a_reload_and_exports_as_markdown(page, article):
    ask(page, "Toàn tỉnh có bao nhiêu tuyến cáp quang?")
    before = page.locator("#chat [data-testid='bot']").count()
    page.reload()
    page.wait_for_function(f"document.querySelectorAll('#chat [data-testid=bot]').length === {before}",
                           timeout=30_000)
    page.wait_for_selector('#source-panel mark[data-rank="1"]', timeout=10_000)
    assert "510 tuyến cáp quang" in page.locator('#source-panel mark[data-rank="1"]').inner_text()
    with page.expect_download() as download:
        page.locator("#export").click()
    text = Path(download.value.path()).read_text(encoding="utf-8")
    assert text.startswith(f"# {article.title}") and "## Toàn tỉnh có bao nhiêu tuyến cáp quang?" in text
    assert "> — [1] đoạn 9" in text and "](#" not in text
    assert any("825 vị trí có phủ sóng 4G" in q for q in ask(page, "Trong đó bao nhiêu vị trí có 4G?"))  # goes on
    assert page.outside == []


def contrasts(page):
    """Contrast ratio of each mark's text against its background, as the browser computes them."""
    return page.evaluate("""() => {
        const lum = (c) => { const [r, g, b] = c.match(/[\\d.]+/g).slice(0, 3).map(Number).map((v) => {
            v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
            return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
        return [...document.querySelectorAll('#source-panel mark')].map((m) => {
            const s = getComputedStyle(m), a = lum(s.color), b = lum(s.backgroundColor);
            return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05); });
    }""")


@pytest.mark.parametrize("viewport, scheme", [(DESKTOP, "light"), (DESKTOP, "dark"), (PHONE, "light"), (PHONE, "dark")],
                         ids=["desktop-light", "desktop-dark", "phone-light", "phone-dark"])
def test_accessibility_audit_and_highlight_contrast(browser, server, viewport, scheme):
    page = open_page(browser, server + "/", viewport, scheme)
    found = [v for v in audit(page) if v["impact"] in SERIOUS]
    ask(page, "Toàn tỉnh có bao nhiêu tuyến cáp quang?")  # answered: yellow marks, [1] strongest
    answered = contrasts(page)
    ask(page, "Giá vàng hôm nay bao nhiêu?")  # declined: grey marks and the note
    declined = contrasts(page)
    found += [v for v in audit(page) if v["impact"] in SERIOUS]
    name = f"{'phone' if viewport == PHONE else 'desktop'}-{scheme}"
    page.screenshot(path=str(ARTIFACTS / f"page-{name}.png"))
    page.context.close()
    assert found == [], found
    assert answered and declined and min(answered + declined) >= 4.5, (answered, declined)
    assert page.outside == []


def test_on_a_phone_the_box_is_in_view_the_answer_stays_and_one_area_scrolls(browser, server):
    page = open_page(browser, server + "/", PHONE)
    in_view = "(el) => { const r = el.getBoundingClientRect(); return r.top >= 0 && r.bottom <= innerHeight; }"
    assert page.locator("#question textarea").evaluate(in_view)
    ask(page, "Toàn tỉnh có bao nhiêu tuyến cáp quang?")
    ask(page, "Có bao nhiêu vị trí trạm BTS?")
    page.wait_for_timeout(800)
    assert page.evaluate("scrollY") == 0  # the page never jumps to the article
    assert page.evaluate("document.scrollingElement.scrollHeight <= innerHeight + 1")  # only the chat scrolls
    assert page.locator("#chat [data-testid='bot']").last.evaluate(
        "(el) => { const r = el.getBoundingClientRect(), c = document.querySelector('#chat').getBoundingClientRect();"
        " return r.bottom > c.top && r.top < c.bottom; }")
    assert page.locator("#question textarea").evaluate(in_view)
    assert not page.locator("#source-column").is_visible()
    page.get_by_role("button", name="Xem bài báo").click()  # the article opens over the chat
    assert page.locator("#source-column").is_visible()
    best = page.locator('#source-panel mark[data-rank="1"]')
    assert "825 vị trí có phủ sóng 4G" in best.inner_text()
    page.wait_for_function("""() => { const r = document.querySelector('#source-panel mark[data-rank="1"]')
        .getBoundingClientRect(); return r.top >= 0 && r.bottom <= innerHeight; }""", timeout=5_000)  # scrolled to
    page.keyboard.press("Escape")
    assert not page.locator("#source-column").is_visible()
    page.context.close()


def test_english_readers_get_an_english_interface_and_are_told_quotes_stay_vietnamese(browser, server):
    page = open_page(browser, server + "/", locale="en-US")
    assert page.evaluate("document.documentElement.lang") == "en"
    assert page.get_by_role("heading", level=1).inner_text() == "Ask the article"
    assert page.get_by_role("textbox", name="Your question about the article").count() == 1
    ask(page, "How many 4G sites are there?")
    assert "quoted in its own language" in page.locator("#chat [data-testid='bot']").last.inner_text()
    assert page.get_by_role("button", name="Retry").count() >= 1
    page.goto(server + "/?lang=vi")  # the header's switch
    page.wait_for_selector("#question textarea", timeout=60_000)
    page.wait_for_function("document.documentElement.lang === 'vi'")
    page.wait_for_function("document.querySelector('h1')?.textContent === 'Hỏi đáp về bài báo'")
    assert page.outside == []
    page.context.close()


def test_the_article_panel_shows_its_date_and_source_lines_and_numbers_the_title_one(browser, tmp_path):
    article = tmp_path / "dated.txt"
    article.write_text("Điện Biên phủ sóng 4G\nThứ Năm, 17/10/2024 08:00\nToàn tỉnh có 825 vị trí phủ sóng 4G.\n"
                       "Tốc độ trung bình đạt 40 Mbps.\nNguồn: Báo Điện Biên Phủ\n", encoding="utf-8")
    with serving("--article", str(article)) as url:
        page = open_page(browser, url + "/")
        assert "Thứ Năm, 17/10/2024 08:00 · Nguồn: Báo Điện Biên Phủ" in page.locator("#header").inner_text()
        assert page.locator("#source-panel .qa-meta").inner_text() == "Thứ Năm, 17/10/2024 08:00 · Nguồn: Báo Điện Biên Phủ"
        assert page.locator("#source-panel h2").inner_text() == "1 Điện Biên phủ sóng 4G"
        assert page.locator("#source-panel p[id^='p'] sup").all_inner_texts() == ["3", "4"]
        page.context.close()


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
    page.wait_for_function("document.querySelector('#question textarea').placeholder.startsWith('Ví dụ')")
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
    page.locator("footer button.show-api").click()  # Gradio's own API page
    page.wait_for_timeout(2000)
    assert page.outside == []
    page.goto(server + "/api/docs")
    page.wait_for_selector(".swagger-ui .info .title", timeout=60_000)
    assert "Article Q&A" in page.locator(".swagger-ui .info .title").inner_text()
    page.wait_for_selector('.opblock-summary-path[data-path="/api/ask"]', timeout=30_000)
    assert page.outside == []
    page.goto(server + "/")  # leave the page as the other tests expect it
    page.wait_for_selector("#question textarea", timeout=60_000)
