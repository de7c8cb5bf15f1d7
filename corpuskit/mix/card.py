"""The dataset card ``README.md`` of a package, rendered from its ``manifest.json``.

The YAML front matter follows the Hugging Face dataset card metadata, so ``datasets`` and the
Hub read the package as is: ``configs`` (``data_files`` per split), ``dataset_info``
(``features``, ``splits`` with ``num_examples``/``num_bytes``), ``license``, ``language``,
``task_categories``, ``size_categories``, ``source_datasets``, ``pretty_name``. The body
follows the "Datasheets for Datasets" / HF card sections. Two PNG plots (matplotlib, Agg
backend) are written to ``plots/`` and embedded: document lengths and token shares. When the
package holds a ``corpuskit report`` page (``report.html``), the card links to it and embeds
its funnel as ``plots/funnel.png``.
"""

from __future__ import annotations

import json
from typing import Any

from corpuskit import storage
from corpuskit.dataset import DatasetFolder, atomic_write_text
from corpuskit.errors import InputError

REPORT = "report.html"  # written by `corpuskit report -o PKG/report.html` or `corpuskit run`
FEATURE_DTYPES = {"string": "string", "int64": "int64", "int32": "int32"}
SIZE_CATEGORIES = (
    (1_000, "n<1K"),
    (10_000, "1K<n<10K"),
    (100_000, "10K<n<100K"),
    (1_000_000, "100K<n<1M"),
    (10_000_000, "1M<n<10M"),
    (100_000_000, "10M<n<100M"),
    (1_000_000_000, "100M<n<1B"),
)


def load_manifest(package: str) -> dict[str, Any]:
    """The manifest of a package, or an InputError saying the folder is not a package."""
    manifest = DatasetFolder(package).read_manifest()
    if not manifest or manifest.get("stage") != "mix":
        raise InputError(
            f"{package} is not a corpuskit package (no manifest.json from `corpuskit mix`)"
        )
    return manifest


def render_card(package: str) -> str:
    """Write ``plots/*.png`` and ``README.md`` for a package (any storage); returns the card's location."""
    package = storage.normalize(str(package))
    manifest = load_manifest(package)
    plots = write_plots(package, manifest)
    text = front_matter(manifest) + "\n" + body(manifest, plots)
    path = storage.join(package, "README.md")
    atomic_write_text(path, text)
    return path


def _save_png(fig, url: str) -> None:
    """A matplotlib figure as a PNG at any storage location (no timestamp: same bytes twice)."""
    import io

    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=80, metadata={"Software": None})
    storage.write_bytes(url, buffer.getvalue())


def size_category(rows: int) -> str:
    for limit, label in SIZE_CATEGORIES:
        if rows < limit:
            return label
    return "n>1B"


