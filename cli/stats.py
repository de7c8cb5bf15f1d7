"""``corpuskit stats PATH...``: summarise dataset folders from their ``_stats`` and manifests.

Counters are recomputed from the ``_stats/<shard>.json`` of every shard that has a ``_done``
marker (the same sum ``run_stage`` writes into ``manifest.json``), so the summary is right
even while a run is going on or after one was interrupted before its manifest was written.
Document counts come from the Parquet footers of the completed shards; a package written by
``mix`` (no markers) is summarised from its data files and manifest.
"""

from __future__ import annotations

import json
from typing import Any

import click

from cli import options
from corpuskit.errors import InputError


def _read_json(url: str) -> dict[str, Any]:
    from corpuskit import storage

    try:
        return json.loads(storage.read_text(url))
    except (OSError, ValueError) as exc:
        raise InputError(
            f"{url}: unreadable ({exc}); rerun the stage with --overwrite to rebuild it"
        ) from exc


def _parquet_rows(files: list[str]) -> int:
    import pyarrow.parquet as pq

    from corpuskit import storage

    rows = 0
    for url in files:
        try:
            with storage.open(url, "rb") as fh:
                rows += pq.ParquetFile(fh).metadata.num_rows
        except Exception as exc:  # pyarrow raises several unrelated types for a damaged file
            raise InputError(
                f"{url}: unreadable Parquet file ({exc}); delete its _done marker and rerun"
            ) from exc
    return rows


def flatten(counters: dict[str, Any], prefix: str = "") -> dict[str, float]:
    """Nested numeric counters as dotted keys (``filters.c4.dropped.lorem_ipsum``)."""
    flat: dict[str, float] = {}
    for key, value in counters.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(flatten(value, name + "."))
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            flat[name] = value
    return flat


def summarise(path: str) -> dict[str, Any]:
    """The summary of one dataset folder; InputError when ``path`` is not one."""
    from corpuskit import storage
    from corpuskit.dataset import DONE_DIR, MANIFEST, REJECTED_DIR, STATS_DIR, DatasetFolder
    from corpuskit.stage import merge_counters

    folder = DatasetFolder(path)
    root = folder.root
    if not storage.isdir(root):
        what = "is a file, not a dataset folder" if storage.exists(root) else "no such folder"
        raise InputError(f"{path}: {what}: give the output folder (-o) of a corpuskit command")
    present = set(storage.listdir(root))
    markers = (MANIFEST, "data", STATS_DIR, DONE_DIR)
    if not present & set(markers):
        raise InputError(
            f"{path} is not a dataset folder (it has none of {', '.join(markers)}): "
            "give the output folder (-o) of a corpuskit command"
        )
    manifest = _read_json(folder.manifest_path) if MANIFEST in present else None
    done = folder.done_shards()
    counters: dict[str, Any] = {}
    stats_names = set(storage.listdir(storage.join(root, STATS_DIR)))
    for shard in done:
        if f"{shard}.json" in stats_names:
            stats = _read_json(folder.stats_path(shard))
            merge_counters(counters, stats.get("counters", {}))
            counters["rows"] = counters.get("rows", 0) + stats.get("rows", 0)
    if not done and manifest:
        counters = manifest.get("counters") or {}

    data_files = folder.data_files()
    done_set = set(done)
    rejected_files = [
        storage.join(root, REJECTED_DIR, name)
        for name in storage.listdir(storage.join(root, REJECTED_DIR))
        if name.endswith(".parquet")
        and not name.startswith(".")
        and (name.removesuffix(".parquet") in done_set or not done)
    ]
    shard_info = (manifest or {}).get("shards")
    if isinstance(shard_info, dict):
        total = max(shard_info.get("total", 0), len(done))
        failed = [f for f in shard_info.get("failed", []) if f.get("shard") not in done_set]
    else:  # a mix package lists its files instead
        total, failed = len(done) or len(data_files), []
    unfinished = sorted(
        name.removesuffix(".parquet")
        for name in storage.listdir(storage.join(root, "data"))
        if name.endswith(".parquet")
        and not name.startswith(".")
        and done
        and name.removesuffix(".parquet") not in done_set
    )
    sizes = dict(storage.find_files(root))
    stale = bool(manifest and done and flatten(manifest.get("counters") or {}) != flatten(counters))
    return {
        "path": str(path),
        "stage": (manifest or {}).get("stage"),
        "manifest": manifest is not None,
        "manifest_stale": stale,
        "shards": {
            "total": total,
            "done": len(done) if done else len(data_files),
            "failed": failed,
            "unfinished": unfinished,
        },
        "documents": _parquet_rows(data_files),
        "rejected_documents": _parquet_rows(rejected_files),
        "bytes": {
            "data": sum(sizes.get(url) or 0 for url in data_files),
            "rejected": sum(sizes.get(url) or 0 for url in rejected_files),
            "total": sum(size or 0 for size in sizes.values()),
        },
        "counters": counters,
    }


