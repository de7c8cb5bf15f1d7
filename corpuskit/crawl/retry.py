"""Retry rules: which failures to retry and how long to wait.

Delays follow "exponential backoff with full jitter" (AWS Architecture Blog, "Exponential
Backoff And Jitter", 2015): attempt ``n`` (0-based) waits a uniform random time in
``[0, min(max_delay, base_delay * 2**n)]``, so many clients hitting a throttled server
spread out instead of retrying in lockstep. A server's ``Retry-After`` (RFC 9110 §10.2.3:
delay-seconds or an HTTP-date) is a floor on the wait, capped at ``max_delay`` so one
header cannot stall a run for hours.
"""

from __future__ import annotations

import dataclasses
import email.utils
import random
import time

# 408 Request Timeout, 425 Too Early, 429 Too Many Requests and every 5xx are transient:
# S3 answers 503 "SlowDown" and CloudFront 503/504 when Common Crawl is under load.
RETRY_STATUSES = frozenset({408, 425, 429}) | frozenset(range(500, 600))


def is_retryable_status(status: int) -> bool:
    """True for statuses worth retrying (timeouts, throttling, server errors)."""
    return status in RETRY_STATUSES


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` value (seconds or HTTP-date); None if absent/bad."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    now = time.time() if now is None else now
    return max(0.0, when.timestamp() - now)


@dataclasses.dataclass(frozen=True)
class RetryPolicy:
    """How often and how long to retry one transfer."""

    retries: int = 10
    base_delay: float = 1.0
    max_delay: float = 60.0

    def delay(self, attempt: int, retry_after: float | None = None, rng=random) -> float:
        """The wait before retry number ``attempt`` (0-based), full jitter, Retry-After floor."""
        ceiling = min(self.max_delay, self.base_delay * (2**attempt))
        wait = rng.uniform(0, ceiling)
        if retry_after is not None:
            wait = max(wait, min(retry_after, self.max_delay))
        return wait
