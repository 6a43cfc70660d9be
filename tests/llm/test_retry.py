"""The retry policy: what is retried, how long it waits, when it gives up."""

from __future__ import annotations

import random

import pytest

from aigentflow.llm import ProviderCallError, RetryPolicy
from aigentflow.llm.retry import is_retryable_status, parse_retry_after
from aigentflow.llm.settings import RetrySettings
from tests.llm.conftest import Sleeps


@pytest.mark.parametrize(
    ("status", "retryable"),
    [
        (429, True),
        (500, True),
        (503, True),
        (529, True),
        (408, True),
        (400, False),
        (401, False),
        (403, False),
        (404, False),
        (422, False),
    ],
)
def test_only_statuses_a_retry_can_fix_are_retried(status: int, retryable: bool) -> None:
    assert is_retryable_status(status) is retryable


def test_retry_after_is_read_in_seconds_milliseconds_or_as_a_date() -> None:
    assert parse_retry_after({"Retry-After": "7"}) == 7.0
    assert parse_retry_after({"retry-after-ms": "250", "retry-after": "9"}) == 0.25
    assert parse_retry_after({"retry-after": "Wed, 21 Oct 2015 07:28:10 GMT"}, now=1445412480.0) == 10.0
    assert parse_retry_after({"retry-after": "soon"}) is None
    assert parse_retry_after({}) is None


def test_backoff_doubles_within_its_jitter_and_respects_the_cap() -> None:
    policy = RetryPolicy(RetrySettings(base_delay_s=1.0, max_delay_s=5.0, jitter=0.3), rng=random.Random(7))
    for retry, base in [(1, 1.0), (2, 2.0), (3, 4.0)]:
        assert base * 0.7 <= policy.delay(retry, None) <= base * 1.3
    assert policy.delay(6, None) == 5.0
    assert policy.delay(1, 60.0) == 5.0  # a server's wish is capped too
    assert policy.delay(1, 0.5) == 0.5


def _failing(errors: list[ProviderCallError]) -> tuple[list[int], object]:
    calls: list[int] = []

    async def attempt() -> str:
        calls.append(1)
        if errors:
            raise errors.pop(0)
        return "ok"

    return calls, attempt


async def test_a_retryable_failure_is_retried_until_it_succeeds(sleeps: Sleeps) -> None:
    calls, attempt = _failing([ProviderCallError("x", provider="p", retryable=True, retry_after=1.5)])
    policy = RetryPolicy(RetrySettings(max_attempts=3), sleep=sleeps)
    assert await policy.run(attempt) == "ok"  # type: ignore[arg-type]
    assert len(calls) == 2 and sleeps.delays == [1.5]


async def test_a_permanent_failure_is_raised_at_once(sleeps: Sleeps) -> None:
    calls, attempt = _failing([ProviderCallError("bad", provider="p", retryable=False, status=400)])
    with pytest.raises(ProviderCallError, match="bad"):
        await RetryPolicy(RetrySettings(max_attempts=5), sleep=sleeps).run(attempt)  # type: ignore[arg-type]
    assert len(calls) == 1 and sleeps.delays == []


async def test_attempts_run_out(sleeps: Sleeps) -> None:
    errors = [ProviderCallError(str(i), provider="p", retryable=True) for i in range(5)]
    calls, attempt = _failing(errors)
    with pytest.raises(ProviderCallError, match="2"):
        await RetryPolicy(RetrySettings(max_attempts=3, base_delay_s=0), sleep=sleeps).run(attempt)  # type: ignore[arg-type]
    assert len(calls) == 3 and len(sleeps.delays) == 2
