"""The client's side of the two passes: which tasks to run, and what to keep of their results.

The client lists each source's files, submits one :func:`~corpuskit.mix.tasks.count_file`
per file (pass 1), joins the results into the per-document numpy index in file order and
computes the plan (:mod:`corpuskit.mix.plan`). Pass 2 submits one
:func:`~corpuskit.mix.tasks.spill_file` per file with that file's planned rows, then one
:func:`~corpuskit.mix.tasks.write_shard` per output shard. The client therefore holds the
numpy index and plan and one summary per file and shard, never text. Tasks are submitted in
batches of :data:`TASK_BATCH`, so neither the client nor the scheduler holds the arguments
of every file at once. Results are put back in file and shard order before use, so the
package does not depend on which worker finished first: it is byte-identical to a run in
one process.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from corpuskit import storage
from corpuskit.mix.buckets import SPILL_FOLDER, bucket_folder
from corpuskit.mix.plan import SPLITS, Plan, SourceIndex, join_file_indexes
from corpuskit.mix.recipe import Recipe
from corpuskit.mix.sources import SourceReader, merge_counters
from corpuskit.mix.tasks import (
    CountParams,
    FileRows,
    ShardJob,
    SourceFile,
    SpillParams,
    count_file,
    raise_failure,
    spill_file,
    write_shard,
)
from corpuskit.mix.workarea import make_folders
from corpuskit.progress import Progress

# Calls submitted at a time: enough to keep a large cluster busy, small enough that a
# 90,000-file source never has all its task arguments in memory at once.
TASK_BATCH = 512


def absolute(path: str) -> str:
    """A path every worker can open whatever its working folder: absolute, or a URL as is."""
    return storage.normalize(path)


def worker_tokenizer(spec: str) -> str:
    """The tokenizer spec with a relative ``hf:`` tokenizer.json path made absolute."""
    kind, _, name = spec.partition(":")
    if kind == "hf" and name.endswith(".json"):
        return f"hf:{absolute(name)}"
    return spec


def list_files(readers: list[SourceReader]) -> list[list[SourceFile]]:
    """Every source's input files as tasks' units, in the order one sequential read takes."""
    listed = []
    for number, reader in enumerate(readers):
        url_list = absolute(reader.url_list) if reader.url_list else None
        listed.append(
            [
                SourceFile(number, reader.name, reader.kind, absolute(path), i, url_list)
                for i, path in enumerate(reader.source_files())
            ]
        )
    return listed


def count_tokens(
    executor, recipe: Recipe, readers: list[SourceReader], files: list[list[SourceFile]]
) -> tuple[list[SourceIndex], dict[tuple[int, int], int]]:
    """Pass 1: count every file in parallel. Returns one index per source (its files joined
    in order) and the documents of each (source, file), which pass 2 checks again."""
    params = CountParams(worker_tokenizer(recipe.tokenizer), recipe.validation == "c4-md5")
    calls = ((params, f) for source in files for f in source)
    results = run_batched(executor, count_file, calls, "mix-count", file_count(files), "files")
    by_file = {(r.source, r.number): r for r in results}
    del results  # each source's file results are dropped once joined into its index
    file_documents = {key: r.documents for key, r in by_file.items()}
    indexes = []
    for number, reader in enumerate(readers):
        mine = [by_file.pop((number, f.number)) for f in files[number]]
        reading: dict[str, Any] = {}
        for result in mine:
            merge_counters(reading, result.counters)
        reader.counters = reading
        indexes.append(
            join_file_indexes(reader.name, reader.kind, reader.paths, mine, recipe, number, reading)
        )
    return indexes, file_documents


def write_package_shards(
    executor,
    plan: Plan,
    files: list[list[SourceFile]],
    file_documents: dict[tuple[int, int], int],
    work_area: str,
    memory_limit: int,
) -> list[dict[str, Any]]:
    """Pass 2: spill every file's planned rows into buckets, then write each bucket as a shard."""
    from corpuskit.mix.package import shard_name

    root = storage.join(work_area, SPILL_FOLDER)
    buckets = [
        bucket_folder(root, split, n) for split in SPLITS for n in range(plan.splits[split].shards)
    ]
    make_folders([storage.join(work_area, "data"), *buckets])
    params = SpillParams(root, memory_limit)
    calls = (
        (params, f, rows)
        for number, source in enumerate(files)
        for f, rows in zip(source, _file_rows(plan, number, source, file_documents), strict=True)
    )
    run_batched(executor, spill_file, calls, "mix-spill", file_count(files), "files")
    jobs = []
    for split in SPLITS:
        copies = plan.splits[split]
        text_bytes = _per_shard(copies.shard, copies.text_bytes, copies.shards)
        tokens = _per_shard(copies.shard, copies.tokens, copies.shards)
        for n in range(copies.shards):
            name = shard_name(split, n, copies.shards)
            jobs.append(
                ShardJob(
                    split,
                    n,
                    bucket_folder(root, split, n),
                    storage.join(work_area, "data", name),
                    f"data/{name}",
                    int(text_bytes[n]),
                    int(tokens[n]),
                )
            )
    shards = run_batched(
        executor, write_shard, ((job,) for job in jobs), "mix-shard", len(jobs), "shards"
    )
    order = {job.name: i for i, job in enumerate(jobs)}
    return sorted(shards, key=lambda s: order[s["path"]])