def _yaml(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a valid YAML scalar


def front_matter(manifest: dict[str, Any]) -> str:
    """The YAML metadata block that ``datasets`` and the Hub read."""
    recipe = manifest["recipe"]
    splits = manifest["splits"]
    rows = sum(s["rows"] for s in splits.values())
    languages = (
        list(recipe.get("language") or [])
        or [
            lang
            for lang, count in manifest.get("languages", {}).items()
            if lang != "unknown" and count >= 0.01 * max(rows, 1)
        ]
        or ["en"]
    )
    lines = [
        "---",
        f"pretty_name: {_yaml(recipe['pretty_name'])}",
        f"license: {_yaml(recipe['license'])}",
        "language:",
    ]
    lines += [f"- {_yaml(lang)}" for lang in languages]
    lines += [
        "task_categories:",
        "- text-generation",
        "task_ids:",
        "- language-modeling",
        "size_categories:",
        f"- {_yaml(size_category(rows))}",
        "source_datasets:",
        "- original",
        "configs:",
        "- config_name: default",
        "  data_files:",
    ]
    for split in splits:
        lines += [f"  - split: {split}", f"    path: {_yaml(f'data/{split}-*')}"]
    lines += ["dataset_info:", "  features:"]
    for column in manifest["schema"]:
        lines += [
            f"  - name: {column['name']}",
            f"    dtype: {FEATURE_DTYPES.get(column['type'], column['type'])}",
        ]
    lines.append("  splits:")
    for split, info in splits.items():
        lines += [
            f"  - name: {split}",
            f"    num_bytes: {info['arrow_bytes']}",
            f"    num_examples: {info['rows']}",
        ]
    lines += [
        f"  download_size: {sum(s['bytes'] for s in splits.values())}",
        f"  dataset_size: {sum(s['arrow_bytes'] for s in splits.values())}",
        "---",
    ]
    return "\n".join(lines) + "\n"


def write_plots(package: str, manifest: dict[str, Any]) -> dict[str, str]:
    """Document-length histogram and target-vs-achieved token shares as PNG files."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    folder = storage.join(package, "plots")
    histogram = manifest["length_histogram"]
    edges = histogram["edges"]
    labels = [f"{a:,}-{b:,}" for a, b in zip(edges, edges[1:], strict=False)] + [f">{edges[-1]:,}"]
    fig, ax = plt.subplots(figsize=(8, 4))
    bottom = [0] * len(labels)
    for name, counts in histogram["counts"].items():
        ax.bar(labels, counts, bottom=bottom, label=name)
        bottom = [b + c for b, c in zip(bottom, counts, strict=True)]
    ax.set_xlabel(f"tokens per document ({manifest['tokenizer']})")
    ax.set_ylabel("training rows")
    ax.set_title("Document length distribution (train split)")
    ax.tick_params(axis="x", labelrotation=45)
    ax.legend()
    fig.tight_layout()
    _save_png(fig, storage.join(folder, "document_lengths.png"))
    plt.close(fig)

    names = list(manifest["sources"])
    target = [manifest["sources"][n]["target_share"] * 100 for n in names]
    achieved = [manifest["sources"][n]["achieved_share"] * 100 for n in names]
    fig, ax = plt.subplots(figsize=(7, 4))
    x = range(len(names))
    ax.bar([i - 0.2 for i in x], target, width=0.4, label="target")
    ax.bar([i + 0.2 for i in x], achieved, width=0.4, label="achieved")
    ax.set_xticks(list(x), names)
    ax.set_ylabel("% of training tokens")
    ax.set_title("Token shares per source")
    ax.legend()
    fig.tight_layout()
    _save_png(fig, storage.join(folder, "token_shares.png"))
    plt.close(fig)
    plots = {"lengths": "plots/document_lengths.png", "shares": "plots/token_shares.png"}
    steps = report_funnel(storage.join(package, REPORT))
    if steps:
        write_funnel_png(steps, storage.join(folder, "funnel.png"))
        plots |= {"funnel": "plots/funnel.png", "report": REPORT}
    return plots


def report_funnel(path: str) -> list[dict[str, Any]]:
    """The funnel steps embedded in a ``corpuskit report`` page (its ``report-data`` JSON);
    empty when there is no report or it holds no funnel."""
    import re

    if not storage.isfile(str(path)):
        return []
    match = re.search(
        r'<script type="application/json" id="report-data">(.*?)</script>',
        storage.read_text(str(path)),
        re.S,
    )
    try:
        data = json.loads(match.group(1)) if match else {}
    except ValueError:
        return []
    return [
        step
        | {"name": step["label"] if f["stage"] == "filter" else f"{f['stage']}: {step['label']}"}
        for f in data.get("folders", [])
        for step in f.get("steps", [])
    ]


def write_funnel_png(steps: list[dict[str, Any]], path: str) -> None:
    """The report's funnel as a PNG (the Hub shows images, not scripts): documents kept
    (blue) and removed (red) at every stage and filter."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = [s["name"] for s in steps][::-1]
    kept = [s["out"] for s in steps][::-1]
    removed = [s["in"] - s["out"] for s in steps][::-1]
    fig, ax = plt.subplots(figsize=(8, 0.4 * len(steps) + 1.2))
    ax.barh(names, kept, color="#2f6f9f", label="kept")
    ax.barh(names, removed, left=kept, color="#d9534f", label="removed")
    for y, (k, r) in enumerate(zip(kept, removed, strict=True)):
        share = r / (k + r) if k + r else 0.0
        ax.text(k + r, y, f" {k:,}" + (f" (-{share:.1%})" if r else ""), va="center", fontsize=8)
    ax.set_xlabel("documents")
    ax.set_title("Pipeline funnel (corpuskit report)")
    ax.legend(loc="lower right")
    ax.margins(x=0.2)
    fig.tight_layout()
    _save_png(fig, str(path))
    plt.close(fig)


def _table(header: list[str], rows: list[list[Any]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def flatten(counters: Any, prefix: str = "") -> list[tuple[str, Any]]:
    """Nested counters as (dotted key, value) pairs, sorted."""
    if not isinstance(counters, dict):
        return [(prefix, counters)]
    pairs: list[tuple[str, Any]] = []
    for key in sorted(counters):
        pairs += flatten(counters[key], f"{prefix}.{key}" if prefix else str(key))
    return pairs


def _stages(lineage: list[dict[str, Any]]) -> list[tuple[str, dict[str, Any]]]:
    """Every upstream stage (extract, filter, dedup, ...) found in the sources' lineage."""
    found, seen = [], set()

    def walk(entries, source):
        for entry in entries or []:
            key = (entry.get("stage"), entry.get("path"))
            if key in seen:  # sources cut from one folder (dedup across sources) share it
                continue
            seen.add(key)
            found.append((source, entry))
            walk(entry.get("lineage"), source)

    for item in lineage:
        walk(item.get("upstream"), item["name"])
    return found


def body(manifest: dict[str, Any], plots: dict[str, str]) -> str:
    """The Markdown body: summary, sources, collection, filtering, dedup, mixture, ..."""
    from corpuskit.mix.card_text import body_sections

    return body_sections(manifest, plots, _table, flatten, _stages(manifest.get("lineage", [])))
