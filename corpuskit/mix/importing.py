"""Curated sources (books, Wikipedia dumps, WebText-like documents) as dataset folders.

``corpuskit import`` turns a curated source into an ordinary dataset folder (``data/``
shards, ``_stats``, ``_done``, ``manifest.json``), so ``dedup`` can run within and across
sources (GPT-3 removed fuzzy duplicates within and across datasets, Brown et al. 2020, §2.2)
and ``mix`` reads the result as a ``dataset`` source. Documents are read by the very readers
``mix`` uses for the raw kinds (:class:`corpuskit.mix.sources.SourceReader`), so an imported
source holds exactly the documents ``mix`` would have read from the raw files.

Shards: one per Wikipedia dump file and per WebText input file; books are grouped,
``books_per_shard`` files to a shard (a book is one small document, and one Parquet file per
book would be a poor dataset). Every document's ``source`` is the import's source name
(``books``, ``wikipedia``, ``webtext`` by default), which the card and the dedup stats report.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path
from typing import Any

from corpuskit.errors import ConfigError
from corpuskit.executor import Shard
from corpuskit.registry import Step, register_step

IMPORT_KINDS = ("books", "wikipedia", "webtext")


@dataclasses.dataclass(frozen=True)
class ImportParams:
    """What to import: the reader kind, the document source name, WebText's URL list."""

    kind: str = "books"
    source: str = ""
    url_list: str | None = None


@register_step
class ImportStep(Step):
    """Read one shard's input files with the ``mix`` reader of its kind and write them."""

    name = "import"
    Params = ImportParams

    def run(self, shard: Shard, output) -> dict[str, Any]:
        from corpuskit.document import table_to_documents
        from corpuskit.mix.sources import SourceReader

        files = tuple(shard.option("files", (shard.path,)))
        source = self.params.source or self.params.kind
        reader = SourceReader(source, self.params.kind, files, self.params.url_list)
        documents = 0
        for table in reader.tables():
            for doc in table_to_documents(table):
                output.write(dataclasses.replace(doc, source=source))
                documents += 1
        return {"files": len(files), "documents": documents, "reading": reader.counters}


def plan_import_shards(kind: str, paths: tuple[str, ...], books_per_shard: int) -> list[Shard]:
    """The shards of an import: one per dump / WebText file, ``books_per_shard`` books each."""
    from corpuskit.mix.sources import SourceReader, check_paths_exist

    if kind not in IMPORT_KINDS:
        raise ConfigError(f"unknown import kind {kind!r}: use one of {', '.join(IMPORT_KINDS)}")
    check_paths_exist(kind, paths)
    files = SourceReader(kind, kind, paths).files()
    if not files:
        raise ConfigError(f"no {kind} input files under {', '.join(paths)}: check the paths")
    if kind == "books":
        groups = [
            tuple(files[i : i + books_per_shard]) for i in range(0, len(files), books_per_shard)
        ]
        return [
            Shard(f"books-{n:05d}", group[0], options=(("files", group),))
            for n, group in enumerate(groups)
        ]
    shards, seen = [], set()
    for path in files:
        shard_id = _stem(path)
        if shard_id in seen:
            shard_id = f"{shard_id}-{len(seen):05d}"
        seen.add(shard_id)
        shards.append(Shard(shard_id, path))
    return shards


def _stem(path: str) -> str:
    name = Path(path).name
    for suffix in (".bz2", ".gz", ".zst", ".xml", ".parquet", ".jsonl", ".json", ".ndjson"):
        if name.endswith(suffix):
            name = name[: -len(suffix)]
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", name).strip("._") or "input"
