"""Distributions over a seeded sample of a folder's documents.

Whole row groups are read in a seeded order until about ``rows`` documents are in hand
(:func:`corpuskit.inspection.rows.read_sample_columns`), so the cost is a few row groups
whatever the size of the dataset. Shown: document length in characters, language and
language score, every ``signals.*`` column, and the most frequent URL domains.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from corpuskit.inspection.rows import read_sample_columns, schema_names

LENGTH_EDGES = [0, 100, 300, 1_000, 3_000, 10_000, 30_000, 100_000]
SCORE_EDGES = [round(i / 10, 1) for i in range(11)]
TOP = 15


def histogram(values, edges: list[float]) -> list[int]:
    """Counts per bin ``[edges[i], edges[i+1])``; the last bin is open (``>= edges[-1]``)."""
    import numpy as np

    values = np.asarray(values, dtype="float64")
    index = np.searchsorted(np.asarray(edges, dtype="float64"), values, side="right") - 1
    index = np.clip(index, 0, len(edges) - 1)
    return np.bincount(index, minlength=len(edges)).tolist()


def even_edges(values, bins: int = 12) -> list[float]:
    """``bins`` equal-width bins over the sample's range (one bin when all values are equal)."""
    import numpy as np

    low, high = float(np.min(values)), float(np.max(values))
    if high <= low:
        return [low]
    step = (high - low) / bins
    return [low + i * step for i in range(bins)]


HOST_RE = r"^[A-Za-z][A-Za-z0-9+.-]*://(?:[^@/?#]*@)?(?:www\.)?(?P<host>[^/:?#\[\]]+)"


def top_domains(urls, n: int = TOP) -> list[tuple[str, int]]:
    """The ``n`` most frequent hosts (lower-cased, without ``www.``) of an Arrow array of
    URLs, ties by name; vectorised with ``pyarrow.compute``."""
    import pyarrow as pa
    import pyarrow.compute as pc

    urls = pc.utf8_lower(pa.chunked_array(urls) if not isinstance(urls, pa.ChunkedArray) else urls)
    hosts = pc.struct_field(pc.extract_regex(urls, HOST_RE), [0]).drop_null()
    if not len(hosts):
        return []
    counts = pc.value_counts(hosts)
    pairs = zip(counts.field("values").to_pylist(), counts.field("counts").to_pylist(), strict=True)
    return sorted(pairs, key=lambda kv: (-kv[1], kv[0]))[:n]


def describe(files: list[str], rows: int, seed: int) -> dict[str, Any] | None:
    """The distributions of a seeded sample of about ``rows`` documents of ``files``."""
    import numpy as np
    import pyarrow.compute as pc

    if not files:
        return None
    names = schema_names(files)
    signals = sorted(n for n in names if n.startswith("signals."))
    wanted = [c for c in ("text", "language", "language_score", "url", "source") if c in names]
    table, total = read_sample_columns(files, rows, seed, wanted + signals)
    if table is None or not table.num_rows:
        return None
    result: dict[str, Any] = {"sampled": table.num_rows, "total": total}
    if "text" in wanted:
        lengths = pc.utf8_length(table["text"]).to_numpy(zero_copy_only=False)
        text_bytes = int(pc.sum(pc.binary_length(table["text"])).as_py() or 0)
        words = pc.sum(pc.list_value_length(pc.utf8_split_whitespace(table["text"]))).as_py()
        result["words_per_byte"] = (words or 0) / text_bytes if text_bytes else None
        result["length"] = {
            "edges": LENGTH_EDGES,
            "counts": histogram(lengths, LENGTH_EDGES),
            "median": float(np.median(lengths)),
        }
        table = table.drop_columns(["text"])
    if "language" in wanted:
        languages = Counter(v or "(none)" for v in table["language"].to_pylist())
        result["languages"] = sorted(languages.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP]
    if "language_score" in wanted:
        scores = table["language_score"].drop_null().to_numpy()
        if len(scores):
            result["language_score"] = {
                "edges": SCORE_EDGES[:-1],
                "counts": histogram(scores, SCORE_EDGES[:-1]),
            }
    if "url" in wanted:
        result["domains"] = top_domains(table["url"])
    if "source" in wanted:
        sources = Counter(v or "(none)" for v in table["source"].to_pylist())
        result["sources"] = sorted(sources.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP]
    result["signals"] = {}
    for name in signals:
        column = table[name]
        values = column.drop_null().to_numpy()
        if not len(values):
            continue
        edges = even_edges(values)
        result["signals"][name] = {
            "edges": edges,
            "counts": histogram(values, edges),
            "missing": column.null_count,
        }
    return result


def rejected_domains(files: list[str], rows: int, seed: int) -> dict[str, Any] | None:
    """Top domains among a seeded sample of rejected documents."""
    if not files:
        return None
    table, total = read_sample_columns(files, rows, seed, ["url"])
    if table is None:
        return None
    return {
        "sampled": table.num_rows,
        "total": total,
        "domains": top_domains(table["url"]),
    }


def package_sources(manifest: dict[str, Any]) -> list[dict[str, Any]]:
    """Per source of a package: target and achieved token shares, epochs, rows, tokens."""
    return [
        {
            "name": name,
            "target_share": info.get("target_share", 0.0),
            "achieved_share": info.get("achieved_share", 0.0),
            "epochs": info.get("epochs", 0.0),
            "rows": info.get("rows", 0),
            "tokens": info.get("tokens", 0),
        }
        for name, info in (manifest.get("sources") or {}).items()
    ]
