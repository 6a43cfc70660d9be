"""The values every provider speaks: messages, system blocks, answers, usage, capabilities.

Providers translate these to and from their wire format; nothing above `aigentflow.llm`
sees an SDK type.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from aigentflow.errors import ProviderError

__all__ = [
    "Capabilities",
    "ChatResult",
    "Message",
    "ProviderCallError",
    "ProviderNotConfigured",
    "SystemBlock",
    "Usage",
    "system_text",
]

Role = Literal["user", "assistant"]


@dataclass(frozen=True)
class Message:
    """One conversation turn.

    `source` is None for content the user wrote; otherwise it names where untrusted content
    came from ("file:src/app.py", "tool:pytest", "web:https://…"), which makes the gateway
    screen it for prompt injection before it is sent.
    """

    role: Role
    content: str
    source: str | None = None


@dataclass(frozen=True)
class SystemBlock:
    """One level of the system prompt; `cache` marks it stable enough for prompt caching."""

    text: str
    cache: bool = False


def system_text(system: str | list[SystemBlock] | None) -> str:
    """The system prompt as one string (for providers without block-level caching)."""
    if system is None:
        return ""
    if isinstance(system, str):
        return system
    return "\n\n".join(block.text for block in system if block.text)


@dataclass(frozen=True)
class Usage:
    """Tokens a call consumed; `cached` were read from the prompt cache, `cache_write` written."""

    input: int = 0
    output: int = 0
    cached: int = 0
    cache_write: int = 0


@dataclass(frozen=True)
class ChatResult:
    """A model's answer. `stop_reason` is normalised: "end", "max_tokens", "tool_use" or "other"."""

    text: str
    provider: str
    model: str
    usage: Usage = field(default_factory=Usage)
    stop_reason: str = "end"
    tool_input: dict[str, object] | None = None  # the arguments of a forced tool call

    @property
    def truncated(self) -> bool:
        return self.stop_reason == "max_tokens"


@dataclass(frozen=True)
class Capabilities:
    """What a provider can do, so callers choose a path instead of catching errors."""

    streaming: bool = True
    embeddings: bool = False
    tool_use: bool = False
    prompt_caching: bool = False
    thinking: bool = False
    exact_token_count: bool = False


class ProviderNotConfigured(ProviderError):
    """No usable provider: the message says which key or provider to configure."""


class ProviderCallError(ProviderError):
    """One provider call failed.

    `retryable` says whether the same call may succeed later (429, 5xx, overloaded, timeout,
    connection); `retry_after` is the server's requested delay in seconds, when it gave one.
    """

    def __init__(
        self,
        message: str,
        *,
        provider: str,
        retryable: bool,
        status: int | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message)
        self.provider = provider
        self.retryable = retryable
        self.status = status
        self.retry_after = retry_after
