"""``corpuskit run CONFIG``: chain the stages from one TOML file.

Each stage table holds options of that stage's command, by parameter name (the same keys its
own ``--config`` accepts); a stage without explicit inputs reads the previous stage's output.
One Dask cluster is shared by all stages, so the whole run shows on one dashboard.
"""

from __future__ import annotations

import contextlib
import json
import os
from typing import Any

import click

from cli import options
from corpuskit.errors import ConfigError

PIPELINE_ORDER = ("crawl", "extract", "filter", "import", "dedup", "decontaminate", "mix")
# Stages whose command is a group: the subcommand their table configures.
GROUP_STAGES = {"decontaminate": "apply"}
RUN_KEYS = {"output", "stages", "executor", "workers", "scheduler", "dashboard_address"}
EXECUTION_PARAMS = ("executor", "workers", "scheduler", "dashboard_address")


def stage_command(stage: str) -> click.Command:
    import importlib

    command = importlib.import_module(f"cli.{stage}").command
    return command.commands[GROUP_STAGES[stage]] if stage in GROUP_STAGES else command


def plan_imports(
    tables: dict[str, Any], run: dict[str, Any], path: str
) -> list[tuple[str, list[str]]]:
    """One ``corpuskit import`` per ``[import.<name>]`` table (kind, inputs, ...), into
    ``<output>/import/<name>``. Imports do not feed the next stage: name them in [dedup] with
    ``input = ["<name>=<output>/import/<name>", ...]``."""
    command = stage_command("import")
    planned = []
    for name, table in tables.items():
        if not isinstance(table, dict) or "kind" not in table:
            raise ConfigError(f"{path}: [import.{name}] must be a table with kind and inputs")
        table = {"kind": table["kind"], "inputs": table.get("inputs", []), **table}
        table.setdefault("output", os.path.join(run["output"], "import", name))
        for key in EXECUTION_PARAMS:
            if key in run:
                table.setdefault(key, run[key])
        planned.append(("import", table_to_args(command, table, f"{path} [import.{name}]")))
    return planned


def table_to_args(command: click.Command, table: dict[str, Any], where: str) -> list[str]:
    """Turn ``{param name: value}`` into command-line arguments for ``command``."""
    params = {param.name: param for param in command.params}
    positional: list[str] = []
    args: list[str] = []
    for key, value in table.items():
        name = key.replace("-", "_")
        param = params.get(name)
        if param is None:
            known = ", ".join(sorted(p for p in params if p not in ("help",)))
            raise ConfigError(f"{where}: unknown setting {key!r}; settings of this stage: {known}")
        values = value if isinstance(value, list) else [value]
        if isinstance(param, click.Argument):
            positional.extend(str(v) for v in values)
            continue
        long_opts = [o for o in param.opts if o.startswith("--")] or param.opts
        if param.is_flag and not param.count:
            if value is True:
                args.append(long_opts[0])
            elif value is False and param.secondary_opts:
                args.append(param.secondary_opts[0])
            elif not isinstance(value, bool):
                raise ConfigError(f"{where}: {key} must be true or false")
            continue
        for item in values:
            args.extend([long_opts[0], str(item)])
    return args + ["--", *positional] if positional else args


def plan_stages(config: dict[str, Any], path: str) -> list[tuple[str, list[str]]]:
    """The stages to run, each with its full argument list."""
    run = config.get("run", {})
    unknown = sorted(set(run) - RUN_KEYS)
    if unknown:
        raise ConfigError(f"{path}: unknown key(s) in [run]: {', '.join(unknown)}")
    output = run.get("output")
    if not output:
        raise ConfigError(
            f'{path}: [run] needs output = "FOLDER" (stage outputs go to FOLDER/<stage>)'
        )
    stages = run.get("stages") or [s for s in PIPELINE_ORDER if s in config]
    bad = [s for s in stages if s not in PIPELINE_ORDER]
    if bad or not stages:
        raise ConfigError(
            f"{path}: stages must be among {', '.join(PIPELINE_ORDER)} (got {bad or 'none'})"
        )
    planned = []
    previous = None
    for stage in stages:
        table = dict(config.get(stage, {}))
        if stage == "import":
            planned += plan_imports(table, run, path)
            continue
        command = stage_command(stage)
        names = {p.name for p in command.params}
        table.setdefault("output", os.path.join(output, stage))
        input_param = next((p.name for p in command.params if isinstance(p, click.Argument)), None)
        if previous and input_param and input_param not in table:
            table[input_param] = [previous]
        for key in EXECUTION_PARAMS:
            if key in run and key in names:
                table.setdefault(key, run[key])
        # Sub-tables (e.g. one table per filter under [filter]) are read by the stage itself
        # from this same file through its --config; the rest becomes command-line flags.
        subtables = [key for key, value in table.items() if isinstance(value, dict)]
        for key in subtables:
            del table[key]
        if subtables and getattr(command, "accepts_config_tables", False):
            table["config"] = path
        elif subtables:
            raise ConfigError(
                f"{path} [{stage}]: sub-tables {subtables} are not settings of this stage"
            )
        planned.append((stage, table_to_args(command, table, f"{path} [{stage}]")))
        previous = table["output"]
    return planned


