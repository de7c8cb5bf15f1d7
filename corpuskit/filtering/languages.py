"""Multilingual mode: one complete dataset folder per language, ``OUT/languages/<lang>/``.

Each language folder has the usual layout (``data/<shard>.parquet``, ``_stats/<shard>.json``,
``_done/<shard>``, ``manifest.json``), so a later stage reads one language directly:
``corpuskit dedup OUT/languages/de -o ...``. Shard names are those of the main run; the main
folder's ``data/`` shards stay empty and its manifest counts documents per language.
Documents without a language go to ``und``.
"""

from __future__ import annotations

import json
from typing import Any

from corpuskit import storage
from corpuskit.dataset import DatasetFolder, ParquetShardWriter, atomic_write_text
from corpuskit.document import Document

LANGUAGES_DIR = "languages"
UNKNOWN_LANGUAGE = "und"


def language_folder(output_root: str, language: str) -> DatasetFolder:
    """The dataset folder that holds one language in multilingual mode."""
    return DatasetFolder(storage.join(str(output_root), LANGUAGES_DIR, language))


def language_folders(output_root: str) -> dict[str, DatasetFolder]:
    root = storage.join(str(output_root), LANGUAGES_DIR)
    return {name: DatasetFolder(storage.join(root, name)) for name in storage.listdir(root)}


class LanguagePartitions:
    """Writers of one shard, one per language seen, each into its own dataset folder."""

    def __init__(self, output_root: str, shard: str):
        self.output_root = output_root
        self.shard = shard
        self.writers: dict[str, ParquetShardWriter] = {}
        # A rerun (or --overwrite) must not leave this shard's old files in any language.
        for folder in language_folders(output_root).values():
            folder.clear_shard(shard)

    def write(self, doc: Document) -> None:
        language = doc.language or UNKNOWN_LANGUAGE
        writer = self.writers.get(language)
        if writer is None:
            folder = language_folder(self.output_root, language)
            writer = self.writers[language] = ParquetShardWriter(folder.data_path(self.shard))
        writer.write(doc)

    def commit(self) -> dict[str, int]:
        rows = {}
        for language, writer in sorted(self.writers.items()):
            folder = language_folder(self.output_root, language)
            writer.commit()
            rows[language] = writer.rows
            stats = {"shard": self.shard, "rows": writer.rows, "counters": {}}
            atomic_write_text(folder.stats_path(self.shard), json.dumps(stats, sort_keys=True))
            marker = {"data": f"data/{self.shard}.parquet", "rows": writer.rows}
            atomic_write_text(folder.done_path(self.shard), json.dumps(marker, sort_keys=True))
        return rows

    def abort(self) -> None:
        for writer in self.writers.values():
            writer.abort()


def write_language_manifests(output_root: str, spec, extra: dict[str, Any]) -> dict[str, int]:
    """Write ``manifest.json`` in every language folder; returns documents per language."""
    from corpuskit.stage import library_versions, params_to_json

    rows = {}
    for language, folder in language_folders(output_root).items():
        total = sum(stats.get("rows", 0) for stats in folder.all_stats())
        rows[language] = total
        folder.write_manifest(
            {
                "stage": spec.step,
                "language": language,
                "params": params_to_json(spec.params),
                "inputs": [str(output_root)],
                "output": str(folder.root),
                "shards": {"done": len(folder.done_shards())},
                "counters": {"rows": total},
                "versions": library_versions(),
                "lineage": [{"path": str(output_root), "stage": spec.step, **extra}],
            }
        )
    return rows
