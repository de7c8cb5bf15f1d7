"""``corpuskit filter``: language ID and quality filters, with a reason for every drop."""

from __future__ import annotations

import json
from typing import Any

import click

from cli import options
from corpuskit.errors import ConfigError, InputError

DOCUMENT_SUFFIXES_TO_STRIP = (
    ".jsonl.gz",
    ".jsonl.zst",
    ".json.gz",
    ".parquet",
    ".jsonl",
    ".ndjson",
)


def shard_ids(files: list[str]) -> list[str]:
    """One shard per input file, named after the file (a repeated name gets ``-2``, ``-3``...)."""
    ids, seen = [], {}
    for path in files:
        name = path.rstrip("/").rsplit("/", 1)[-1]
        for suffix in DOCUMENT_SUFFIXES_TO_STRIP:
            if name.endswith(suffix):
                name = name[: -len(suffix)]
                break
        seen[name] = seen.get(name, 0) + 1
        ids.append(name if seen[name] == 1 else f"{name}-{seen[name]}")
    return ids


def _config_entries(ctx: click.Context) -> list[tuple[str, dict[str, Any]]]:
    from corpuskit.filtering.chain import entries_from_toml_tables

    tables = ctx.meta.get("config_tables") or {}
    where = f"config file {ctx.meta.get('config_path')}"
    if "filters" in tables:
        return entries_from_toml_tables(tables["filters"], where)
    return entries_from_toml_tables(tables, where)


def _merge(entries, extra):
    """Append ``extra`` entries; one naming a filter already in the chain updates its params."""
    merged = [(name, dict(params)) for name, params in entries]
    for name, params in extra:
        for i, (existing, existing_params) in enumerate(merged):
            if existing == name:
                merged[i] = (name, {**existing_params, **params})
                break
        else:
            merged.append((name, dict(params)))
    return merged


def _annotated_chain(inputs: list[str]) -> list[tuple[str, dict[str, Any]]]:
    """The chain recorded in the manifest of an annotated input folder (for --from-signals)."""
    from corpuskit import storage
    from corpuskit.filtering.chain import chain_entries_from_json

    for item in inputs:
        manifest = storage.join(storage.normalize(item), "manifest.json")
        data = storage.read_json(manifest) if storage.exists(manifest) else None
        if isinstance(data, dict):
            params = data.get("params") or {}
            if data.get("stage") == "filter" and params.get("mode") == "annotate":
                return chain_entries_from_json(params.get("chain"), str(manifest))
    raise ConfigError(
        "--from-signals without -f/--preset needs an input folder written by "
        "`corpuskit filter --annotate` (its manifest names the chain); or name the filters"
    )


def _check_signals_present(files: list[str], chain) -> None:
    """Fail early (exit 2) when the input has no stored signals for a filter of the chain."""
    import pyarrow.parquet as pq

    parquet = [f for f in files if f.endswith(".parquet")]
    if not parquet:
        return
    names = pq.read_schema(parquet[0]).names
    for spec in chain:
        prefix = f"signals.{spec.key}."
        if not any(name.startswith(prefix) for name in names):
            raise InputError(
                f"{parquet[0]} has no signals for filter {spec.key} (no {prefix}* column): "
                f"annotate first with `corpuskit filter --annotate -f {spec.name} ...`"
            )


