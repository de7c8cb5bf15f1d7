"""Run decontamination over dataset folders: count phase, reduce, apply phase.

Shards are the input files (one per completed ``data/`` shard of a dataset folder, or per
Parquet/JSONL file); with several inputs a shard is named ``<input folder>__<file stem>``.
Both phases go through :func:`corpuskit.stage.run_stage`, so an interrupted run resumes by
``_done`` markers (the count phase's in ``OUT/_work/count/``). With ``max_doc_matches = 0``
no n-gram is ignored and the count phase is skipped.
"""

from __future__ import annotations

import io
from typing import Any

from corpuskit import storage
from corpuskit.decontam.rule import DecontaminationRule
from corpuskit.decontam.steps import COLLISIONS, IGNORED, ApplyStep, CountStep, write_parquet
from corpuskit.errors import ConfigError, InputError
from corpuskit.executor import Shard, StageSpec
from corpuskit.progress import log
from corpuskit.stage import StageReport, run_stage


def plan_shards(inputs: list[str]) -> list[Shard]:
    """One shard per input document file (see the module docstring for the names)."""
    from corpuskit.readers import expand_document_inputs

    shards = []
    for item in inputs:
        files = expand_document_inputs([item])
        if not files:
            raise InputError(f"{item} holds no document file (Parquet or JSONL)")
        name = storage.name_of(item)
        for path in files:
            stem = storage.name_of(path).split(".")[0]
            shards.append(Shard(f"{name}__{stem}" if len(inputs) > 1 else stem, path))
    ids = [s.id for s in shards]
    clashes = sorted({i for i in ids if ids.count(i) > 1})
    if clashes:
        raise ConfigError(
            f"two input files map to the same shard name ({', '.join(clashes)}): "
            "give inputs whose folder or file names differ"
        )
    return shards


def reduce_collisions(work: str, shard_ids: list[str], max_doc_matches: int) -> dict[str, int]:
    """Sum the per-shard n-gram document counts; write the n-grams to ignore."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq

    hashes, counts = [], []
    for shard_id in shard_ids:
        data = storage.read_bytes(storage.join(work, COLLISIONS, f"{shard_id}.parquet"))
        table = pq.read_table(io.BytesIO(data))
        hashes.append(table.column("hash").to_numpy())
        counts.append(table.column("documents").to_numpy())
    all_hashes = np.concatenate(hashes) if hashes else np.zeros(0, np.uint64)
    all_counts = np.concatenate(counts) if counts else np.zeros(0, np.int64)
    distinct, inverse = np.unique(all_hashes, return_inverse=True)
    totals = np.bincount(inverse, weights=all_counts, minlength=len(distinct))
    ignored = distinct[totals > max_doc_matches]
    write_parquet(pa.table({"hash": pa.array(ignored, pa.uint64())}), storage.join(work, IGNORED))
    return {"colliding_ngrams": int(len(distinct)), "ignored_common_ngrams": int(len(ignored))}


def decontaminate(
    inputs: list[str],
    index: str,
    output: str,
    rule: DecontaminationRule,
    max_doc_matches: int,
    executor,
    overwrite: bool = False,
    keep_rejected: bool = False,
) -> StageReport:
    """Both phases; returns the apply phase's report (or the count phase's if it failed)."""
    from corpuskit.decontam.index import NgramIndex

    meta = NgramIndex.load(index).meta  # a bad index fails here, not in every shard
    shards = plan_shards(inputs)
    work = storage.join(output, "_work")
    reduced: dict[str, Any] = {"colliding_ngrams": None, "ignored_common_ngrams": 0}
    if max_doc_matches > 0:
        count = StageSpec(
            CountStep.name, CountStep.Params(index, work), storage.join(work, "count")
        )
        report = run_stage(count, shards, executor, inputs, overwrite)
        if report.failed:
            log("decontaminate: some count shards failed; the apply phase needs all of them")
            return report
        reduced = reduce_collisions(work, [s.id for s in shards], max_doc_matches)
        log(
            f"decontaminate: {reduced['colliding_ngrams']:,} benchmark n-grams found in the "
            f"data; {reduced['ignored_common_ngrams']:,} in more than {max_doc_matches} "
            "documents are ignored as common phrases"
        )
    params = ApplyStep.Params(index, work if max_doc_matches > 0 else "", rule)
    spec = StageSpec(ApplyStep.name, params, output, keep_rejected=keep_rejected)
    extra = {
        "decontamination": {
            "index": storage.normalize(index),
            "n": meta["n"],
            "benchmarks": meta["benchmarks"],
            "max_doc_matches": max_doc_matches,
            **reduced,
        }
    }
    return run_stage(spec, shards, executor, inputs, overwrite, extra_manifest=extra)
