"""Run shards: one function (:func:`run_shard`) called by every executor.

:class:`LocalExecutor` uses a process pool; :class:`DaskExecutor` submits the same call to
a Dask cluster. Both take a top-level function and argument tuples, so what travels to a
worker is ``(step name, frozen params, shard)``, never a pickled executor or closure.
A shard that raises is reported as failed and the others go on.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import time
import traceback
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from typing import Any

from corpuskit.dataset import DatasetFolder, ShardOutput
from corpuskit.errors import ConfigError
from corpuskit.registry import get_step


@dataclasses.dataclass(frozen=True)
class Shard:
    """One unit of work: usually one input file, or a byte range ``[start, end)`` of one."""

    id: str
    path: str
    start: int = 0
    end: int | None = None
    options: tuple[tuple[str, Any], ...] = ()

    def option(self, key: str, default: Any = None) -> Any:
        return dict(self.options).get(key, default)


@dataclasses.dataclass(frozen=True)
class StageSpec:
    """What to run on every shard: a registered step, its params, and the output folder."""

    step: str
    params: Any
    output: str
    keep_rejected: bool = False
    # Storage options (JSON) the worker needs to reach `output` and the inputs: workers share
    # no state with the client, so the task carries them (corpuskit.storage).
    storage_options: str = dataclasses.field(default_factory=lambda: _current_storage_options())


@dataclasses.dataclass
class ShardResult:
    shard: str
    ok: bool
    stats: dict[str, Any]
    error: str | None = None


def _current_storage_options() -> str:
    from corpuskit import storage

    return storage.options_json()


@functools.lru_cache(maxsize=8)
def step_instance(step: str, params: Any):
    """One set-up step per worker process and params: models load once, not per shard."""
    instance = get_step(step)(params)
    instance.setup()
    return instance


def failed_result(shard: Shard, started: float, exc: BaseException) -> ShardResult:
    """The result of a shard that raised: failed, with the error's one-line description."""
    detail = "".join(traceback.format_exception_only(type(exc), exc)).strip()
    stats = {
        "shard": shard.id,
        "input": shard.path,
        "seconds": round(time.monotonic() - started, 3),
    }
    return ShardResult(shard.id, False, stats, error=detail)


def run_shard(spec: StageSpec, shard: Shard) -> ShardResult:
    """Run one shard of a stage and write its outputs; never raises for a bad shard."""
    from corpuskit import storage

    started = time.monotonic()
    output = None
    try:
        storage.configure(spec.storage_options)
        step = step_instance(spec.step, spec.params)
        output = ShardOutput(DatasetFolder(spec.output), shard.id, spec.keep_rejected)
        counters = step.run(shard, output)
        stats = output.finish({"shard": shard.id, "input": shard.path, "counters": counters})
        return ShardResult(shard.id, True, stats)
    except Exception as exc:  # a failed shard is reported, the run goes on
        if output is not None:
            output.abort()
        return failed_result(shard, started, exc)


class LocalExecutor:
    """A process pool on this machine (``--executor local``)."""

    name = "local"

    def __init__(self, workers: int):
        self.workers = workers

    def map(
        self,
        fn: Callable,
        calls: Iterable[tuple],
        on_result: Callable[[Any], None] | None = None,
        label: str | None = None,
        on_error: Callable[[tuple, BaseException], Any] | None = None,
    ) -> list:
        """Call ``fn(*args)`` for every tuple; ``on_error`` turns a lost call into a result."""
        calls = list(calls)
        if self.workers <= 1 or len(calls) <= 1:
            results = []
            for args in calls:
                results.append(fn(*args))
                if on_result:
                    on_result(results[-1])
            return results
        import multiprocessing

        context = multiprocessing.get_context("forkserver")
        with ProcessPoolExecutor(max_workers=self.workers, mp_context=context) as pool:
            return _run_windowed(
                lambda args: pool.submit(fn, *args),
                _wait_any,
                calls,
                lambda: 4 * self.workers,
                on_result,
                on_error,
            )


def _wait_any(pending):
    from concurrent.futures import FIRST_COMPLETED, wait

    done, _ = wait(pending, return_when=FIRST_COMPLETED)
    return done


MIN_WINDOW = 64


def _run_windowed(submit, wait_any, calls, window, on_result, on_error) -> list:
    """Submit calls in a bounded window, topping it up as results arrive.

    At most ``max(MIN_WINDOW, window())`` calls are in flight, so planning a whole crawl
    (90,000 shards) never puts every task on the scheduler at once, while a cluster of any
    size stays busy (``window`` is re-read as workers come and go). Results come in
    completion order; a call whose worker died goes through ``on_error``.
    """
    calls = iter(calls)
    pending: dict = {}
    results = []
    exhausted = False

    def top_up() -> None:
        nonlocal exhausted
        limit = max(MIN_WINDOW, window())
        while not exhausted and len(pending) < limit:
            try:
                args = next(calls)
            except StopIteration:
                exhausted = True
                return
            pending[submit(args)] = args

    top_up()
    while pending:
        for future in wait_any(list(pending)):
            args = pending.pop(future)
            try:
                result = future.result()
            except Exception as exc:  # a worker process died, or Dask gave up (KilledWorker)
                if on_error is None:
                    raise
                result = on_error(args, exc)
            results.append(result)
            if on_result:
                on_result(result)
        top_up()
    return results


class DaskExecutor:
    """Submit calls to a Dask cluster; a worker lost mid-task is retried by Dask."""

    name = "dask"

    def __init__(self, client, retries: int = 2):
        self.client = client
        self.retries = retries
        self._window_size = MIN_WINDOW
        self._window_read = -1e9

    def map(
        self,
        fn: Callable,
        calls: Iterable[tuple],
        on_result: Callable[[Any], None] | None = None,
        label: str | None = None,
        on_error: Callable[[tuple, BaseException], Any] | None = None,
    ) -> list:
        """Like :meth:`LocalExecutor.map`; ``label`` names the tasks on the dashboard."""
        from distributed import wait

        token = f"{time.time_ns():x}"
        numbers = iter(range(1 << 62))

        def submit(args):
            return self.client.submit(
                fn,
                *args,
                key=f"{label or fn.__name__}-{token}-{next(numbers)}",
                pure=False,
                retries=self.retries,
            )

        def wait_any(pending):
            return wait(pending, return_when="FIRST_COMPLETED").done

        return _run_windowed(submit, wait_any, calls, self._window, on_result, on_error)

    def _window(self) -> int:
        """Tasks to keep in flight: four per worker thread of the cluster (re-read every 5 s)."""
        now = time.monotonic()
        if now - self._window_read >= 5:
            self._window_read = now
            try:
                self._window_size = 4 * sum(self.client.nthreads().values())
            except Exception:  # the scheduler is busy: keep the last known size
                pass
        return self._window_size


@contextlib.contextmanager
def make_executor(
    kind: str = "dask",
    workers: int | None = None,
    scheduler: str | None = None,
    dashboard_address: str | None = ":8787",
):
    """The executor chosen on the command line; ``--scheduler`` implies Dask."""
    from corpuskit.cluster import dask_client, default_workers

    if kind not in ("local", "dask"):
        raise ConfigError(f"unknown executor {kind!r}: use 'dask' or 'local'")
    if kind == "local" and not scheduler:
        yield LocalExecutor(workers or default_workers())
        return
    with dask_client(scheduler, workers, dashboard_address) as client:
        yield DaskExecutor(client)
