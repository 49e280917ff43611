"""Retry with exponential backoff and jitter, bounded in attempts and in waiting time.

A sender calls ``deliver(attempt_once, policy)``: ``attempt_once`` tries one send and says whether it worked,
whether trying again may help (network error, HTTP 5xx or 429, SMTP 4xx) and how long the server asked to
wait (``Retry-After``). The wait before try *n + 1* is ``base_delay × 2^(n-1)``, scaled by a random factor in
[0.5, 1] ("equal jitter", so that many clients retrying together spread out), capped at ``max_delay``. A
server asking to wait longer than ``max_delay`` is not retried: a cron job should not sleep for an hour.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from balise.i18n import notify_messages as nm


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    attempts: int = 3
    base_delay: float = 1.0  # seconds before the second try
    max_delay: float = 30.0  # no single wait is longer, and a longer Retry-After is not honoured
    timeout: float = 10.0  # seconds per try (connect and read)

    def delay(self, tried: int, rng: Callable[[], float] = random.random) -> float:
        """Seconds to wait after ``tried`` failed tries (1, 2…), with jitter."""
        base = self.base_delay * 2 ** (tried - 1)
        return min(self.max_delay, base * (0.5 + 0.5 * rng()))


DEFAULT_POLICY = RetryPolicy()


@dataclass(frozen=True, slots=True)
class Try:
    """The outcome of one try: ``ok``, or an ``error`` with whether retrying may help."""

    ok: bool
    error: str | None = None
    retryable: bool = False
    status: int | None = None  # HTTP status or SMTP reply code, when there was one
    retry_after: float | None = None  # seconds, when the server said


@dataclass(frozen=True, slots=True)
class Attempt:
    status: int | None
    error: str | None
    seconds: float  # how long the try took
    waited: float  # seconds slept before this try


@dataclass(slots=True)
class Delivery:
    ok: bool
    attempts: list[Attempt] = field(default_factory=list)
    error: str | None = None  # the last error when not ok; a warning when ok
    payload: dict[str, object] = field(default_factory=dict)  # what was sent (without secrets)


def deliver(attempt_once: Callable[[], Try], policy: RetryPolicy, *, sleep: Callable[[float], None] = time.sleep,
            rng: Callable[[], float] = random.random) -> Delivery:
    result = Delivery(ok=False)
    waited = 0.0
    for n in range(1, max(1, policy.attempts) + 1):
        start = time.perf_counter()
        outcome = attempt_once()
        result.attempts.append(Attempt(outcome.status, outcome.error, time.perf_counter() - start, waited))
        if outcome.ok:  # an error here is a warning (some e-mail recipients refused)
            result.ok, result.error = True, outcome.error
            return result
        result.error = outcome.error
        if not outcome.retryable or n == policy.attempts:
            return result
        wait = policy.delay(n, rng)
        if outcome.retry_after is not None:
            if outcome.retry_after > policy.max_delay:
                result.error = str(nm.RETRY_AFTER_TOO_LONG(error=outcome.error, wait=f"{outcome.retry_after:.0f}",
                                                           limit=f"{policy.max_delay:.0f}"))
                return result
            wait = max(wait, outcome.retry_after)
        sleep(wait)
        waited = wait
    return result
