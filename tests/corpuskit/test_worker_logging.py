"""A failed heartbeat while a local cluster shuts down is not printed as an ERROR."""

from __future__ import annotations

import logging
import subprocess
import sys
import textwrap

from corpuskit.worker_logging import HEARTBEAT_FAILURE, HeartbeatAsWarning


def test_the_filter_lowers_only_the_heartbeat_failure():
    def record(message):
        return logging.LogRecord(
            "distributed.worker", logging.ERROR, __file__, 1, message, (), None
        )

    heartbeat = record(f"{HEARTBEAT_FAILURE}.")
    other = record("Compute Failed")
    assert HeartbeatAsWarning().filter(heartbeat) and HeartbeatAsWarning().filter(other)
    assert heartbeat.levelno == logging.WARNING and heartbeat.levelname == "WARNING"
    assert other.levelno == logging.ERROR


SCRIPT = textwrap.dedent(
    """
    import logging
    from corpuskit.cluster import dask_client

    def log_in_worker():
        log = logging.getLogger("distributed.worker")
        log.error("Failed to communicate with scheduler during heartbeat.")
        log.error("an unrelated worker error")

    with dask_client(None, 1, ":0") as client:
        client.run(log_in_worker)
    """
)


def test_local_cluster_workers_print_other_errors_but_not_the_heartbeat_failure(tmp_path):
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=120, cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "an unrelated worker error" in result.stderr  # worker ERRORs still reach stderr
    assert HEARTBEAT_FAILURE not in result.stderr
