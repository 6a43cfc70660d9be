"""The one door to the models: routing by purpose, guardrails, budgets, retry, fallback, ledger.

    gateway = build_gateway(settings.llm, os.environ, store, secret_packs)
    answer = await gateway.chat([Message("user", "…")], purpose="classify", task_id="t1")
    result = await gateway.structured(messages, BugFixOutput, purpose="fix", task_id="t1")

For every call: the purpose picks a tier, the tier a fallback chain of (provider, model); the
messages are screened and redacted (`CallGuard`); for each available provider in the chain the
budget is checked (BudgetExceeded before anything is sent), the call runs under the retry
policy and a timeout, and every attempt lands in the cost ledger; the answer is restored and
checked, and every guard event is recorded.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any, TypeVar

import anyio
from pydantic import BaseModel

from aigentflow.errors import ProviderError
from aigentflow.guard import GuardEvent, schema_event
from aigentflow.llm.budget import BudgetGuard, cost_usd, price_for
from aigentflow.llm.guarding import CallGuard, GuardPolicy, StreamRestorer
from aigentflow.llm.provider import ChatRequest, Provider
from aigentflow.llm.retry import RetryPolicy
from aigentflow.llm.settings import LlmSettings, ModelRef
from aigentflow.llm.structured import StructuredResult, parse_structured, reask_message, schema_instruction
from aigentflow.llm.types import (
    ChatResult,
    Message,
    ProviderCallError,
    ProviderNotConfigured,
    SystemBlock,
    Usage,
)
from aigentflow.state.guard_log import GuardEventLog, GuardRecord
from aigentflow.state.ledger import CallRecord, CostLedger

__all__ = ["Answer", "CallOptions", "ModelGateway"]

logger = logging.getLogger(__name__)

T = TypeVar("T", bound=BaseModel)


@dataclass(frozen=True)
class CallOptions:
    """Per-call choices; `purpose` picks the tier ("classify", "plan", "fix"…)."""

    purpose: str = "default"
    task_id: str | None = None
    max_tokens: int | None = None
    temperature: float | None = None
    thinking: bool | int = False  # extended thinking (Anthropic): True adaptive, an int a token budget
    correlation_id: str = field(default_factory=lambda: uuid.uuid4().hex)


@dataclass(frozen=True)
class Answer:
    """A guarded answer: `text` has placeholders restored."""

    text: str
    provider: str
    model: str
    usage: Usage
    stop_reason: str
    correlation_id: str
    cost_usd: float
    guard_events: list[GuardEvent]
    budget_warnings: list[str]
    raw: ChatResult

    @property
    def truncated(self) -> bool:
        return self.stop_reason == "max_tokens"


class ModelGateway:
    """Routes calls to providers; see the module docstring for the pipeline."""

    def __init__(
        self,
        settings: LlmSettings,
        providers: Mapping[str, Provider],
        *,
        guard: GuardPolicy,
        ledger: CostLedger | None = None,
        guard_log: GuardEventLog | None = None,
        retry: RetryPolicy | None = None,
    ) -> None:
        self.settings = settings
        self.providers = dict(providers)
        self.guard_policy = guard
        self.ledger = ledger
        self.guard_log = guard_log
        self.retry = retry or RetryPolicy(settings.retry)
        self.budget = BudgetGuard(settings.budget, ledger) if ledger is not None else None

    # -- routing -----------------------------------------------------------------------------

    def chain(self, purpose: str) -> list[ModelRef]:
        """The fallback chain serving `purpose`."""
        tier = self.settings.purposes.get(purpose, self.settings.default_tier)
        return list(self.settings.tiers.get(tier, self.settings.tiers[self.settings.default_tier]))

    def unavailable(self, purpose: str = "default") -> str | None:
        """None when some provider of the purpose's chain can be called; else what to configure."""
        reasons = [r for ref in self.chain(purpose) if (r := self._reason(ref)) is not None]
        return None if len(reasons) < len(self.chain(purpose)) else "; ".join(dict.fromkeys(reasons))

    def _reason(self, ref: ModelRef) -> str | None:
        provider = self.providers.get(ref.provider)
        return f"provider '{ref.provider}' is not built" if provider is None else provider.unavailable()

    # -- public calls --------------------------------------------------------------------------

    async def chat(
        self,
        messages: Sequence[Message],
        *,
        system: str | list[SystemBlock] | None = None,
        options: CallOptions | None = None,
    ) -> Answer:
        """One guarded answer. Raises ProviderNotConfigured, BudgetExceeded or ProviderError."""
        opts = options or CallOptions()
        guard = CallGuard(self.guard_policy)
        sent, sent_system = guard.outbound(messages, system)
        try:
            result, cost, warnings = await self._fallback(opts, lambda p, r: p.chat(r), sent, sent_system)
            text = guard.inbound(result.text)
            guard.events += [GuardEvent("budget", "warned", "outbound", "budget.warn", w) for w in warnings]
        finally:
            self._record(guard.events, opts)
        return Answer(
            text,
            result.provider,
            result.model,
            result.usage,
            result.stop_reason,
            opts.correlation_id,
            cost,
            list(guard.events),
            warnings,
            result,
        )

    async def structured(
        self,
        messages: Sequence[Message],
        schema: type[T],
        *,
        system: str | list[SystemBlock] | None = None,
        options: CallOptions | None = None,
    ) -> StructuredResult[T]:
        """A validated `schema` instance, through the recovery stages and at most one re-ask.

        Bad model output is an error value (`result.ok` False, `result.errors`), not an exception.
        """
        opts = options or CallOptions()
        guard = CallGuard(self.guard_policy)
        blocks = [SystemBlock(system)] if isinstance(system, str) else list(system or [])
        blocks.append(SystemBlock(schema_instruction(schema)))
        sent, sent_system = guard.outbound(messages, blocks)
        tool_schema = schema.model_json_schema()
        conversation = list(sent)
        usage = Usage()
        try:
            for attempt in (1, 2):
                result, _, _ = await self._fallback(
                    opts, lambda p, r: p.chat(_with_tool(r, p, tool_schema)), conversation, sent_system
                )
                usage = _add(usage, result.usage)
                parsed = parse_structured(
                    result.text, schema, tool_input=result.tool_input, transform=guard.redactor.restore_data
                )
                guard.inbound(result.text)
                parsed.attempts = attempt
                if parsed.ok:
                    _count_tokens(parsed.value, usage)
                    return parsed
                guard.events.append(schema_event(schema.__name__, parsed.errors))
                conversation += [
                    Message("assistant", result.text or "(no answer)"),
                    reask_message(parsed.errors),
                ]
            return parsed
        finally:
            self._record(guard.events, opts)

    async def stream_chat(
        self,
        messages: Sequence[Message],
        *,
        system: str | list[SystemBlock] | None = None,
        options: CallOptions | None = None,
    ) -> AsyncIterator[str]:
        """Restored text deltas. Retries and fallback apply until the first delta arrives."""
        opts = options or CallOptions()
        guard = CallGuard(self.guard_policy)
        sent, sent_system = guard.outbound(messages, system)
        restorer = StreamRestorer(guard)
        started = time.monotonic()
        try:
            stream, first = await self._fallback_stream(opts, sent, sent_system)
            events: list[str | ChatResult] = [first]
            final: ChatResult | None = None
            async for event in _chain(events, stream):
                if isinstance(event, ChatResult):
                    final = event
                elif chunk := restorer.feed(event):
                    yield chunk
            if tail := restorer.flush():
                yield tail
            if final is not None:
                guard.inbound(final.text)
                self._ledger(opts, final.provider, final.model, "ok", final.usage, started)
        finally:
            self._record(guard.events, opts)

    async def embed(self, texts: Sequence[str], *, provider: str, model: str) -> list[list[float]]:
        """Embeddings from one named provider (texts are redacted first)."""
        guard = CallGuard(self.guard_policy)
        redacted = [guard.redactor.redact(t).text for t in texts]
        backend = self.providers.get(provider)
        if backend is None:
            raise ProviderNotConfigured(f"provider '{provider}' is not configured in llm.providers")
        if (reason := backend.unavailable()) is not None:
            raise ProviderNotConfigured(reason)
        if not backend.capabilities.embeddings:
            raise ProviderNotConfigured(
                f"provider '{provider}' has no embeddings; configure an OpenAI or Ollama one"
            )
        return await self.retry.run(lambda: backend.embed(redacted, model=model))

    # -- the loop --------------------------------------------------------------------------------

    def _request(self, ref: ModelRef, messages: list[Message], system: Any, opts: CallOptions) -> ChatRequest:
        provider_settings = self.settings.providers[ref.provider]
        return ChatRequest(
            messages,
            model=ref.model,
            max_tokens=opts.max_tokens or self.settings.max_output_tokens,
            timeout_s=provider_settings.timeout_s or self.settings.timeout_s,
            system=system,
            temperature=opts.temperature,
            thinking=opts.thinking,
        )

    def _estimate(self, provider: Provider, request: ChatRequest) -> float:
        tokens_in = provider.count_tokens(request.messages, request.system)
        price = price_for(self.settings.prices, request.model)
        return cost_usd(price, Usage(input=tokens_in, output=request.max_tokens))

    async def _fallback(
        self,
        opts: CallOptions,
        call: Callable[[Provider, ChatRequest], Awaitable[ChatResult]],
        messages: list[Message],
        system: Any,
        *,
        record_success: bool = True,
    ) -> tuple[ChatResult, float, list[str]]:
        failures: list[str] = []
        tried = False
        for ref in self.chain(opts.purpose):
            provider = self.providers.get(ref.provider)
            if provider is None or provider.unavailable() is not None:
                failures.append(self._reason(ref) or ref.provider)
                continue
            request = self._request(ref, messages, system, opts)
            warnings = (
                self.budget.check(self._estimate(provider, request), opts.task_id).warnings
                if self.budget
                else []
            )
            tried = True
            started = time.monotonic()
            try:
                result = await self.retry.run(partial(_timed, call, provider, request))
            except ProviderCallError as exc:
                self._ledger(opts, ref.provider, ref.model, "error", Usage(), started, str(exc))
                failures.append(str(exc))
                continue
            except anyio.get_cancelled_exc_class():
                self._ledger(opts, ref.provider, ref.model, "cancelled", Usage(), started)
                raise
            cost = (
                self._ledger(opts, ref.provider, ref.model, "ok", result.usage, started)
                if record_success
                else 0.0
            )
            return result, cost, warnings
        if not tried:
            raise ProviderNotConfigured(
                f"no model provider for '{opts.purpose}' is configured: " + "; ".join(failures)
            )
        raise ProviderError(f"every provider for '{opts.purpose}' failed: " + "; ".join(failures))

    async def _fallback_stream(
        self, opts: CallOptions, messages: list[Message], system: Any
    ) -> tuple[AsyncIterator[str | ChatResult], str | ChatResult]:
        async def open_stream(p: Provider, r: ChatRequest) -> ChatResult:
            stream = p.stream_chat(r)
            first = await stream.__anext__()
            holder["stream"], holder["first"] = stream, first
            return ChatResult("", p.name, r.model)  # placeholder; the real result ends the stream

        holder: dict[str, Any] = {}
        await self._fallback(opts, open_stream, messages, system, record_success=False)
        return holder["stream"], holder["first"]

    # -- records -----------------------------------------------------------------------------------

    def _ledger(
        self,
        opts: CallOptions,
        provider: str,
        model: str,
        outcome: str,
        usage: Usage,
        started: float,
        error: str | None = None,
    ) -> float:
        cost = cost_usd(price_for(self.settings.prices, model), usage)
        if self.ledger is not None:
            self.ledger.record(
                CallRecord(
                    provider=provider,
                    model=model,
                    purpose=opts.purpose,
                    correlation_id=opts.correlation_id,
                    outcome=outcome,
                    task_id=opts.task_id,
                    tokens_in=usage.input,
                    tokens_out=usage.output,
                    tokens_cached=usage.cached,
                    tokens_cache_write=usage.cache_write,
                    cost_usd=cost,
                    latency_ms=(time.monotonic() - started) * 1000,
                    error=error,
                )
            )
        return cost

    def _record(self, events: list[GuardEvent], opts: CallOptions) -> None:
        if self.guard_log is None or not events:
            return
        self.guard_log.record_many([GuardRecord.of(e, opts.correlation_id, opts.task_id) for e in events])


