"""``corpuskit tokenizer train``: a GPT-2-style byte-level BPE trained on the corpus."""

from __future__ import annotations

import click

from cli import options


@click.group("tokenizer")
def command():
    """Train a tokenizer for `corpuskit tokenize` and `corpuskit mix --tokenizer`."""


@command.command("train")
@click.argument("datasets", nargs=-1, required=True)
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False),
    help="The tokenizer.json to write (plus <name>.meta.json beside it).",
)
@click.option(
    "--vocab-size",
    type=click.IntRange(min=258),
    default=50257,
    show_default=True,
    help="Vocabulary size including the 256 bytes and <|endoftext|> (GPT-2: 50,257).",
)
@click.option(
    "--sample-bytes",
    default="100MB",
    show_default=True,
    help="UTF-8 text sampled from DATASETS to train on.",
)
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the sample.")
@click.option(
    "--min-frequency",
    type=click.IntRange(min=1),
    default=2,
    show_default=True,
    help="A pair seen fewer times is not merged.",
)
@options.json_output
@options.verbose
@options.quiet
def train(datasets, output, vocab_size, sample_bytes, seed, min_frequency, as_json):
    """Train a byte-level BPE (GPT-2 style) on a seeded sample of DATASETS.

    \b
    DATASETS are dataset folders, packages, Parquet or JSONL(.gz/.zst) files with a text
    column. The sample takes documents in the order of a seeded hash until --sample-bytes.
    <|endoftext|> is the last id. Use the file with --tokenizer in `tokenize` and `mix`.

    \b
    Example:
      corpuskit tokenizer train out/package -o out/tokenizer.json --vocab-size 32000
    """
    from corpuskit.errors import ConfigError
    from corpuskit.extract.shards import parse_size
    from corpuskit.tokenize.train import train_tokenizer

    try:
        budget = parse_size(sample_bytes)
    except ConfigError as exc:
        raise click.BadParameter(str(exc), param_hint="--sample-bytes") from None
    meta = train_tokenizer(list(datasets), output, vocab_size, budget, seed, min_frequency)
    options.report(
        meta,
        as_json,
        f"tokenizer train: {output}: {meta['vocab_size']:,} tokens, "
        f"EOT {meta['eot_token']} = {meta['eot_id']}, vocabulary sha256 {meta['vocab_sha256'][:16]}",
    )
