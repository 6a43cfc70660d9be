"""The provider protocol every model backend implements, and what they share.

A provider knows one wire protocol (Anthropic Messages, OpenAI chat, Ollama, MCP sampling).
It does not retry, redact, budget or fall back: the `ModelGateway` does that, once, for all.
"""

from __future__ import annotations

import math
from collections.abc import AsyncIterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Protocol, TypeVar, runtime_checkable

from pydantic import BaseModel

from aigentflow.llm.retry import is_retryable_status, parse_retry_after
from aigentflow.llm.types import (
    Capabilities,
    ChatResult,
    Message,
    ProviderCallError,
    ProviderNotConfigured,
    SystemBlock,
    system_text,
)

if TYPE_CHECKING:
    from aigentflow.llm.structured import StructuredResult

T = TypeVar("T", bound=BaseModel)

__all__ = ["ChatRequest", "Provider", "StreamEvent", "estimate_tokens", "map_sdk_error", "read_key"]

StreamEvent = str | ChatResult  # text deltas, then one final ChatResult


class ChatRequest:
    """What one call sends, provider-neutral. `tool_schema` forces a structured tool call."""

    __slots__ = (
        "max_tokens",
        "messages",
        "model",
        "system",
        "temperature",
        "thinking",
        "timeout_s",
        "tool_schema",
    )

    def __init__(
        self,
        messages: Sequence[Message],
        *,
        model: str,
        max_tokens: int,
        timeout_s: float,
        system: str | list[SystemBlock] | None = None,
        temperature: float | None = None,
        tool_schema: dict[str, Any] | None = None,
        thinking: bool | int = False,
    ) -> None:
        self.messages = list(messages)
        self.model = model
        self.max_tokens = max_tokens
        self.timeout_s = timeout_s
        self.system = system
        self.temperature = temperature
        self.tool_schema = tool_schema
        # extended thinking where the provider supports it: True adaptive, an int a token budget
        self.thinking = thinking


@runtime_checkable
class Provider(Protocol):
    """One model backend. `name` is its key in `llm.providers`."""

    name: str

    @property
    def capabilities(self) -> Capabilities: ...

    def unavailable(self) -> str | None:
        """None when the provider can be called; otherwise what to configure, for the user."""
        ...

    async def chat(self, request: ChatRequest) -> ChatResult:
        """One answer. Raises ProviderCallError (with `retryable`) or ProviderNotConfigured."""
        ...

    def stream_chat(self, request: ChatRequest) -> AsyncIterator[StreamEvent]:
        """Text deltas as they arrive, then the final ChatResult (text, usage, stop reason)."""
        ...

    async def structured(self, request: ChatRequest, schema: type[T]) -> StructuredResult[T]:
        """A validated `schema` instance (or the errors), via `structured_via_chat`."""
        ...

    async def embed(self, texts: Sequence[str], *, model: str) -> list[list[float]]:
        """One vector per text. Raises ProviderNotConfigured when the provider has no embeddings."""
        ...

    def count_tokens(self, messages: Sequence[Message], system: str | list[SystemBlock] | None = None) -> int:
        """Tokens the prompt will use (an estimate unless `capabilities.exact_token_count`)."""
        ...


def estimate_tokens(messages: Sequence[Message], system: str | list[SystemBlock] | None = None) -> int:
    """A conservative offline estimate: ~3.5 characters per token plus per-message overhead."""
    chars = len(system_text(system)) + sum(len(m.content) for m in messages)
    return math.ceil(chars / 3.5) + 4 * (len(messages) + 1)


def read_key(environ: Mapping[str, str], env_var: str | None, provider: str) -> str:
    """The API key from `env_var`, or ProviderNotConfigured naming the variable to set."""
    key = environ.get(env_var, "").strip() if env_var else ""
    if not key:
        raise ProviderNotConfigured(
            f"provider '{provider}' has no API key: set the environment variable"
            f" {env_var or 'named by llm.providers.' + provider + '.api_key_env'}"
            " or configure another provider in llm.tiers"
        )
    return key


def map_sdk_error(exc: Exception, provider: str) -> ProviderCallError | None:
    """A ProviderCallError for an anthropic/openai/httpx2 exception; None when not one of theirs.

    Both SDKs name their errors alike (APIStatusError with `status_code` and `response`,
    APITimeoutError, APIConnectionError), so one duck-typed mapping serves both.
    """
    kind = type(exc).__name__
    status = getattr(exc, "status_code", None)
    if isinstance(status, int):
        response = getattr(exc, "response", None)
        headers = dict(getattr(response, "headers", {}) or {})
        return ProviderCallError(
            f"{provider}: HTTP {status} ({kind})",
            provider=provider,
            retryable=is_retryable_status(status),
            status=status,
            retry_after=parse_retry_after(headers),
        )
    if "Timeout" in kind:
        return ProviderCallError(f"{provider}: timed out", provider=provider, retryable=True)
    if "Connection" in kind or "Connect" in kind or "Network" in kind or "Protocol" in kind:
        return ProviderCallError(f"{provider}: connection failed ({kind})", provider=provider, retryable=True)
    return None
