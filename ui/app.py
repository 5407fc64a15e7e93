"""The Gradio chat and the JSON HTTP API, both around one `Assistant`; no retrieval logic here.

One process on 127.0.0.1 serves three doors: the page at `/`, Gradio endpoints (`/chat`, `/ask`)
for `gradio_client`, and a plain JSON API (`POST /api/ask`, `GET /api/health`, docs at
`/api/docs`). The handlers are plain functions, testable without a server.
"""


import html
import json
import re
import sys
from pathlib import Path
from typing import Any, Callable

from index.settings import apply_offline_defaults

apply_offline_defaults()

from assistant import Assistant  # noqa: E402
from assistant.answer import escape_markdown  # noqa: E402
from assistant.api import DEFAULT_TOP_K, MAX_HISTORY, MAX_TOP_K  # noqa: E402
from assistant.question import MAX_QUESTION_CHARS  # noqa: E402
from ui.guard import LOOPBACK_HOSTS, MAX_BODY_BYTES, Guard, error_body_schema, error_response  # noqa: E402
from ui.text import LANGUAGES, PAGE, metadata_line, translations  # noqa: E402

EXAMPLES = [
    "Toàn tỉnh có bao nhiêu tuyến cáp quang?",
    "ty le ho gia dinh co ket noi internet",
    "How many 4G sites are there?",
    "Có bao nhiêu vị trí trạm BTS?",
    "Trong đó bao nhiêu có 4G?",
]
HERE = Path(__file__).parent
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


def article_panel(article) -> str:
    """The article as HTML: the title as paragraph 1, its date and source line where it has them,
    then each paragraph numbered, its text in a `.qa-text` span whose `data-start` is the
    paragraph's offset in `article.text` (the page marks quotes by those offsets, see page.js).

    Everything from the article is HTML-escaped: no article text renders as markup.
    """
    parts = ['<div class="qa-source">',
             f'<h2 id="p1"><sup>1</sup> {html.escape(article.title)}</h2>']
    meta = metadata_line(article)
    if meta:
        parts.append(f'<p class="qa-meta">{html.escape(meta)}</p>')
    parts.append('<p id="qa-note" class="qa-note" role="status" hidden></p>')
    for n, (start, end) in enumerate(article.paragraphs, 1):
        text = article.text[start:end]
        if n == 1 or text.strip() in (article.date_line, article.source_line):
            continue  # the title and the metadata are shown above
        parts.append(f'<p id="p{n}"><sup>{n}</sup> <span class="qa-text" data-start="{start}">'
                     f"{html.escape(text)}</span></p>")
    parts.append("</div>")
    return "\n".join(parts)


def chat_reply(assistant: Assistant, message: Any, history: list | None) -> str:
    """The chat handler: the markdown reply, its citations linking to the article panel. Bad
    input becomes a chat reply."""
    question = _text_of(message)
    try:
        return assistant.ask(question, user_questions(history)).answer
    except ValueError as exc:  # QuestionError and the like: the reader is told in the chat
        return f"⚠️ {escape_markdown(str(exc))}"


# A citation as `render_markdown` writes it: "[\\[1\\] đoạn 9](#a2137-2339)".
_CITATION = re.compile(r"\[\\\[(\d+)\\\] ([^\]\n]{0,40})\]\(#([ac])(\d+)-(\d+)\)")
_PAGE_LINK = re.compile(r"\[((?:\\.|[^\]\\])*)\]\(#[^)]*\)")  # a link within the page: its text stays


def conversation_markdown(article, history: list | None) -> str:
    """The conversation as Markdown to keep: the article's title and metadata, each question,
    and each answer's framing line and quotes (re-read from the article by their offsets, so
    verbatim whatever the stored history says) with their paragraph numbers. No page links."""
    lines = [f"# {escape_markdown(article.title)}"]
    meta = metadata_line(article)
    if meta:
        lines += ["", escape_markdown(meta)]
    for item in history or []:
        if not isinstance(item, dict):
            continue
        text = _text_of(item.get("content"))
        if item.get("role") == "user":
            lines += ["", "## " + escape_markdown(" ".join(text.split()))]
            continue
        cited = [m for m in _CITATION.finditer(text) if int(m[4]) < int(m[5]) <= len(article.text)]
        framing = [line for line in text.split("\n") if line.strip() and not line.startswith(">")]
        lines += [""] + (framing[:2] if cited else [_PAGE_LINK.sub(r"\1", text)])
        for m in cited:
            start, end = int(m[4]), int(m[5])
            quote = escape_markdown(article.text[start:end])
            paragraph = next(n for n, (s, e) in enumerate(article.paragraphs, 1) if s <= start < e)
            word = m[2].split()[0] if m[2].split() else "đoạn"
            lines += ["", "> " + quote.replace("\n", "\n> "), f"> — [{m[1]}] {escape_markdown(word)} {paragraph}"]
    return "\n".join(lines) + "\n"