def _list_filters(as_json: bool) -> None:
    import dataclasses

    from corpuskit.registry import Cleaner, all_filters, declared_reasons
    from corpuskit.stage import params_to_json
    from filters.presets import PRESETS

    rows = []
    for name, cls in all_filters().items():
        params = {f.name: params_to_json(f.default) for f in dataclasses.fields(cls.Params)}
        rows.append(
            {
                "name": name,
                "kind": "cleaner" if issubclass(cls, Cleaner) else "filter",
                "reasons": list(declared_reasons(cls)),
                "params": params,
                "source": cls.source,
                "summary": (cls.__doc__ or "").strip().splitlines()[0] if cls.__doc__ else "",
            }
        )
    presets = [
        {
            "name": p.name,
            "source": p.source,
            "description": p.description,
            "chain": [n for n, _ in p.entries()],
        }
        for p in PRESETS.values()
    ]
    if as_json:
        click.echo(json.dumps({"filters": rows, "presets": presets}, indent=2))
        return
    for row in rows:
        click.echo(f"{row['name']} ({row['kind']}): {row['summary']}")
        click.echo(f"  source:  {row['source']}")
        click.echo(f"  reasons: {', '.join(row['reasons']) or '-'}")
        for key, value in row["params"].items():
            click.echo(f"  {key} = {json.dumps(value)}")
        click.echo("")
    click.echo("presets:")
    for preset in presets:
        click.echo(f"  {preset['name']}: {' -> '.join(preset['chain'])}")
        click.echo(f"    source: {preset['source']}")
        if preset["description"]:
            click.echo(f"    {preset['description']}")


def build_chain(
    ctx,
    filter_names,
    preset,
    set_values,
    lid_model,
    quality_model,
    mode,
    inputs,
    by_language,
):
    """Resolve preset + -f + config tables + --set into a validated chain."""
    from corpuskit.filtering.chain import apply_overrides, parse_set_options, resolve_chain
    from filters.presets import get_preset

    entries: list[tuple[str, dict[str, Any]]] = []
    if preset:
        entries = get_preset(preset).entries(quality_model=quality_model)
    entries = _merge(entries, [(name, {}) for name in filter_names])
    entries = _merge(entries, _config_entries(ctx))
    if not entries and mode == "from_signals":
        entries = _annotated_chain(inputs)
    if by_language and not any(name == "lang" for name, _ in entries):
        entries.insert(0, ("lang", {"languages": ()}))
    if not entries:
        raise ConfigError(
            "no filter given: use -f NAME (repeatable), --preset NAME or --config FILE; "
            "`corpuskit filter --list` shows them"
        )
    overrides = parse_set_options(set_values)
    if lid_model:
        overrides.setdefault("lang", {})["model"] = lid_model
        if not any(name == "lang" for name, _ in entries):
            raise ConfigError("--lid-model given but the chain has no `lang` filter: add -f lang")
    chain = resolve_chain(apply_overrides(entries, overrides))
    if mode == "from_signals":
        for spec in chain:
            if spec.is_cleaner and spec.name in overrides:
                raise ConfigError(
                    f"--set {spec.name}.…: cleaner {spec.name} edited the text when the data "
                    "was annotated; its parameters cannot change with --from-signals "
                    "(annotate again instead)"
                )
    return chain


