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
from concurrent.futures import as_completed as futures_completed
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


@dataclasses.dataclass
class ShardResult:
    shard: str
    ok: bool
    stats: dict[str, Any]
    error: str | None = None


@functools.lru_cache(maxsize=8)
def _step_instance(step: str, params: Any):
    """One set-up step per worker process and params: models load once, not per shard."""
    instance = get_step(step)(params)
    instance.setup()
    return instance


def run_shard(spec: StageSpec, shard: Shard) -> ShardResult:
    """Run one shard of a stage and write its outputs; never raises for a bad shard."""
    started = time.monotonic()
    output = None
    try:
        step = _step_instance(spec.step, spec.params)
        output = ShardOutput(DatasetFolder(spec.output), shard.id, spec.keep_rejected)
        counters = step.run(shard, output)
        stats = output.finish({"shard": shard.id, "input": shard.path, "counters": counters})
        return ShardResult(shard.id, True, stats)
    except Exception as exc:  # a failed shard is reported, the run goes on
        if output is not None:
            output.abort()
        detail = "".join(traceback.format_exception_only(type(exc), exc)).strip()
        return ShardResult(
            shard.id,
            False,
            {
                "shard": shard.id,
                "input": shard.path,
                "seconds": round(time.monotonic() - started, 3),
            },
            error=detail,
        )


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
            futures = {pool.submit(fn, *args): args for args in calls}
            return _collect(futures_completed(futures), futures, on_result, on_error)


def _collect(completed, args_of: dict, on_result, on_error) -> list:
    """Results in completion order; a call whose worker died goes through ``on_error``."""
    results = []
    for future in completed:
        try:
            result = future.result()
        except Exception as exc:  # a worker process died, or Dask gave up (KilledWorker)
            if on_error is None:
                raise
            result = on_error(args_of[future], exc)
        results.append(result)
        if on_result:
            on_result(result)
    return results


class DaskExecutor:
    """Submit calls to a Dask cluster; a worker lost mid-task is retried by Dask."""

    name = "dask"

    def __init__(self, client, retries: int = 2):
        self.client = client
        self.retries = retries

    def map(
        self,
        fn: Callable,
        calls: Iterable[tuple],
        on_result: Callable[[Any], None] | None = None,
        label: str | None = None,
        on_error: Callable[[tuple, BaseException], Any] | None = None,
    ) -> list:
        """Like :meth:`LocalExecutor.map`; ``label`` names the tasks on the dashboard."""
        from distributed import as_completed

        token = f"{time.time_ns():x}"
        futures = {
            self.client.submit(
                fn,
                *args,
                key=f"{label or fn.__name__}-{token}-{i}",
                pure=False,
                retries=self.retries,
            ): args
            for i, args in enumerate(calls)
        }
        return _collect(as_completed(futures), futures, on_result, on_error)


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
