"""The reduce phase: global decisions on Dask DataFrames, read from and written to Parquet.

In order, each on the documents not removed by an earlier method:

1. URL dedup (``--url``): group by the normalised-URL key, keep the newest capture (C4).
2. Exact dedup (``--exact``): group by the key of the whitespace-normalised text.
3. MinHash (``--minhash``): melt the band keys to ``(band, key, node)`` rows, shuffle them
   by ``(band, key)``, emit a star edge from every member of a bucket to the bucket's
   smallest node, drop duplicate edges, optionally keep only edges whose signatures agree
   on at least ``threshold`` of their values (``--verify``), then label connected
   components (:mod:`corpuskit.dedup.components`) and keep one member per component.
4. Line/span dedup (``--lines``): shuffle unit keys of the surviving pages by key and mark
   every repeated unit but the first.

Every group-by is a hash shuffle over partitions of bounded size (``partition_rows``);
decisions depend only on the data, never on partitioning, worker count or shard order.
"""

from __future__ import annotations

import dataclasses
import json
import math
from typing import Any

from corpuskit import storage
from corpuskit.dedup import work
from corpuskit.dedup.components import connected_components
from corpuskit.dedup.keep import mark_kept
from corpuskit.dedup.lines import mark_repeated_units
from corpuskit.progress import log

MEMBER_COLUMNS = [
    "node",
    "id",
    "shard",
    "input",
    "source",
    "is_index",
    "priority",
    "time",
    "length",
]
CLUSTER_COLUMNS = [
    "id",
    "cluster",
    "cluster_size",
    "kept",
    "kept_id",
    "method",
    "input",
    "source",
    "shard",
    "node",
    "is_index",
]
MASK64 = (1 << 64) - 1


