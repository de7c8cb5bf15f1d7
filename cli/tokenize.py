"""``corpuskit tokenize``: a package's Parquet shards to Megatron or NumPy token shards."""

from __future__ import annotations

import click

from cli import options


@click.command("tokenize")
@click.argument("package", type=click.Path(file_okay=False))
@click.option(
    "--tokenizer",
    "tokenizer",
    required=True,
    metavar="SPEC",
    help="tiktoken:<encoding> (offline cache), hf:<tokenizer.json or cached name>, "
    "or a tokenizer.json from `corpuskit tokenizer train`.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["megatron", "npy"]),
    default="megatron",
    show_default=True,
    help="megatron: Megatron-LM indexed dataset (.bin + .idx); npy: token array + document offsets.",
)
@click.option(
    "--eot-token",
    default="<|endoftext|>",
    show_default=True,
    help="The special token written after every document.",
)
@click.option(
    "--no-card",
    is_flag=True,
    help="Do not record the output in the package's manifest and card.",
)
@options.output
@options.execution
@options.common
def command(
    package,
    tokenizer,
    fmt,
    eot_token,
    no_card,
    output,
    executor,
    workers,
    scheduler,
    dashboard_address,
    overwrite,
    dry_run,
    as_json,
):
    """Tokenize every shard of PACKAGE (written by `corpuskit mix`) for a trainer.

    \b
    One token shard per package shard, in the package's order (the mixture's shuffle is
    kept), under OUTPUT/data/; an end-of-text token after every document; uint16 tokens when
    the vocabulary fits, else uint32 (int32 for megatron). Resumes per shard; writes
    OUTPUT/manifest.json (tokens per shard and split, sha256s, the tokenizer's vocabulary
    hash) and adds a "Tokenized" section to the package's card.

    \b
    Examples:
      corpuskit tokenize out/package -o out/tokens --tokenizer out/tokenizer.json
      corpuskit tokenize out/package -o out/tokens-npy --tokenizer tiktoken:gpt2 --format npy
    """
    import os

    from corpuskit.executor import make_executor
    from corpuskit.tokenize.run import check_inputs, human_summary, tokenize_package

    output = os.path.abspath(output)
    if dry_run:
        options.print_dry_run(
            {
                "package": package,
                "tokenizer": tokenizer,
                "format": fmt,
                "eot_token": eot_token,
                "output": output,
                "executor": executor,
                "workers": workers,
                "scheduler": scheduler,
            }
        )
        return
    check_inputs(package, tokenizer, fmt, eot_token)  # fail before a cluster starts
    with make_executor(executor, workers, scheduler, dashboard_address) as pool:
        report, manifest = tokenize_package(
            package,
            output,
            tokenizer,
            fmt,
            pool,
            eot_token=eot_token,
            overwrite=overwrite,
            update_card=not no_card,
        )
    if not as_json and not report.failed:
        click.echo(human_summary(manifest, output))
        return
    options.finish(report, as_json)
