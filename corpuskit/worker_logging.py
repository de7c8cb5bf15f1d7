"""Quiet the one Dask worker log line that every clean shutdown can produce.

When a local cluster closes, the scheduler retires its workers and closes their connections.
A worker heartbeat already on its way then meets a closed stream, and ``distributed`` logs
"Failed to communicate with scheduler during heartbeat." as an ERROR with a traceback, on
the stderr of a run that went well (rarely: the demo test caught it once in CI).
A heartbeat is retried on the next interval; a scheduler that is really gone shows up in the
client as a lost connection. So :class:`HeartbeatAsWarning` turns that record into a WARNING:
hidden at the level corpuskit's local clusters log at (``silence_logs=ERROR``), still there for
anyone who asks the ``distributed.worker`` logger for warnings.
"""

from __future__ import annotations

import logging

from distributed.diagnostics.plugin import WorkerPlugin

HEARTBEAT_FAILURE = "Failed to communicate with scheduler during heartbeat"


class HeartbeatAsWarning(logging.Filter):
    """Lower a worker's failed-heartbeat ERROR record to WARNING (its text is unchanged)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno >= logging.ERROR and record.getMessage().startswith(HEARTBEAT_FAILURE):
            record.levelno, record.levelname = logging.WARNING, "WARNING"
        return True


class QuietHeartbeatPlugin(WorkerPlugin):
    """Installs :class:`HeartbeatAsWarning` on the ``distributed.worker`` logger of a worker."""

    name = "corpuskit-heartbeat-as-warning"

    def setup(self, worker) -> None:
        logger = logging.getLogger("distributed.worker")
        if not any(isinstance(f, HeartbeatAsWarning) for f in logger.filters):
            logger.addFilter(HeartbeatAsWarning())