def human_size(size: float) -> str:
    for unit in ("B", "kB", "MB", "GB", "TB"):
        if size < 1000 or unit == "TB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1000
    raise AssertionError("unreachable")


def _number(value: float) -> str:
    return f"{value:,}" if isinstance(value, int) else f"{value:,.3f}"


def render(summaries: list[dict[str, Any]]) -> str:
    """The human report: one table row per folder, then each folder's counters."""
    header = ("dataset", "stage", "shards", "failed", "documents", "rejected", "on disk")
    rows = [header]
    for s in summaries:
        rows.append(
            (
                s["path"],
                s["stage"] or "-",
                f"{s['shards']['done']}/{s['shards']['total']}",
                str(len(s["shards"]["failed"])),
                f"{s['documents']:,}",
                f"{s['rejected_documents']:,}",
                human_size(s["bytes"]["total"]),
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines = [
        "  ".join(
            cell.ljust(w) if i < 2 else cell.rjust(w)
            for i, (cell, w) in enumerate(zip(row, widths, strict=True))
        )
        for row in rows
    ]
    for s in summaries:
        flat = flatten(s["counters"])
        if not flat:
            continue
        lines += ["", f"{s['path']} counters:"]
        width = max(len(key) for key in flat)
        lines += [f"  {key.ljust(width)}  {_number(flat[key]):>12}" for key in sorted(flat)]
    return "\n".join(lines)


def warnings(summary: dict[str, Any]) -> list[str]:
    """Things a user should act on, for stderr."""
    found = []
    path, shards = summary["path"], summary["shards"]
    if shards["failed"]:
        names = ", ".join(f["shard"] for f in shards["failed"])
        found.append(f"{path}: failed shards: {names}; rerun the same command to retry them")
    if shards["unfinished"]:
        found.append(
            f"{path}: {len(shards['unfinished'])} shard(s) without a _done marker "
            "(interrupted); rerun the same command to finish them"
        )
    if summary["manifest_stale"]:
        found.append(
            f"{path}: manifest.json counters differ from _stats (a run was interrupted?); "
            "the figures shown are recomputed from _stats"
        )
    return found


@click.command("stats")
@click.argument("paths", nargs=-1, required=True, metavar="PATH...")
@options.json_output
@options.verbose
@options.quiet
def command(paths, as_json):
    """Summarise dataset folders: shards done and failed, documents, counters, size.

    Counters (dropped documents per filter and reason, skip reasons, errors...) are summed
    from the `_stats/` of every completed shard. Prints a table, or JSON with --json.
    Exit 0; 2 when a PATH is not a dataset folder.
    """
    from corpuskit.progress import log

    summaries = [summarise(path) for path in paths]
    for summary in summaries:
        for warning in warnings(summary):
            log(warning)
    result = {
        "datasets": summaries,
        "total": {
            "documents": sum(s["documents"] for s in summaries),
            "rejected_documents": sum(s["rejected_documents"] for s in summaries),
            "bytes": sum(s["bytes"]["total"] for s in summaries),
        },
    }
    options.report(result, as_json, render(summaries))
