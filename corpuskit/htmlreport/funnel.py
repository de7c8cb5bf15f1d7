"""The funnel: documents through every stage and every filter, with each drop reason.

Every number is taken from a ``corpuskit stats`` summary of the folder (``cli.stats.summarise``
passes it in), so the page and ``corpuskit stats --json`` agree by construction; each number
keeps the dotted counter key it came from, which the page writes next to it. Bytes per stage
come from the Parquet footers (``bytes.data`` on disk, and the uncompressed size of the
``text`` column); tokens are exact for a package (its manifest) and otherwise estimated from
the whitespace words per text byte of the sampled rows.
"""

from __future__ import annotations

from typing import Any


def _get(counters: dict[str, Any], key: str) -> float:
    value: Any = counters
    for part in key.split("."):
        if not isinstance(value, dict) or part not in value:
            return 0
        value = value[part]
    return value if isinstance(value, (int, float)) else 0


def _reasons(counters: dict[str, Any], prefix: str) -> list[dict[str, Any]]:
    table = _get_table(counters, prefix)
    return [
        {"name": name, "count": value, "key": f"{prefix}.{name}"}
        for name, value in sorted(table.items(), key=lambda kv: (-kv[1], kv[0]))
        if isinstance(value, (int, float)) and value
    ]


def _get_table(counters: dict[str, Any], key: str) -> dict[str, Any]:
    value: Any = counters
    for part in key.split("."):
        value = value.get(part, {}) if isinstance(value, dict) else {}
    return value if isinstance(value, dict) else {}


def _step(label: str, counters, in_key: str, out_key: str, reasons) -> dict[str, Any]:
    before, after = _get(counters, in_key), _get(counters, out_key)
    return {
        "label": label,
        "in": before,
        "in_key": in_key,
        "out": after,
        "out_key": out_key,
        "removed": before - after,
        "share_removed": (before - after) / before if before else 0.0,
        "reasons": reasons,
    }


def steps(stage: str, counters: dict[str, Any], manifest: dict[str, Any] | None) -> list[dict]:
    """The funnel steps of one folder: one per stage, and one per filter for ``filter``."""
    if stage == "extract":
        reasons = _reasons(counters, "skipped")
        return [_step("WARC records → documents", counters, "records", "documents", reasons)]
    if stage == "filter":
        filters = _get_table(counters, "filters")
        chain = ((manifest or {}).get("params") or {}).get("chain") or []
        order = (
            ((manifest or {}).get("filter") or {}).get("order")
            or [entry.get("key") for entry in chain if isinstance(entry, dict)]
            or list(filters)
        )
        return [
            _step(
                name,
                counters,
                f"filters.{name}.in",
                f"filters.{name}.kept",
                _reasons(counters, f"filters.{name}.dropped"),
            )
            for name in order
            if name in filters
        ]
    if stage == "dedup":
        return [_step("duplicates", counters, "documents", "kept", _reasons(counters, "removed"))]
    return []


def lineage_steps(manifest: dict[str, Any]) -> list[dict[str, Any]]:
    """The funnel of the stages upstream of a package, from its manifest's lineage (each
    upstream stage's counters as recorded when it finished), upstream first."""
    found: list[dict[str, Any]] = []

    def walk(entries, source):
        for entry in entries or []:
            if not isinstance(entry, dict):
                continue
            walk(entry.get("lineage"), source)
            stage = str(entry.get("stage") or "").split(".", 1)[0]
            for step in steps(stage, entry.get("counters") or {}, entry):
                found.append(step | {"stage": stage, "source": source, "path": entry.get("path")})

    for item in manifest.get("lineage") or []:
        walk(item.get("upstream"), item.get("name"))
    return found


def text_bytes(files: list[str]) -> int:
    """Uncompressed bytes of the ``text`` column, summed from the Parquet footers."""
    import pyarrow.parquet as pq

    from corpuskit import storage

    total = 0
    for path in files:
        with storage.open(path, "rb") as fh:
            meta = pq.ParquetFile(fh).metadata
        names = [meta.schema.column(i).name for i in range(meta.num_columns)]
        if "text" not in names:
            continue
        column = names.index("text")
        total += sum(
            meta.row_group(g).column(column).total_uncompressed_size
            for g in range(meta.num_row_groups)
        )
    return total


def stage_row(
    stage: str,
    summary: dict[str, Any],
    manifest: dict[str, Any] | None,
    files: list[str],
    words_per_byte: float | None,
) -> dict[str, Any]:
    """Documents, bytes and tokens of one folder's output."""
    size = text_bytes(files)
    total = (manifest or {}).get("total_tokens") if stage == "mix" else None
    if isinstance(total, dict):  # a package records {"achieved", "target"}
        total = total.get("achieved")
    exact = isinstance(total, (int, float))
    if exact:
        tokens = total
    else:
        tokens = round(size * words_per_byte) if words_per_byte is not None else None
    return {
        "stage": stage,
        "path": summary["path"],
        "documents": summary["documents"],
        "rejected_documents": summary["rejected_documents"],
        "bytes": summary["bytes"]["data"],
        "text_bytes": size,
        "tokens": tokens,
        "tokens_exact": exact,
        "tokenizer": (manifest or {}).get("tokenizer") if exact else "whitespace words, estimated",
    }
