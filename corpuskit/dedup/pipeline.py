"""``corpuskit dedup`` end to end: map (per shard) -> reduce (Dask) -> apply (per shard).

Resume: the map and apply phases skip shards with a ``_done`` marker (in
``OUT/_work/signatures/_done`` and ``OUT/_done``); the reduce phase is skipped when
``OUT/_work/reduce.json`` records the same settings. When any map shard had to run again,
the reduce and apply phases are redone, so decisions always match the signatures.
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from corpuskit import storage
from corpuskit.dedup import work
from corpuskit.dedup.reduce import ReduceConfig, run_reduce
from corpuskit.dedup.steps import ApplyStep, SignatureStep
from corpuskit.errors import ConfigError, InputError
from corpuskit.executor import Shard, StageSpec
from corpuskit.progress import log
from corpuskit.readers import expand_document_inputs
from corpuskit.stage import run_stage

SETTINGS = "settings.json"


@dataclasses.dataclass(frozen=True)
class DedupInput:
    """One named input (a dataset folder, folder, glob or file); ``is_index``: never output."""

    name: str
    path: str
    is_index: bool = False


@dataclasses.dataclass(frozen=True)
class DedupSettings:
    """Every resolved option of a dedup run."""

    ngram: int = 5
    num_perm: int = 112
    bands: int = 14
    rows: int = 8
    threshold: float = 0.72
    seed: int = 1
    exact: bool = True
    url: bool = False
    minhash: bool = True
    verify: bool = False
    lines: str = ""
    min_sentences: int = 3
    keep: str = "oldest"
    priority: tuple[str, ...] = ()
    partition_rows: int = 1_000_000


def _shard_id(name: str, path: str, prefix: bool) -> str:
    stem = storage.name_of(path).split(".")[0]
    return f"{name}__{stem}" if prefix else stem


def plan_shards(inputs: list[DedupInput], settings: DedupSettings) -> list[Shard]:
    """One shard per input file; ids are ``<input>__<stem>`` when there are several inputs."""
    names = [item.name for item in inputs]
    bad = sorted(n for n in names if not n or "/" in n or n.startswith("."))
    if bad:
        raise ConfigError(
            f"input name(s) {', '.join(map(repr, bad))} cannot name files: use letters, digits, - or _"
        )
    duplicated = sorted({n for n in names if names.count(n) > 1})
    if duplicated:
        raise ConfigError(
            f"input name(s) {', '.join(duplicated)} used twice: name inputs with --input NAME=PATH"
        )
    outputs = [item for item in inputs if not item.is_index]
    unknown = sorted(set(settings.priority) - {item.name for item in outputs})
    if unknown:
        raise ConfigError(
            f"--priority names unknown input(s) {', '.join(unknown)}; inputs are: "
            f"{', '.join(item.name for item in outputs)}"
        )
    ranks = {name: rank for rank, name in enumerate(settings.priority)}
    prefix = len(inputs) > 1
    shards: list[Shard] = []
    for order, item in enumerate(inputs):
        files = expand_document_inputs([item.path])
        if not files:
            raise InputError(f"input {item.name} ({item.path}) has no document file")
        if settings.priority:
            priority = ranks.get(item.name, len(ranks) + order)
        else:
            priority = order if settings.keep == "first-source" else 0
        for path in files:
            options = (("input", item.name), ("is_index", item.is_index), ("priority", priority))
            shards.append(Shard(_shard_id(item.name, path, prefix), path, options=options))
    ids = [s.id for s in shards]
    clashes = sorted({i for i in ids if ids.count(i) > 1})
    if clashes:
        raise ConfigError(
            f"two input files map to the same shard name ({', '.join(clashes)}): "
            "give inputs whose file names differ, or split them with --input NAME=PATH"
        )
    return sorted(shards, key=lambda s: s.id)


def _check_settings(work_dir: str, settings: DedupSettings, inputs, overwrite: bool) -> None:
    path = storage.join(work_dir, SETTINGS)
    current = {
        "settings": dataclasses.asdict(settings),
        "inputs": [dataclasses.asdict(i) for i in inputs],
    }
    current = json.loads(json.dumps(current))
    previous = None if overwrite else storage.read_json(path)
    if previous is not None:
        if previous != current:
            raise ConfigError(
                f"{storage.parent_of(work_dir)} was deduplicated with other inputs or settings: "
                "rerun with --overwrite, or choose another --output"
            )
    from corpuskit.dataset import atomic_write_text

    atomic_write_text(path, json.dumps(current, indent=1, sort_keys=True))


def local_scheduler(executor) -> str | None:
    """The Dask scheduler for the reduce phase: the cluster's client, or threads locally."""
    if getattr(executor, "name", "") == "dask":
        return None
    return "threads" if getattr(executor, "workers", 1) > 1 else "synchronous"


def run_dedup(
    inputs: list[DedupInput],
    settings: DedupSettings,
    output: str,
    executor,
    overwrite: bool = False,
    keep_rejected: bool = False,
):
    """Run the three phases; returns the apply stage's report (or the map's, if it failed)."""
    shards = plan_shards(inputs, settings)
    out = storage.normalize(output)
    work_dir = storage.join(out, "_work")
    storage.makedirs(work_dir)
    _check_settings(work_dir, settings, inputs, overwrite)
    paths = [item.path for item in inputs]
    map_params = SignatureStep.Params(
        work=work_dir,
        ngram=settings.ngram,
        num_perm=settings.num_perm,
        seed=settings.seed,
        bands=settings.bands,
        rows=settings.rows,
        with_signature=settings.verify,
        lines=settings.lines,
    )
    log(f"dedup: map: signatures of {len(shards)} shards")
    map_report = run_stage(
        StageSpec(SignatureStep.name, map_params, storage.join(work_dir, work.SIGNATURES)),
        shards,
        executor,
        paths,
        overwrite,
    )
    if map_report.failed:
        log("dedup: some map shards failed; the reduce phase needs all of them")
        return map_report, {}
    config = ReduceConfig(
        work=work_dir,
        clusters=storage.join(out, work.CLUSTERS),
        url=settings.url,
        exact=settings.exact,
        minhash=settings.minhash,
        verify=settings.verify,
        threshold=settings.threshold,
        keep=settings.keep,
        bands=settings.bands,
        lines=settings.lines,
        partition_rows=settings.partition_rows,
    )
    redo = overwrite or map_report.processed > 0
    marker_before = work.read_reduce_marker(work_dir)
    counters = run_reduce(config, local_scheduler(executor), redo)
    redo = redo or marker_before is None or marker_before.get("counters") != counters
    apply_params = ApplyStep.Params(
        work=work_dir, lines=settings.lines, min_sentences=settings.min_sentences
    )
    outputs = [s for s in shards if not s.option("is_index")]
    report = run_stage(
        StageSpec(ApplyStep.name, apply_params, out, keep_rejected),
        outputs,
        executor,
        paths,
        redo,
        extra_manifest={
            "dedup": {
                "settings": dataclasses.asdict(settings),
                "inputs": [dataclasses.asdict(i) for i in inputs],
                "reduce": counters,
            }
        },
    )
    return report, counters


def settings_to_json(settings: DedupSettings) -> dict[str, Any]:
    return dataclasses.asdict(settings)
