"""The dataset folder: the contract between subcommands (see DESIGN.md).

::

    OUT/data/<shard>.parquet      documents kept (zstd)
    OUT/rejected/<shard>.parquet  dropped documents with reject.filter / reject.reason
    OUT/_stats/<shard>.json       per-shard counters
    OUT/_done/<shard>             completion marker, written last
    OUT/manifest.json             merged stats, parameters, inputs, versions, timings
    OUT/README.md                 dataset card rendered from manifest.json

The folder is a local path or any fsspec URL (:mod:`corpuskit.storage`). A shard's files
are written under unique attempt names and moved into place (a rename on disk, a server-side
copy on an object store); the ``_done`` marker, which names the shard's objects, is written
last, so a shard either has a marker and complete files or counts as not done. Readers
trust markers only; attempt files of done shards are deleted at the end of a run.
"""

from __future__ import annotations

import json
import time
from typing import Any

from corpuskit import storage
from corpuskit.document import Document, documents_to_table

DATA_DIR = "data"
REJECTED_DIR = "rejected"
STATS_DIR = "_stats"
DONE_DIR = "_done"
MANIFEST = "manifest.json"
CARD = "README.md"

# Documents are buffered until about this much text, then written as one row group:
# DESIGN.md asks for row groups of ~64-128 MB uncompressed.
ROW_GROUP_BYTES = 64 * 1024 * 1024
ROW_GROUP_MAX_ROWS = 100_000


def atomic_write_text(path: str, text: str) -> None:
    """Write a small text file so readers see all of it or nothing (any URL)."""
    storage.write_text(str(path), text)


class DatasetFolder:
    """Locations and bookkeeping of one dataset folder (a local path or any fsspec URL)."""

    def __init__(self, root: str):
        self.root = storage.normalize(str(root))

    def _at(self, *parts: str) -> str:
        return storage.join(self.root, *parts)

    # -- locations ---------------------------------------------------------------------
    def data_path(self, shard: str) -> str:
        return self._at(DATA_DIR, f"{shard}.parquet")

    def rejected_path(self, shard: str) -> str:
        return self._at(REJECTED_DIR, f"{shard}.parquet")

    def stats_path(self, shard: str) -> str:
        return self._at(STATS_DIR, f"{shard}.json")

    def done_path(self, shard: str) -> str:
        return self._at(DONE_DIR, shard)

    @property
    def manifest_path(self) -> str:
        return self._at(MANIFEST)

    # -- state -------------------------------------------------------------------------
    def is_done(self, shard: str) -> bool:
        return storage.exists(self.done_path(shard))

    def done_shards(self) -> list[str]:
        """Shards with a ``_done`` marker (one listing, whatever the number of shards)."""
        # a marker still under its attempt name (.<shard>.tmp-...) does not count
        return [n for n in storage.listdir(self._at(DONE_DIR)) if not n.startswith(".")]

    def remove_stale_temporaries(self) -> int:
        """Delete attempt files (``.<name>.tmp-<attempt>``) of shards that are now done: they
        are never read (a killed run, a retried or duplicated task left them). Returns how many."""
        done = set(self.done_shards())
        removed = 0
        for sub in (DATA_DIR, REJECTED_DIR, STATS_DIR, DONE_DIR):
            for name in storage.listdir(self._at(sub)):
                if not storage.is_attempt(name):
                    continue
                if _owner(storage.attempt_target(name), done) is not None:
                    storage.delete(self._at(sub, name))
                    removed += 1
        return removed

    def data_files(self) -> list[str]:
        """Completed data shards, in shard order (a data file without a marker is ignored)."""
        names = [n for n in storage.listdir(self._at(DATA_DIR)) if n.endswith(".parquet")]
        names = [n for n in names if not n.startswith(".")]
        done = set(self.done_shards())
        if (
            not done
            and not storage.exists(self._at(DONE_DIR))
            and storage.exists(self.manifest_path)
        ):
            # A package written by `mix` has data files but no per-shard markers.
            return [self._at(DATA_DIR, n) for n in names]
        return [self._at(DATA_DIR, n) for n in names if n.removesuffix(".parquet") in done]

    def read_stats(self, shard: str) -> dict[str, Any] | None:
        return storage.read_json(self.stats_path(shard))

    def read_many_stats(self, shards: list[str]) -> dict[str, dict[str, Any]]:
        """The stats of many shards at once (concurrent requests on an object store)."""
        found = storage.read_many([self.stats_path(shard) for shard in shards])
        by_url = {self.stats_path(shard): shard for shard in shards}
        return {by_url[url]: json.loads(data) for url, data in found.items()}

    def all_stats(self) -> list[dict[str, Any]]:
        return [s for s in (self.read_stats(shard) for shard in self.done_shards()) if s]

    def read_manifest(self) -> dict[str, Any] | None:
        return storage.read_json(self.manifest_path)

    def write_manifest(self, manifest: dict[str, Any]) -> None:
        atomic_write_text(self.manifest_path, json.dumps(manifest, indent=2, sort_keys=True) + "\n")

    def clear_shard(self, shard: str) -> None:
        """Forget a shard (for --overwrite): marker first, so a crash leaves it not-done."""
        for path in (
            self.done_path(shard),
            self.data_path(shard),
            self.rejected_path(shard),
            self.stats_path(shard),
        ):
            storage.delete(path)

    def is_dataset(self) -> bool:
        return storage.isdir(self._at(DATA_DIR))