@dataclasses.dataclass(frozen=True)
class ReduceConfig:
    """What the reduce phase does; ``fingerprint()`` guards resume against changed settings."""

    work: str
    clusters: str
    url: bool = False
    exact: bool = True
    minhash: bool = True
    verify: bool = False
    threshold: float = 0.72
    keep: str = "oldest"
    bands: int = 14
    lines: str = ""
    partition_rows: int = 1_000_000

    def fingerprint(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        data.pop("partition_rows")
        return data


def _mark_groups(frame, key: str, rule: str, method: str):
    import pandas as pd

    members = frame[frame[key].duplicated(keep=False)]
    marked = mark_kept(members.rename(columns={key: "group"}), "group", rule)
    marked["method"] = pd.Series([method] * len(marked), index=marked.index, dtype="str")
    marked["cluster"] = pd.Series(
        [f"{method}:{int(g) & MASK64:016x}" for g in marked["group"]],
        index=marked.index,
        dtype="str",
    )
    return marked[CLUSTER_COLUMNS].reset_index(drop=True)


def _melt_bands(frame, bands: int):
    import numpy as np
    import pandas as pd

    frame = frame[frame["shingles"] > 0]
    nodes = frame["node"].to_numpy()
    keys = np.concatenate([frame[work.band_column(b)].to_numpy() for b in range(bands)])
    return pd.DataFrame(
        {
            "band": np.repeat(np.arange(bands, dtype=np.int16), len(nodes)),
            "key": keys.astype(np.int64),
            "node": np.tile(nodes, bands).astype(np.int64),
        }
    )


def _star_edges(frame):
    import pandas as pd

    smallest = frame.groupby(["band", "key"])["node"].transform("min")
    mask = frame["node"] != smallest
    edges = pd.DataFrame(
        {"u": frame["node"][mask].astype("int64"), "v": smallest[mask].astype("int64")}
    )
    return edges.drop_duplicates().reset_index(drop=True)


def _verify_edges(frame, threshold: float):
    import numpy as np

    if not len(frame):
        return frame[["u", "v"]]
    left = np.stack(frame["su"].to_list())
    right = np.stack(frame["sv"].to_list())
    estimate = (left == right).mean(axis=1)
    return frame.loc[estimate >= threshold, ["u", "v"]].reset_index(drop=True)


def _meta_of(fn, frame, *args):
    return fn(frame._meta, *args)


def _read_columns(path: str, columns: list[str] | None):
    """One Parquet file as a pandas frame (a partition of :func:`read_frame`)."""

    return work.read_table(path, columns).to_pandas()


def read_frame(files: list[str], columns: list[str] | None = None):
    """A Dask DataFrame with one partition per Parquet file (read with pyarrow)."""
    import dask.dataframe as dd

    meta = _read_columns(files[0], columns).iloc[:0]
    return dd.from_map(_read_columns, files, columns=columns, meta=meta, enforce_metadata=False)


def _write_part(frame, folder: str, schema, partition_info=None):
    import pandas as pd
    import pyarrow as pa

    number = partition_info["number"] if partition_info else 0
    table = pa.Table.from_pandas(frame, schema=schema, preserve_index=False)
    work.write_table(table, storage.join(folder, f"part.{number:05d}.parquet"))
    return pd.DataFrame({"rows": [len(frame)]})


class Reducer:
    """Runs the reduce phase on one Dask scheduler (a distributed Client or a local one)."""

    def __init__(self, config: ReduceConfig, scheduler: str | None = None):
        self.config = config
        self.scheduler = scheduler  # None: the default (distributed) client
        self.counters: dict[str, Any] = {}

    # -- scheduler helpers ------------------------------------------------------------
    def persist(self, collection):
        import dask

        return dask.persist(collection, scheduler=self.scheduler)[0]

    def compute(self, collection):
        import dask

        return dask.compute(collection, scheduler=self.scheduler)[0]

    def compute_many(self, *collections):
        import dask

        return dask.compute(*collections, scheduler=self.scheduler)

    def writer(self, frame, folder: str, schema):
        """A lazy write of every partition as ``folder/part.NNNNN.parquet`` (row counts)."""

        import pandas as pd

        storage.delete_tree(folder)
        storage.makedirs(folder)
        meta = pd.DataFrame({"rows": pd.Series([], dtype="int64")})
        return frame.map_partitions(_write_part, str(folder), schema, meta=meta)

    # -- phases -------------------------------------------------------------------------
    def run(self) -> dict[str, Any]:
        import dask

        cfg = self.config
        root = cfg.work
        files = work.parquet_files(storage.join(root, work.SIGNATURES))
        total = sum(work.num_rows(f) for f in files)
        parts = max(1, math.ceil(total / cfg.partition_rows))
        self.counters = {"documents": total}
        with dask.config.set(
            {"dataframe.shuffle.method": "tasks", "dataframe.convert-string": False}
        ):
            docs = read_frame(files, MEMBER_COLUMNS + ["url_key", "text_key"])
            groups = []
            gone = None
            if cfg.url:
                log("dedup: reduce: URL groups")
                with_url = docs[docs["url_key"].notnull()]
                groups.append(self._groups(with_url, "url_key", "newest", "url", parts))
                gone = self._gone(groups)
            if cfg.exact:
                log("dedup: reduce: exact groups")
                groups.append(
                    self._groups(self._alive(docs, gone), "text_key", cfg.keep, "exact", parts)
                )
                gone = self._gone(groups)
            if cfg.minhash:
                groups.append(self._minhash(files, docs, gone, total, parts))
                gone = self._gone(groups)
            self._write_clusters(groups)
            if cfg.lines:
                self._lines(root, gone, parts)
        return self.counters

    def _alive(self, frame, gone):
        if gone is None:
            return frame
        flagged = frame.merge(gone.assign(_gone=True), on="node", how="left")
        return flagged[flagged["_gone"].isna()].drop(columns="_gone")

    def _gone(self, groups):
        import dask.dataframe as dd

        rows = dd.concat(groups)
        return rows[~rows["kept"]][["node"]].repartition(npartitions=1)

    def _groups(self, frame, key: str, rule: str, method: str, parts: int):
        shuffled = frame.shuffle(on=key, npartitions=parts)
        meta = _meta_of(_mark_groups, shuffled, key, rule, method)
        rows = shuffled.map_partitions(_mark_groups, key, rule, method, meta=meta)
        return self.persist(rows)

    def _minhash(self, files, docs, gone, total: int, parts: int):

        cfg = self.config
        root = cfg.work
        log("dedup: reduce: shuffling band keys by (band, key)")
        band_cols = ["node", "shingles"] + [work.band_column(b) for b in range(cfg.bands)]
        bands = self._alive(read_frame(files, band_cols), gone)
        long_parts = max(1, math.ceil(total * cfg.bands / cfg.partition_rows))
        melted = bands.map_partitions(
            _melt_bands, cfg.bands, meta=_meta_of(_melt_bands, bands, cfg.bands)
        )
        shuffled = melted.shuffle(on=["band", "key"], npartitions=long_parts)
        edges = shuffled.map_partitions(_star_edges, meta=_meta_of(_star_edges, shuffled))
        edges = self.persist(edges.drop_duplicates(split_out=parts))
        candidates = edges.shape[0]
        if cfg.verify:
            log("dedup: reduce: verifying candidate pairs on signatures")
            sigs = read_frame(files, ["node", "signature"])
            joined = edges.merge(
                sigs.rename(columns={"node": "u", "signature": "su"}), on="u", npartitions=parts
            ).merge(
                sigs.rename(columns={"node": "v", "signature": "sv"}), on="v", npartitions=parts
            )
            edges = self.persist(
                joined.map_partitions(_verify_edges, cfg.threshold, meta=edges._meta)
            )
        candidates, verified, _ = self.compute_many(
            candidates,
            edges.shape[0],
            self.writer(edges, storage.join(root, work.EDGES), work.edge_schema()),
        )
        self.counters["candidates"] = int(candidates)
        self.counters["verified_pairs"] = int(verified)
        log("dedup: reduce: connected components")
        labels, rounds = connected_components(edges, parts, self.persist, self.compute)
        self.counters["component_rounds"] = rounds
        labels_written = self.writer(
            labels, storage.join(root, work.COMPONENTS), work.label_schema()
        )
        members = labels.merge(
            self._alive(docs, gone)[MEMBER_COLUMNS], on="node", npartitions=parts
        )
        members = members.rename(columns={"label": "minhash_label"})
        groups = self._groups(members, "minhash_label", cfg.keep, "minhash", parts)
        self.compute(labels_written)
        return groups

    def _write_clusters(self, groups) -> None:
        import dask.dataframe as dd

        cfg = self.config
        if not groups:
            return
        rows = dd.concat(groups)
        kept = rows[rows["kept"]]
        removed = rows[~rows["kept"] & ~rows["is_index"]]
        per_method, counts, _, _ = self.compute_many(
            kept.groupby("method").size(),
            removed.groupby(["input", "method"]).size(),
            self.writer(rows, cfg.clusters, work.clusters_schema()),
            self.writer(
                removed[["node", "id", "shard", "input", "method", "cluster"]],
                storage.join(cfg.work, work.REMOVED),
                work.removed_schema(),
            ),
        )
        self.counters["clusters"] = {m: int(n) for m, n in sorted(per_method.items())}
        by_input: dict[str, dict[str, int]] = {}
        for (name, method), n in sorted(counts.items()):
            by_input.setdefault(name, {})[method] = int(n)
        self.counters["removed_by_input"] = by_input

    def _lines(self, root: str, gone, parts: int) -> None:

        log("dedup: reduce: repeated lines/spans")
        files = work.parquet_files(storage.join(root, work.LINES))
        total = sum(work.num_rows(f) for f in files)
        units = self._alive(read_frame(files), gone)
        shuffled = units.shuffle(
            on="key", npartitions=max(1, math.ceil(total / self.config.partition_rows))
        )
        drops = shuffled.map_partitions(
            mark_repeated_units, meta=_meta_of(mark_repeated_units, shuffled)
        )
        drops = self.persist(drops)
        count, _ = self.compute_many(
            drops.shape[0],
            self.writer(drops, storage.join(root, work.LINE_DROPS), work.drops_schema()),
        )
        self.counters["units_dropped"] = int(count)


def run_reduce(config: ReduceConfig, scheduler: str | None, overwrite: bool) -> dict[str, Any]:
    """Run the reduce phase unless ``_work/reduce.json`` records it for the same settings."""
    root = config.work
    marker = work.read_reduce_marker(root)
    if marker and not overwrite and marker.get("config") == config.fingerprint():
        log("dedup: reduce phase already done; reusing its decisions")
        return marker["counters"]
    storage.delete(storage.join(root, work.REDUCE_MARKER))
    counters = Reducer(config, scheduler).run()
    from corpuskit.dataset import atomic_write_text

    atomic_write_text(
        storage.join(root, work.REDUCE_MARKER),
        json.dumps(
            {"config": config.fingerprint(), "counters": counters}, indent=1, sort_keys=True
        ),
    )
    return counters
