"""The dataset folder: the contract between subcommands (see DESIGN.md).

::

    OUT/data/<shard>.parquet      documents kept (zstd)
    OUT/rejected/<shard>.parquet  dropped documents with reject.filter / reject.reason
    OUT/_stats/<shard>.json       per-shard counters
    OUT/_done/<shard>             completion marker, written last
    OUT/manifest.json             merged stats, parameters, inputs, versions, timings
    OUT/README.md                 dataset card rendered from manifest.json

A shard's files are written under temporary names and renamed; the ``_done`` marker is
written last, so a shard either has a marker and complete files or counts as not done.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

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


def atomic_write_text(path: Path, text: str) -> None:
    """Write a small text file atomically (temporary name, then rename)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


class DatasetFolder:
    """Paths and bookkeeping of one dataset folder."""

    def __init__(self, root: str | os.PathLike):
        self.root = Path(root)

    # -- paths -------------------------------------------------------------------------
    def data_path(self, shard: str) -> Path:
        return self.root / DATA_DIR / f"{shard}.parquet"

    def rejected_path(self, shard: str) -> Path:
        return self.root / REJECTED_DIR / f"{shard}.parquet"

    def stats_path(self, shard: str) -> Path:
        return self.root / STATS_DIR / f"{shard}.json"

    def done_path(self, shard: str) -> Path:
        return self.root / DONE_DIR / shard

    @property
    def manifest_path(self) -> Path:
        return self.root / MANIFEST

    # -- state -------------------------------------------------------------------------
    def is_done(self, shard: str) -> bool:
        return self.done_path(shard).exists()

    def done_shards(self) -> list[str]:
        folder = self.root / DONE_DIR
        if not folder.is_dir():
            return []
        # a marker still under its temporary name (.<shard>.tmp-PID) does not count
        return sorted(p.name for p in folder.iterdir() if not p.name.startswith("."))

    def remove_stale_temporaries(self) -> int:
        """Delete temporary files (``.<name>.tmp-<pid>``) left by killed runs of shards that
        are now done; they are never read, but they hold disk space. Returns how many."""
        done = set(self.done_shards())
        removed = 0
        for sub in (DATA_DIR, REJECTED_DIR, STATS_DIR, DONE_DIR):
            folder = self.root / sub
            if not folder.is_dir():
                continue
            for path in folder.iterdir():
                name, marker, _ = path.name.partition(".tmp-")
                if not (marker and name.startswith(".")):
                    continue
                shard = name[1:].removesuffix(".parquet").removesuffix(".json")
                if shard in done and path.is_file():
                    path.unlink(missing_ok=True)
                    removed += 1
        return removed

    def data_files(self) -> list[Path]:
        """Completed data shards, in shard order (a data file without a marker is ignored)."""
        done = set(self.done_shards())
        folder = self.root / DATA_DIR
        if not folder.is_dir():
            return []
        if not done and self.manifest_path.exists() and not (self.root / DONE_DIR).exists():
            # A package written by `mix` has data files but no per-shard markers.
            return sorted(folder.glob("*.parquet"))
        return sorted(p for p in folder.glob("*.parquet") if p.stem in done)

    def read_stats(self, shard: str) -> dict[str, Any] | None:
        path = self.stats_path(shard)
        if not path.exists():
            return None
        return json.loads(path.read_text(encoding="utf-8"))

    def all_stats(self) -> list[dict[str, Any]]:
        return [s for s in (self.read_stats(shard) for shard in self.done_shards()) if s]

    def read_manifest(self) -> dict[str, Any] | None:
        if not self.manifest_path.exists():
            return None
        return json.loads(self.manifest_path.read_text(encoding="utf-8"))

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
            path.unlink(missing_ok=True)

    def is_dataset(self) -> bool:
        return (self.root / DATA_DIR).is_dir()


class ParquetShardWriter:
    """Writes documents of one shard to ``final_path`` through a temporary file.

    Documents are buffered and flushed as row groups; :meth:`commit` renames the file to
    its final name. A writer that is never committed leaves only a temporary file, which
    the next run overwrites. ``extra_columns`` are string columns given per document.
    """

    def __init__(self, final_path: Path, extra_columns: tuple[str, ...] = ()):
        self.final_path = final_path
        self.tmp_path = final_path.with_name(f".{final_path.name}.tmp-{os.getpid()}")
        self.extra_columns = extra_columns
        self._buffer: list[Document] = []
        self._extras: list[dict[str, str]] = []
        self._buffer_bytes = 0
        self._writer = None
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
            self.final_path.parent.mkdir(parents=True, exist_ok=True)
            self._writer = pq.ParquetWriter(self.tmp_path, table.schema, compression="zstd")
        if table.num_rows:
            self._writer.write_table(table)
        self._buffer, self._extras, self._buffer_bytes = [], [], 0

    def commit(self) -> None:
        self.flush()
        self._writer.close()
        os.replace(self.tmp_path, self.final_path)

    def abort(self) -> None:
        if self._writer is not None:
            self._writer.close()
        self.tmp_path.unlink(missing_ok=True)


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
        atomic_write_text(self.folder.done_path(self.shard), "")
        return stats

    def abort(self) -> None:
        self.kept.abort()
        if self.rejected is not None:
            self.rejected.abort()
