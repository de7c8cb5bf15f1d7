"""Build a package: ``OUT/data/<split>-NNNNN-of-NNNNN.parquet``, ``manifest.json``, ``README.md``.

Two streaming passes of tasks (:mod:`corpuskit.mix.passes`, :mod:`corpuskit.mix.tasks`) run
by an executor (this process, a process pool or Dask): pass 1 counts tokens file by file, the
plan (:mod:`corpuskit.mix.plan`) fixes which document copies go where, pass 2 re-reads every
file and spills each planned row to its shard's bucket (:mod:`corpuskit.mix.buckets`); each
bucket is then sorted and written as Parquet (zstd) with the fixed :func:`package_schema`.
Results are joined in file and shard order, so every executor writes the same bytes.

Everything is written into a temporary sibling folder that replaces ``OUT`` only at the end
(:func:`corpuskit.storage.replace_tree`: a rename on disk; on an object store a server-side
copy with ``manifest.json`` last), so a failed run (bad dump, unreadable book, empty source)
leaves no partial package. ``OUT`` is a local path or any storage URL.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from typing import Any

from corpuskit import storage
from corpuskit.errors import ConfigError
from corpuskit.mix.plan import SPLITS, Plan, length_histogram, make_plan
from corpuskit.mix.recipe import Recipe, recipe_to_toml
from corpuskit.progress import log

PACKAGE_FORMAT = "corpuskit-package/1"
RECIPE_FILE = "recipe.toml"


def package_schema():
    """The fixed schema of every package shard (the card's ``dataset_info.features``)."""
    import pyarrow as pa

    return pa.schema(
        [
            pa.field("text", pa.string()),
            pa.field("source", pa.string()),  # the recipe's source name
            pa.field("id", pa.string()),
            pa.field("url", pa.string()),
            pa.field("timestamp", pa.string()),
            pa.field("language", pa.string()),
            pa.field("origin", pa.string()),  # the document's own `source` (e.g. cc:CC-MAIN-...)
            pa.field("tokens", pa.int64()),
            pa.field("epoch", pa.int32()),  # 0 the first time a document is seen, 1.. repeats
            pa.field("metadata", pa.string()),  # JSON object
        ]
    )


def shard_name(split: str, number: int, count: int) -> str:
    """``<split>-NNNNN-of-NNNNN.parquet``, the Hugging Face naming for sharded splits."""
    return f"{split}-{number:05d}-of-{count:05d}.parquet"


def build_package(
    recipe: Recipe,
    output: str,
    overwrite: bool = False,
    command: str = "",
    memory_limit: int | None = None,
    executor=None,
) -> dict[str, Any]:
    """Mix the recipe's sources into the package ``output``; returns the manifest.

    ``executor`` runs the tasks of both passes (:mod:`corpuskit.mix.tasks`): a
    :class:`~corpuskit.executor.DaskExecutor`, a :class:`~corpuskit.executor.LocalExecutor`,
    or ``None`` for this process. Every executor gives the same bytes."""
    from corpuskit.executor import LocalExecutor
    from corpuskit.mix import passes
    from corpuskit.mix.buckets import DEFAULT_MEMORY_LIMIT, SPILL_FOLDER
    from corpuskit.mix.sources import SourceReader, check_paths_exist
    from corpuskit.mix.tokens import TokenCounter
    from corpuskit.mix.workarea import remove_tree

    started = time.monotonic()
    out = storage.check_output(output)
    if storage.exists(out) and not overwrite:
        return _existing_package(out, recipe)
    TokenCounter(recipe.tokenizer)  # an unknown or unavailable tokenizer fails before any work
    executor = executor or LocalExecutor(1)
    readers = []
    for spec in recipe.sources:
        check_paths_exist(spec.name, spec.paths)
        readers.append(SourceReader(spec.name, spec.kind, spec.paths, spec.url_list))
    _remove_abandoned_builds(out)
    tmp = storage.join(storage.parent_of(out), f".{storage.name_of(out)}.tmp-{os.getpid()}")
    remove_tree(tmp)
    try:
        files = passes.list_files(readers)
        log(
            f"mix: pass 1: counting {recipe.tokenizer} tokens in {passes.file_count(files)} files "
            f"of {len(readers)} sources ({executor.name} executor)"
        )
        indexes, file_documents = passes.count_tokens(executor, recipe, readers, files)
        lineage = [reader.lineage() for reader in readers]
        plan = make_plan(recipe, indexes)
        for ix in indexes:  # the plan holds what pass 2 needs; free the per-document index
            ix.tokens = ix.text_bytes = ix.validation = None
        log(f"mix: pass 2: writing {sum(len(c) for c in plan.splits.values()):,} rows into {out}")
        shards = passes.write_package_shards(
            executor,
            plan,
            files,
            file_documents,
            tmp,
            memory_limit or DEFAULT_MEMORY_LIMIT,
        )
        remove_tree(storage.join(tmp, SPILL_FOLDER))
        manifest = _manifest(recipe, plan, indexes, lineage, shards, command, started)
        from corpuskit.dataset import DatasetFolder

        DatasetFolder(tmp).write_manifest(manifest)
        storage.write_text(storage.join(tmp, RECIPE_FILE), recipe_to_toml(recipe))
        from corpuskit.mix.card import render_card

        render_card(tmp)
        storage.replace_tree(tmp, out)
    except BaseException:
        remove_tree(tmp)
        raise
    return manifest


def existing_package(recipe: Recipe, output: str) -> dict[str, Any] | None:
    """The manifest of ``output`` when it is already complete with this recipe (a rerun is then
    a no-op), None when it does not exist; an error when it holds something else."""
    out = storage.check_output(output)
    return _existing_package(out, recipe) if storage.exists(out) else None


def _remove_abandoned_builds(out: str) -> None:
    """Delete half-built packages (``.OUT.tmp-PID``) whose process no longer runs (kill -9).

    The PID is the client's, and the client is this machine: a build folder on an object
    store is judged the same way, by whether its building client still runs here."""
    prefix = f".{storage.name_of(out)}.tmp-"
    parent = storage.parent_of(out)
    for name in storage.listdir(parent):
        if not name.startswith(prefix):
            continue
        pid = name.rsplit("-", 1)[-1]
        if not pid.isdigit() or _process_alive(int(pid)):
            continue
        candidate = storage.join(parent, name)
        log(f"mix: removing {candidate}, left by an interrupted run")
        storage.delete_tree(candidate)


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True


def _existing_package(out: str, recipe: Recipe) -> dict[str, Any]:
    """A rerun with the same recipe finds the package complete (it is renamed into place
    only when finished) and does nothing; anything else there is not overwritten silently."""
    from corpuskit.dataset import DatasetFolder

    manifest = DatasetFolder(out).read_manifest()
    stored = storage.join(out, RECIPE_FILE)
    if manifest and storage.exists(stored) and storage.read_text(stored) == recipe_to_toml(recipe):
        log(
            f"mix: {out} is already complete with this recipe; nothing to do (use --overwrite to rebuild it)"
        )
        return manifest
    raise ConfigError(
        f"{out} already exists and was not built from this recipe: use --overwrite to replace it or pick another -o"
    )


def _manifest(
    recipe, plan: Plan, indexes, lineage, shards, command: str, started: float
) -> dict[str, Any]:
    from corpuskit.stage import library_versions

    names = [ix.name for ix in indexes]
    train = plan.splits["train"]
    train_tokens = int(train.tokens.sum())
    sources = {}
    for number, name in enumerate(names):
        info = dict(plan.sources[name])
        mine = train.source == number
        tokens = int(train.tokens[mine].sum())
        info["tokens"] = tokens
        info["rows"] = int(mine.sum())
        info["achieved_share"] = tokens / train_tokens if train_tokens else 0.0
        info["epochs"] = tokens / info["tokens_available"]
        val = plan.splits["validation"]
        info["validation"] = {
            "rows": int((val.source == number).sum()),
            "tokens": int(val.tokens[val.source == number].sum()),
        }
        info["reading"] = indexes[number].reading
        sources[name] = info
    splits = {}
    for split in SPLITS:
        mine = [s for s in shards if s["split"] == split]
        if mine:
            splits[split] = {
                "rows": sum(s["rows"] for s in mine),
                "tokens": sum(s["tokens"] for s in mine),
                "bytes": sum(s["bytes"] for s in mine),
                "text_bytes": sum(s["text_bytes"] for s in mine),
                "arrow_bytes": sum(s["arrow_bytes"] for s in mine),
                "shards": len(mine),
            }
    languages: dict[str, int] = {}
    for ix in indexes:
        for key, value in ix.languages.items():
            languages[key] = languages.get(key, 0) + value
    return {
        "stage": "mix",
        "format": PACKAGE_FORMAT,
        "recipe": recipe.to_json(),
        "seed": recipe.seed,
        "tokenizer": recipe.tokenizer,
        "command": command,
        "cwd": os.getcwd(),
        "reproduce": f"corpuskit mix --recipe {RECIPE_FILE} -o OUT  # run inside the package folder",
        "total_tokens": {"target": plan.total_target, "achieved": train_tokens},
        "sources": sources,
        "splits": splits,
        "shards": shards,
        "schema": [{"name": f.name, "type": str(f.type)} for f in package_schema()],
        "length_histogram": length_histogram(plan, names),
        "languages": dict(sorted(languages.items(), key=lambda kv: -kv[1])),
        "lineage": lineage,
        "versions": library_versions(),
        "created": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "seconds": round(time.monotonic() - started, 3),
    }
