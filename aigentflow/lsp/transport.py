"""A JSON-RPC stream loop for pygls that answers every malformed message.

pygls 2.1 silently drops messages it cannot parse (the client then waits forever) and loses
every later message after a bad Content-Length. This loop reads the base protocol itself:
a body that is not UTF-8 or not JSON gets a -32700 Parse error, a non-object or a wrong
`jsonrpc` gets -32600, params that do not fit the method get -32602, and framing errors
resynchronise on the next `Content-Length` header instead of ending the connection.
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

from pygls.exceptions import JsonRpcException, JsonRpcInvalidParams
from pygls.lsp.server import LanguageServer

__all__ = ["StreamWriter", "serve_lsp_stream"]

logger = logging.getLogger(__name__)

MAX_BODY = 64 * 1024 * 1024
PARSE_ERROR = -32700
INVALID_REQUEST = -32600
INVALID_PARAMS = -32602


class StreamWriter:
    """pygls' writer interface over an asyncio StreamWriter; writes after close are dropped."""

    def __init__(self, writer: asyncio.StreamWriter) -> None:
        self._writer = writer

    def write(self, data: bytes) -> None:
        if self._writer.is_closing():
            return
        self._writer.write(data)

    def close(self) -> None:
        if not self._writer.is_closing():
            self._writer.close()


def _frame(payload: dict[str, Any]) -> bytes:
    body = json.dumps(payload).encode("utf-8")
    return b"Content-Length: %d\r\n\r\n%s" % (len(body), body)


def _send_error(writer: StreamWriter, msg_id: Any, code: int, message: str) -> None:
    writer.write(_frame({"jsonrpc": "2.0", "id": msg_id, "error": {"code": code, "message": message}}))


async def _read_headers(reader: asyncio.StreamReader) -> dict[str, str] | None:
    """Header fields of the next message; None at end of stream."""
    headers: dict[str, str] = {}
    while True:
        line = await reader.readline()
        if not line:
            return None
        stripped = line.strip()
        if not stripped:
            if headers:
                return headers
            continue  # stray blank lines between messages
        text = stripped.decode("latin-1")
        # Resynchronise after a broken message: a header glued to leftover body bytes.
        at = text.lower().find("content-length:")
        if at > 0:
            text = text[at:]
        name, sep, value = text.partition(":")
        if not sep:
            headers.setdefault("__garbage__", text[:80])
            continue
        headers[name.strip().lower()] = value.strip()


async def serve_lsp_stream(
    server: LanguageServer, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
) -> None:
    """Run `server` over one byte stream until the client closes it or sends `exit`."""
    out = StreamWriter(writer)
    server.protocol.set_writer(out)
    state = {"shutdown": False}
    while not writer.is_closing():
        try:
            headers = await _read_headers(reader)
        except (ConnectionError, asyncio.LimitOverrunError, ValueError):
            break
        if headers is None:
            break
        raw_length = headers.get("content-length", "")
        if not raw_length.isdigit() or int(raw_length) > MAX_BODY:
            _send_error(out, None, PARSE_ERROR, f"Parse error: bad Content-Length header {raw_length!r}")
            continue
        try:
            body = await reader.readexactly(int(raw_length))
        except (asyncio.IncompleteReadError, ConnectionError):
            break
        _dispatch(server, out, body, state)
    out.close()


def _dispatch(server: LanguageServer, out: StreamWriter, body: bytes, state: dict[str, bool]) -> None:
    try:
        raw = json.loads(body.decode("utf-8"))
    except UnicodeDecodeError:
        _send_error(out, None, PARSE_ERROR, "Parse error: message body is not valid UTF-8")
        return
    except ValueError as exc:
        _send_error(out, None, PARSE_ERROR, f"Parse error: invalid JSON ({exc})")
        return
    if not isinstance(raw, dict):
        _send_error(
            out, None, INVALID_REQUEST, "Invalid Request: expected a JSON object (batches unsupported)"
        )
        return
    msg_id = raw.get("id")
    method = raw.get("method")
    is_request = "id" in raw and method is not None
    if raw.get("jsonrpc") != "2.0" or (method is not None and not isinstance(method, str)):
        if "id" in raw:
            _send_error(out, msg_id, INVALID_REQUEST, "Invalid Request: not a JSON-RPC 2.0 message")
        return
    if state["shutdown"] and is_request:
        _send_error(out, msg_id, INVALID_REQUEST, "Invalid Request: the server is shutting down")
        return
    try:
        message = server.protocol.structure_message(raw)
    except JsonRpcInvalidParams:
        if is_request:
            _send_error(out, msg_id, INVALID_PARAMS, f"Invalid params for {method}")
        else:
            logger.warning("dropped notification %s with invalid params", method)
        return
    except JsonRpcException as exc:
        if is_request:
            _send_error(out, msg_id, exc.code, exc.message or "Internal error")
        return
    if method == "shutdown":
        state["shutdown"] = True
    try:
        server.protocol.handle_message(message)
    except Exception:  # one bad message must not end the connection
        logger.exception("error handling %s", method)
        if is_request:
            _send_error(out, msg_id, -32603, f"Internal error handling {method}")
