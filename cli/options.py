"""Shared option decorators, so every command reads as a stack of named options.

``--config FILE`` loads a TOML file into Click's ``default_map`` (the table named after the
command, or the top level), so explicit flags still win.
"""

from __future__ import annotations

import json
import sys
from typing import Any

import click

from corpuskit.errors import ConfigError


def load_toml(path: str) -> dict[str, Any]:
    """Parse a TOML file with errors that name the file and the line."""
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib
    try:
        with open(path, "rb") as fh:
            return tomllib.load(fh)
    except OSError as exc:
        raise ConfigError(f"cannot read config file {path}: {exc.strerror}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"config file {path} is not valid TOML: {exc}") from exc


def _load_config(ctx: click.Context, param: click.Parameter, value: str | None):
    if not value:
        return value
    data = load_toml(value)
    # `corpuskit run` invokes a stage with info_name "corpuskit <stage>".
    name = (ctx.info_name or "").split()[-1]
    section = data.get(name, data)
    if not isinstance(section, dict):
        raise click.BadParameter(f"[{name}] must be a table", ctx=ctx, param=param)
    # A [storage] table (top level, or the command's own) holds storage options.
    table = {**_table(data, "storage", value), **_table(section, "storage", value)}
    section = {k: v for k, v in section.items() if k != "storage"}
    ctx.meta["storage_table"] = table
    defaults = {
        key.replace("-", "_"): val for key, val in section.items() if not isinstance(val, dict)
    }
    known = {p.name for p in ctx.command.params}
    unknown = sorted(set(defaults) - known)
    if unknown:
        raise click.BadParameter(
            f"{value}: unknown setting(s) {', '.join(unknown)} for `corpuskit {name}`",
            ctx=ctx,
            param=param,
        )
    tables = sorted(key for key, val in section.items() if isinstance(val, dict))
    if tables and not getattr(ctx.command, "accepts_config_tables", False):
        raise click.BadParameter(
            f"{value}: sub-tables {', '.join(tables)} are not settings of `corpuskit {name}`",
            ctx=ctx,
            param=param,
        )
    ctx.default_map = {**(ctx.default_map or {}), **defaults}
    ctx.meta["config_tables"] = {k: v for k, v in section.items() if isinstance(v, dict)}
    _configure_storage(ctx)
    ctx.meta["config_path"] = value
    return value


def _table(data: dict, key: str, path: str) -> dict:
    value = data.get(key, {})
    if not isinstance(value, dict):
        raise ConfigError(f"{path}: [{key}] must be a table of storage options")
    return value


def _configure_storage(ctx: click.Context) -> None:
    """Storage options = the config's [storage] table, overridden key by key by the flag."""
    from corpuskit import storage

    table = storage.parse_options(ctx.meta.get("storage_table"))
    flag = storage.parse_options(ctx.meta.get("storage_flag"))
    storage.configure(_merge(table, flag))


def _merge(base: dict, over: dict) -> dict:
    merged = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _set_storage_options(ctx: click.Context, param: click.Parameter, value: str | None):
    from corpuskit import storage

    ctx.meta["storage_flag"] = storage.parse_options(value)
    _configure_storage(ctx)
    return value


storage_options = click.option(
    "--storage-options",
    envvar="CORPUSKIT_STORAGE_OPTIONS",
    default=None,
    is_eager=True,
    expose_value=False,
    callback=_set_storage_options,
    help='JSON options for remote storage, e.g. \'{"s3": {"endpoint_url": "..."}}\' '
    "(credentials and AWS_ENDPOINT_URL come from the environment as usual).",
)


def check_output(ctx: click.Context, param: click.Parameter, value: str | None):
    """Refuse an unusable output location (scheme, backend, bucket) before any work starts."""
    if value is None:
        return value
    from corpuskit import storage

    return storage.check_output(value)


config = click.option(
    "--config",
    type=click.Path(dir_okay=False),
    is_eager=True,
    expose_value=False,
    callback=_load_config,
    help="TOML file with default values for this command's options (flags win).",
)

output = click.option(
    "-o",
    "--output",
    required=True,
    callback=check_output,
    help="Output dataset folder: a local path or a URL (s3://bucket/prefix, gs://, az://, ...).",
)

workers = click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=None,
    help="Worker processes (default: one per core).",
)

scheduler = click.option(
    "--scheduler",
    envvar="DASK_SCHEDULER_ADDRESS",
    default=None,
    help="Address of an existing Dask scheduler (tcp://HOST:PORT); default: an embedded local cluster.",
)

dashboard_address = click.option(
    "--dashboard-address",
    default=":8787",
    show_default=True,
    help="Where the embedded cluster serves the Dask dashboard (':0' picks a free port).",
)

executor = click.option(
    "--executor",
    type=click.Choice(["dask", "local"]),
    default="dask",
    show_default=True,
    help="dask: a Dask cluster (embedded or --scheduler); local: a plain process pool.",
)

overwrite = click.option(
    "--overwrite", is_flag=True, help="Redo shards that are already done instead of skipping them."
)

limit = click.option(
    "--limit",
    type=click.IntRange(min=1),
    default=None,
    help="Process at most N inputs (for trials).",
)

dry_run = click.option(
    "--dry-run", is_flag=True, help="Print the resolved configuration as JSON and exit."
)

json_output = click.option(
    "--json", "as_json", is_flag=True, help="Print a machine-readable summary on stdout."
)


def _set_verbosity(ctx: click.Context, param: click.Parameter, value: Any):
    from corpuskit.progress import set_verbosity

    if param.name == "quiet" and value:
        set_verbosity(0)
    elif param.name == "verbose" and value:
        set_verbosity(1 + value)
    return value


verbose = click.option(
    "-v",
    "--verbose",
    count=True,
    expose_value=False,
    callback=_set_verbosity,
    help="More log output.",
)
quiet = click.option(
    "-q",
    "--quiet",
    is_flag=True,
    expose_value=False,
    callback=_set_verbosity,
    help="No logs or progress.",
)


def compose(*decorators):
    def apply(fn):
        for decorator in reversed(decorators):
            fn = decorator(fn)
        return fn

    return apply


execution = compose(executor, workers, scheduler, dashboard_address)
common = compose(config, storage_options, overwrite, dry_run, json_output, verbose, quiet)


def print_dry_run(resolved: dict[str, Any]) -> None:
    """Print the resolved configuration (``--dry-run``) on stdout."""
    click.echo(json.dumps(resolved, indent=2, sort_keys=True, default=str))


def report(summary: dict[str, Any], as_json: bool, human: str) -> None:
    """Print the run summary: JSON on stdout with ``--json``, else a human line on stdout."""
    if as_json:
        click.echo(json.dumps(summary, indent=2, sort_keys=True, default=str))
    else:
        click.echo(human)


def finish(report_obj, as_json: bool) -> None:
    """Print a :class:`corpuskit.stage.StageReport` and exit with its exit code."""
    counters = report_obj.counters
    human = (
        f"{report_obj.stage}: {report_obj.processed} shards run, {report_obj.skipped} skipped, "
        f"{len(report_obj.failed)} failed; {counters.get('rows', 0):,} documents in {report_obj.output}"
    )
    report(report_obj.to_json(), as_json, human)
    if report_obj.failed:
        click.echo(
            "failed shards: "
            + ", ".join(f["shard"] for f in report_obj.failed)
            + "; rerun the same command to retry them",
            err=True,
        )
        sys.exit(report_obj.exit_code)