@click.command()
@click.argument("inputs", nargs=-1)
@click.option(
    "-o",
    "--output",
    default=None,
    callback=options.check_output,
    help="Output dataset folder: a local path or a URL (s3://bucket/prefix, ...).",
)
@click.option(
    "-f", "--filter", "filter", multiple=True, help="Filter to run (repeatable, in order)."
)
@click.option(
    "--preset", default=None, help="c4-code, c4-paper, c4, fineweb, gopher or gpt3 (see --list)."
)
@click.option(
    "--set", "set", multiple=True, metavar="FILTER.PARAM=VALUE", help="Override a parameter."
)
@click.option(
    "--list", "list_only", is_flag=True, help="List filters, parameters, reasons, presets."
)
@click.option("--keep-rejected", is_flag=True, help="Write dropped documents to OUT/rejected/.")
@click.option("--annotate", is_flag=True, help="Store every filter's signals; drop nothing.")
@click.option(
    "--from-signals",
    is_flag=True,
    help="Decide from signals stored by --annotate (no recomputation).",
)
@click.option(
    "--keep-signals",
    is_flag=True,
    help="With --from-signals: keep the signal columns in the output.",
)
@click.option(
    "--by-language",
    is_flag=True,
    help="Write one dataset folder per language under OUT/languages/<lang>/.",
)
@click.option("--lid-model", default=None, help="Path of the fastText lid.176 model (lang.model).")
@click.option(
    "--quality-model",
    default=None,
    help="fastText quality classifier for --preset gpt3 (train one from imported curated "
    "sources with `corpuskit models train-quality`; see --list).",
)
@options.limit
@options.execution
@options.common
@click.pass_context
def command(
    ctx,
    inputs,
    output,
    filter,
    preset,
    set,
    list_only,
    keep_rejected,
    annotate,
    from_signals,
    keep_signals,
    by_language,
    lid_model,
    quality_model,
    limit,
    executor,
    workers,
    scheduler,
    dashboard_address,
    overwrite,
    dry_run,
    as_json,
):
    """Keep documents that pass every filter, in order; record why each one was dropped.

    \b
    Examples:
      corpuskit filter out/extracted -o out/filtered --preset fineweb
      corpuskit filter out/extracted -o out/filtered -f lang -f gopher_quality \\
          --set lang.languages=en,de --set gopher_quality.min_words=30
      corpuskit filter out/extracted -o out/annotated --preset fineweb --annotate
      corpuskit filter out/annotated -o out/filtered --from-signals --set lang.min_score=0.8
      corpuskit filter --list
    """
    # Parameter names are the option names, so config files say `filter = [...]`, `set = [...]`.
    filter_names, set_values = filter, set
    from corpuskit.executor import Shard, StageSpec, make_executor
    from corpuskit.filtering.step import FilterStep
    from corpuskit.readers import expand_document_inputs
    from corpuskit.stage import params_to_json, run_stage

    if list_only:
        _list_filters(as_json)
        return
    if not inputs:
        raise ConfigError("no input given: corpuskit filter IN... -o OUT (or --list)")
    if not output:
        raise ConfigError("no output folder given: add -o OUT")
    if annotate and from_signals:
        raise ConfigError("--annotate and --from-signals exclude each other: annotate first")
    if keep_signals and not from_signals:
        raise ConfigError("--keep-signals only applies with --from-signals")
    mode = "annotate" if annotate else "from_signals" if from_signals else "filter"
    chain = build_chain(
        ctx,
        filter_names,
        preset,
        set_values,
        lid_model,
        quality_model,
        mode,
        list(inputs),
        by_language,
    )
    files = expand_document_inputs(list(inputs))
    if limit:
        files = files[:limit]
    if not files:
        raise InputError(f"no document file found in {', '.join(inputs)}")
    if mode == "from_signals":
        _check_signals_present(files, chain)
    params = FilterStep.Params(
        chain=chain, mode=mode, by_language=by_language, strip_signals=not keep_signals
    )
    shards = [Shard(id=sid, path=path) for sid, path in zip(shard_ids(files), files, strict=True)]
    resolved = {
        "stage": "filter",
        "mode": mode,
        "preset": preset,
        "chain": params_to_json(chain),
        "inputs": list(inputs),
        "shards": [{"id": s.id, "path": s.path} for s in shards],
        "output": output,
    }
    if dry_run:
        options.print_dry_run(resolved)
        return
    if mode != "from_signals":
        _check_models_available(chain)
    spec = StageSpec("filter", params, output, keep_rejected)
    extra = {"filter": {"order": [s.key for s in chain], "mode": mode, "preset": preset}}
    with make_executor(executor, workers, scheduler, dashboard_address) as pool:
        report = run_stage(spec, shards, pool, list(inputs), overwrite, extra_manifest=extra)
    if by_language:
        from corpuskit.filtering.languages import write_language_manifests

        per_language = write_language_manifests(output, spec, extra)
        report.counters["language_folders"] = per_language
        report.counters["rows"] = sum(per_language.values())
    options.finish(report, as_json)


# Its --config file may hold one table per filter ([filter.<name>] or [<name>]).
command.accepts_config_tables = True


def _check_models_available(chain) -> None:
    """A missing model is a configuration error (exit 2), not one failed shard per input."""
    from corpuskit.models import locate_model

    for spec in chain:
        if spec.name == "lang":
            locate_model("lid", spec.params.model or None)
        elif spec.name == "classifier":
            spec.filter_class(spec.params).setup()  # names the fix when the model is missing
