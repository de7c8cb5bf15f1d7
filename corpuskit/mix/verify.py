"""``corpuskit card verify``: check a package against its manifest and card.

Checks, each reported as one problem line: every shard listed in ``manifest.json`` exists
and has the recorded sha256, size and row count; its schema is the package schema; no
unlisted Parquet file sits in ``data/``; per-split row totals agree with the manifest and with
the card's ``dataset_info.splits``; shard names follow ``<split>-NNNNN-of-NNNNN.parquet``.
"""

from __future__ import annotations

import re
from typing import Any

from corpuskit.checksum import file_sha256
from corpuskit.mix.card import load_manifest
from corpuskit.mix.package import package_schema

_SHARD_NAME = re.compile(
    r"^data/(?P<split>[A-Za-z0-9_]+)-(?P<n>\d{5})-of-(?P<total>\d{5})\.parquet$"
)


def verify_package(package: str) -> dict[str, Any]:
    """``{"ok": bool, "problems": [...], "shards": n, "rows": {...}}`` for a package folder."""
    import pyarrow.parquet as pq

    from corpuskit import storage

    package = storage.normalize(str(package))
    manifest = load_manifest(package)
    sizes = {
        storage.name_of(u): size for u, size in storage.find_files(storage.join(package, "data"))
    }
    problems: list[str] = []
    expected_schema = package_schema()
    rows: dict[str, int] = {}
    listed = set()
    for shard in manifest.get("shards", []):
        rel = shard["path"]
        listed.add(rel)
        path = storage.join(package, *rel.split("/"))
        match = _SHARD_NAME.match(rel)
        if not match or match.group("split") != shard["split"]:
            problems.append(f"{rel}: name does not follow <split>-NNNNN-of-NNNNN.parquet")
        name = storage.name_of(path)
        if name not in sizes:
            problems.append(f"{rel}: missing")
            continue
        if sizes[name] != shard["bytes"]:
            problems.append(f"{rel}: size {sizes[name]} != {shard['bytes']} in the manifest")
        digest = file_sha256(path)
        if digest != shard["sha256"]:
            problems.append(
                f"{rel}: sha256 {digest[:16]}... != {shard['sha256'][:16]}... in the manifest (file changed or damaged)"
            )
        try:
            with storage.open(path, "rb") as fh:
                parquet = pq.ParquetFile(fh)
                num_rows, schema = parquet.metadata.num_rows, parquet.schema_arrow
            if num_rows != shard["rows"]:
                problems.append(f"{rel}: {num_rows} rows != {shard['rows']} in the manifest")
            if not schema.equals(expected_schema):
                problems.append(f"{rel}: schema differs from the package schema")
        except Exception as exc:  # a damaged footer raises several pyarrow error types
            problems.append(f"{rel}: unreadable Parquet ({exc})")
        rows[shard["split"]] = rows.get(shard["split"], 0) + shard["rows"]
    for name in sorted(sizes):
        if name.endswith(".parquet") and f"data/{name}" not in listed:
            problems.append(f"data/{name}: not listed in manifest.json")
    for split, info in manifest.get("splits", {}).items():
        if rows.get(split, 0) != info["rows"]:
            problems.append(
                f"split {split}: shards hold {rows.get(split, 0)} rows, manifest says {info['rows']}"
            )
    problems += _check_card(package, manifest)
    return {"ok": not problems, "problems": problems, "shards": len(listed), "rows": rows}


def _check_card(package: str, manifest: dict[str, Any]) -> list[str]:
    from corpuskit import storage

    card = storage.join(package, "README.md")
    if not storage.exists(card):
        return ["README.md: missing (run `corpuskit card render PKG`)"]
    text = storage.read_text(card)
    if not text.startswith("---\n"):
        return ["README.md: no YAML front matter"]
    front = text.split("---\n", 2)[1]
    problems = []
    for split, info in manifest.get("splits", {}).items():
        pattern = rf"- name: {re.escape(split)}\n\s+num_bytes: \d+\n\s+num_examples: (\d+)"
        match = re.search(pattern, front)
        if not match:
            problems.append(f"README.md: split {split} missing from dataset_info.splits")
        elif int(match.group(1)) != info["rows"]:
            problems.append(
                f"README.md: split {split} num_examples {match.group(1)} != {info['rows']}"
            )
    return problems
