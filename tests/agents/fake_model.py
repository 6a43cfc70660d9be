"""A local HTTP server speaking the Anthropic Messages API with scripted answers.

Each POST /v1/messages pops the next scripted reply: a dict becomes the input of a forced
`tool_use` block (structured output), a string becomes a text block. Requests are recorded so
tests can check what the fixer was sent (and that nothing was sent at all).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

__all__ = ["FakeAnthropic", "fake_anthropic"]


class FakeAnthropic:
    def __init__(self, replies: list[dict[str, Any] | str]) -> None:
        self.replies = list(replies)
        self.requests: list[dict[str, Any]] = []
        self.url = ""

    def answer(self, body: dict[str, Any]) -> dict[str, Any]:
        self.requests.append(body)
        reply = self.replies.pop(0) if self.replies else "no more scripted replies"
        tools = body.get("tools") or []
        if isinstance(reply, dict) and tools:
            content: list[dict[str, Any]] = [
                {
                    "type": "tool_use",
                    "id": f"toolu_{len(self.requests)}",
                    "name": tools[0]["name"],
                    "input": reply,
                }
            ]
            stop = "tool_use"
        else:
            content = [{"type": "text", "text": reply if isinstance(reply, str) else json.dumps(reply)}]
            stop = "end_turn"
        return {
            "id": f"msg_{len(self.requests)}",
            "type": "message",
            "role": "assistant",
            "model": body.get("model", "fake"),
            "content": content,
            "stop_reason": stop,
            "stop_sequence": None,
            "usage": {"input_tokens": 100, "output_tokens": 50},
        }

    def prompt_text(self, index: int = -1) -> str:
        """The user text of one recorded request."""
        message = self.requests[index]["messages"][-1]["content"]
        return message if isinstance(message, str) else "".join(b.get("text", "") for b in message)


@contextmanager
def fake_anthropic(replies: list[dict[str, Any] | str]) -> Iterator[FakeAnthropic]:
    fake = FakeAnthropic(replies)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("content-length", "0"))
            body = json.loads(self.rfile.read(length) or b"{}")
            data = json.dumps(fake.answer(body)).encode()
            self.send_response(200)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:  # quiet
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    fake.url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