async def _timed(
    call: Callable[[Provider, ChatRequest], Awaitable[ChatResult]], provider: Provider, request: ChatRequest
) -> ChatResult:
    """One attempt under a hard per-call timeout (the SDKs' own timeouts may not cover everything)."""
    try:
        with anyio.fail_after(request.timeout_s):
            return await call(provider, request)
    except TimeoutError:
        message = f"{provider.name}: no answer within {request.timeout_s:g}s"
        raise ProviderCallError(message, provider=provider.name, retryable=True) from None


def _with_tool(request: ChatRequest, provider: Provider, schema: dict[str, Any]) -> ChatRequest:
    if provider.capabilities.tool_use:
        request.tool_schema = schema
    return request


def _add(a: Usage, b: Usage) -> Usage:
    return Usage(a.input + b.input, a.output + b.output, a.cached + b.cached, a.cache_write + b.cache_write)


def _count_tokens(value: BaseModel | None, usage: Usage) -> None:
    if (
        value is not None
        and "tokens_used" in type(value).model_fields
        and not getattr(value, "tokens_used", 0)
    ):
        setattr(value, "tokens_used", usage.input + usage.output)  # noqa: B010 - field checked above


async def _chain(
    first: list[str | ChatResult], rest: AsyncIterator[str | ChatResult]
) -> AsyncIterator[str | ChatResult]:
    for item in first:
        yield item
    async for item in rest:
        yield item
