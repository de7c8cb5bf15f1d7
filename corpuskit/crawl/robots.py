"""robots.txt per host (RFC 9309) and a per-host politeness clock.

robots.txt is fetched once per scheme+host and parsed with ``urllib.robotparser``. As
RFC 9309 §2.3.1.3-4 says: a 4xx answer means no rules (everything allowed); a 5xx answer
or an unreachable host means everything is disallowed for now. A ``Crawl-delay`` line,
which many sites use although the RFC does not define it, raises the per-host delay.
"""

from __future__ import annotations

import contextlib
import http.client
import threading
import time
import urllib.parse
import urllib.robotparser

from corpuskit.crawl.http import TRANSPORT_ERRORS, open_url
from corpuskit.crawl.ratelimit import RateLimiter
from corpuskit.crawl.retry import TransferFailed, permanent_reason

ROBOTS_MAX_BYTES = 500 * 1024  # RFC 9309 §2.5: parse at least the first 500 KiB
ROBOTS_MAX_REDIRECTS = 5  # RFC 9309 §2.3.1.2: follow at least five redirects


def host_of(url: str) -> str:
    """``scheme://host[:port]``: the unit of robots.txt and of politeness."""
    parts = urllib.parse.urlsplit(url)
    return f"{parts.scheme}://{parts.netloc.lower()}"


class RobotsCache:
    """Answers "may this URL be fetched?" with one robots.txt fetch per host."""

    def __init__(self, user_agent: str, timeout: float, limiter: RateLimiter):
        self.user_agent = user_agent
        self.timeout = timeout
        self.limiter = limiter
        self._parsers: dict[str, urllib.robotparser.RobotFileParser] = {}
        self._locks: dict[str, threading.Lock] = {}
        self._lock = threading.Lock()

    def _parser(self, url: str) -> urllib.robotparser.RobotFileParser:
        host = host_of(url)
        with self._lock:
            lock = self._locks.setdefault(host, threading.Lock())
        with lock:  # one fetch per host, other threads wait for it
            if host not in self._parsers:
                self._parsers[host] = self._fetch(host)
            return self._parsers[host]

    def _fetch(self, host: str) -> urllib.robotparser.RobotFileParser:
        parser = urllib.robotparser.RobotFileParser()
        url = host + "/robots.txt"
        headers = {"User-Agent": self.user_agent, "Accept-Encoding": "identity"}
        try:
            for _ in range(ROBOTS_MAX_REDIRECTS + 1):
                self.limiter.acquire()
                with open_url(url, headers, self.timeout) as response:
                    status = response.status
                    location = response.header("Location")
                    body = response.read_capped(ROBOTS_MAX_BYTES)[0] if 200 <= status < 300 else b""
                if 300 <= status < 400 and location:
                    url = urllib.parse.urljoin(url, location)
                    continue
                break
        except http.client.InvalidURL:
            raise  # the URL is at fault, not the host
        except TRANSPORT_ERRORS as exc:
            reason = permanent_reason(exc, url)
            if reason is not None:
                # Offline or no DNS: not a robots answer. Fail the URL (unrecorded, so a
                # rerun retries it) instead of caching "disallow all" for the host.
                raise TransferFailed(reason, 1, permanent=True) from exc
            status = 599
        if 200 <= status < 300:
            parser.parse(body.decode("utf-8", errors="replace").splitlines())
        elif 400 <= status < 500:
            parser.allow_all = True
        else:
            parser.disallow_all = True
        return parser

    def allowed(self, url: str) -> bool:
        """True when robots.txt of the URL's host lets our user agent fetch it."""
        return self._parser(url).can_fetch(self.user_agent, url)

    def crawl_delay(self, url: str) -> float:
        """The host's Crawl-delay for our user agent, 0 when it has none."""
        delay = self._parser(url).crawl_delay(self.user_agent)
        try:
            return float(delay) if delay else 0.0
        except ValueError:
            return 0.0


class HostClock:
    """Per-host politeness: one request at a time per host, ``delay`` seconds apart.

    The delay counts from the end of the previous request to the same host (as Heritrix
    counts it), so a slow host is also asked less often; other hosts are not held up.
    """

    def __init__(self, clock=time.monotonic, sleep=time.sleep):
        self._last_done: dict[str, float] = {}
        self._locks: dict[str, threading.Lock] = {}
        self._lock = threading.Lock()
        self._clock = clock
        self._sleep = sleep

    @contextlib.contextmanager
    def turn(self, url: str, delay: float):
        """Hold the host of ``url`` for one request, after waiting out its delay."""
        host = host_of(url)
        with self._lock:
            lock = self._locks.setdefault(host, threading.Lock())
        with lock:
            last = self._last_done.get(host)
            if last is not None:
                wait = last + delay - self._clock()
                if wait > 0:
                    self._sleep(wait)
            try:
                yield
            finally:
                self._last_done[host] = self._clock()
