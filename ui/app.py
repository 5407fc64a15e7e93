"""The Gradio chat and the JSON HTTP API, both around one `Assistant`; no retrieval logic here.

One process on 127.0.0.1 serves three doors: the page at `/`, Gradio endpoints (`/chat`, `/ask`)
for `gradio_client`, and a plain JSON API (`POST /api/ask`, `GET /api/health`, docs at
`/api/docs`). The handlers are plain functions, testable without a server.
"""


import html
import re
import sys
from typing import Any, Callable

from index.settings import apply_offline_defaults

apply_offline_defaults()

from assistant import Answer, Assistant  # noqa: E402
from assistant.answer import escape_markdown  # noqa: E402
from assistant.api import DEFAULT_TOP_K, MAX_HISTORY, MAX_TOP_K  # noqa: E402
from assistant.question import MAX_QUESTION_CHARS  # noqa: E402
from ui.guard import LOOPBACK_HOSTS, MAX_BODY_BYTES, Guard, error_body_schema, error_response  # noqa: E402

EXAMPLES = [
    "Toàn tỉnh có bao nhiêu tuyến cáp quang?",
    "ty le ho gia dinh co ket noi internet",
    "How many 4G sites are there?",
    "Có bao nhiêu vị trí trạm BTS?",
    "Trong đó bao nhiêu có 4G?",
]
PAGE_CSS = """
#source-column { max-height: 640px; overflow-y: auto; }
#source-panel mark.qa-answer { background: #fde68a; }
#source-panel mark.qa-closest { background: #e5e7eb; text-decoration: underline dotted; }
#source-panel p.qa-shown { outline: 2px solid #60a5fa; border-radius: 4px; }
#question-counter { font-size: 0.85em; margin-top: 4px; }
#source-panel p.qa-note { font-style: italic; }
"""
# Bring the best quote into view whenever the panel changes.
SCROLL_TO_BEST_JS = """() => { setTimeout(() => document.querySelector('#source-panel mark[data-rank="1"]')
  ?.scrollIntoView({block: 'center', behavior: 'smooth'}), 50); }"""
