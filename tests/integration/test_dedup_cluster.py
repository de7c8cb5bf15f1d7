"""Dedup on real Dask clusters gives the local executor's output, even when a worker dies.

A LocalCluster, and a ``dask scheduler`` with two ``dask worker`` processes started here on
127.0.0.1 and reached through ``--scheduler``; then one worker process is killed while the
band keys are being shuffled (its nanny restarts it) and the job must still finish with
the same result.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import psutil
import pyarrow.dataset as ds
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from cli.main import cli
from corpuskit.dedup.pipeline import DedupInput, DedupSettings, run_dedup
from corpuskit.executor import LocalExecutor
from tests.corpuskit.dedup_corpus import planted_corpus, write_dataset

pytestmark = pytest.mark.slow

BIN = Path(sys.executable).parent
# The stimulus of the scheduler's transitions when it removes a worker that died.
WORKER_DEATH = ("handle-worker-cleanup", "remove-worker")
SETTINGS = dict(num_perm=384, bands=48, rows=8, verify="exact", threshold=0.72, partition_rows=2000)
ARGS = ["--num-perm", "384", "--bands", "48", "--rows", "8", "--verify", "exact"]
ARGS += ["--threshold", "0.72"]
ARGS += ["--partition-rows", "2000", "--json", "-q"]


def outcome(out: Path):
    ids = []
    for path in sorted((out / "data").glob("*.parquet")):
        ids += pq.read_table(path, columns=["id"]).column("id").to_pylist()
    table = ds.dataset(str(out / "clusters")).to_table()
    clusters = sorted(
        zip(*(table.column(c).to_pylist() for c in ("id", "cluster", "kept")), strict=True)
    )
    return sorted(ids), clusters


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    root = tmp_path_factory.mktemp("cluster")
    docs, pairs = planted_corpus()
    write_dataset(root / "in", docs, 4)
    report, _ = run_dedup(
        [DedupInput("in", str(root / "in"))],
        DedupSettings(**SETTINGS),
        str(root / "local"),
        LocalExecutor(1),
    )
    assert not report.failed
    expected = outcome(root / "local")
    cluster_of = {doc_id: cluster for doc_id, cluster, _ in expected[1]}
    high = [cluster_of.get(a, a) == cluster_of.get(b, b) for a, b, j in pairs if j >= 0.77]
    low = [cluster_of.get(a, a) == cluster_of.get(b, b) for a, b, j in pairs if j <= 0.62]
    assert sum(high) / len(high) >= 0.95 and sum(low) / len(low) <= 0.02  # the ground truth
    return root, expected


def test_local_cluster_gives_the_local_executor_output(corpus):
    root, expected = corpus
    result = CliRunner().invoke(
        cli,
        [
            "dedup",
            str(root / "in"),
            "-o",
            str(root / "lc"),
            "--workers",
            "2",
            "--dashboard-address",
            ":0",
            *ARGS,
        ],
    )
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["counters"]["reduce"]["verified_pairs"] > 0
    assert outcome(root / "lc") == expected


def test_scheduler_and_two_worker_processes_give_the_same_output(corpus, dask_two_workers):
    root, expected = corpus
    address = dask_two_workers.address
    result = CliRunner().invoke(
        cli, ["dedup", str(root / "in"), "-o", str(root / "remote"), "--scheduler", address, *ARGS]
    )
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["counters"]["kept"] == len(expected[0])
    assert outcome(root / "remote") == expected


def _worker_process(nanny_pid: int, missing_ok: bool = False):
    """The worker process a ``dask worker`` nanny spawned (not multiprocessing's helpers)."""
    for child in psutil.Process(nanny_pid).children(recursive=True):
        try:
            if "spawn_main" in " ".join(child.cmdline()) and child.is_running():
                return child
        except psutil.Error:
            continue
    if missing_ok:
        return None
    raise AssertionError(f"no worker process under nanny {nanny_pid}")


def _drain(stream, lines: list[str], on_line=None, errors: list[BaseException] | None = None):
    """Read ``stream`` to its end into ``lines``; an ``on_line`` failure is kept in ``errors``
    and reading goes on, so the job never blocks on a full pipe."""
    for line in stream:
        lines.append(line)
        if on_line is not None and not errors:
            try:
                on_line(line)
            except BaseException as exc:  # reported by the test, after the job ends
                errors.append(exc)


def test_a_worker_killed_during_the_shuffle_does_not_change_the_result(corpus, dask_two_workers):
    """kill -9 the worker process while the scheduler has tasks on it; those tasks (or, when
    one finished just before the kill, its result held on that worker) are given up by the
    scheduler and computed again elsewhere, and the result is still the local executor's."""
    from distributed import Client

    def transitions_since(since: float, keys: list, dask_scheduler=None) -> list[tuple]:
        """``(key, start, finish, stimulus_id)`` of the scheduler's transitions of ``keys``
        since ``since``; run on the scheduler (a local function: pickled by value)."""
        wanted = set(keys)
        return [
            (t.key, t.start, t.finish, t.stimulus_id)
            for t in dask_scheduler.transition_log
            if t.timestamp >= since and t.key in wanted
        ]

    root, expected = corpus
    address, workers = dask_two_workers.address, dask_two_workers.workers
    command = [str(BIN / "corpuskit"), "dedup", str(root / "in"), "-o", str(root / "killed")]
    command += ["--scheduler", address, *[a for a in ARGS if a != "-q"]]
    with Client(address, timeout="30s") as client:
        pid_of = client.run(os.getpid)  # worker address -> worker process id
        killed: dict = {}
        errors: list[BaseException] = []

        def kill_when_busy(line: str) -> None:
            if "shuffling band keys" not in line or killed:
                return
            victim = _worker_process(workers[0].pid)
            victim_address = next(a for a, pid in pid_of.items() if pid == victim.pid)
            deadline = time.monotonic() + 30
            held: list = []
            while not held and time.monotonic() < deadline and job.poll() is None:
                held = list(client.processing([victim_address]).get(victim_address, ()))
                if not held:
                    time.sleep(0.02)
            assert held, "the worker never held a task while the job ran"
            killed.update(time=time.time(), held=held, pid=victim.pid, running=job.poll() is None)
            victim.kill()  # the worker process; its nanny starts a new one

        job = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        out_lines: list[str] = []
        log_lines: list[str] = []
        readers = [
            threading.Thread(target=_drain, args=(job.stdout, out_lines), daemon=True),
            threading.Thread(
                target=_drain, args=(job.stderr, log_lines, kill_when_busy, errors), daemon=True
            ),
        ]
        for reader in readers:
            reader.start()
        try:
            job.wait(timeout=240)
        except subprocess.TimeoutExpired:
            job.kill()
            job.wait(timeout=30)
            pytest.fail("dedup did not finish in 240 s:\n" + "".join(log_lines[-50:]))
        for reader in readers:
            reader.join(timeout=30)
        assert not errors, f"{errors[0]!r}\n" + "".join(log_lines)
        assert killed and killed["running"], "".join(log_lines)
        assert job.returncode == 0, "".join(log_lines)
        assert json.loads("".join(out_lines))["exit_code"] == 0
        assert outcome(root / "killed") == expected
        # The tasks the killed worker held were given up and computed again.
        story = client.run_on_scheduler(transitions_since, killed["time"], killed["held"])
    lost, redone = set(), set()
    for key, start, finish, stimulus in story:  # in the order the scheduler made them
        if stimulus.startswith(WORKER_DEATH) and start in ("processing", "memory"):
            lost.add(key)  # running on the dead worker, or its result held there
        elif key in lost and finish == "memory":
            redone.add(key)
    assert lost, f"no task of the killed worker was given up: {story}"
    assert redone == lost, f"not every lost task was computed again: {story}"
    # The nanny replaced the killed worker.
    deadline = time.monotonic() + 30
    replacement = None
    while time.monotonic() < deadline and replacement is None:
        replacement = _worker_process(workers[0].pid, missing_ok=True)
        time.sleep(0.5)
    assert replacement is not None and replacement.pid != killed["pid"]