def _per_shard(shard, values, shards: int):
    import numpy as np

    return np.bincount(shard, weights=values, minlength=shards).round().astype(np.int64)


def _file_rows(
    plan: Plan, number: int, files: list[SourceFile], file_documents: dict[tuple[int, int], int]
) -> Iterator[FileRows]:
    """The planned rows of source ``number``, cut at its file boundaries."""
    import numpy as np

    parts = []
    for split_number, split in enumerate(SPLITS):
        copies = plan.splits[split]
        mine = np.flatnonzero(copies.source == number)
        parts.append((copies, mine, split_number))
    doc = np.concatenate([c.doc[m] for c, m, _ in parts])
    by_doc = np.argsort(doc, kind="stable")
    doc = doc[by_doc]
    position = np.concatenate([m for _, m, _ in parts])[by_doc]
    split_of = np.concatenate([np.full(len(m), s, np.int8) for _, m, s in parts])[by_doc]
    fields = {}
    for name, dtype in (("tokens", np.int64), ("epoch", np.int32), ("shard", np.int32)):
        values = np.concatenate([getattr(c, name)[m] for c, m, _ in parts])[by_doc]
        fields[name] = values.astype(dtype)
    start = 0
    for f in files:
        documents = file_documents[(number, f.number)]
        lo, hi = np.searchsorted(doc, [start, start + documents])
        yield FileRows(
            documents=documents,
            doc=doc[lo:hi] - start,
            position=position[lo:hi],
            split=split_of[lo:hi],
            **{name: values[lo:hi] for name, values in fields.items()},
        )
        start += documents


def run_batched(
    executor, fn, calls: Iterable[tuple], label: str, total: int, unit: str
) -> list[Any]:
    """Run ``fn`` over ``calls`` in batches of :data:`TASK_BATCH` (results in completion
    order). An error a task returned is raised once its batch is done, so no task of the
    batch is still writing into the work area when the caller removes it; of several, the
    first by message, so the same inputs always report the same error."""
    progress = Progress(total, unit)
    results: list[Any] = []
    batch: list[tuple] = []

    def run() -> None:
        done = executor.map(fn, batch, on_result=lambda _: progress.update(1), label=label)
        failures = [r for r in done if not _ok(r)]
        if failures:
            progress.close()
            raise_failure(min(failures, key=str))
        results.extend(done)
        batch.clear()

    for call in calls:
        batch.append(call)
        if len(batch) >= TASK_BATCH:
            run()
    if batch:
        run()
    progress.close()
    return results


def _ok(result: Any) -> bool:
    from corpuskit.errors import CorpuskitError

    return not isinstance(result, CorpuskitError)


def file_count(files: list[list[SourceFile]]) -> int:
    """How many input files all sources have together."""
    return sum(len(source) for source in files)
