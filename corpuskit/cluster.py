"""Connect to Dask: an embedded LocalCluster by default, or an existing scheduler.

``--scheduler tcp://HOST:PORT`` (or ``$DASK_SCHEDULER_ADDRESS``) runs the same job on an
existing cluster (dask-ssh, dask-jobqueue, Kubernetes); otherwise a
``distributed.LocalCluster`` sized to the machine is started with its dashboard on, and
the dashboard address is printed on stderr.
"""

from __future__ import annotations

import contextlib
import logging
import os

from corpuskit.errors import ConfigError
from corpuskit.progress import log

SCHEDULER_ENV = "DASK_SCHEDULER_ADDRESS"


def default_workers() -> int:
    return max(
        1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    )


@contextlib.contextmanager
def dask_client(
    scheduler: str | None = None,
    workers: int | None = None,
    dashboard_address: str | None = ":8787",
    memory_limit: str = "auto",
):
    """Yield a ``distributed.Client``; a LocalCluster is closed on exit."""
    from distributed import Client, LocalCluster

    address = scheduler or os.environ.get(SCHEDULER_ENV)
    if address:
        try:
            client = Client(address, timeout="20s")
        except OSError as exc:
            raise ConfigError(
                f"cannot reach the Dask scheduler at {address} ({exc}): "
                "check that `dask scheduler` runs there, or drop --scheduler to use a local cluster"
            ) from exc
        log(f"Dask scheduler: {address}; dashboard: {client.dashboard_link}")
        try:
            yield client
        finally:
            client.close()
        return

    cluster = LocalCluster(
        n_workers=workers or default_workers(),
        threads_per_worker=1,
        processes=True,
        memory_limit=memory_limit,
        dashboard_address=dashboard_address,
        silence_logs=logging.ERROR,
    )
    client = Client(cluster)
    from corpuskit.worker_logging import QuietHeartbeatPlugin

    client.register_plugin(QuietHeartbeatPlugin())
    log(
        f"Dask LocalCluster with {len(cluster.workers)} workers; dashboard: {client.dashboard_link}"
    )
    try:
        yield client
    finally:
        client.close()
        cluster.close()
