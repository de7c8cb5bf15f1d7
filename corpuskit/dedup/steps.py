"""The per-shard dedup phases, registered as steps ``dedup.signatures`` and ``dedup.apply``.

``dedup.signatures`` (map) reads one input shard and writes, per document, its graph node,
keep-rule columns, URL and exact-text keys and MinHash band keys to
``_work/signatures/<shard>.parquet`` (and line/span keys to ``_work/lines/``).
``dedup.apply`` reads one input shard again and writes it without the documents (and
lines) the reduce phase decided to drop, through the normal shard output, so ``_done``
markers, ``rejected/`` and resume work as in every other stage.
"""

from __future__ import annotations

import dataclasses
import math
from typing import Any

from corpuskit import storage
from corpuskit.dedup import lines as line_units
from corpuskit.dedup import work
from corpuskit.dedup.minhash import band_keys, signatures_from_hashes
from corpuskit.dedup.normalize import exact_text, key64, normalize_text, shingle_hashes
from corpuskit.dedup.urlnorm import normalize_url
from corpuskit.document import content_id
from corpuskit.readers import read_documents
from corpuskit.registry import Step, register_step

BATCH_DOCS = 512


def iter_records(path: str, input_name: str):
    """``(id, text, url, timestamp, source)`` of every document of one input file."""
    if path.endswith(".parquet"):
        import pyarrow.parquet as pq

        from corpuskit.errors import InputError
        from corpuskit.readers import open_binary

        with open_binary(path) as fh:
            try:
                parquet = pq.ParquetFile(fh)
            except Exception as exc:  # pyarrow raises several unrelated types
                raise InputError(f"{path}: unreadable Parquet file ({exc})") from exc
            names = parquet.schema_arrow.names
            if "text" not in names:
                raise InputError(f"{path}: no 'text' column (columns: {', '.join(names)})")
            wanted = [c for c in ("id", "text", "url", "timestamp", "source") if c in names]
            for batch in parquet.iter_batches(batch_size=4096, columns=wanted):
                missing = [None] * batch.num_rows
                columns = {name: batch.column(name).to_pylist() for name in wanted}
                ids = columns.get("id", missing)
                urls = columns.get("url", missing)
                stamps = columns.get("timestamp", missing)
                sources = columns.get("source", missing)
                for i, text in enumerate(columns["text"]):
                    text = text or ""
                    yield (
                        ids[i] or content_id(text, sources[i] or ""),
                        text,
                        urls[i],
                        _as_str(stamps[i]),
                        sources[i],
                    )
    else:
        for doc in read_documents(path):
            yield doc.id, doc.text, doc.url, doc.timestamp, doc.source


def _as_str(value: Any) -> str | None:
    if value is None or isinstance(value, str):
        return value
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


