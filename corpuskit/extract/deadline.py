"""A per-document time limit that costs no process spawn per page.

In the main thread (the local executor's worker processes, ``--workers 1``) the limit is a
``SIGALRM`` interval timer. Elsewhere (Dask runs tasks in worker threads, where signals
cannot be used) one long-lived watchdog thread per process raises the same exception in the
thread that overran, with ``PyThreadState_SetAsyncExc``.

Both mechanisms interrupt Python code between bytecodes: a single long call into C (a huge
lxml parse) finishes first, then the page is abandoned. That is enough for trafilatura, whose
slow pages spend their time in Python loops over the tree.
"""

from __future__ import annotations

import contextlib
import ctypes
import signal
import threading
import time
from collections.abc import Iterator


class ExtractionTimeout(Exception):
    """A page took longer than its time limit."""


@contextlib.contextmanager
def time_limit(seconds: float | None) -> Iterator[None]:
    """Raise :class:`ExtractionTimeout` inside the block after ``seconds`` (None/0: no limit)."""
    if not seconds or seconds <= 0:
        yield
        return
    if threading.current_thread() is threading.main_thread() and hasattr(signal, "setitimer"):
        with _alarm(seconds):
            yield
    else:
        with _watchdog().limit(seconds):
            yield


@contextlib.contextmanager
def _alarm(seconds: float) -> Iterator[None]:
    def on_alarm(signum, frame):
        raise ExtractionTimeout(f"took longer than {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


class _Watchdog:
    """One daemon thread that interrupts threads whose deadline has passed."""

    def __init__(self):
        self._lock = threading.Condition()
        self._deadlines: dict[int, float] = {}
        self._fired: set[int] = set()
        thread = threading.Thread(target=self._loop, name="corpuskit-deadline", daemon=True)
        thread.start()

    @contextlib.contextmanager
    def limit(self, seconds: float) -> Iterator[None]:
        ident = threading.get_ident()
        with self._lock:
            self._deadlines[ident] = time.monotonic() + seconds
            self._fired.discard(ident)
            self._lock.notify()
        try:
            yield
        finally:
            with self._lock:
                self._deadlines.pop(ident, None)
                if ident in self._fired:
                    # The block ended before the pending exception was delivered: cancel it.
                    self._fired.discard(ident)
                    ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(ident), None)

    def _loop(self) -> None:
        while True:
            with self._lock:
                now = time.monotonic()
                for ident, deadline in list(self._deadlines.items()):
                    if deadline <= now:
                        del self._deadlines[ident]
                        self._fired.add(ident)
                        ctypes.pythonapi.PyThreadState_SetAsyncExc(
                            ctypes.c_ulong(ident), ctypes.py_object(ExtractionTimeout)
                        )
                wait = min(self._deadlines.values(), default=now + 60) - now
                self._lock.wait(timeout=max(wait, 0.001))


_instance: _Watchdog | None = None
_instance_lock = threading.Lock()


def _watchdog() -> _Watchdog:
    global _instance
    with _instance_lock:
        if _instance is None:
            _instance = _Watchdog()
        return _instance
