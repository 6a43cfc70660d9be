"""OpenAI-compatible chat endpoints through the `openai` SDK (OpenAI, vLLM, llama.cpp, LM Studio…).

A provider with a `base_url` and no `api_key_env` is taken to be a local server needing no key.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from pydantic import BaseModel

from aigentflow.llm.provider import ChatRequest, StreamEvent, estimate_tokens, map_sdk_error, read_key
from aigentflow.llm.settings import ProviderSettings
from aigentflow.llm.structured import StructuredResult, structured_via_chat
from aigentflow.llm.types import (
    Capabilities,
    ChatResult,
    Message,
    ProviderNotConfigured,
    SystemBlock,
    Usage,
    system_text,
)

if TYPE_CHECKING:
    import openai

T = TypeVar("T", bound=BaseModel)

__all__ = ["OpenAIProvider"]

_STOP = {"stop": "end", "length": "max_tokens", "tool_calls": "tool_use"}


def _usage(usage: Any) -> Usage:
    if usage is None:
        return Usage()
    details = getattr(usage, "prompt_tokens_details", None)
    return Usage(
        input=int(getattr(usage, "prompt_tokens", 0) or 0),
        output=int(getattr(usage, "completion_tokens", 0) or 0),
        cached=int(getattr(details, "cached_tokens", 0) or 0) if details is not None else 0,
    )


class OpenAIProvider:
    """The OpenAI chat-completions API and its compatible local servers."""

    def __init__(self, name: str, settings: ProviderSettings, environ: Mapping[str, str]) -> None:
        self.name = name
        self.settings = settings
        self._environ = environ
        self._client: openai.AsyncOpenAI | None = None
        self._client_key: str | None = None

    @property
    def capabilities(self) -> Capabilities:
        return Capabilities(streaming=True, embeddings=True)

    def _key(self) -> str:
        if self.settings.api_key_env is None and self.settings.base_url:
            return "local"  # a local compatible server; the SDK insists on some key
        return read_key(self._environ, self.settings.api_key_env, self.name)

    def unavailable(self) -> str | None:
        try:
            self._key()
        except ProviderNotConfigured as exc:
            return str(exc)
        return None

    def _sdk(self) -> openai.AsyncOpenAI:
        import openai  # imported on first use: the SDK costs seconds to import

        key = self._key()
        if self._client is None or key != self._client_key:
            # max_retries=0: the gateway's RetryPolicy is the only retry loop.
            self._client = openai.AsyncOpenAI(api_key=key, base_url=self.settings.base_url, max_retries=0)
            self._client_key = key
        return self._client

    def _params(self, request: ChatRequest) -> dict[str, Any]:
        messages: list[dict[str, str]] = []
        if system := system_text(request.system):
            messages.append({"role": "system", "content": system})
        messages += [{"role": m.role, "content": m.content} for m in request.messages]
        params: dict[str, Any] = {
            "model": request.model,
            "messages": messages,
            "max_tokens": request.max_tokens,
            "timeout": request.timeout_s,
        }
        if request.temperature is not None:
            params["temperature"] = request.temperature
        return params

    async def chat(self, request: ChatRequest) -> ChatResult:
        import openai

        client = self._sdk()
        try:
            completion = await client.chat.completions.create(**self._params(request))
        except openai.OpenAIError as exc:
            raise (map_sdk_error(exc, self.name) or exc) from None
        choice = completion.choices[0]
        return ChatResult(
            text=choice.message.content or "",
            provider=self.name,
            model=completion.model or request.model,
            usage=_usage(completion.usage),
            stop_reason=_STOP.get(str(choice.finish_reason), "other"),
        )

    async def stream_chat(self, request: ChatRequest) -> AsyncIterator[StreamEvent]:
        import openai

        client = self._sdk()
        parts: list[str] = []
        usage, stop, model = Usage(), "other", request.model
        try:
            stream = await client.chat.completions.create(
                **self._params(request), stream=True, stream_options={"include_usage": True}
            )
            async for chunk in stream:
                model = chunk.model or model
                if chunk.usage is not None:
                    usage = _usage(chunk.usage)
                for choice in chunk.choices:
                    if choice.delta.content:
                        parts.append(choice.delta.content)
                        yield choice.delta.content
                    if choice.finish_reason:
                        stop = _STOP.get(str(choice.finish_reason), "other")
        except openai.OpenAIError as exc:
            raise (map_sdk_error(exc, self.name) or exc) from None
        yield ChatResult(text="".join(parts), provider=self.name, model=model, usage=usage, stop_reason=stop)

    async def structured(self, request: ChatRequest, schema: type[T]) -> StructuredResult[T]:
        return await structured_via_chat(self, request, schema)

    async def embed(self, texts: Sequence[str], *, model: str) -> list[list[float]]:
        import openai

        client = self._sdk()
        try:
            response = await client.embeddings.create(model=model, input=list(texts))
        except openai.OpenAIError as exc:
            raise (map_sdk_error(exc, self.name) or exc) from None
        return [list(item.embedding) for item in sorted(response.data, key=lambda d: d.index)]

    def count_tokens(self, messages: Sequence[Message], system: str | list[SystemBlock] | None = None) -> int:
        return estimate_tokens(messages, system)