@register_step
class SignatureStep(Step):
    """Map phase: keys and MinHash band keys of every document of one shard."""

    name = "dedup.signatures"

    @dataclasses.dataclass(frozen=True)
    class Params:
        work: str = ""
        ngram: int = 5
        num_perm: int = 112
        seed: int = 1
        bands: int = 14
        rows: int = 8
        with_signature: bool = False
        lines: str = ""  # "", "c4-code" or "c4-paper"

    def run(self, shard, output) -> dict[str, Any]:
        import pyarrow as pa

        p = self.params
        input_name = shard.option("input")
        is_index = bool(shard.option("is_index", False))
        priority = int(shard.option("priority", 0))
        schema = work.signature_schema(p.bands, p.with_signature)
        columns: dict[str, list] = {name: [] for name in schema.names}
        unit_rows: dict[str, list] = {name: [] for name in work.lines_schema().names}
        counters = {"documents": 0, "without_shingles": 0, "line_units": 0}
        batch: list[tuple] = []

        def flush():
            texts = [record[1] for record in batch]
            hashes, counts = shingle_hashes([normalize_text(t) for t in texts], p.ngram)
            matrix = signatures_from_hashes(hashes, counts, p.num_perm, p.seed)
            keys = band_keys(matrix, p.bands, p.rows)
            for i, (doc_id, text, url, timestamp, source) in enumerate(batch):
                node = work.node_of(input_name, doc_id)
                columns["node"].append(node)
                columns["id"].append(doc_id)
                columns["shard"].append(shard.id)
                columns["input"].append(input_name)
                columns["source"].append(source)
                columns["is_index"].append(is_index)
                columns["priority"].append(priority)
                columns["time"].append(work.parse_time(timestamp))
                columns["length"].append(len(text))
                columns["url_key"].append(key64(normalize_url(url)) if url else None)
                columns["text_key"].append(key64(exact_text(text)))
                columns["shingles"].append(int(counts[i]))
                if p.lines:
                    for pos, key in line_units.unit_keys(text, p.lines):
                        unit_rows["key"].append(key)
                        unit_rows["node"].append(node)
                        unit_rows["pos"].append(pos)
                        unit_rows["shard"].append(shard.id)
                        unit_rows["is_index"].append(is_index)
                        unit_rows["priority"].append(priority)
            for b in range(p.bands):
                columns[work.band_column(b)].extend(keys[:, b].tolist())
            if p.with_signature:
                columns["signature"].extend(list(matrix))
            counters["without_shingles"] += int((counts == 0).sum())
            batch.clear()

        for record in iter_records(shard.path, input_name):
            batch.append(record)
            counters["documents"] += 1
            if len(batch) >= BATCH_DOCS:
                flush()
        if batch:
            flush()
        root = p.work
        columns["time"] = [None if math.isnan(t) else t for t in columns["time"]]
        work.write_table(
            pa.table(columns, schema=schema),
            storage.join(root, work.SIGNATURES, f"{shard.id}.parquet"),
        )
        if p.lines:
            counters["line_units"] = len(unit_rows["key"])
            work.write_table(
                pa.table(unit_rows, schema=work.lines_schema()),
                storage.join(root, work.LINES, f"{shard.id}.parquet"),
            )
        return counters


def _read_for_shard(folder: str, shard_id: str, columns: list[str]):
    """Rows of a reduce output folder that belong to one shard (None if there are none)."""
    import pyarrow as pa

    files = work.parquet_files(folder)
    if not files:
        return None
    tables = [work.read_table(f, columns, filters=[("shard", "==", shard_id)]) for f in files]
    return pa.concat_tables(tables)


@register_step
class ApplyStep(Step):
    """Apply phase: rewrite one input shard without the removed documents and units."""

    name = "dedup.apply"

    @dataclasses.dataclass(frozen=True)
    class Params:
        work: str = ""
        lines: str = ""
        min_sentences: int = 3

    def run(self, shard, output) -> dict[str, Any]:
        p = self.params
        root = p.work
        input_name = shard.option("input")
        removed: dict[int, str] = {}
        table = _read_for_shard(storage.join(root, work.REMOVED), shard.id, ["node", "method"])
        if table is not None:
            removed = dict(
                zip(
                    table.column("node").to_pylist(),
                    table.column("method").to_pylist(),
                    strict=True,
                )
            )
        drops: dict[int, set[int]] = {}
        table = _read_for_shard(storage.join(root, work.LINE_DROPS), shard.id, ["node", "pos"])
        if table is not None:
            for node, pos in zip(
                table.column("node").to_pylist(), table.column("pos").to_pylist(), strict=True
            ):
                drops.setdefault(node, set()).add(pos)
        methods = ("url", "exact", "minhash", "lines")
        by_method = dict.fromkeys(methods, 0)
        counters: dict[str, Any] = {"documents": 0, "kept": 0, "units_removed": 0}
        for doc in read_documents(shard.path):
            counters["documents"] += 1
            node = work.node_of(input_name, doc.id)
            method = removed.get(node)
            if method is None and node in drops:
                positions = drops[node]
                doc.text = line_units.remove_units(doc.text, p.lines, positions)
                counters["units_removed"] += len(positions)
                if not doc.text.strip() or line_units.count_sentences(doc.text) < p.min_sentences:
                    method = "lines"
            if method is not None:
                by_method[method] += 1
                output.reject(doc, "dedup", method)
                continue
            counters["kept"] += 1
            output.write(doc)
        counters["removed"] = by_method
        counters["removed_by_input"] = {input_name: dict(by_method)}
        return counters
