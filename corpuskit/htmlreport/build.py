"""Gather everything the report shows, from summaries, manifests and seeded samples.

``collect`` returns a plain JSON-serialisable dict; :mod:`corpuskit.htmlreport.page` turns
it into HTML. The same folders, seed and options always give the same report (apart from
the ``created`` time).
"""

from __future__ import annotations

import time
from typing import Any

from corpuskit import storage
from corpuskit.htmlreport import clusters, distributions, evidence, funnel
from corpuskit.htmlreport.layout import stage_of
from corpuskit.inspection.rows import document_files

DEFAULT_SAMPLE_ROWS = 5_000
DEFAULT_EXAMPLES = 3
DEFAULT_CLUSTERS = 3


def _manifest(folder: str) -> dict[str, Any] | None:
    try:
        return storage.read_json(storage.join(folder, "manifest.json"))
    except (OSError, ValueError):
        return None


def collect_folder(
    folder: str,
    summary: dict[str, Any],
    seed: int,
    examples: int = DEFAULT_EXAMPLES,
    sample_rows: int = DEFAULT_SAMPLE_ROWS,
) -> dict[str, Any]:
    """Everything the page shows about one dataset folder."""
    stage = stage_of(folder)
    manifest = _manifest(folder)
    files = document_files(folder)
    rejected = document_files(folder, rejected=True)
    dist = distributions.describe(files, sample_rows, seed)
    steps = funnel.steps(stage, summary["counters"], manifest)
    item: dict[str, Any] = {
        "path": summary["path"],
        "stage": stage,
        "row": funnel.stage_row(
            stage, summary, manifest, files, (dist or {}).get("words_per_byte")
        ),
        "steps": steps,
        "distributions": dist,
        "has_rejected": bool(rejected),
    }
    if stage == "filter":
        item["reasons"] = evidence.reasons_with_examples(rejected, steps, manifest, examples, seed)
        item["dropped"] = distributions.rejected_domains(rejected, sample_rows, seed)
    if stage == "dedup":
        item["clusters"] = clusters.describe(folder, manifest, DEFAULT_CLUSTERS, seed)
    if stage == "mix" and manifest:
        item["package"] = {
            "sources": distributions.package_sources(manifest),
            "total_tokens": item["row"]["tokens"],
            "tokenizer": manifest.get("tokenizer"),
            "lineage_steps": funnel.lineage_steps(manifest),
        }
    return item


def collect(
    folders: list[str],
    summaries: list[dict[str, Any]],
    seed: int = 0,
    examples: int = DEFAULT_EXAMPLES,
    sample_rows: int = DEFAULT_SAMPLE_ROWS,
) -> dict[str, Any]:
    """The whole report: one entry per folder, in pipeline order."""
    from corpuskit import __version__

    return {
        "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "version": __version__,
        "seed": seed,
        "examples": examples,
        "sample_rows": sample_rows,
        "folders": [
            collect_folder(folder, summary, seed, examples, sample_rows)
            for folder, summary in zip(folders, summaries, strict=True)
        ],
    }