# A click on a quote's paragraph link in the chat ("đoạn 9", href "#p9") shows that paragraph in
# the source panel instead of following the link.
PARAGRAPH_LINKS_JS = """() => { document.addEventListener('click', (event) => {
  const link = event.target.closest && event.target.closest('#chat a[href^="#p"]');
  if (!link || !/^#p\d+$/.test(link.getAttribute('href'))) return;
  const target = document.querySelector('#source-panel ' + link.getAttribute('href'));
  if (!target) return;
  event.preventDefault(); event.stopPropagation();
  document.querySelectorAll('#source-panel p.qa-shown').forEach((p) => p.classList.remove('qa-shown'));
  target.classList.add('qa-shown');
  target.scrollIntoView({block: 'center', behavior: 'smooth'});
}, true); }"""
# After every answer (a typed question or a chosen example), the next keystrokes go to the box:
# Gradio disables it while answering, so wait (up to 3 s) until it can take focus again.
FOCUS_QUESTION_JS = """() => { let tries = 0; const timer = setInterval(() => {
  const box = document.querySelector('#question textarea');
  if (box && !box.disabled) { box.focus(); }
  if ((box && !box.disabled && document.activeElement === box) || ++tries > 60) clearInterval(timer);
}, 50); }"""
# Near the limit, a counter under the box says how many characters are left, and at the limit
# that the box takes no more (it stops silently otherwise). Announced politely to screen readers.
COUNTER_JS = """() => {
  const counter = document.createElement('div');
  counter.id = 'question-counter'; counter.setAttribute('aria-live', 'polite');
  const update = (box) => {
    const n = box.value.length;
    counter.textContent = n >= %(limit)d ? `${n}/%(limit)d ký tự: đã đến giới hạn, hãy rút gọn câu hỏi.`
      : n >= %(near)d ? `${n}/%(limit)d ký tự` : '';
  };
  document.addEventListener('input', (event) => {
    const box = event.target;
    if (!box.matches || !box.matches('#question textarea')) return;
    if (!counter.isConnected) box.closest('#question').appendChild(counter);
    update(box);
  }, true);
}""" % {"limit": MAX_QUESTION_CHARS, "near": MAX_QUESTION_CHARS * 4 // 5}
# The interface speaks Vietnamese first: screen readers pick their voice from the page's lang.
PAGE_LANGUAGE_JS = """() => { document.documentElement.lang = 'vi'; }"""
CONCURRENCY = 4  # answers take tens of milliseconds; a few at once keep both cores busy
QUEUE_SIZE = 64  # beyond this, readers are told the server is busy
MAX_PENDING = 32  # /api/ask requests in progress at once; more get 503 and Retry-After


def _text_of(content: Any) -> str:
    """A chat message's text: a plain string (gradio_client) or a list of parts (the browser)."""
    if isinstance(content, str):
        return content
    if isinstance(content, dict):
        return str(content.get("text") or content.get("value") or "")
    if isinstance(content, (list, tuple)):
        return " ".join(_text_of(part) for part in content).strip()
    return ""


_BACKSLASH_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")


def show_questions_as_text(chatbot) -> None:
    """Make a Chatbot show what readers type as text: markdown and HTML in a question are
    escaped on the way to the page (so "<b>" shows as "<b>"), and unescaped on the way back."""
    postprocess, preprocess = chatbot.postprocess, chatbot.preprocess

    def escaped(value):
        data = postprocess(value)
        for message in data.root:
            if message.role == "user":
                for part in message.content:
                    if hasattr(part, "text"):
                        part.text = escape_markdown(part.text)
        return data

    def unescaped(payload):
        messages = preprocess(payload)
        for message in messages:
            if message.get("role") == "user":
                for part in message.get("content") or []:
                    if isinstance(part, dict) and isinstance(part.get("text"), str):
                        part["text"] = _BACKSLASH_ESCAPE.sub(r"\1", part["text"])
        return messages

    chatbot.postprocess, chatbot.preprocess = escaped, unescaped


def user_questions(history: list | None) -> list[str]:
    """The earlier user questions of a Gradio "messages" history, oldest first."""
    questions = []
    for item in history or []:
        if isinstance(item, dict) and item.get("role") == "user":
            text = _text_of(item.get("content"))
            if text.strip():
                questions.append(text)
    return questions[-MAX_HISTORY:]


def source_panel(assistant: Assistant, answer: Answer | None) -> str:
    """The article as HTML with quoted sentences marked; declined answers mark "not an answer".

    Everything from the article is HTML-escaped: no article or question text renders as markup.
    """
    article = assistant.article
    rank = {q.start: n for n, q in enumerate(answer.quotes, 1)} if answer else {}
    marks = sorted(answer.quotes, key=lambda q: q.start) if answer else []
    css = "qa-answer" if answer and answer.answered else "qa-closest"
    label = "" if not answer or answer.answered else ' title="không phải câu trả lời / not an answer"'
    parts = [f'<div class="qa-source"><h3>{html.escape(article.title)}</h3>']
    if answer and not answer.answered:  # said in text, not only in the marks' tooltip
        parts.append('<p class="qa-note" role="status">Bài báo không trả lời câu hỏi này: các câu được đánh dấu '
                     'chỉ là những đoạn gần nhất, không phải câu trả lời. · The article does not answer this: '
                     'the marked sentences are only the closest passages, not an answer.</p>')
    paragraph = 0
    for line_start, line in _lines(article.text):
        if not line.strip():
            continue
        paragraph += 1
        if paragraph == 1:
            continue  # the title is shown as the heading
        end = line_start + len(line)
        pos, pieces = line_start, []
        for q in marks:
            if q.start >= line_start and q.end <= end:
                pieces.append(html.escape(article.text[pos : q.start]))
                pieces.append(f'<mark class="{css}" data-rank="{rank[q.start]}"{label}>{html.escape(q.text)}</mark>')
                pos = q.end
        pieces.append(html.escape(article.text[pos:end]))
        parts.append(f'<p id="p{paragraph}"><sup>{paragraph}</sup> {"".join(pieces)}</p>')
    parts.append("</div>")
    return "\n".join(parts)


def date_line(article) -> str:
    """" · " and the article's date line, if it has one."""
    return " · " + escape_markdown(article.date_line) if article.date_line else ""


def _lines(text: str):
    pos = 0
    for line in text.split("\n"):
        yield pos, line
        pos += len(line) + 1


def chat_reply(assistant: Assistant, message: Any, history: list | None) -> tuple[str, str]:
    """The chat handler: (markdown reply, source panel HTML). Bad input becomes a chat reply."""
    question = _text_of(message)
    try:
        answer = assistant.ask(question, user_questions(history))
    except ValueError as exc:  # QuestionError and the like: the reader is told in the chat
        return f"⚠️ {escape_markdown(str(exc))}", source_panel(assistant, None)
    return answer.answer, source_panel(assistant, answer)


def api_ask(assistant: Assistant, question: Any, history: Any = None, top_k: Any = DEFAULT_TOP_K) -> dict:
    """The typed API: the same JSON object as `ask --json`. Raises ValueError for bad input."""
    return assistant.ask(question, history, top_k=top_k).to_dict()


def validate_message(message: Any) -> Any:
    """The textbox validator: refuse empty and over-long questions before they reach the chat."""
    import gradio as gr

    text = _text_of(message).strip()
    if not text:
        return gr.validate(False, "Hãy nhập một câu hỏi về bài báo. · Type a question about the article.")
    if len(text) > MAX_QUESTION_CHARS:
        return gr.validate(False, f"Câu hỏi tối đa {MAX_QUESTION_CHARS} ký tự. · Questions are limited to "
                                  f"{MAX_QUESTION_CHARS} characters.")
    return gr.validate(True, "")


def build_blocks(assistant: Assistant):
    """The Gradio page: chat on the left, the article on the right."""
    import gradio as gr

    article = assistant.article
    with gr.Blocks(title="Article Q&A") as blocks:
        gr.Markdown(
            "### Hỏi đáp về bài báo · Ask the article\n"
            f"**{escape_markdown(article.title)}**{date_line(article)}\n\n"
            "Hỏi bằng tiếng Việt, có dấu hay không dấu, hoặc tiếng Anh: câu trả lời là những câu trích "
            "nguyên văn kèm số đoạn, và trợ lý nói rõ khi bài báo không đề cập. · Ask in Vietnamese or "
            "English: answers are verbatim quotes with their paragraph numbers, and the assistant says "
            "so when the article does not say.",
            elem_id="header",
        )
        source = gr.HTML(source_panel(assistant, None), render=False, elem_id="source-panel")
        with gr.Row():
            with gr.Column(scale=3):
                chatbot = gr.Chatbot(
                    elem_id="chat", height=560, latex_delimiters=[], sanitize_html=True,
                    buttons=["copy", "copy_all"], placeholder="Hỏi một câu về bài báo · Ask about the article",
                )
                show_questions_as_text(chatbot)
                gr.ChatInterface(
                    fn=lambda message, history: chat_reply(assistant, message, history),
                    chatbot=chatbot,
                    textbox=gr.Textbox(placeholder="Câu hỏi… / Your question…", max_length=MAX_QUESTION_CHARS,
                                       submit_btn=True, elem_id="question"),
                    additional_outputs=[source],
                    examples=EXAMPLES,
                    api_name="chat",
                    concurrency_limit=CONCURRENCY,
                    validator=validate_message,
                )
            with gr.Column(scale=2, elem_id="source-column"):
                source.render()
        source.change(fn=None, js=SCROLL_TO_BEST_JS)
        chatbot.change(fn=None, js=FOCUS_QUESTION_JS)
        blocks.load(fn=None, js=PARAGRAPH_LINKS_JS)
        blocks.load(fn=None, js=PAGE_LANGUAGE_JS)
        blocks.load(fn=None, js=COUNTER_JS)

        def ask_endpoint(question: str, history: list[str] | None = None, top_k: int = DEFAULT_TOP_K) -> dict:
            """Answer a question about the article; returns {answered, answer, quotes}."""
            return api_ask(assistant, question, history, top_k)

        gr.api(ask_endpoint, api_name="ask", concurrency_limit=CONCURRENCY)
    blocks.queue(default_concurrency_limit=CONCURRENCY, max_size=QUEUE_SIZE)
    return blocks


def build_app(assistant: Assistant, hosts: frozenset[str] | None = LOOPBACK_HOSTS, credentials: str | None = None):
    """The JSON API first (so Gradio's catch-all mount does not shadow it), then Gradio, all
    behind `guard.Guard`."""
    import gradio as gr

    theme = gr.themes.Default(font=["system-ui", "sans-serif"], font_mono=["ui-monospace", "monospace"])
    app = gr.mount_gradio_app(build_api(assistant), build_blocks(assistant), path="/", theme=theme, css=PAGE_CSS,
                              footer_links=["api"])
    return Guard(app, hosts=hosts, credentials=credentials)


def build_api(assistant: Assistant):
    """The JSON API as a FastAPI app: `/api/ask`, `/api/health`, `/api/docs`. Every error is
    `{"error": message}`; more than MAX_PENDING questions in progress get 503."""
    from fastapi import FastAPI, Request
    from fastapi.exceptions import RequestValidationError
    from pydantic import BaseModel, Field, StrictInt, StrictStr
    from starlette.concurrency import run_in_threadpool
    from starlette.exceptions import HTTPException

    class AskRequest(BaseModel):
        question: StrictStr = Field(..., description=f"the question, at most {MAX_QUESTION_CHARS} characters")
        history: list[StrictStr] = Field(default_factory=list, max_length=MAX_HISTORY,
                                         description="earlier questions, oldest first")
        top_k: StrictInt = Field(DEFAULT_TOP_K, ge=1, le=MAX_TOP_K, description="how many quotes to return")

    errors = {code: {"description": why, "content": error_body_schema()} for code, why in (
        (413, f"the body is over {MAX_BODY_BYTES:,} bytes"),
        (422, "a field is missing or wrong (the message names it)"),
        (503, "too many questions at once; retry after the seconds in Retry-After"),
    )}
    app = FastAPI(title="Article Q&A", docs_url=None, openapi_url="/api/openapi.json")
    _offline_docs(app)
    pending = 0  # /api/ask requests admitted and not yet answered (one event loop: no lock needed)

    @app.exception_handler(RequestValidationError)
    async def invalid(_request: Request, exc: RequestValidationError):
        # The message names the field and the rule, never echoes the value (it may not be JSON).
        problems = ["/".join(str(p) for p in e["loc"][1:]) + ": " + e["msg"] for e in exc.errors()]
        return error_response(422, "; ".join(problems) or "the body is not valid JSON")

    @app.exception_handler(HTTPException)
    async def http_error(_request: Request, exc: HTTPException):
        return error_response(exc.status_code, str(exc.detail), getattr(exc, "headers", None))

    @app.exception_handler(RecursionError)
    async def too_deep(_request: Request, _exc: RecursionError):
        return error_response(400, "the body is nested too deeply to read")

    @app.exception_handler(Exception)
    async def internal(_request: Request, exc: Exception):  # a bug: still the one error shape
        print(f"error answering a request: {exc!r}", file=sys.stderr)
        return error_response(500, "internal error; the server goes on answering")

    @app.get("/api/health")
    def health() -> dict:
        return {"status": "ok", "article": assistant.article.title, "model": assistant.embedder.identity,
                "sentences": len(assistant.index.chunks)}

    @app.post("/api/ask", responses=errors)
    async def ask(request: AskRequest):
        nonlocal pending
        if pending >= MAX_PENDING:
            return error_response(503, "the server is busy; retry shortly", {"Retry-After": "1"})
        pending += 1
        try:
            return await run_in_threadpool(api_ask, assistant, request.question, request.history, request.top_k)
        except ValueError as exc:
            return error_response(422, str(exc))
        finally:
            pending -= 1

    @app.api_route("/api/{rest:path}", methods=["GET", "POST", "PUT", "PATCH", "DELETE"], include_in_schema=False)
    def no_such_route(rest: str):  # before Gradio's catch-all mount, which answers in its own shape
        return error_response(404, "no such API route (see /api/docs)")  # the path is not echoed

    return app


def _offline_docs(app) -> None:
    """`/api/docs` with Swagger UI's script and style served from the `fastapi-swagger` package
    (FastAPI's default page fetches them, and a favicon, from a CDN: blank offline)."""
    import importlib.util
    from pathlib import Path

    from fastapi.openapi.docs import get_swagger_ui_html
    from fastapi.staticfiles import StaticFiles

    assets = Path(importlib.util.find_spec("fastapi_swagger").origin).parent / "resources"
    app.mount("/api/docs-assets", StaticFiles(directory=assets), name="docs-assets")

    @app.get("/api/docs", include_in_schema=False)
    def docs():
        return get_swagger_ui_html(openapi_url="/api/openapi.json", title="Article Q&A — HTTP API",
                                   swagger_js_url="/api/docs-assets/swagger-ui-bundle.js",
                                   swagger_css_url="/api/docs-assets/swagger-ui.css",
                                   swagger_favicon_url="/api/docs-assets/favicon-32x32.png")


def serve(article=None, model=None, port: int = 7860, host: str = "127.0.0.1", credentials: str | None = None,
          progress: Callable[[str], None] = lambda m: print(m, file=sys.stderr)) -> None:
    """Start the page and both APIs on `host:port` (loopback by default) until interrupted."""
    import uvicorn

    assistant = Assistant(article=article, model=model, progress=progress)
    loopback = host in LOOPBACK_HOSTS
    if not loopback:
        progress(f"Warning: listening on {host}, not only on this machine: anyone who can reach it can ask"
                 + ("." if credentials else ", with no password (give --auth USER:PASSWORD)."))
    app = build_app(assistant, hosts=LOOPBACK_HOSTS if loopback else None, credentials=credentials)
    progress(f"Serving “{assistant.article.title}” on http://{host}:{port}/ (API docs at /api/docs)")
    uvicorn.run(app, host=host, port=port, log_level="warning", timeout_graceful_shutdown=1)
