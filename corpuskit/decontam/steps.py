"""The two per-shard steps of decontamination: count collisions, then apply the rule.

1. ``decontaminate.count`` (map): for every document, the distinct benchmark n-grams it holds;
   the shard writes ``_work/collisions/<shard>.parquet`` with columns ``hash`` (uint64) and
   ``documents`` (int64, training documents of the shard holding that n-gram).
2. the client sums them (:func:`corpuskit.decontam.pipeline.reduce_collisions`) and writes
   ``_work/ignored.parquet`` (column ``hash``): n-grams in more than ``max_doc_matches``
   training documents, which GPT-3 ignored as common phrases;
3. ``decontaminate.apply``: every document goes through
   :func:`corpuskit.decontam.rule.apply_rule`; kept pieces are written (a cut document's
   pieces get ids ``<id>#<k>`` and a ``decontamination`` metadata record), dropped documents
   go to ``rejected/`` with ``--keep-rejected``.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from corpuskit import storage
from corpuskit.decontam.rule import DecontaminationRule, apply_rule, documents_with_hits
from corpuskit.registry import Step, register_step

COLLISIONS = "collisions"
IGNORED = "ignored.parquet"
BATCH_DOCUMENTS = 256


def write_parquet(table, url: str) -> None:
    """Write a Parquet table whole (attempt name, then commit)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    sink = pa.BufferOutputStream()
    pq.write_table(table, sink, compression="zstd")
    storage.write_bytes(url, sink.getvalue().to_pybytes())


@dataclasses.dataclass(frozen=True)
class CountParams:
    index: str = ""
    work: str = ""


@register_step
class CountStep(Step):
    """Map phase: in how many documents of the shard each benchmark n-gram occurs."""

    name = "decontaminate.count"
    Params = CountParams

    def setup(self) -> None:
        from corpuskit.decontam.index import NgramIndex

        self.index = NgramIndex.load(self.params.index)

    def run(self, shard, output) -> dict[str, Any]:
        import numpy as np
        import pyarrow as pa

        from corpuskit.decontam.ngrams import ngram_hashes_many, normalised_words
        from corpuskit.readers import read_documents

        found, batch, counters = [], [], {"documents": 0, "documents_with_collisions": 0}

        def flush() -> None:
            hashes, owner = ngram_hashes_many(batch, self.index.n)
            hit = self.index.matches(hashes)
            if hit.any():
                # One count per (document, n-gram): unique pairs, then their n-grams.
                pairs = np.unique(np.stack([owner[hit].astype(np.uint64), hashes[hit]]), axis=1)
                found.append(pairs[1])
                counters["documents_with_collisions"] += len(np.unique(pairs[0]))
            batch.clear()

        for doc in read_documents(shard.path):
            counters["documents"] += 1
            batch.append(normalised_words(doc.text))
            if len(batch) >= BATCH_DOCUMENTS:
                flush()
        flush()
        hashes, counts = (
            np.unique(np.concatenate(found), return_counts=True)
            if found
            else (np.zeros(0, np.uint64), np.zeros(0, np.int64))
        )
        table = pa.table(
            {"hash": pa.array(hashes, pa.uint64()), "documents": pa.array(counts, pa.int64())}
        )
        write_parquet(table, storage.join(self.params.work, COLLISIONS, f"{shard.id}.parquet"))
        return counters


@dataclasses.dataclass(frozen=True)
class ApplyParams:
    index: str = ""
    work: str = ""
    rule: DecontaminationRule = DecontaminationRule()


@register_step
class ApplyStep(Step):
    """Apply phase: cut or drop the contaminated documents of one shard."""

    name = "decontaminate.apply"
    Params = ApplyParams

    def setup(self) -> None:
        import io

        import numpy as np
        import pyarrow.parquet as pq

        from corpuskit.decontam.index import NgramIndex

        self.index = NgramIndex.load(self.params.index)
        ignored = storage.join(self.params.work, IGNORED)
        if self.params.work and storage.exists(ignored):
            table = pq.read_table(io.BytesIO(storage.read_bytes(ignored)))
            self.ignored = np.sort(table.column("hash").to_numpy())
        else:
            self.ignored = np.zeros(0, np.uint64)

    def run(self, shard, output) -> dict[str, Any]:
        from corpuskit.readers import read_documents

        counters: dict[str, Any] = {
            "documents": 0,
            "verdicts": {
                v: 0
                for v in ("clean", "split", "contaminated", "too_fragmented", "only_short_pieces")
            },
            "pieces_written": 0,
            "short_pieces_discarded": 0,
            "collisions": 0,
            "chars_removed": 0,
            "benchmarks": {name: {"documents": 0, "collisions": 0} for name in self.index.names},
            "collisions_per_document": {"1": 0, "2-10": 0, "11-100": 0, ">100": 0},
        }
        batch: list = []
        for doc in read_documents(shard.path):
            batch.append(doc)
            if len(batch) >= BATCH_DOCUMENTS:
                self._apply(batch, output, counters)
        self._apply(batch, output, counters)
        return counters

    def _apply(self, batch: list, output, counters: dict[str, Any]) -> None:
        dirty = documents_with_hits([d.text for d in batch], self.index, self.ignored)
        for position, doc in enumerate(batch):
            counters["documents"] += 1
            if position not in dirty:
                counters["verdicts"]["clean"] += 1
                output.write(doc)
                continue
            outcome = apply_rule(doc.text, self.index, self.ignored, self.params.rule)
            counters["verdicts"][outcome.verdict] += 1
            _count(counters, outcome)
            record = outcome.report()
            if not outcome.pieces:
                output.reject(doc, "decontaminate", outcome.verdict)
                continue
            for k, piece in enumerate(outcome.pieces):
                metadata = {**doc.metadata, "decontamination": {**record, "piece": k}}
                output.write(
                    dataclasses.replace(doc, id=f"{doc.id}#{k}", text=piece, metadata=metadata)
                )
        batch.clear()


def _count(counters: dict[str, Any], outcome) -> None:
    counters["pieces_written"] += len(outcome.pieces)
    counters["short_pieces_discarded"] += outcome.short_discarded
    counters["collisions"] += outcome.collisions
    counters["chars_removed"] += outcome.chars_removed
    for name, hits in outcome.benchmarks.items():
        counters["benchmarks"][name]["documents"] += 1
        counters["benchmarks"][name]["collisions"] += hits
    n = outcome.collisions
    bucket = "1" if n == 1 else "2-10" if n <= 10 else "11-100" if n <= 100 else ">100"
    counters["collisions_per_document"][bucket] += 1
