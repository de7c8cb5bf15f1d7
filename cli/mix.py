"""``corpuskit mix``: the token-budgeted source mixture, written as a dataset-card package."""

from __future__ import annotations

import shlex

import click

from cli import options

NOT_RECORDED = ("dry_run", "as_json", "executor", "workers", "scheduler", "dashboard_address")


def _weights(values: tuple[str, ...]) -> dict[str, float]:
    weights = {}
    for item in values:
        name, sep, value = item.partition("=")
        try:
            weights[name] = float(value)
        except ValueError:
            sep = ""
        if not sep or not name:
            raise click.BadParameter(
                f"{item!r}: use NAME=WEIGHT, e.g. web=0.6", param_hint="--weight"
            )
    return weights


@click.command("mix")
@click.argument("inputs", nargs=-1)
@click.option(
    "--recipe",
    "recipe",
    type=click.Path(dir_okay=False),
    help="Recipe TOML file (sources, weights, budget).",
)
@click.option(
    "--preset",
    type=click.Choice(["gpt3"]),
    help="gpt3: web 60 / WebText 22 / Books1 8 / Books2 8 / Wikipedia 3 (% of tokens).",
)
@click.option(
    "--web",
    multiple=True,
    help="Web documents: dataset folder(s) or Parquet/JSONL files (source `web`).",
)
@click.option(
    "--webtext", multiple=True, help="WebText-like documents: folder(s)/files (source `webtext`)."
)
@click.option(
    "--webtext-urls",
    type=click.Path(dir_okay=False),
    help="URL list selecting `webtext` from --webtext (or --web) documents, C4 webtextlike.",
)
@click.option(
    "--books", multiple=True, help="Folder of plain-text books; give twice for books1 and books2."
)
@click.option(
    "--wikipedia", multiple=True, help="MediaWiki XML dump (.xml or .xml.bz2) or a folder of them."
)
@click.option("--weight", multiple=True, help="Override a source weight: NAME=WEIGHT (repeatable).")
@click.option(
    "--total-tokens",
    type=click.IntRange(min=1),
    help="Training tokens in the package (default: recipe, else 1 epoch of the scarcest source).",
)
@click.option(
    "--tokenizer",
    help="Token counting: whitespace (default), tiktoken:<encoding>, hf:<name|tokenizer.json>.",
)
@click.option(
    "--seed", type=int, help="Seed for sampling, validation draws and shuffling (default 0)."
)
@click.option(
    "--max-epochs",
    type=click.FloatRange(min=0, min_open=True),
    help="Most epochs of any source (default 10).",
)
@click.option(
    "--on-excess-epochs",
    type=click.Choice(["warn", "fail"]),
    help="When a weight needs more than max-epochs: warn and cap, or fail.",
)
@click.option(
    "--validation-fraction",
    type=click.FloatRange(0, 1, min_open=True, max_open=True),
    help="Put this seeded fraction of documents in the validation split.",
)
@click.option(
    "--c4-validation",
    is_flag=True,
    help="Validation split by C4's md5(normalised url) % 1000 == 0 rule.",
)
@click.option("--shard-size", help="Uncompressed text per output shard, e.g. 256MB (default).")
@click.option("--name", "pretty_name", help="pretty_name of the dataset card.")
@click.option("--license", "license", help="License identifier for the card (default: other).")
@options.output
@options.execution
@options.common
@click.pass_context
def command(
    ctx,
    inputs,
    recipe,
    preset,
    web,
    webtext,
    webtext_urls,
    books,
    wikipedia,
    weight,
    total_tokens,
    tokenizer,
    seed,
    max_epochs,
    on_excess_epochs,
    validation_fraction,
    c4_validation,
    shard_size,
    pretty_name,
    license,
    output,
    executor,
    workers,
    scheduler,
    dashboard_address,
    overwrite,
    dry_run,
    as_json,
):
    """Mix sources by shares of training tokens into a dataset-card package.

    \b
    INPUTS are web inputs (the same as --web), e.g. the dedup output.
    Writes OUTPUT/data/<split>-NNNNN-of-NNNNN.parquet, OUTPUT/manifest.json,
    OUTPUT/recipe.toml, OUTPUT/README.md (dataset card) and OUTPUT/plots/*.png.
    Both passes run as tasks on Dask (one per input file, then one per output
    shard) or with --executor local; the package is byte-identical either way.
    Examples:
      corpuskit mix out/deduped --preset gpt3 --books books1/ --books books2/ \\
          --wikipedia enwiki.xml.bz2 --webtext owt/ -o out/package
      corpuskit mix --recipe sample_sources/demo-recipe.toml --web out/deduped -o out/package
    """
    import dataclasses

    from corpuskit.errors import ConfigError
    from corpuskit.mix import recipe as recipes

    recipe_file, license_id = recipe, license
    # Positional inputs are web inputs, which is how `corpuskit run` passes the dedup output.
    web = tuple(inputs) + tuple(web)
    if c4_validation and validation_fraction:
        raise ConfigError("give either --c4-validation or --validation-fraction, not both")
    flags = {"web": web, "webtext": webtext, "books": books, "wikipedia": wikipedia}
    if recipe_file:
        recipe = recipes.load_recipe(recipe_file, check=False)
        recipe = recipes.with_source_paths(recipe, flags, webtext_urls)
        if preset:
            raise ConfigError("give either --recipe or --preset, not both")
    elif preset == "gpt3":
        sources = recipes.gpt3_sources(web, webtext, books, wikipedia, webtext_urls)
        recipe = recipes.Recipe(sources=sources, preset="gpt3", pretty_name="GPT-3-style mixture")
    else:
        raise ConfigError("no mixture given: use --recipe FILE or --preset gpt3 with source flags")
    changes = {
        "total_tokens": total_tokens,
        "tokenizer": tokenizer,
        "seed": seed,
        "max_epochs": max_epochs,
        "on_excess_epochs": on_excess_epochs,
        "pretty_name": pretty_name,
        "license": license_id,
    }
    if shard_size:
        changes["shard_size"] = recipes.parse_size(shard_size, "--shard-size")
    if validation_fraction:
        changes.update(validation="fraction", validation_fraction=validation_fraction)
    if c4_validation:
        changes.update(validation="c4-md5", validation_fraction=0.0)
    recipe = dataclasses.replace(recipe, **{k: v for k, v in changes.items() if v is not None})
    if weight:
        recipe = recipes.with_weights(recipe, _weights(weight))
    recipe = recipes.validate(recipe, "mix options")
    if dry_run:
        options.print_dry_run({"output": output, "recipe": recipe.to_json()})
        return

    from corpuskit.executor import make_executor
    from corpuskit.mix.package import build_package, existing_package

    manifest = None if overwrite else existing_package(recipe, output)
    if manifest is None:  # a complete package is not rebuilt, so no cluster is started for it
        with make_executor(executor, workers, scheduler, dashboard_address) as pool:
            manifest = build_package(
                recipe, output, overwrite=overwrite, command=_command_line(ctx), executor=pool
            )
    summary = {
        "output": output,
        "splits": manifest["splits"],
        "total_tokens": manifest["total_tokens"],
        "sources": {
            name: {
                k: info[k] for k in ("target_share", "achieved_share", "tokens", "epochs", "rows")
            }
            for name, info in manifest["sources"].items()
        },
    }
    shares = ", ".join(
        f"{name} {info['achieved_share']:.1%} (target {info['target_share']:.1%}, {info['epochs']:.2f} ep)"
        for name, info in manifest["sources"].items()
    )
    rows = sum(s["rows"] for s in manifest["splits"].values())
    human = f"mix: {rows:,} rows, {manifest['total_tokens']['achieved']:,} training tokens in {output}; {shares}"
    options.report(summary, as_json, human)


def _command_line(ctx: click.Context) -> str:
    """The resolved command (flags and --config values alike), for the card's reproduce section.

    Execution options are left out: they do not change the package (byte-identical on every
    executor), and a scheduler address is a detail of the builder's cluster."""
    parts = ["corpuskit", "mix"]
    positional: list[str] = []
    for param in ctx.command.params:
        value = ctx.params.get(param.name)
        if param.name in NOT_RECORDED or value is None or value is False or value == ():
            continue
        if isinstance(param, click.Argument):
            positional.extend(value)
            continue
        option = next((o for o in param.opts if o.startswith("--")), param.opts[0])
        if getattr(param, "is_flag", False):
            parts.append(option)
            continue
        for item in value if isinstance(value, tuple) else (value,):
            parts.extend([option, str(item)])
    if positional:
        parts += ["--", *positional]
    return shlex.join(parts)
