"""The "Tokenized" section of a package's card, from the ``tokenized`` entries that
``corpuskit tokenize`` records in the package's ``manifest.json``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from corpuskit import storage


def tokenized_section(manifest: dict[str, Any], table: Callable) -> list[str]:
    """Markdown lines (empty when the package was never tokenized)."""
    records = manifest.get("tokenized") or []
    if not records:
        return []
    parts = [
        "## Tokenized",
        "",
        "Token shards made from this package by `corpuskit tokenize` (shard order = package "
        "order, an end-of-text token after every document; format in corpuskit's "
        "`docs/tokenize.md`):",
        "",
    ]
    rows = []
    for record in records:
        tokenizer = record["tokenizer"]
        splits = ", ".join(
            f"{name}: {info['tokens']:,} tokens / {info['documents']:,} documents"
            for name, info in record["splits"].items()
        )
        rows.append(
            [
                f"`{storage.display(record['output'])}`",
                record["format"],
                record["dtype"],
                f"`{tokenizer['spec']}` (vocabulary {tokenizer['vocab_size']:,}, "
                f"sha256 `{tokenizer['vocab_sha256'][:16]}`, EOT `{_cell(tokenizer['eot_token'])}` = "
                f"{tokenizer['eot_id']})",
                f"{record['total_tokens']:,}",
                splits,
            ]
        )
    parts += [
        table(["folder", "format", "dtype", "tokenizer", "tokens", "per split"], rows),
        "",
    ]
    return parts


def _cell(text: str) -> str:
    # A "|" splits a Markdown table cell even inside backticks (GFM): escape it.
    return text.replace("|", "\\|")
