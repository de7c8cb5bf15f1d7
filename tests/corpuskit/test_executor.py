"""Executors: a call whose worker process dies becomes a result through ``on_error``."""

from __future__ import annotations

import os

import pytest

from corpuskit.executor import DaskExecutor, LocalExecutor, Shard, StageSpec
from corpuskit.stage import lost_shard


def lost(args, error):
    return ("lost", args, type(error).__name__)


def test_local_pool_reports_a_dead_worker_instead_of_crashing():
    results = LocalExecutor(2).map(os._exit, [(9,), (9,)], on_error=lost)
    assert sorted(r[:2] for r in results) == [("lost", (9,)), ("lost", (9,))]
    assert {r[2] for r in results} == {"BrokenProcessPool"}


def test_without_on_error_a_dead_worker_raises():
    from concurrent.futures.process import BrokenProcessPool

    with pytest.raises(BrokenProcessPool):
        LocalExecutor(2).map(os._exit, [(9,), (9,)])


def test_dask_reports_a_task_that_keeps_killing_workers():
    import dask
    from distributed import Client, LocalCluster

    with dask.config.set({"distributed.scheduler.allowed-failures": 0}):
        with LocalCluster(n_workers=1, threads_per_worker=1, dashboard_address=None) as cluster:
            with Client(cluster) as client:
                executor = DaskExecutor(client, retries=0)
                results = executor.map(abs, [(-3,)], label="ok")
                assert results == [3]
                results = executor.map(os._exit, [(9,)], on_error=lost, label="dies")
    assert results == [("lost", (9,), "KilledWorker")]


def test_a_lost_shard_is_a_failed_result_naming_the_shard():
    spec = StageSpec("extract", None, "/out")
    result = lost_shard((spec, Shard("s-1", "/in/a.warc.gz")), RuntimeError("gone"))
    assert not result.ok and result.shard == "s-1"
    assert result.error.startswith("worker lost: RuntimeError")


def test_calls_are_submitted_in_a_bounded_window_that_stays_full():
    """A whole crawl is never on the scheduler at once, and the window is topped up."""
    from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait

    from corpuskit.executor import MIN_WINDOW, _run_windowed

    in_flight, peak = set(), []
    calls = ((i,) for i in range(500))  # a generator: never materialised by the executor
    with ThreadPoolExecutor(max_workers=8) as pool:

        def submit(args):
            future = pool.submit(lambda n: n * n, *args)
            in_flight.add(future)
            peak.append(len(in_flight))
            return future

        def wait_any(pending):
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            in_flight.difference_update(done)
            return done

        results = _run_windowed(submit, wait_any, calls, lambda: 10, None, None)
    assert sorted(results) == [n * n for n in range(500)]
    assert max(peak) == MIN_WINDOW  # the window: max(MIN_WINDOW, 10 asked)
    assert len(peak) == 500


def test_dask_executor_runs_more_calls_than_its_window():
    from distributed import Client, LocalCluster

    from corpuskit.executor import MIN_WINDOW

    with LocalCluster(n_workers=1, threads_per_worker=2, dashboard_address=None) as cluster:
        with Client(cluster) as client:
            results = DaskExecutor(client).map(pow, [(i, 2) for i in range(3 * MIN_WINDOW)])
    assert sorted(results) == [i * i for i in range(3 * MIN_WINDOW)]
