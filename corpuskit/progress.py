"""Progress and log lines on stderr (stdout is reserved for results).

Progress bars are drawn only when stderr is a terminal and not silenced with ``-q``;
log lines are printed unless ``-q``. Library code reports through these functions,
never through ``print()``.
"""

from __future__ import annotations

import sys
import time

_verbosity = 1  # 0 quiet, 1 normal, 2 verbose


def set_verbosity(level: int) -> None:
    global _verbosity
    _verbosity = level


def log(message: str, level: int = 1) -> None:
    """Print a log line on stderr when the verbosity allows it."""
    if _verbosity >= level:
        print(message, file=sys.stderr, flush=True)


def _format_eta(seconds: float) -> str:
    seconds = int(seconds)
    return f"{seconds // 3600:d}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


class Progress:
    """A one-line progress display: done/total units, extra counts, rate and ETA."""

    def __init__(self, total: int, unit: str = "shards", enabled: bool | None = None):
        self.total = total
        self.unit = unit
        self.done = 0
        self.counts: dict[str, float] = {}
        self.started = time.monotonic()
        self._last_draw = 0.0
        self.enabled = (sys.stderr.isatty() and _verbosity > 0) if enabled is None else enabled

    def update(self, n: int = 1, **counts: float) -> None:
        self.done += n
        for key, value in counts.items():
            self.counts[key] = self.counts.get(key, 0) + value
        now = time.monotonic()
        if self.enabled and (now - self._last_draw > 0.2 or self.done >= self.total):
            self._last_draw = now
            self._draw(now)

    def _draw(self, now: float) -> None:
        elapsed = max(now - self.started, 1e-9)
        rate = self.done / elapsed
        eta = (self.total - self.done) / rate if rate > 0 else 0
        extra = " ".join(f"{k}={int(v):,}" for k, v in self.counts.items())
        line = (
            f"\r{self.done}/{self.total} {self.unit} {extra} "
            f"[{rate:.2f} {self.unit}/s, ETA {_format_eta(eta)}]"
        )
        sys.stderr.write(line)
        sys.stderr.flush()

    def close(self) -> None:
        if self.enabled:
            sys.stderr.write("\n")
            sys.stderr.flush()
