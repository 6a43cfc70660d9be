"""A local HTTP server speaking the Anthropic Messages, OpenAI chat and Ollama APIs, with
scripted replies, for driving the real SDKs (via `base_url`) in tests.

    with anthropic_server(Reply.text('{"ok": true}'), Reply.rate_limited(retry_after="0")) as server:
        client = anthropic.AsyncAnthropic(api_key="test", base_url=server.base_url, max_retries=0)
        ...
        assert server.requests[0].body["model"] == "claude-x"
        assert "s3cret" not in server.received_text()

Replies are protocol-neutral and served in order, one per request, whatever the path; the
server renders each in the wire format of the path it was asked on (`/v1/messages`,
`/v1/chat/completions`, `/v1/embeddings`, `/api/chat`, `/api/embed`), streaming (SSE or
NDJSON) when the request asked for it. With no reply left it answers 400, so a test that
sends more than it scripted fails loudly instead of hanging.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field, replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

__all__ = ["ModelServer", "Received", "Reply", "anthropic_server", "model_server", "openai_server"]

_HANG_LIMIT_S = 10.0  # a hanging reply is released at shutdown, or after this at the latest


@dataclass(frozen=True)
class Reply:
    """One scripted answer. `hang` never answers (the client times out)."""

    text: str = ""
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    stop: str = "end"  # "end" | "max_tokens" | "tool_use"
    tool_input: dict[str, Any] | None = None
    input_tokens: int = 12
    output_tokens: int = 7
    cache_read_tokens: int = 0
    hang: bool = False
    error_type: str = "api_error"
    embeddings: list[list[float]] | None = None
    embed: Callable[[str], list[float]] | None = None  # a vector computed per input text
    render: Callable[[Received], str] | None = None  # text computed from the request

    @classmethod
    def from_request(cls, render: Callable[[Received], str], **kw: Any) -> Reply:
        """A text answer computed from what was received (e.g. echoing a placeholder back)."""
        return cls(render=render, **kw)

    @classmethod
    def of(cls, text: str, **kw: Any) -> Reply:
        return cls(text=text, **kw)

    @classmethod
    def truncated(cls, text: str) -> Reply:
        """The answer was cut by `max_tokens`."""
        return cls(text=text, stop="max_tokens")

    @classmethod
    def tool(cls, tool_input: dict[str, Any]) -> Reply:
        """A tool call (Anthropic `tool_use` block) carrying `tool_input`."""
        return cls(stop="tool_use", tool_input=tool_input)

    @classmethod
    def error(cls, status: int, error_type: str = "api_error", **headers: str) -> Reply:
        return cls(
            status=status, error_type=error_type, headers={k.replace("_", "-"): v for k, v in headers.items()}
        )

    @classmethod
    def rate_limited(cls, retry_after: str = "0") -> Reply:
        return cls.error(429, "rate_limit_error", retry_after=retry_after)

    @classmethod
    def overloaded(cls) -> Reply:
        return cls.error(529, "overloaded_error")

    @classmethod
    def timeout(cls) -> Reply:
        return cls(hang=True)

    @classmethod
    def embedding(cls, vectors: list[list[float]]) -> Reply:
        return cls(embeddings=vectors)

    @classmethod
    def embedding_by(cls, embed: Callable[[str], list[float]]) -> Reply:
        """Embeddings computed from each input text (as many vectors as inputs)."""
        return cls(embed=embed)


@dataclass(frozen=True)
class Received:
    """One request as the server saw it."""

    method: str
    path: str
    headers: dict[str, str]
    body: dict[str, Any]
    raw: str


class ModelServer:
    """The running server: its `base_url`, what it `received`, and the replies still queued."""

    def __init__(self, httpd: ThreadingHTTPServer, prefix: str) -> None:
        self._httpd = httpd
        host, port = httpd.server_address[:2]
        self.base_url = f"http://{host!s}:{port}{prefix}"
        self.requests: list[Received] = []
        self._replies: list[Reply] = []
        self._lock = threading.Condition()
        self.release = threading.Event()

    def queue(self, *replies: Reply) -> None:
        with self._lock:
            self._replies.extend(replies)

    @property
    def pending(self) -> int:
        with self._lock:
            return len(self._replies)

    def next_reply(self, received: Received) -> Reply | None:
        with self._lock:
            self.requests.append(received)
            self._lock.notify_all()
            reply = self._replies.pop(0) if self._replies else None
        if reply is not None and reply.render is not None:
            reply = replace(reply, text=reply.render(received), render=None)
        return reply

    def wait_for_requests(self, count: int, timeout: float = 10.0) -> bool:
        """Block until `count` requests arrived (True) or `timeout` passed (False)."""
        with self._lock:
            return self._lock.wait_for(lambda: len(self.requests) >= count, timeout)

    def received_text(self) -> str:
        """Every request body received so far, concatenated (to assert what never left)."""
        with self._lock:
            return "\n".join(r.raw for r in self.requests)


def _anthropic_message(reply: Reply, model: str) -> dict[str, Any]:
    content: list[dict[str, Any]] = []
    if reply.text:
        content.append({"type": "text", "text": reply.text})
    if reply.tool_input is not None:
        content.append(
            {"type": "tool_use", "id": "toolu_1", "name": "emit_result", "input": reply.tool_input}
        )
    stop = {"end": "end_turn", "max_tokens": "max_tokens", "tool_use": "tool_use"}[reply.stop]
    usage = {
        "input_tokens": reply.input_tokens,
        "output_tokens": reply.output_tokens,
        "cache_read_input_tokens": reply.cache_read_tokens,
        "cache_creation_input_tokens": 0,
    }
    return {
        "id": "msg_1",
        "type": "message",
        "role": "assistant",
        "model": model,
        "content": content,
        "stop_reason": stop,
        "stop_sequence": None,
        "usage": usage,
    }


def _anthropic_sse(reply: Reply, model: str) -> Iterator[str]:
    start = _anthropic_message(Reply(input_tokens=reply.input_tokens, output_tokens=1), model)
    start.update(content=[], stop_reason=None)
    events: list[tuple[str, dict[str, Any]]] = [
        ("message_start", {"type": "message_start", "message": start}),
        (
            "content_block_start",
            {"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}},
        ),
    ]
    for i in range(0, len(reply.text), 5):
        delta = {"type": "text_delta", "text": reply.text[i : i + 5]}
        events.append(("content_block_delta", {"type": "content_block_delta", "index": 0, "delta": delta}))
    stop = {"end": "end_turn", "max_tokens": "max_tokens", "tool_use": "tool_use"}[reply.stop]
    events += [
        ("content_block_stop", {"type": "content_block_stop", "index": 0}),
        (
            "message_delta",
            {
                "type": "message_delta",
                "delta": {"stop_reason": stop, "stop_sequence": None},
                "usage": {"output_tokens": reply.output_tokens},
            },
        ),
        ("message_stop", {"type": "message_stop"}),
    ]
    for name, data in events:
        yield f"event: {name}\ndata: {json.dumps(data)}\n\n"


def _openai_completion(reply: Reply, model: str) -> dict[str, Any]:
    finish = {"end": "stop", "max_tokens": "length", "tool_use": "tool_calls"}[reply.stop]
    return {
        "id": "chatcmpl-1",
        "object": "chat.completion",
        "created": 0,
        "model": model,
        "choices": [
            {"index": 0, "message": {"role": "assistant", "content": reply.text}, "finish_reason": finish}
        ],
        "usage": {
            "prompt_tokens": reply.input_tokens,
            "completion_tokens": reply.output_tokens,
            "total_tokens": reply.input_tokens + reply.output_tokens,
        },
    }


def _openai_sse(reply: Reply, model: str) -> Iterator[str]:
    def chunk(delta: dict[str, Any], finish: str | None) -> str:
        body = {
            "id": "c1",
            "object": "chat.completion.chunk",
            "created": 0,
            "model": model,
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
        }
        return f"data: {json.dumps(body)}\n\n"

    yield chunk({"role": "assistant", "content": ""}, None)
    for i in range(0, len(reply.text), 5):
        yield chunk({"content": reply.text[i : i + 5]}, None)
    yield chunk({}, {"end": "stop", "max_tokens": "length", "tool_use": "tool_calls"}[reply.stop])
    usage = _openai_completion(reply, model)["usage"]
    last = {
        "id": "c1",
        "object": "chat.completion.chunk",
        "created": 0,
        "model": model,
        "choices": [],
        "usage": usage,
    }
    yield f"data: {json.dumps(last)}\n\n"
    yield "data: [DONE]\n\n"


def _ollama(reply: Reply, model: str) -> dict[str, Any]:
    return {
        "model": model,
        "message": {"role": "assistant", "content": reply.text},
        "done": True,
        "done_reason": "length" if reply.stop == "max_tokens" else "stop",
        "prompt_eval_count": reply.input_tokens,
        "eval_count": reply.output_tokens,
    }


class _Handler(BaseHTTPRequestHandler):
    server_version = "FakeModelServer/1"

    def log_message(self, format: str, *args: Any) -> None:  # keep test output clean
        return

    def do_POST(self) -> None:
        length = int(self.headers.get("content-length", "0") or 0)
        raw = self.rfile.read(length).decode("utf-8", "replace")
        try:
            body = json.loads(raw) if raw else {}
        except json.JSONDecodeError:
            body = {}
        fake: ModelServer = self.server.fake  # type: ignore[attr-defined]
        received = Received("POST", self.path, {k.lower(): v for k, v in self.headers.items()}, body, raw)
        reply = fake.next_reply(received)
        if reply is None:
            reply = Reply(
                status=400, error_type="invalid_request_error", text="fake server: no scripted reply left"
            )
        if reply.hang:
            fake.release.wait(_HANG_LIMIT_S)
            return
        self._answer(reply, body)

    def _answer(self, reply: Reply, body: dict[str, Any]) -> None:
        model = str(body.get("model", "fake-model"))
        path = self.path.split("?")[0]
        if reply.status >= 400:
            message = reply.text or f"scripted {reply.status}"
            payload: dict[str, Any] = {
                "type": "error",
                "error": {"type": reply.error_type, "message": message},
            }
            return self._json(reply.status, payload, reply.headers)
        stream = bool(body.get("stream"))
        if path.endswith("/messages"):
            if stream:
                return self._stream(_anthropic_sse(reply, model), "text/event-stream")
            return self._json(200, _anthropic_message(reply, model), reply.headers)
        if path.endswith("/chat/completions"):
            if stream:
                return self._stream(_openai_sse(reply, model), "text/event-stream")
            return self._json(200, _openai_completion(reply, model), reply.headers)
        if path.endswith("/embeddings"):
            vectors = reply.embeddings or []
            if reply.embed is not None:
                inputs = body.get("input", [])
                vectors = [reply.embed(text) for text in ([inputs] if isinstance(inputs, str) else inputs)]
            data = [{"object": "embedding", "index": i, "embedding": v} for i, v in enumerate(vectors)]
            usage = {"prompt_tokens": 1, "total_tokens": 1}
            return self._json(200, {"object": "list", "data": data, "model": model, "usage": usage}, {})
        if path == "/api/chat":
            if stream:
                parts = [reply.text[i : i + 5] for i in range(0, len(reply.text), 5)]
                message = {"role": "assistant", "content": ""}
                lines = [
                    json.dumps({"model": model, "message": {**message, "content": p}, "done": False}) + "\n"
                    for p in parts
                ]
                lines.append(
                    json.dumps({**_ollama(reply, model), "message": {"role": "assistant", "content": ""}})
                    + "\n"
                )
                return self._stream(iter(lines), "application/x-ndjson")
            return self._json(200, _ollama(reply, model), reply.headers)
        if path == "/api/embed":
            return self._json(200, {"model": model, "embeddings": reply.embeddings or []}, {})
        return self._json(404, {"error": f"fake server: unknown path {path}"}, {})

    def _json(self, status: int, payload: dict[str, Any], headers: dict[str, str]) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        for key, value in headers.items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(data)

    def _stream(self, chunks: Iterator[str], content_type: str) -> None:
        self.send_response(200)
        self.send_header("content-type", content_type)
        self.send_header("cache-control", "no-cache")
        self.end_headers()
        for chunk in chunks:
            self.wfile.write(chunk.encode())
            self.wfile.flush()


@contextmanager
def model_server(*replies: Reply, prefix: str = "") -> Iterator[ModelServer]:
    """Serve on 127.0.0.1 (a free port) until the block ends; hanging replies are released."""
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    httpd.daemon_threads = True
    fake = ModelServer(httpd, prefix)
    httpd.fake = fake  # type: ignore[attr-defined]
    fake.queue(*replies)
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        fake.release.set()
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


def anthropic_server(*replies: Reply) -> AbstractContextManager[ModelServer]:
    """A server for `anthropic.Anthropic(base_url=server.base_url)`."""
    return model_server(*replies)


def openai_server(*replies: Reply) -> AbstractContextManager[ModelServer]:
    """A server for `openai.OpenAI(base_url=server.base_url)` (the base URL ends in /v1)."""
    return model_server(*replies, prefix="/v1")
