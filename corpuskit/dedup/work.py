"""The folder layout and Parquet schemas of the files the dedup phases exchange.

::

    OUT/_work/signatures/<shard>.parquet   map: one row per document (SIGNATURE_COLUMNS)
    OUT/_work/lines/<shard>.parquet        map, with --lines: one row per line/span key
    OUT/_work/edges/part.N.parquet         reduce: candidate (and verified) edges u > v
    OUT/_work/components/part.N.parquet    reduce: (node, label) for nodes with an edge
    OUT/_work/removed/part.N.parquet       reduce: documents to drop, with method
    OUT/_work/line_drops/part.N.parquet    reduce: (shard, node, pos) units to drop
    OUT/_work/reduce.json                  reduce: parameters and counters, written last
    OUT/clusters/part.N.parquet            every member of every duplicate group
"""

from __future__ import annotations

import datetime as dt
import math

from corpuskit import storage
from corpuskit.dedup.normalize import key64

SIGNATURES = "signatures"
LINES = "lines"
EDGES = "edges"
COMPONENTS = "components"
REMOVED = "removed"
LINE_DROPS = "line_drops"
REDUCE_MARKER = "reduce.json"
CLUSTERS = "clusters"


def band_column(band: int) -> str:
    """Name of the signature-file column holding one band's key."""
    return f"band_{band:03d}"


def signature_schema(bands: int, with_signature: bool):
    """Schema of ``_work/signatures/<shard>.parquet``."""
    import pyarrow as pa

    fields = [
        pa.field("node", pa.int64(), nullable=False),  # key64(input \0 id)
        pa.field("id", pa.string(), nullable=False),
        pa.field("shard", pa.string(), nullable=False),
        pa.field("input", pa.string(), nullable=False),
        pa.field("source", pa.string()),
        pa.field("is_index", pa.bool_(), nullable=False),
        pa.field("priority", pa.int32(), nullable=False),
        pa.field("time", pa.float64()),  # POSIX seconds of `timestamp`, null if missing
        pa.field("length", pa.int64(), nullable=False),  # characters of text
        pa.field("url_key", pa.int64()),  # key64(normalize_url(url)), null without url
        pa.field("text_key", pa.int64(), nullable=False),  # key64(exact_text(text))
        pa.field("shingles", pa.int32(), nullable=False),  # 0: no word, no band key
    ]
    fields += [pa.field(band_column(b), pa.int64(), nullable=False) for b in range(bands)]
    if with_signature:
        fields.append(pa.field("signature", pa.list_(pa.uint32())))
    return pa.schema(fields)


def lines_schema():
    """Schema of ``_work/lines/<shard>.parquet``: one row per line (or span) of a page."""
    import pyarrow as pa

    return pa.schema(
        [
            pa.field("key", pa.int64(), nullable=False),
            pa.field("node", pa.int64(), nullable=False),
            pa.field("pos", pa.int32(), nullable=False),
            pa.field("shard", pa.string(), nullable=False),
            pa.field("is_index", pa.bool_(), nullable=False),
            pa.field("priority", pa.int32(), nullable=False),
        ]
    )


def clusters_schema():
    """Schema of ``OUT/clusters/*.parquet`` (one row per member of a duplicate group)."""
    import pyarrow as pa

    return pa.schema(
        [
            ("id", pa.string()),
            ("cluster", pa.string()),  # "<method>:<16 hex digits>"
            ("cluster_size", pa.int64()),
            ("kept", pa.bool_()),
            ("kept_id", pa.string()),
            ("method", pa.string()),  # url | exact | minhash
            ("input", pa.string()),
            ("source", pa.string()),
            ("shard", pa.string()),
            ("node", pa.int64()),
            ("is_index", pa.bool_()),
        ]
    )


def edge_schema():
    """``_work/edges/``: candidate (or verified) star edges, ``u > v``."""
    import pyarrow as pa

    return pa.schema([("u", pa.int64()), ("v", pa.int64())])


def label_schema():
    """``_work/components/``: the component label (smallest node) of every node with an edge."""
    import pyarrow as pa

    return pa.schema([("node", pa.int64()), ("label", pa.int64())])


def removed_schema():
    """``_work/removed/``: documents the apply phase drops, with the method that removed them."""
    import pyarrow as pa

    return pa.schema(
        [
            ("node", pa.int64()),
            ("id", pa.string()),
            ("shard", pa.string()),
            ("input", pa.string()),
            ("method", pa.string()),
            ("cluster", pa.string()),
        ]
    )


def drops_schema():
    """``_work/line_drops/``: lines (c4-code) or spans (c4-paper) to remove from a page."""
    import pyarrow as pa

    return pa.schema([("shard", pa.string()), ("node", pa.int64()), ("pos", pa.int32())])


def node_of(input_name: str, doc_id: str) -> int:
    """The 64-bit graph node of a document: its input name and id hashed together."""
    return key64(f"{input_name}\x00{doc_id}")


def parse_time(timestamp: str | None) -> float:
    """POSIX seconds of an ISO-8601 timestamp (naive = UTC); NaN when missing or unparsable."""
    if not timestamp:
        return math.nan
    try:
        value = dt.datetime.fromisoformat(timestamp.strip().replace("Z", "+00:00"))
    except ValueError:
        return math.nan
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.timezone.utc)
    return value.timestamp()


def write_table(table, url: str) -> None:
    """Write a Parquet file whole (attempt name, then commit), on any storage."""
    import pyarrow.parquet as pq

    url = str(url)
    tmp = storage.attempt_name(url)
    with storage.open(tmp, "wb") as fh:
        pq.write_table(table, fh, compression="zstd")
    storage.commit(tmp, url)


def read_table(url: str, columns: list[str] | None = None, filters=None):
    """A Parquet exchange file as an Arrow table."""
    import pyarrow.parquet as pq

    with storage.open(str(url), "rb") as fh:
        return pq.read_table(fh, columns=columns, filters=filters)


def parquet_files(folder: str) -> list[str]:
    """The committed Parquet files of an exchange folder, sorted (attempts left out)."""
    folder = str(folder)
    return [
        storage.join(folder, name)
        for name in storage.listdir(folder)
        if name.endswith(".parquet") and not name.startswith(".")
    ]


def num_rows(url: str) -> int:
    import pyarrow.parquet as pq

    with storage.open(str(url), "rb") as fh:
        return pq.ParquetFile(fh).metadata.num_rows


def read_reduce_marker(work: str) -> dict | None:
    """The settings and counters of a finished reduce phase, or None."""
    return storage.read_json(storage.join(str(work), REDUCE_MARKER))
