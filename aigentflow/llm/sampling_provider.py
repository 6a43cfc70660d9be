"""MCP sampling: the connected MCP host's own model answers (`sampling/createMessage`).

A Claude Desktop user then needs no API key. The session is per connection and the sampling
request must ride on the request being served, so the MCP adapter binds both around the work
it starts (`with bind_sampling(ctx.session, ctx.request_context.request_id): …`); without a
bound session whose client declared sampling, the provider is unavailable.
"""

from __future__ import annotations

import contextvars
from collections.abc import AsyncIterator, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar

from mcp import types
from mcp.shared.exceptions import MCPError
from mcp.shared.message import ServerMessageMetadata
from pydantic import BaseModel

from aigentflow.llm.provider import ChatRequest, StreamEvent, estimate_tokens
from aigentflow.llm.structured import StructuredResult, structured_via_chat
from aigentflow.llm.types import (
    Capabilities,
    ChatResult,
    Message,
    ProviderCallError,
    ProviderNotConfigured,
    SystemBlock,
    Usage,
    system_text,
)

T = TypeVar("T", bound=BaseModel)

__all__ = ["SamplingProvider", "bind_sampling"]

_SESSION: contextvars.ContextVar[Any | None] = contextvars.ContextVar(
    "aigentflow_sampling_session", default=None
)
_STOP = {"endTurn": "end", "stopSequence": "end", "maxTokens": "max_tokens", "toolUse": "tool_use"}


@contextmanager
def bind_sampling(session: Any, request_id: Any = None) -> Iterator[None]:
    """Make `session` (an MCP ServerSession) the sampling backend inside this block.

    `request_id` is the id of the request being served: the sampling request is sent as part
    of it (transports such as streamable HTTP only allow server requests within a request).
    """
    token = _SESSION.set((session, request_id))
    try:
        yield
    finally:
        _SESSION.reset(token)


def _offers_sampling(session: Any) -> bool:
    check = getattr(session, "check_client_capability", None)
    return bool(check and check(types.ClientCapabilities(sampling=types.SamplingCapability())))


class SamplingProvider:
    """Asks the MCP host's model; `model` in a tier is only a hint passed as a preference."""

    def __init__(self, name: str) -> None:
        self.name = name

    @property
    def capabilities(self) -> Capabilities:
        return Capabilities(streaming=False)

    def unavailable(self) -> str | None:
        bound = _SESSION.get()
        session = bound[0] if bound is not None else None
        if session is None:
            return f"provider '{self.name}' (MCP sampling) needs a connected MCP host offering sampling"
        if not _offers_sampling(session):
            return f"provider '{self.name}': the connected MCP host does not offer sampling"
        if not getattr(session, "can_send_request", True):
            # e.g. the 2026-07-28 per-request protocol, where sampling is deprecated (SEP-2577)
            return f"provider '{self.name}': this MCP connection cannot carry sampling requests"
        return None

    async def chat(self, request: ChatRequest) -> ChatResult:
        if (reason := self.unavailable()) is not None:
            raise ProviderNotConfigured(reason)
        session, request_id = _SESSION.get() or (None, None)
        assert session is not None  # unavailable() said so
        params = types.CreateMessageRequestParams(
            messages=[
                types.SamplingMessage(role=m.role, content=types.TextContent(type="text", text=m.content))
                for m in request.messages
            ],
            system_prompt=system_text(request.system) or None,
            max_tokens=request.max_tokens,
            temperature=request.temperature,
            model_preferences=types.ModelPreferences(hints=[types.ModelHint(name=request.model)]),
        )
        try:
            # send_request directly: ServerSession.create_message carries a deprecation warning.
            result = await session.send_request(
                types.CreateMessageRequest(params=params),
                types.CreateMessageResult,
                request_read_timeout_seconds=request.timeout_s,
                metadata=ServerMessageMetadata(related_request_id=request_id),
            )
        except MCPError as exc:
            raise ProviderCallError(
                f"{self.name}: host refused sampling ({exc})", provider=self.name, retryable=False
            ) from None
        except TimeoutError:
            raise ProviderCallError(
                f"{self.name}: host timed out", provider=self.name, retryable=True
            ) from None
        content = result.content
        text = content.text if isinstance(content, types.TextContent) else ""
        stop = _STOP.get(str(result.stop_reason), "end")
        return ChatResult(text=text, provider=self.name, model=result.model, usage=Usage(), stop_reason=stop)

    async def stream_chat(self, request: ChatRequest) -> AsyncIterator[StreamEvent]:
        result = await self.chat(request)  # sampling has no streaming: one delta, then the result
        yield result.text
        yield result

    async def structured(self, request: ChatRequest, schema: type[T]) -> StructuredResult[T]:
        return await structured_via_chat(self, request, schema)

    async def embed(self, texts: Sequence[str], *, model: str) -> list[list[float]]:
        raise ProviderNotConfigured(f"provider '{self.name}' (MCP sampling) has no embeddings")

    def count_tokens(self, messages: Sequence[Message], system: str | list[SystemBlock] | None = None) -> int:
        return estimate_tokens(messages, system)
