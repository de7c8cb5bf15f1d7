"""A request-rate limiter shared by all download threads (a token bucket).

The bucket holds at most ``burst`` tokens and refills at ``rate`` tokens per second; each
HTTP request takes one token, waiting when the bucket is empty. With ``burst=1`` requests
are spaced at least ``1/rate`` seconds apart, whatever the number of threads. Waiting
threads reserve their slot under the lock, so they are served in arrival order and never
oversubscribe the rate.
"""

from __future__ import annotations

import threading
import time


class RateLimiter:
    """A thread-safe token bucket; ``rate=None`` (or 0) means unlimited."""

    def __init__(self, rate: float | None, burst: int = 1, clock=time.monotonic, sleep=time.sleep):
        if rate is not None and rate < 0:
            raise ValueError("rate must be positive")
        if burst < 1:
            raise ValueError("burst must be at least 1")
        self.rate = rate or None
        self.burst = burst
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._tokens = float(burst)
        self._updated = clock()

    def acquire(self) -> float:
        """Take one token, sleeping until it is available; returns the seconds waited."""
        if self.rate is None:
            return 0.0
        with self._lock:
            now = self._clock()
            self._tokens = min(self.burst, self._tokens + (now - self._updated) * self.rate)
            self._updated = now
            # Taking the token now (possibly going negative) reserves the slot for this
            # thread; the debt is what it must wait for.
            self._tokens -= 1.0
            wait = -self._tokens / self.rate if self._tokens < 0 else 0.0
        if wait > 0:
            self._sleep(wait)
        return wait
