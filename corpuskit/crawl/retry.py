"""Retry rules: which failures to retry and how long to wait.

Delays follow "exponential backoff with full jitter" (AWS Architecture Blog, "Exponential
Backoff And Jitter", 2015): attempt ``n`` (0-based) waits a uniform random time in
``[0, min(max_delay, base_delay * 2**n)]``, so many clients hitting a throttled server
spread out instead of retrying in lockstep. A server's ``Retry-After`` (RFC 9110 §10.2.3:
delay-seconds or an HTTP-date) is a floor on the wait, capped at ``max_delay`` so one
header cannot stall a run for hours.

Only failures that can heal within the run are retried. A host name that does not resolve
(``socket.gaierror``: offline, no DNS, a typo), a TLS certificate that does not verify
(``ssl.SSLCertVerificationError``: missing CA bundle, an intercepting proxy) and a 4xx other
than 408/425/429 fail at once, with the fix in the message. Each retry is logged on stderr
(when, why, next attempt in N s), and the waits of one transfer add up to at most
``max_wait`` seconds, so an offline command never sits in silence.
"""

from __future__ import annotations

import dataclasses
import email.utils
import random
import socket
import ssl
import time
import urllib.parse
from collections.abc import Callable
from typing import TypeVar

from corpuskit.crawl.http import TRANSPORT_ERRORS
from corpuskit.progress import log

T = TypeVar("T")

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


class RetryableError(Exception):
    """A failure worth another attempt (after ``retry_after`` seconds if the server said so)."""

    def __init__(self, message: str, retry_after: float | None = None):
        super().__init__(message)
        self.retry_after = retry_after


class PermanentError(Exception):
    """A failure no retry can fix (404, 403, ...)."""


class TransferFailed(Exception):
    """The download did not finish; ``attempts`` requests were made.

    ``permanent`` is True when it stopped at once on a failure no retry can fix."""

    def __init__(self, message: str, attempts: int, permanent: bool = False):
        super().__init__(message)
        self.attempts = attempts
        self.permanent = permanent


@dataclasses.dataclass(frozen=True)
class RetryPolicy:
    """How often and how long to retry one transfer.

    ``max_wait`` bounds the sum of the backoff sleeps of one transfer (seconds; None: only
    ``retries`` bounds it): the retry whose wait would pass it is not made."""

    retries: int = 10
    base_delay: float = 1.0
    max_delay: float = 60.0
    max_wait: float | None = 300.0

    def delay(self, attempt: int, retry_after: float | None = None, rng=random) -> float:
        """The wait before retry number ``attempt`` (0-based), full jitter, Retry-After floor."""
        ceiling = min(self.max_delay, self.base_delay * (2**attempt))
        wait = rng.uniform(0, ceiling)
        if retry_after is not None:
            wait = max(wait, min(retry_after, self.max_delay))
        return wait


def client_error_hint(status: int) -> str:
    """Why a 4xx (other than 408/425/429) is not retried, and what to check instead."""
    if status in (401, 403):
        return (
            "access denied, retrying cannot help: for s3://commoncrawl/ configure AWS "
            "credentials, or use https://data.commoncrawl.org/; check --user-agent"
        )
    if status in (404, 410):
        return "no such file, retrying cannot help: check the URL"
    return "the server rejects this request, retrying cannot help: check the URL"


def _host(url: str) -> str:
    return urllib.parse.urlsplit(url).hostname or url


def permanent_reason(exc: BaseException, url: str) -> str | None:
    """Why ``exc`` (raised fetching ``url``) cannot heal within the run, with the fix; None
    when it is worth retrying."""
    if isinstance(exc, PermanentError):
        return str(exc)
    if isinstance(exc, socket.gaierror):
        return (
            f"cannot resolve host {_host(url)!r} ({exc.strerror or exc}): this machine is "
            "offline or has no DNS, or the host name is wrong; check the network and the URL"
        )
    if isinstance(exc, ssl.SSLCertVerificationError):
        return (
            f"TLS certificate of {_host(url)!r} not trusted ({exc.verify_message or exc}): "
            "install the system CA certificates (e.g. the ca-certificates package) or point "
            "SSL_CERT_FILE at the CA bundle of your TLS-inspecting proxy"
        )
    return None


def reason_of(exc: BaseException) -> str:
    """A short name for a transient failure (the key of the retry counters)."""
    if isinstance(exc, RetryableError):
        return str(exc).split(":")[0]
    if isinstance(exc, TimeoutError):
        return "timeout"
    return "connection error"


def with_retries(
    attempt: Callable[[], T],
    url: str,
    policy: RetryPolicy,
    sleep: Callable[[float], object] = time.sleep,
    on_retry: Callable[[BaseException], None] | None = None,
) -> tuple[T, int]:
    """``(attempt(), number of attempts)``, retrying transient failures of ``url``.

    Raises :class:`TransferFailed` at once for a failure :func:`permanent_reason` names, or
    once ``policy.retries`` retries or ``policy.max_wait`` seconds of waiting are used up.
    Each retry is logged on stderr before its wait; ``on_retry`` sees each transient failure.
    """
    attempts = 0
    waited = 0.0
    while True:
        attempts += 1
        try:
            return attempt(), attempts
        except (RetryableError, PermanentError, *TRANSPORT_ERRORS) as exc:
            error = str(exc) or type(exc).__name__
            permanent = permanent_reason(exc, url)
            if permanent is not None:
                raise TransferFailed(permanent, attempts, permanent=True) from exc
            if on_retry is not None:
                on_retry(exc)
            if attempts > policy.retries:
                raise TransferFailed(
                    f"{error} (gave up after {attempts} attempts)", attempts
                ) from exc
            retry_after = exc.retry_after if isinstance(exc, RetryableError) else None
            wait = policy.delay(attempts - 1, retry_after)
            if policy.max_wait is not None and waited + wait > policy.max_wait:
                raise TransferFailed(
                    f"{error} (gave up after {attempts} attempts and {waited:.0f} s of waiting: "
                    f"the next wait of {wait:.1f} s would pass --max-wait {policy.max_wait:g} s)",
                    attempts,
                ) from exc
            log(
                f"crawl: {time.strftime('%H:%M:%S')} {url}: {error}; "
                f"retry {attempts} of {policy.retries}, next attempt in {wait:.1f} s"
            )
            sleep(wait)
            waited += wait
