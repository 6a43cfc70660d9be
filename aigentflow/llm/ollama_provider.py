"""Ollama over its HTTP API (`/api/chat`, `/api/embed`), with `httpx2`."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Sequence
from typing import Any, TypeVar

import httpx2
from pydantic import BaseModel

from aigentflow.llm.provider import ChatRequest, StreamEvent, estimate_tokens, map_sdk_error
from aigentflow.llm.retry import is_retryable_status, parse_retry_after
from aigentflow.llm.settings import ProviderSettings
from aigentflow.llm.structured import StructuredResult, structured_via_chat
from aigentflow.llm.types import (
    Capabilities,
    ChatResult,
    Message,
    ProviderCallError,
    SystemBlock,
    Usage,
    system_text,
)

T = TypeVar("T", bound=BaseModel)

__all__ = ["OllamaProvider"]

_STOP = {"stop": "end", "length": "max_tokens"}


class OllamaProvider:
    """A local (or remote) Ollama server; no key."""

    def __init__(self, name: str, settings: ProviderSettings) -> None:
        self.name = name
        self.settings = settings
        self.base_url = (settings.base_url or "http://127.0.0.1:11434").rstrip("/")

    @property
    def capabilities(self) -> Capabilities:
        return Capabilities(streaming=True, embeddings=True)

    def unavailable(self) -> str | None:
        return None  # reachability is only known by calling

    def _body(self, request: ChatRequest, stream: bool) -> dict[str, Any]:
        messages: list[dict[str, str]] = []
        if system := system_text(request.system):
            messages.append({"role": "system", "content": system})
        messages += [{"role": m.role, "content": m.content} for m in request.messages]
        options: dict[str, Any] = {"num_predict": request.max_tokens}
        if request.temperature is not None:
            options["temperature"] = request.temperature
        return {"model": request.model, "messages": messages, "stream": stream, "options": options}

    def _check(self, response: httpx2.Response) -> None:
        if response.status_code >= 400:
            raise ProviderCallError(
                f"{self.name}: HTTP {response.status_code}",
                provider=self.name,
                retryable=is_retryable_status(response.status_code),
                status=response.status_code,
                retry_after=parse_retry_after(dict(response.headers)),
            )

    def _result(self, data: dict[str, Any], text: str, model: str) -> ChatResult:
        usage = Usage(input=int(data.get("prompt_eval_count", 0)), output=int(data.get("eval_count", 0)))
        stop = _STOP.get(str(data.get("done_reason", "stop")), "other")
        return ChatResult(
            text=text, provider=self.name, model=data.get("model", model), usage=usage, stop_reason=stop
        )

    async def chat(self, request: ChatRequest) -> ChatResult:
        try:
            async with httpx2.AsyncClient(timeout=request.timeout_s) as client:
                response = await client.post(f"{self.base_url}/api/chat", json=self._body(request, False))
                self._check(response)
                data = response.json()
        except httpx2.HTTPError as exc:
            raise (map_sdk_error(exc, self.name) or exc) from None
        return self._result(data, str(data.get("message", {}).get("content", "")), request.model)

    async def stream_chat(self, request: ChatRequest) -> AsyncIterator[StreamEvent]:
        parts: list[str] = []
        last: dict[str, Any] = {}
        try:
            async with (
                httpx2.AsyncClient(timeout=request.timeout_s) as client,
                client.stream(
                    "POST", f"{self.base_url}/api/chat", json=self._body(request, True)
                ) as response,
            ):
                self._check(response)
                async for line in response.aiter_lines():
                    if not line.strip():
                        continue
                    last = json.loads(line)
                    if delta := last.get("message", {}).get("content", ""):
                        parts.append(delta)
                        yield delta
        except httpx2.HTTPError as exc:
            raise (map_sdk_error(exc, self.name) or exc) from None
        yield self._result(last, "".join(parts), request.model)

    async def structured(self, request: ChatRequest, schema: type[T]) -> StructuredResult[T]:
        return await structured_via_chat(self, request, schema)

    async def embed(self, texts: Sequence[str], *, model: str) -> list[list[float]]:
        try:
            async with httpx2.AsyncClient(timeout=self.settings.timeout_s or 60.0) as client:
                response = await client.post(
                    f"{self.base_url}/api/embed", json={"model": model, "input": list(texts)}
                )
                self._check(response)
        except httpx2.HTTPError as exc:
            raise (map_sdk_error(exc, self.name) or exc) from None
        return [list(map(float, v)) for v in response.json()["embeddings"]]

    def count_tokens(self, messages: Sequence[Message], system: str | list[SystemBlock] | None = None) -> int:
        return estimate_tokens(messages, system)
