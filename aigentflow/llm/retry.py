"""Retry with exponential backoff and jitter, honouring the server's `retry-after`.

Retried: 408/409/429, every 5xx (529 "overloaded" included), timeouts and connection errors.
Not retried: every other 4xx (bad request, auth, not found): the same call would fail again.
The SDKs' own retries are disabled (`max_retries=0`), so this policy is the only one that runs.
"""

from __future__ import annotations

import email.utils
import logging
import random
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import TypeVar

import anyio

from aigentflow.llm.settings import RetrySettings
from aigentflow.llm.types import ProviderCallError

__all__ = ["RetryPolicy", "is_retryable_status", "parse_retry_after"]

logger = logging.getLogger(__name__)

T = TypeVar("T")

_RETRYABLE_4XX = frozenset({408, 409, 429})


def is_retryable_status(status: int) -> bool:
    """Whether an HTTP status is worth retrying."""
    return status in _RETRYABLE_4XX or status >= 500


def parse_retry_after(headers: Mapping[str, str] | None, now: float | None = None) -> float | None:
    """Seconds to wait from `retry-after-ms` / `retry-after` (seconds or an HTTP date)."""
    if not headers:
        return None
    lowered = {k.lower(): v for k, v in headers.items()}
    if (ms := lowered.get("retry-after-ms")) is not None:
        try:
            return max(0.0, float(ms) / 1000)
        except ValueError:
            pass
    value = lowered.get("retry-after")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        parsed = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None  # neither seconds nor an HTTP date: fall back to our own backoff
    return max(0.0, parsed.timestamp() - (now if now is not None else time.time()))


class RetryPolicy:
    """Runs an attempt until it succeeds, fails for good, or attempts run out.

    `sleep` is injectable so tests can record the delays without waiting.
    """

    def __init__(
        self,
        settings: RetrySettings,
        *,
        sleep: Callable[[float], Awaitable[None]] = anyio.sleep,
        rng: random.Random | None = None,
    ) -> None:
        self.settings = settings
        self._sleep = sleep
        self._rng = rng or random.Random()

    def delay(self, retry: int, retry_after: float | None) -> float:
        """The wait before retry number `retry` (1-based); the server's wish wins when given."""
        cap = self.settings.max_delay_s
        if retry_after is not None:
            return min(retry_after, cap)
        base = float(self.settings.base_delay_s * 2 ** (retry - 1))
        spread = base * self.settings.jitter
        return float(max(0.0, min(cap, base + self._rng.uniform(-spread, spread))))

    async def run(self, attempt: Callable[[], Awaitable[T]]) -> T:
        """Call `attempt`; on a retryable ProviderCallError wait and call again.

        Raises the last ProviderCallError when it is not retryable or attempts run out.
        Cancellation propagates at once (including during a backoff wait).
        """
        tries = 0
        while True:
            tries += 1
            try:
                return await attempt()
            except ProviderCallError as exc:
                if not exc.retryable or tries >= self.settings.max_attempts:
                    raise
                wait = self.delay(tries, exc.retry_after)
                logger.info("%s: %s; retry %d in %.2fs", exc.provider, exc, tries, wait)
                await self._sleep(wait)