@click.command()
@click.argument("config_file", type=click.Path(exists=True, dir_okay=False))
@click.option(
    "-o",
    "--output",
    type=click.Path(file_okay=False),
    default=None,
    help="Output root instead of [run] output (stage outputs go to OUTPUT/<stage>).",
)
@options.execution
@options.storage_options
@options.overwrite
@options.dry_run
@options.json_output
@options.verbose
@options.quiet
def command(
    config_file,
    output,
    executor,
    workers,
    scheduler,
    dashboard_address,
    overwrite,
    dry_run,
    as_json,
):
    """Run the pipeline stages described in CONFIG_FILE, in order.

    \b
    [run]
    output = "out/pipeline"     # each stage writes out/pipeline/<stage>
    workers = 2
    [extract]
    inputs = ["warcs/"]
    [filter]
    preset = "fineweb"
    [dedup]
    [mix]
    preset = "gpt3"

    Each stage table takes the options of that stage's command (by long name, with
    underscores or dashes). Flags given here override [run] for every stage.
    """
    config = options.load_toml(config_file)
    run = config.setdefault("run", {})
    if output:
        run["output"] = output
    for key, value in (("executor", executor), ("workers", workers), ("scheduler", scheduler)):
        if value is not None and (key != "executor" or value != "dask"):
            run[key] = value
    run.setdefault("dashboard_address", dashboard_address)
    if run.get("output"):
        config = with_output_root(config, str(run["output"]))
    plan = plan_stages(config, config_file)
    storage = _storage_options(config, config_file)
    if storage:
        plan = [
            (stage, ["--storage-options", storage, *args])
            if "storage_options" in {p.name for p in stage_command(stage).params}
            else (stage, args)
            for stage, args in plan
        ]
    if overwrite:
        plan = [(stage, ["--overwrite", *args]) for stage, args in plan]
    if dry_run:
        options.print_dry_run({"stages": [{"stage": s, "args": a} for s, a in plan]})
        return

    from corpuskit.progress import log

    results = []
    with shared_scheduler(run) as address:
        for stage, args in plan:
            if (
                address
                and "--scheduler" not in args
                and "scheduler" in {p.name for p in stage_command(stage).params}
            ):
                args = ["--scheduler", address, *args]
            log(f"== corpuskit {stage} {' '.join(args)}")
            code, summary = invoke_stage(stage, args, as_json)
            results.append({"stage": stage, "args": args, "exit_code": code, "summary": summary})
            if code:
                break
    summary = {
        "config": config_file,
        "stages": results,
        "exit_code": max(r["exit_code"] for r in results),
        "report": write_run_report(run["output"]),
    }
    if as_json:
        click.echo(json.dumps(summary, indent=2))
    else:
        click.echo(f"run: {len(results)} of {len(plan)} stages ran; output in {run['output']}")
        if summary["report"]:
            click.echo(f"report: {summary['report']}")
    if summary["exit_code"]:
        raise SystemExit(summary["exit_code"])


OUTPUT_PLACEHOLDER = "{output}"


def with_output_root(value: Any, root: str) -> Any:
    """Every ``{output}`` in the stage tables' strings replaced by the run's output root, so a
    config can name earlier stages' folders (``"web={output}/filter"``) and still follow
    ``--output``."""
    if isinstance(value, dict):
        return {k: v if k == "run" else with_output_root(v, root) for k, v in value.items()}
    if isinstance(value, list):
        return [with_output_root(v, root) for v in value]
    if isinstance(value, str):
        return value.replace(OUTPUT_PLACEHOLDER, root)
    return value


def _storage_options(config: dict[str, Any], path: str) -> str:
    """The [storage] table of the config, overridden by ``--storage-options``, as JSON."""
    table = config.get("storage", {})
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [storage] must be a table of storage options")
    flag = click.get_current_context().meta.get("storage_flag") or {}
    merged = options.merge_options(table, flag)
    return json.dumps(merged, sort_keys=True) if merged else ""


def write_run_report(output: str) -> str | None:
    """Write OUTPUT/report.html (``corpuskit report``) over the stages' folders; a report that
    cannot be written is a warning, never a failed run."""
    from cli.report import write_report
    from corpuskit import storage
    from corpuskit.errors import CorpuskitError
    from corpuskit.progress import log

    path = storage.join(output, "report.html")
    try:
        write_report([output], path)
        package = storage.join(output, "mix")
        if storage.exists(storage.join(package, "manifest.json")):
            # the package carries its own copy, which its card links to and draws from
            from corpuskit.mix.card import REPORT, render_card

            storage.write_bytes(storage.join(package, REPORT), storage.read_bytes(path))
            render_card(package)
        return path
    except (CorpuskitError, OSError) as exc:
        log(f"run: no report written ({exc}); try `corpuskit report {output} -o {path}`")
        return None


def invoke_stage(stage: str, args: list[str], as_json: bool) -> tuple[int, Any]:
    """Run one stage command in this process: its exit code, and its JSON summary with --json.

    With ``--json`` the stage's own JSON summary is captured, so stdout carries one document.
    """
    import io

    command = stage_command(stage)
    captured = io.StringIO()
    if as_json and "as_json" in {p.name for p in command.params}:
        args = ["--json", *args]
        redirect = contextlib.redirect_stdout(captured)
    else:
        redirect = contextlib.nullcontext()
    code = 0
    with redirect:
        try:
            command.main(args=args, prog_name=f"corpuskit {stage}", standalone_mode=False)
        except SystemExit as exc:
            code = int(exc.code or 0)
        except click.ClickException as exc:
            exc.show()
            code = exc.exit_code
    text = captured.getvalue()
    try:
        return code, json.loads(text) if text else None
    except json.JSONDecodeError:
        return code, text


@contextlib.contextmanager
def shared_scheduler(run: dict[str, Any]):
    """The scheduler address every stage uses: the given one, or that of one LocalCluster
    started for the whole run; None when Dask is off (``executor = "local"``)."""
    if run.get("scheduler"):
        yield run["scheduler"]
    elif run.get("executor", "dask") != "dask":
        yield None
    else:
        from corpuskit.cluster import dask_client

        with dask_client(None, run.get("workers"), run.get("dashboard_address", ":8787")) as client:
            yield client.scheduler.address
