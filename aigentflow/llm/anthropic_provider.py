"""Anthropic through the official `anthropic` SDK: messages, streaming, forced tool use for
structured output, and prompt caching of the system levels marked stable.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from pydantic import BaseModel

from aigentflow.llm.provider import ChatRequest, StreamEvent, estimate_tokens, map_sdk_error, read_key
from aigentflow.llm.settings import ProviderSettings
from aigentflow.llm.structured import StructuredResult, structured_via_chat
from aigentflow.llm.types import Capabilities, ChatResult, Message, ProviderNotConfigured, SystemBlock, Usage

if TYPE_CHECKING:
    import anthropic

T = TypeVar("T", bound=BaseModel)

__all__ = ["TOOL_NAME", "AnthropicProvider"]

TOOL_NAME = "emit_result"
_STOP = {"end_turn": "end", "stop_sequence": "end", "max_tokens": "max_tokens", "tool_use": "tool_use"}


def _system(system: str | list[SystemBlock] | None) -> list[dict[str, Any]] | None:
    if not system:
        return None
    blocks = [SystemBlock(system)] if isinstance(system, str) else system
    out: list[dict[str, Any]] = []
    for block in blocks:
        item: dict[str, Any] = {"type": "text", "text": block.text}
        if block.cache:
            item["cache_control"] = {"type": "ephemeral"}
        out.append(item)
    return out


def _usage(usage: Any) -> Usage:
    return Usage(
        input=int(getattr(usage, "input_tokens", 0) or 0),
        output=int(getattr(usage, "output_tokens", 0) or 0),
        cached=int(getattr(usage, "cache_read_input_tokens", 0) or 0),
        cache_write=int(getattr(usage, "cache_creation_input_tokens", 0) or 0),
    )


class AnthropicProvider:
    """The Anthropic Messages API. The key is read from the environment on every call."""

    def __init__(self, name: str, settings: ProviderSettings, environ: Mapping[str, str]) -> None:
        self.name = name
        self.settings = settings
        self._environ = environ
        self._client: anthropic.AsyncAnthropic | None = None
        self._client_key: str | None = None

    @property
    def capabilities(self) -> Capabilities:
        return Capabilities(streaming=True, tool_use=True, prompt_caching=True, thinking=True)

    def unavailable(self) -> str | None:
        try:
            read_key(self._environ, self.settings.api_key_env, self.name)
        except ProviderNotConfigured as exc:
            return str(exc)
        return None

    def _sdk(self) -> anthropic.AsyncAnthropic:
        import anthropic  # imported on first use: the SDK costs seconds to import

        key = read_key(self._environ, self.settings.api_key_env, self.name)
        if self._client is None or key != self._client_key:
            # max_retries=0: the gateway's RetryPolicy is the only retry loop.
            self._client = anthropic.AsyncAnthropic(
                api_key=key, base_url=self.settings.base_url, max_retries=0
            )
            self._client_key = key
        return self._client

    def _params(self, request: ChatRequest) -> dict[str, Any]:
        params: dict[str, Any] = {
            "model": request.model,
            "max_tokens": request.max_tokens,
            "messages": [{"role": m.role, "content": m.content} for m in request.messages],
            "timeout": request.timeout_s,
        }
        if (system := _system(request.system)) is not None:
            params["system"] = system
        if request.temperature is not None:
            params["temperature"] = request.temperature
        if request.thinking:
            # an explicit budget uses "enabled"; otherwise the model decides ("adaptive")
            params["thinking"] = (
                {"type": "enabled", "budget_tokens": int(request.thinking)}
                if request.thinking is not True
                else {"type": "adaptive"}
            )
        if request.tool_schema is not None and not request.thinking:  # forced tool use excludes thinking
            params["tools"] = [
                {"name": TOOL_NAME, "description": "Return the result.", "input_schema": request.tool_schema}
            ]
            params["tool_choice"] = {"type": "tool", "name": TOOL_NAME}
        return params

    def _result(self, message: Any, model: str) -> ChatResult:
        text = "".join(getattr(b, "text", "") for b in message.content if getattr(b, "type", "") == "text")
        tool_input = next(
            (dict(b.input) for b in message.content if getattr(b, "type", "") == "tool_use"), None
        )
        return ChatResult(
            text=text,
            provider=self.name,
            model=getattr(message, "model", model) or model,
            usage=_usage(message.usage),
            stop_reason=_STOP.get(str(message.stop_reason), "other"),
            tool_input=tool_input,
        )

    async def chat(self, request: ChatRequest) -> ChatResult:
        import anthropic

        client = self._sdk()
        try:
            message = await client.messages.create(**self._params(request))
        except anthropic.AnthropicError as exc:
            raise (map_sdk_error(exc, self.name) or exc) from None
        return self._result(message, request.model)

    async def stream_chat(self, request: ChatRequest) -> AsyncIterator[StreamEvent]:
        import anthropic

        client = self._sdk()
        try:
            async with client.messages.stream(**self._params(request)) as stream:
                async for text in stream.text_stream:
                    yield text
                final = await stream.get_final_message()
        except anthropic.AnthropicError as exc:
            raise (map_sdk_error(exc, self.name) or exc) from None
        yield self._result(final, request.model)

    async def structured(self, request: ChatRequest, schema: type[T]) -> StructuredResult[T]:
        return await structured_via_chat(self, request, schema)

    async def embed(self, texts: Sequence[str], *, model: str) -> list[list[float]]:
        raise ProviderNotConfigured(f"provider '{self.name}' (Anthropic) has no embeddings API")

    def count_tokens(self, messages: Sequence[Message], system: str | list[SystemBlock] | None = None) -> int:
        return estimate_tokens(messages, system)
