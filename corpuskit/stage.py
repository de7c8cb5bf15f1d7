"""Run a per-shard stage over its shards, resume by markers, and write the manifest.

Shards that already have a ``_done`` marker are skipped (``overwrite`` clears them first).
Counters of every completed shard are read back from ``_stats/`` and summed, so the
manifest after a resumed run equals the manifest of an uninterrupted one.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import time
from typing import Any

from corpuskit import __version__, storage
from corpuskit.dataset import DatasetFolder
from corpuskit.executor import Shard, ShardResult, StageSpec, run_shard
from corpuskit.progress import Progress, log
from corpuskit.report import RunReport


@dataclasses.dataclass
class StageReport(RunReport):
    """What a stage run did; ``exit_code`` is 0 when every shard is done, else 1."""

    stage: str
    output: str
    total: int
    skipped: int
    processed: int
    failed: list[dict[str, str]]
    counters: dict[str, Any]
    seconds: float


def merge_counters(into: dict[str, Any], other: dict[str, Any]) -> dict[str, Any]:
    """Sum numbers key by key, recursing into nested dicts; other values: last one wins."""
    for key, value in other.items():
        if isinstance(value, dict):
            merge_counters(into.setdefault(key, {}), value)
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            into[key] = into.get(key, 0) + value
        else:
            into[key] = value
    return into


def library_versions() -> dict[str, str]:
    """Versions of corpuskit and the libraries whose behaviour shapes the output."""
    from importlib.metadata import PackageNotFoundError, version

    found = {"corpuskit": __version__}
    for name in (
        "trafilatura",
        "warcio",
        "fasttext-numpy2",
        "datasketch",
        "pyarrow",
        "dask",
        "distributed",
    ):
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            pass
    return found


def params_to_json(params: Any) -> Any:
    if dataclasses.is_dataclass(params):
        return {k: params_to_json(v) for k, v in dataclasses.asdict(params).items()}
    if isinstance(params, (list, tuple)):
        return [params_to_json(v) for v in params]
    if isinstance(params, dict):
        return {str(k): params_to_json(v) for k, v in params.items()}
    if isinstance(params, (str, int, float, bool)) or params is None:
        return params
    return str(params)


def upstream_lineage(inputs: list[str]) -> list[dict[str, Any]]:
    """The manifests of input dataset folders, so every output knows where it came from."""
    lineage = []
    for item in inputs:
        root, sep, _ = item.rpartition("/data/")
        if sep and root:  # shards of a dataset folder (or a glob of them): the folder's lineage
            item = root
        if storage.protocol_of(item) in storage.READ_ONLY or any(ch in item for ch in "*?["):
            continue
        try:
            data = storage.read_json(storage.join(storage.normalize(item), "manifest.json"))
        except (OSError, ValueError):
            data = None
        if isinstance(data, dict):
            lineage.append(
                {
                    "path": item,
                    "stage": data.get("stage"),
                    "params": data.get("params"),
                    "counters": data.get("counters"),
                    "lineage": data.get("lineage", []),
                }
            )
    return lineage


def lost_shard(args: tuple, error: BaseException) -> ShardResult:
    """The result of a shard whose worker died (after Dask's retries): failed, rerun resumes."""
    _, shard = args
    return ShardResult(
        shard.id, False, {"shard": shard.id, "input": shard.path}, error=f"worker lost: {error!r}"
    )


def run_stage(
    spec: StageSpec,
    shards: list[Shard],
    executor,
    inputs: list[str],
    overwrite: bool = False,
    extra_manifest: dict[str, Any] | None = None,
    shard_fn=run_shard,
) -> StageReport:
    """Run ``spec`` on every shard not yet done and write ``manifest.json``.

    ``shard_fn(spec, shard) -> ShardResult`` runs one shard (default :func:`run_shard`, which
    writes Parquet); a stage with other outputs (``tokenize``) passes its own top-level one.
    """
    started = time.monotonic()
    folder = DatasetFolder(spec.output)
    storage.makedirs(folder.root)
    ids = [shard.id for shard in shards]
    if len(set(ids)) != len(ids):
        raise ValueError("shard ids must be unique")
    if overwrite:
        for shard_id in folder.done_shards():
            folder.clear_shard(shard_id)
    # One listing of the markers, not one request per shard: a crawl has 90,000 shards.
    done_before = set(folder.done_shards())
    pending = [shard for shard in shards if shard.id not in done_before]
    skipped = len(shards) - len(pending)
    if not pending:
        log(
            f"{spec.step}: all {len(shards)} shards of {spec.output} are already done; nothing to do "
            "(use --overwrite to redo them)"
        )
    elif skipped:
        log(f"{spec.step}: {skipped} of {len(shards)} shards already done; running {len(pending)}")
    else:
        log(f"{spec.step}: running {len(pending)} shards into {spec.output}")
    foreign = sorted(set(folder.done_shards()) - set(ids))
    if foreign:
        # Readers take every completed shard of a folder, so these would mix into the output.
        log(
            f"{spec.step}: warning: {len(foreign)} completed shard(s) in {spec.output} are not "
            f"inputs of this run (e.g. {foreign[0]}): readers of the folder still see them; "
            "use --overwrite or a new output folder when the inputs change"
        )

    progress = Progress(len(pending), "shards")
    failed: list[dict[str, str]] = []

    def on_result(result: ShardResult) -> None:
        if not result.ok:
            failed.append({"shard": result.shard, "error": result.error or "unknown error"})
            log(f"shard {result.shard} failed: {result.error}")
        progress.update(1, docs=result.stats.get("rows", 0))

    if pending:
        # The step name labels the tasks on the Dask dashboard (extract-..., dedup.apply-...).
        executor.map(
            shard_fn,
            [(spec, shard) for shard in pending],
            on_result,
            label=spec.step,
            on_error=lost_shard,
        )
    progress.close()
    failed.sort(key=lambda item: item["shard"])

    counters: dict[str, Any] = {}
    shard_seconds = 0.0
    done = set(folder.done_shards())
    stale = folder.remove_stale_temporaries()
    if stale:
        log(f"{spec.step}: removed {stale} temporary file(s) left by an interrupted run")
    all_stats = folder.read_many_stats([shard_id for shard_id in ids if shard_id in done])
    for shard_id in ids:
        stats = all_stats.get(shard_id)
        if stats:
            merge_counters(counters, stats.get("counters", {}))
            counters["rows"] = counters.get("rows", 0) + stats.get("rows", 0)
            shard_seconds += stats.get("seconds", 0.0)

    manifest = {
        "stage": spec.step,
        "params": params_to_json(spec.params),
        "inputs": [str(i) for i in inputs],
        "output": str(spec.output),
        "shards": {"total": len(shards), "done": len(done & set(ids)), "failed": failed},
        "counters": counters,
        "timings": {
            "shard_seconds": round(shard_seconds, 3),
            "wall_seconds": round(time.monotonic() - started, 3),
        },
        "executor": getattr(executor, "name", type(executor).__name__),
        "versions": library_versions(),
        "created": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "lineage": upstream_lineage(inputs),
    }
    if extra_manifest:
        manifest.update(extra_manifest)
    folder.write_manifest(manifest)
    return StageReport(
        stage=spec.step,
        output=str(spec.output),
        total=len(shards),
        skipped=skipped,
        processed=len(pending),
        failed=failed,
        counters=counters,
        seconds=round(time.monotonic() - started, 3),
    )
