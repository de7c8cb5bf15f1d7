"""The Markdown sections of a package's dataset card (see :mod:`corpuskit.mix.card`).

Sections follow the HF dataset card template and "Datasheets for Datasets" (Gebru et al.):
summary, sources, collection process, filtering with counts per rule, deduplication,
mixture, personal information, limitations, licensing, files and how to reproduce.
Everything is read from ``manifest.json``; upstream counters come from the lineage of the
input dataset folders, printed as found, so new filters appear without code changes here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def shown(path) -> str:
    """A location as a publishable card shows it: URLs and relative paths as given, never
    the builder's home or temporary folders (:func:`corpuskit.storage.display`)."""
    from corpuskit import storage

    return storage.display(str(path)) if path else ""


def shown_command(command: str) -> str:
    """The command line with every absolute local path shown as :func:`shown` does."""
    import shlex

    try:
        words = shlex.split(command)
    except ValueError:
        return command
    shown_words = (shown(w) if w.startswith("/") else w for w in words)
    return " ".join(
        w if w and not any(c.isspace() for c in w) else shlex.quote(w) for w in shown_words
    )


def _pct(value: float) -> str:
    return f"{value * 100:.2f} %"


def body_sections(
    manifest: dict[str, Any],
    plots: dict[str, str],
    table: Callable,
    flatten: Callable,
    stages: list[tuple[str, dict[str, Any]]],
) -> str:
    """The whole card body as Markdown."""
    recipe = manifest["recipe"]
    sources = manifest["sources"]
    splits = manifest["splits"]
    parts = [f"# {recipe['pretty_name']}", ""]
    split_text = ", ".join(
        f"{name}: {info['rows']:,} rows / {info['tokens']:,} tokens"
        for name, info in splits.items()
    )
    parts += [
        "## Dataset summary",
        "",
        f"A pretraining mixture of {len(sources)} sources built by `corpuskit mix` "
        f"(format `{manifest['format']}`), weighted by shares of training tokens as in GPT-3 "
        f"(Brown et al. 2020, table 2.2). Tokens are counted with `{manifest['tokenizer']}`; "
        f"seed {manifest['seed']}. Splits: {split_text}.",
        "",
        "```python",
        "from datasets import load_dataset",
        'ds = load_dataset("path/to/this/folder")',
        "```",
        "",
        "Columns: " + ", ".join(f"`{c['name']}` ({c['type']})" for c in manifest["schema"]) + ". "
        "`source` is the recipe's source name, `origin` the document's own source label, "
        "`epoch` is 0 the first time a document appears and 1, 2, ... for upsampled repeats.",
        "",
    ]
    if plots.get("report"):
        parts += [
            "## Pipeline report",
            "",
            f"[The pipeline report]({plots['report']}) (one HTML file: funnel, sampled "
            "rejected documents per reason, distributions, dedup clusters).",
            "",
            f"![Pipeline funnel]({plots['funnel']})",
            "",
        ]
    parts += ["## Sources", ""]
    rows = []
    for name, info in sources.items():
        spec = recipe["sources"][name]
        rows.append(
            [
                name,
                info["kind"],
                spec.get("description") or "",
                f"{info['documents']:,}",
                f"{info['tokens_available']:,}",
                "<br>".join(shown(p) for p in spec["paths"]),
            ]
        )
    parts += [
        table(
            ["source", "kind", "description", "documents", "tokens available (train)", "inputs"],
            rows,
        ),
        "",
    ]
    parts += ["## Collection process", ""]
    for item in manifest.get("lineage", []):
        reading = flatten(item.get("reading") or {})
        detail = ", ".join(f"{k}: {v}" for k, v in reading) or "no reader notes"
        parts.append(
            f"- **{item['name']}** ({item['kind']}): {item['files']} files, {item['bytes']:,} bytes; {detail}."
        )
    extract = [
        (s, e)
        for s, e in stages
        if not str(e.get("stage", "")).startswith(("filter", "dedup", "decontaminate"))
    ]
    for source, entry in extract:
        params = ", ".join(f"{k}={v}" for k, v in flatten(entry.get("params") or {})[:12])
        parts.append(
            f"- upstream of **{source}**: stage `{entry.get('stage')}` at `{shown(entry.get('path'))}` ({params})."
        )
    parts.append("")
    parts += _counter_section(
        "Filtering",
        "filter",
        stages,
        table,
        flatten,
        "No filtering stage is recorded in the inputs' manifests.",
    )
    parts += _counter_section(
        "Deduplication",
        "dedup",
        stages,
        table,
        flatten,
        "No deduplication stage is recorded in the inputs' manifests.",
    )
    parts += _counter_section(
        "Benchmark decontamination",
        "decontaminate",
        stages,
        table,
        flatten,
        "No decontamination stage is recorded in the inputs' manifests.",
    )
    parts += ["## Mixture", ""]
    total = manifest["total_tokens"]
    unit = (
        "whitespace-separated words (not BPE tokens; `corpuskit mix --tokenizer SPEC` counts "
        "a trainer's tokens exactly)"
        if manifest["tokenizer"] == "whitespace"
        else f"tokens of `{manifest['tokenizer']}`, as `corpuskit tokenize` writes them"
    )
    parts.append(
        f"Training token budget: {total['target']:,} targeted, {total['achieved']:,} achieved. "
        f"Shares and budgets are counted in {unit}."
    )
    parts.append("")
    rows = []
    for name, info in sources.items():
        rows.append(
            [
                name,
                _pct(info["target_share"]),
                _pct(info["achieved_share"]),
                f"{info['target_tokens']:,}",
                f"{info['tokens']:,}",
                f"{info['epochs']:.2f}",
                f"{info['max_epochs']:g}" + (" (capped)" if info["capped"] else ""),
                f"{info['validation']['rows']:,}",
            ]
        )
    parts += [
        table(
            [
                "source",
                "target share",
                "achieved share",
                "target tokens",
                "tokens",
                "epochs",
                "max epochs",
                "validation rows",
            ],
            rows,
        ),
        "",
    ]
    parts += [
        f"![Token shares per source]({plots['shares']})",
        "",
        f"![Document lengths]({plots['lengths']})",
        "",
    ]
    validation = recipe["validation"]
    rule = {
        "none": "no validation split",
        "fraction": f"a seeded {recipe['validation_fraction']:.3%} of documents",
        "c4-md5": "C4's rule, md5(normalised url) % 1000 == 0",
    }[validation]
    parts += [
        f"Validation split: {rule}. Documents are shuffled across sources with seed {manifest['seed']}; upsampled sources repeat whole documents.",
        "",
    ]
    parts += [
        "## Personal information",
        "",
        "Web pages, books and Wikipedia articles may contain names, e-mail addresses, phone numbers "
        "and other personal data. Unless a PII filter appears under Filtering above, none was "
        "removed or masked. Do not use this corpus to identify people.",
        "",
        "## Limitations and biases",
        "",
        "- Filtering rules and classifiers are heuristics: they drop some good text and keep some bad text, "
        "and favour the dialects and styles of their reference data.",
        "- Token shares are measured with the counting tokenizer above; a different tokenizer changes the shares.",
        "- Upsampled sources repeat documents (see `epoch`); a repeated document is exactly the same row.",
        "- A WebText-like source selected by URL may overlap with the web source; overlap is not removed.",
        "- Language identification is approximate; the `language` column may be empty for non-web sources.",
        "",
        "## Licensing",
        "",
        f"Declared licence of the package: `{recipe['license']}`. Each source keeps its own terms:",
        "",
    ]
    for name, spec in recipe["sources"].items():
        parts.append(
            f"- **{name}**: {spec.get('license') or 'see the original source (web pages: copyright of their owners; Common Crawl terms of use apply)'}"
        )
    from corpuskit.tokenize.card import tokenized_section

    parts += ["", *tokenized_section(manifest, table), "## Files", ""]
    parts += [
        table(
            ["file", "split", "rows", "tokens", "bytes", "sha256"],
            [
                [
                    f"`{s['path']}`",
                    s["split"],
                    f"{s['rows']:,}",
                    f"{s['tokens']:,}",
                    f"{s['bytes']:,}",
                    f"`{s['sha256']}`",
                ]
                for s in manifest["shards"]
            ],
        ),
        "",
    ]
    parts += [
        "Check them with `corpuskit card verify PATH`.",
        "",
        "## How to reproduce",
        "",
        "The command that built this package (local paths shortened; `manifest.json` keeps them whole):",
        "",
        "```bash",
        shown_command(manifest.get("command") or "corpuskit mix --recipe recipe.toml -o OUT"),
        "```",
        "",
        "or, from the resolved recipe stored next to this card (absolute input paths):",
        "",
        "```bash",
        "corpuskit mix --recipe recipe.toml -o OUT",
        "```",
        "",
        "Versions: "
        + ", ".join(f"{k} {v}" for k, v in sorted(manifest.get("versions", {}).items()))
        + ".",
        "",
    ]
    return "\n".join(parts)


def _counter_section(title, prefix, stages, table, flatten, empty) -> list[str]:
    parts = [f"## {title}", ""]
    found = [(s, e) for s, e in stages if str(e.get("stage", "")).startswith(prefix)]
    if not found:
        return parts + [empty, ""]
    for source, entry in found:
        parts.append(
            f"Stage `{entry.get('stage')}` upstream of **{source}** (`{shown(entry.get('path'))}`):"
        )
        parts.append("")
        counters = [
            (k, v) for k, v in flatten(entry.get("counters") or {}) if isinstance(v, (int, float))
        ]
        parts += [
            table(
                ["counter", "value"],
                [[k, f"{v:,}" if isinstance(v, int) else v] for k, v in counters],
            ),
            "",
        ]
        params = flatten(entry.get("params") or {})
        if params:
            parts.append("Parameters: " + ", ".join(f"`{k}={v}`" for k, v in params[:20]))
            parts.append("")
    return parts