def export_file(article, history: list | None) -> str | None:
    """`conversation_markdown` written to a file named by its content (so concurrent readers
    never share one); None for an empty conversation."""
    if not history:
        return None
    import hashlib
    import tempfile

    text = conversation_markdown(article, history)
    folder = Path(tempfile.gettempdir()) / "article-qa-export" / hashlib.sha256(text.encode()).hexdigest()[:16]
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "hoi-dap.md"
    path.write_text(text, encoding="utf-8")
    return str(path)


def restored(saved: Any) -> list:
    """A conversation kept in the browser, as chat messages; anything else is dropped."""
    if not isinstance(saved, list):
        return []
    return [{"role": m["role"], "content": _text_of(m.get("content"))} for m in saved
            if isinstance(m, dict) and m.get("role") in ("user", "assistant") and _text_of(m.get("content"))]


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
    """The Gradio page: the chat on the left, the article on the right (over the chat on a phone);
    words through `gr.I18n` (see `ui.text`); the conversation kept in the browser."""
    import gradio as gr

    article = assistant.article
    i18n = gr.I18n(**translations(article))
    with gr.Blocks(title=article.title) as blocks:
        gr.Markdown(i18n("header"), elem_id="header")
        kept = gr.BrowserState([], storage_key=f"article-qa-{article.sha256[:16]}", secret=article.sha256)
        with gr.Row():
            with gr.Column(scale=3):
                chatbot = gr.Chatbot(
                    label=i18n("chat_label"), elem_id="chat", height=560, latex_delimiters=[], sanitize_html=True,
                    buttons=["copy"], placeholder=i18n("chat_placeholder"),
                )
                show_questions_as_text(chatbot)
                chat = gr.ChatInterface(
                    fn=lambda message, history: chat_reply(assistant, message, history),
                    chatbot=chatbot,
                    textbox=gr.Textbox(label=i18n("question_label"), placeholder=i18n("question_placeholder"),
                                       max_length=MAX_QUESTION_CHARS, submit_btn=True, elem_id="question"),
                    examples=EXAMPLES,
                    api_name="chat",
                    concurrency_limit=CONCURRENCY,
                    validator=validate_message,
                )
                with gr.Row():
                    download = gr.DownloadButton(i18n("export"), interactive=False, size="sm", elem_id="export")
                    gr.Button(i18n("show_article"), size="sm", elem_id="article-toggle")
            with gr.Column(scale=2, elem_id="source-column"):
                gr.HTML(article_panel(article), elem_id="source-panel")

        def keep(history):
            path = export_file(article, history)
            return history, gr.DownloadButton(value=path, interactive=path is not None)

        chatbot.change(keep, inputs=chatbot, outputs=[kept, download], show_progress="hidden", queue=False)
        # The browser reads the kept conversation after the page has loaded (a `load` event may
        # come first and see nothing) and says so with `change`. It goes into an empty chat only,
        # through a hidden value, so the chat is written once: an event that writes the chat on every
        # change disturbs how Gradio shows later questions.
        found = gr.JSON(None, visible="hidden", elem_classes="qa-hidden")

        def worth_restoring(saved, current):
            history = [] if current else restored(saved)
            return history if history else gr.skip()

        def restore(history):
            return history, history  # the chat interface answers from its own copy: set both

        kept.change(worth_restoring, inputs=[kept, chatbot], outputs=found, show_progress="hidden", queue=False)
        found.change(restore, inputs=found, outputs=[chatbot, chat.chatbot_state], show_progress="hidden",
                     queue=False)

        def ask_endpoint(question: str, history: list[str] | None = None, top_k: int = DEFAULT_TOP_K) -> dict:
            """Answer a question about the article; returns {answered, answer, quotes}."""
            return api_ask(assistant, question, history, top_k)

        gr.api(ask_endpoint, api_name="ask", concurrency_limit=CONCURRENCY)
    blocks.queue(default_concurrency_limit=CONCURRENCY, max_size=QUEUE_SIZE)
    blocks.i18n_instance = i18n
    return blocks


def page_script() -> str:
    """`page.js` as the function Gradio runs on load, with the words it writes itself."""
    config = {"strings": {lang: PAGE[lang] for lang in LANGUAGES}, "limit": MAX_QUESTION_CHARS,
              "near": MAX_QUESTION_CHARS * 4 // 5}
    return f"() => {{\nconst QA = {json.dumps(config, ensure_ascii=False)};\n{(HERE / 'page.js').read_text()}}}"


def build_app(assistant: Assistant, hosts: frozenset[str] | None = LOOPBACK_HOSTS, credentials: str | None = None):
    """The JSON API first (so Gradio's catch-all mount does not shadow it), then Gradio, all
    behind `guard.Guard`."""
    import gradio as gr

    theme = gr.themes.Default(font=["system-ui", "sans-serif"], font_mono=["ui-monospace", "monospace"])
    blocks = build_blocks(assistant)
    app = gr.mount_gradio_app(build_api(assistant), blocks, path="/", theme=theme,
                              css=(HERE / "page.css").read_text(), js=page_script(), i18n=blocks.i18n_instance,
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
