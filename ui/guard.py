"""What every HTTP request passes before the app sees it: host, credentials, uploads, body size.

An ASGI middleware around the whole app (the JSON API and Gradio alike):
- `Host` must name the loopback interface when the server listens there, so a web page on
  another site cannot reach it through a DNS name pointed at 127.0.0.1 (DNS rebinding);
- with credentials set (`serve --auth USER:PASSWORD`), every request but `/api/health` needs
  HTTP basic authentication, which browsers ask for themselves;
- uploads are refused (Gradio's upload routes and any multipart body): no feature takes a file,
  so none is stored;
- a body over `MAX_BODY_BYTES` is refused with 413 as soon as that is known: from
  `Content-Length` before reading, or while reading a body sent without one. Nothing of it is
  kept; the rest is read and dropped (for a few seconds at most) so the client gets the answer.
Refusals are JSON in the API's one error shape, `{"error": message}`.
"""

from __future__ import annotations

import asyncio
import base64
import secrets

# The longest valid request (a 500-character question and 200 earlier ones, every character
# escaped as \uXXXX, as Python's json.dumps writes Vietnamese) is about 600 KB.
MAX_BODY_BYTES = 1024 * 1024
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
UPLOAD_PATHS = ("/gradio_api/upload", "/upload")
OPEN_PATHS = ("/api/health",)
DRAIN_SECONDS = 5.0  # how long, and how much of, a refused request's remaining body is read and dropped
DRAIN_BYTES = 256 * 1024 * 1024


def error_response(status: int, message: str, headers: dict[str, str] | None = None):
    """The API's error shape as a Starlette response."""
    from starlette.responses import JSONResponse

    return JSONResponse({"error": message}, status_code=status, headers=headers)


def _host_name(value: str) -> str:
    if value.startswith("["):  # "[::1]:7860"
        return value[1:].split("]", 1)[0]
    return value.rsplit(":", 1)[0] if value.count(":") == 1 else value


class Guard:
    """ASGI middleware; `hosts` None admits any Host, `credentials` None admits anyone."""

    def __init__(self, app, hosts: frozenset[str] | None = LOOPBACK_HOSTS, credentials: str | None = None,
                 max_body: int = MAX_BODY_BYTES):
        self.app = app
        self.hosts = hosts
        self.expected = "Basic " + base64.b64encode(credentials.encode()).decode() if credentials else None
        self.max_body = max_body

    async def __call__(self, scope, receive, send):
        if scope["type"] not in ("http", "websocket"):
            return await self.app(scope, receive, send)
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        refusal = self._refusal(scope, headers)
        if refusal is not None:
            if scope["type"] == "websocket":
                return await send({"type": "websocket.close", "code": 1008})
            if headers.get("expect", "").lower() != "100-continue":  # else the body was never sent
                await _discard_body(receive)
            return await refusal(scope, receive, send)
        if scope["type"] == "websocket":
            return await self.app(scope, receive, send)

        # The body is read here, at most `max_body` of it, and handed on whole: the app never
        # starts on a request that will turn out too large.
        parts, total = [], 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            total += len(message.get("body", b""))
            if total > self.max_body:
                if message.get("more_body") and headers.get("expect", "").lower() != "100-continue":
                    await _discard_body(receive)
                return await self._too_large()(scope, receive, send)
            parts.append(message.get("body", b""))
            if not message.get("more_body"):
                break
        handed = False

        async def replay():
            nonlocal handed
            if handed:
                return await receive()  # later calls wait for the client to go away, as before
            handed = True
            return {"type": "http.request", "body": b"".join(parts), "more_body": False}

        await self.app(scope, replay, send)

    def _refusal(self, scope, headers: dict[str, str]):
        if self.hosts is not None and _host_name(headers.get("host", "")) not in self.hosts:
            return error_response(400, "this server answers only on the loopback interface "
                                       "(Host must be 127.0.0.1 or localhost)")
        path = scope.get("path", "")
        if self.expected and path not in OPEN_PATHS:
            given = headers.get("authorization", "")
            if not secrets.compare_digest(given.encode(), self.expected.encode()):
                return error_response(401, "authentication required",
                                      {"WWW-Authenticate": 'Basic realm="article-qa", charset="UTF-8"'})
        if path.startswith(UPLOAD_PATHS) or headers.get("content-type", "").lower().startswith("multipart/"):
            return error_response(403, "uploads are not accepted: no feature of this server takes a file")
        length = headers.get("content-length", "")
        if length.isascii() and length.isdigit() and int(length) > self.max_body:
            return self._too_large()
        return None

    def _too_large(self):
        return error_response(413, f"the request body is over {self.max_body:,} bytes; send one question "
                                   "and its history as JSON")


async def _discard_body(receive) -> None:
    """Read what is left of a refused request's body and drop it, for at most DRAIN_SECONDS and
    DRAIN_BYTES: a client still sending (urllib, requests) would otherwise meet a reset
    connection instead of the refusal. Nothing is kept; a client that stalls is not waited for."""

    async def drain() -> None:
        seen = 0
        while seen <= DRAIN_BYTES:
            message = await receive()
            if message["type"] != "http.request" or not message.get("more_body"):
                return
            seen += len(message.get("body", b""))

    try:
        await asyncio.wait_for(drain(), DRAIN_SECONDS)
    except asyncio.TimeoutError:
        pass


def parse_credentials(value: str | None) -> str | None:
    """`USER:PASSWORD` as given to `serve --auth`; raises ValueError when it is not that."""
    if value is None or value == "":
        return None
    user, sep, password = value.partition(":")
    if not sep or not user or not password:
        raise ValueError("--auth takes USER:PASSWORD (both non-empty)")
    return value


def error_body_schema() -> dict:
    """The error shape for OpenAPI."""
    return {"application/json": {"schema": {"type": "object", "required": ["error"],
                                            "properties": {"error": {"type": "string"}}}}}
