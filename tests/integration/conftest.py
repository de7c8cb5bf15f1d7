"""A real ``dask scheduler`` + ``dask worker`` pair on 127.0.0.1, started as processes."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class DaskProcesses:
    """A scheduler and workers running as separate OS processes, like a real cluster."""

    def __init__(self, tmp: Path, workers: int):
        self.port = free_port()
        self.address = f"tcp://127.0.0.1:{self.port}"
        self.tmp = tmp
        self.procs: list[subprocess.Popen] = []
        self.workers: list[subprocess.Popen] = []
        self.homes: list[Path] = []
        env = {
            **os.environ,
            "DASK_DISTRIBUTED__WORKER__DAEMON": "False",
            "PYTHONWARNINGS": "ignore",
        }
        self.env = env
        self.procs.append(
            self._spawn(
                "scheduler", "--host", "127.0.0.1", "--port", str(self.port), "--no-dashboard"
            )
        )
        for _ in range(workers):
            self.add_worker()
        self.wait_for_workers(workers)

    def _spawn(self, *args: str) -> subprocess.Popen:
        log = open(self.tmp / f"dask-{args[0]}-{len(self.procs)}.log", "wb")
        # Each process starts in its own empty folder, as on machines that share no disk:
        # nothing can pass between them through a relative local path.
        home = self.tmp / f"{args[0]}-{len(self.procs)}"
        home.mkdir()
        self.homes.append(home)
        return subprocess.Popen(
            [str(BIN / "dask"), *args],
            stdout=log,
            stderr=subprocess.STDOUT,
            env=self.env,
            cwd=home,
            start_new_session=True,
        )

    def add_worker(self) -> subprocess.Popen:
        proc = self._spawn(
            "worker",
            self.address,
            "--host",
            "127.0.0.1",
            "--nthreads",
            "1",
            "--no-dashboard",
            "--nworkers",
            "1",
        )
        self.procs.append(proc)
        self.workers.append(proc)
        return proc

    def wait_for_workers(self, n: int, timeout: float = 60) -> None:
        from distributed import Client

        deadline = time.monotonic() + timeout
        while True:
            try:
                with Client(self.address, timeout="5s") as client:
                    client.wait_for_workers(n, timeout=max(1, deadline - time.monotonic()))
                    return
            except (OSError, TimeoutError):
                if time.monotonic() > deadline:
                    raise

    def kill_worker(self, index: int = 0) -> None:
        """kill -9 a worker and its nanny (the whole process group)."""
        os.killpg(self.workers[index].pid, signal.SIGKILL)

    def close(self) -> None:
        for proc in reversed(self.procs):
            try:
                os.killpg(proc.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        for proc in self.procs:
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)


@pytest.fixture
def dask_processes(tmp_path_factory):
    """Factory: ``dask_processes(workers=1)`` returns a running :class:`DaskProcesses`."""
    started: list[DaskProcesses] = []

    def start(workers: int = 1) -> DaskProcesses:
        cluster = DaskProcesses(tmp_path_factory.mktemp("dask"), workers)
        started.append(cluster)
        return cluster

    yield start
    for cluster in started:
        cluster.close()


@pytest.fixture(scope="module")
def dask_two_workers(tmp_path_factory):
    """A scheduler and two worker processes (each under a nanny) shared by a test module."""
    cluster = DaskProcesses(tmp_path_factory.mktemp("dask"), workers=2)
    yield cluster
    cluster.close()
