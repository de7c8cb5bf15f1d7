"""Dedup clusters: the size distribution and a few clusters side by side.

``OUT/clusters/*.parquet`` (written by ``dedup``) has one row per member of a duplicate
cluster: ``id``, ``cluster``, ``cluster_size``, ``kept``, ``method``, and the ``input`` and
``shard`` the document came from. Only those small columns are read. For the clusters shown,
the members' texts are read from the input folder's ``data/<shard>.parquet`` with an ``id``
filter, and each removed member is compared with the kept one word by word (``difflib``):
words that differ are marked.
"""

from __future__ import annotations

import difflib
import os
from typing import Any

from corpuskit import storage

SIZE_BUCKETS = [(2, 2), (3, 3), (4, 4), (5, 5), (6, 10), (11, 100), (101, None)]
MAX_WORDS = 250
MAX_MEMBERS = 4


def _bucket_label(low: int, high: int | None) -> str:
    return str(low) if low == high else (f"{low}-{high}" if high else f">{low - 1}")


def word_diff(kept: str, other: str) -> tuple[list[list], list[list]]:
    """Both texts as ``[segment, differs]`` runs, compared word by word (first words only)."""
    a, b = kept.split()[:MAX_WORDS], other.split()[:MAX_WORDS]
    left: list[list] = []
    right: list[list] = []
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        same = op == "equal"
        if i2 > i1:
            left.append([" ".join(a[i1:i2]), not same])
        if j2 > j1:
            right.append([" ".join(b[j1:j2]), not same])
    return left, right


def _read(url: str, **options):
    """One Parquet file (any storage) as an Arrow table."""
    import pyarrow.parquet as pq

    with storage.open(url, "rb") as fh:
        return pq.read_table(fh, **options)


def _texts(folder: str, shard: str, ids: list[str]) -> dict[str, dict[str, Any]]:
    url = storage.join(folder, "data", f"{shard}.parquet")
    if not storage.exists(url):
        return {}
    table = _read(url, columns=["id", "text", "url"], filters=[("id", "in", ids)])
    return {row["id"]: row for row in table.to_pylist()}


def describe(folder: str, manifest: dict[str, Any] | None, shown: int, seed: int):
    """Cluster sizes and up to ``shown`` seeded clusters with diffs; None without clusters."""
    import numpy as np
    import pyarrow as pa

    where = storage.join(folder, "clusters")
    files = [
        storage.join(where, n)
        for n in storage.listdir(where)
        if n.endswith(".parquet") and not n.startswith(".")
    ]
    if not files:
        return None
    tables = [_read(f, columns=["cluster", "cluster_size", "method"]) for f in files]
    members = pa.concat_tables(tables)
    if not members.num_rows:
        return {"clusters": 0, "sizes": [], "by_method": {}, "examples": []}
    per_cluster = members.group_by(["cluster", "method"]).aggregate([("cluster_size", "max")])
    sizes = per_cluster["cluster_size_max"].to_numpy()
    buckets = [
        {
            "label": _bucket_label(low, high),
            "count": int(((sizes >= low) & (sizes <= (high or sizes.max()))).sum()),
        }
        for low, high in SIZE_BUCKETS
    ]
    methods = per_cluster["method"].to_pylist()
    by_method = {m: methods.count(m) for m in sorted(set(methods))}
    # near duplicates first: exact clusters have nothing to highlight
    rng = np.random.default_rng(seed)
    names = per_cluster["cluster"].to_pylist()
    order = sorted(range(len(names)), key=lambda i: (methods[i] == "exact", rng.random()))
    picked = [names[i] for i in order[:shown]]
    inputs = {
        item["name"]: _input_folder(folder, item["path"])
        for item in ((manifest or {}).get("dedup") or {}).get("inputs", [])
        if isinstance(item, dict) and "name" in item and "path" in item
    }
    examples = []
    for name in picked:
        rows = []
        for f in files:
            part = _read(f, filters=[("cluster", "=", name)])
            rows += part.to_pylist()
        rows.sort(key=lambda r: (not r["kept"], r["id"]))
        rows = rows[:MAX_MEMBERS]
        texts: dict[str, dict[str, Any]] = {}
        for (source, shard), ids in _group(rows).items():
            if source in inputs:
                texts.update(_texts(inputs[source], shard, ids))
        kept_text = texts.get(rows[0]["id"], {}).get("text", "")
        first_other = texts.get(rows[1]["id"], {}).get("text", "") if len(rows) > 1 else ""
        shown_members = []
        for row in rows:
            doc = texts.get(row["id"], {})
            if row["kept"]:  # marked where it differs from the first removed member
                left, right = word_diff(kept_text, first_other or kept_text)
            else:
                left, right = word_diff(kept_text, doc.get("text", ""))
            shown_members.append(
                {
                    "id": row["id"],
                    "url": doc.get("url"),
                    "kept": bool(row["kept"]),
                    "found": bool(doc),
                    "segments": left if row["kept"] else right,
                }
            )
        examples.append(
            {
                "cluster": name,
                "method": rows[0]["method"],
                "size": int(max(r["cluster_size"] for r in rows)),
                "members": shown_members,
            }
        )
    return {
        "clusters": len(names),
        "sizes": buckets,
        "by_method": by_method,
        "examples": examples,
    }


def _input_folder(folder: str, recorded: str) -> str:
    """The input folder as recorded; a relative local path that does not resolve from here
    (the run was started elsewhere) is looked up next to the dedup folder, as `corpuskit run`
    lays stages out."""
    if not storage.is_local(recorded) or os.path.isabs(recorded) or storage.exists(recorded):
        return recorded
    return storage.join(storage.parent_of(folder), storage.name_of(recorded))


def _group(rows: list[dict[str, Any]]) -> dict[tuple[str, str], list[str]]:
    grouped: dict[tuple[str, str], list[str]] = {}
    for row in rows:
        grouped.setdefault((row.get("input"), row.get("shard")), []).append(row["id"])
    return grouped