def _owner(file_name: str, shards: set[str]) -> str | None:
    """The shard a file belongs to: its name is ``<shard>`` or ``<shard>.<suffixes>``
    (``s.parquet``, ``s.json``, ``s.bin``, ``s.docs.npy``); shard ids may hold dots too."""
    name = file_name
    while name not in shards:
        if "." not in name:
            return None
        name = name.rsplit(".", 1)[0]
    return name


class ParquetShardWriter:
    """Writes documents of one shard to ``final_path`` through a unique attempt name.

    Documents are buffered and flushed as row groups; :meth:`commit` moves the attempt to
    its final name (:func:`corpuskit.storage.commit`). A writer that is never committed
    leaves only its attempt file, removed once the shard is done. ``extra_columns`` are
    string columns given per document.
    """

    def __init__(self, final_path: str, extra_columns: tuple[str, ...] = ()):
        self.final_path = str(final_path)
        self.tmp_path = storage.attempt_name(self.final_path)
        self.extra_columns = extra_columns
        self._buffer: list[Document] = []
        self._extras: list[dict[str, str]] = []
        self._buffer_bytes = 0
        self._writer = None
        self._file = None
        self._signal_names: list[str] | None = None
        self.rows = 0

    def write(self, doc: Document, extra: dict[str, str] | None = None) -> None:
        self._buffer.append(doc)
        self._extras.append(extra or {})
        self._buffer_bytes += len(doc.text) + 256
        self.rows += 1
        if self._buffer_bytes >= ROW_GROUP_BYTES or len(self._buffer) >= ROW_GROUP_MAX_ROWS:
            self.flush()

    def flush(self) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        if not self._buffer and self._writer is not None:
            return
        if self._signal_names is None:
            names: set[str] = set()
            for doc in self._buffer:
                names.update(doc.signals)
            self._signal_names = sorted(names)
        table = documents_to_table(self._buffer, self._signal_names)
        for name in self.extra_columns:
            values = [extra.get(name) for extra in self._extras]
            table = table.append_column(pa.field(name, pa.string()), pa.array(values, pa.string()))
        if self._writer is None:
            self._file = storage.open(self.tmp_path, "wb")
            self._writer = pq.ParquetWriter(self._file, table.schema, compression="zstd")
        if table.num_rows:
            self._writer.write_table(table)
        self._buffer, self._extras, self._buffer_bytes = [], [], 0

    def _close(self) -> None:
        if self._writer is not None:
            self._writer.close()
            self._writer = None
        if self._file is not None:
            self._file.close()
            self._file = None

    def commit(self) -> None:
        self.flush()
        self._close()
        storage.commit(self.tmp_path, self.final_path)

    def abort(self) -> None:
        try:
            self._close()
        finally:
            storage.delete(self.tmp_path)


REJECT_COLUMNS = ("reject.filter", "reject.reason")


class ShardOutput:
    """Everything one shard writes: kept documents, optional rejected ones, stats, marker.

    Use as a context manager; on a clean exit call :meth:`finish` with the counters.
    """

    def __init__(self, folder: DatasetFolder, shard: str, keep_rejected: bool = False):
        self.folder = folder
        self.shard = shard
        self.kept = ParquetShardWriter(folder.data_path(shard))
        self.rejected = (
            ParquetShardWriter(folder.rejected_path(shard), extra_columns=REJECT_COLUMNS)
            if keep_rejected
            else None
        )
        self._started = time.monotonic()

    def write(self, doc: Document) -> None:
        self.kept.write(doc)

    def reject(self, doc: Document, filter_name: str, reason: str) -> None:
        """Record a dropped document (written only with keep_rejected)."""
        if self.rejected is None:
            return
        self.rejected.write(doc, {"reject.filter": filter_name, "reject.reason": reason})

    def finish(self, stats: dict[str, Any]) -> dict[str, Any]:
        """Commit the data files, then the stats, then the ``_done`` marker (last)."""
        self.kept.commit()
        if self.rejected is not None:
            self.rejected.commit()
        stats = dict(stats)
        stats.setdefault("shard", self.shard)
        stats["seconds"] = round(time.monotonic() - self._started, 3)
        stats["rows"] = self.kept.rows
        atomic_write_text(
            self.folder.stats_path(self.shard), json.dumps(stats, indent=1, sort_keys=True)
        )
        # The marker, written last, names the objects to read and the attempt that wrote them.
        marker = {
            "attempt": storage.name_of(self.kept.tmp_path),
            "data": f"{DATA_DIR}/{self.shard}.parquet",
        }
        if self.rejected is not None:
            marker["rejected"] = f"{REJECTED_DIR}/{self.shard}.parquet"
        marker["rows"] = self.kept.rows
        atomic_write_text(self.folder.done_path(self.shard), json.dumps(marker, sort_keys=True))
        return stats

    def abort(self) -> None:
        self.kept.abort()
        if self.rejected is not None:
            self.rejected.abort()
