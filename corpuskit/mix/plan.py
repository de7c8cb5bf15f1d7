"""Pass 1 (a per-document token index) and the mixture plan computed from it.

**Index.** Every input file of every source is read once (a task per file, see
:mod:`corpuskit.mix.tasks`); per document only its token count, its UTF-8 size and its split
(train/validation) are kept, as numpy arrays (17 bytes a document), joined in file order.
No text is held.

**Epochs.** A source's target is ``share × total_tokens`` training tokens (GPT-3 weights are
shares of training tokens). With ``A`` tokens available it needs ``e = target / A`` epochs:
``floor(e)`` full passes over every document, then a partial pass that takes documents in
a seeded random order until the remaining tokens are reached (the last document is taken if
that lands closer to the target). Upsampling therefore repeats whole documents, and the
achieved tokens are within half a document of the target. When ``e`` exceeds the source's
``max_epochs`` the recipe's ``on_excess_epochs`` decides: ``fail`` stops with a
:class:`~corpuskit.errors.ConfigError`, ``warn`` caps the source at ``max_epochs`` (its
achieved share is then below target, and reported so). Without ``total_tokens`` the budget is
the largest one that needs at most one epoch of every source.

**Validation.** A document is in validation by C4's rule (``md5(normalised url) % 1000 == 0``)
or by a seeded draw with probability ``validation_fraction``, decided before planning; all
its copies stay in one split. Validation documents appear once each (a sample of them when
the source is downsampled), never repeated.

**Order.** All copies of a split are shuffled together with one seeded permutation, which
interleaves the sources uniformly; shards are cut from that order at equal text bytes.
The same inputs and seed give the same order, hence byte-identical shards.
"""

from __future__ import annotations

import dataclasses
import math
from typing import Any

from corpuskit.errors import ConfigError, InputError
from corpuskit.mix.recipe import Recipe
from corpuskit.progress import log

SPLITS = ("train", "validation")
HISTOGRAM_EDGES = (0, 10, 30, 100, 300, 1_000, 3_000, 10_000, 30_000, 100_000, 300_000)


@dataclasses.dataclass
class SourceIndex:
    """Pass-1 facts about one source's documents (no text)."""

    name: str
    tokens: Any  # int64 per document
    text_bytes: Any  # int64 per document
    validation: Any  # bool per document
    languages: dict[str, int]
    reading: dict[str, Any]

    @property
    def documents(self) -> int:
        return len(self.tokens)


def join_file_indexes(
    name: str,
    kind: str,
    paths: tuple[str, ...],
    files: list,
    recipe: Recipe,
    source_number: int,
    reading: dict[str, Any],
) -> SourceIndex:
    """One source's index from the pass-1 results of its files (:class:`~corpuskit.mix.tasks.FileIndex`,
    in file order): documents are numbered across the files as one sequential read would."""
    import numpy as np

    documents = sum(f.documents for f in files)
    if documents == 0:
        raise InputError(
            f"source {name!r} ({kind}) has no documents in {', '.join(paths)}: "
            "check the paths (an empty source cannot contribute its share)"
        )
    languages: dict[str, int] = {}
    for f in files:
        for key, value in f.languages.items():
            languages[key] = languages.get(key, 0) + value
    return SourceIndex(
        name=name,
        tokens=np.concatenate([f.tokens for f in files]),
        text_bytes=np.concatenate([f.text_bytes for f in files]),
        validation=_validation(files, recipe, source_number, documents),
        languages=languages,
        reading=reading,
    )


def _validation(files: list, recipe: Recipe, source_number: int, documents: int):
    import numpy as np

    if recipe.validation == "c4-md5":
        return np.concatenate([f.c4_validation for f in files])
    if recipe.validation == "fraction":
        # One draw per document position in the source, whatever the files and batches.
        positions = np.arange(documents, dtype=np.uint64)
        return _hash_uniform(positions, recipe.seed, source_number) < recipe.validation_fraction
    return np.zeros(documents, bool)


def _hash_uniform(positions, seed: int, stream: int):
    """Uniform [0, 1) per position from a SplitMix64 hash of (seed, stream, position)."""
    import numpy as np

    with np.errstate(over="ignore"):
        x = positions + np.uint64(
            (seed * 1_000_003 + stream * 7919 + 1) & 0xFFFFFFFFFFFFFFFF
        ) * np.uint64(0x9E3779B97F4A7C15)
        x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        x = x ^ (x >> np.uint64(31))
    return (x >> np.uint64(11)).astype(np.float64) / float(1 << 53)


@dataclasses.dataclass
class Copies:
    """The planned output rows of one split, in output order."""

    source: Any  # int16 source number
    doc: Any  # int64 document index within its source
    epoch: Any  # int32 repeat number (0 = first time seen)
    tokens: Any
    text_bytes: Any
    shard: Any  # int32 output shard
    shards: int

    def __len__(self) -> int:
        return len(self.doc)


@dataclasses.dataclass
class Plan:
    """Per-source targets and epochs, and the ordered copies of each split."""

    total_target: int
    sources: dict[str, dict[str, Any]]
    splits: dict[str, Copies]


def make_plan(recipe: Recipe, indexes: list[SourceIndex]) -> Plan:
    """Compute epochs, select copies and fix the shuffled order (see the module docstring)."""
    import numpy as np

    shares = recipe.shares()
    available = {ix.name: int(ix.tokens[~ix.validation].sum()) for ix in indexes}
    for ix in indexes:
        if available[ix.name] == 0:
            raise InputError(
                f"source {ix.name!r} has no training tokens ({ix.documents} documents, all empty "
                "or in validation): check the source"
            )
    total = recipe.total_tokens or int(min(available[n] / shares[n] for n in available))
    picked: dict[str, list[tuple]] = {split: [] for split in SPLITS}
    sources: dict[str, dict[str, Any]] = {}
    for number, ix in enumerate(indexes):
        spec = recipe.source(ix.name)
        target = shares[ix.name] * total
        epochs = target / available[ix.name]
        limit = recipe.epochs_limit(spec)
        capped = epochs > limit + 1e-9
        if capped:
            message = (
                f"source {ix.name!r} needs {epochs:.2f} epochs for its {shares[ix.name]:.1%} share of "
                f"{total:,} tokens but max_epochs is {limit:g}"
            )
            if recipe.on_excess_epochs == "fail":
                raise ConfigError(
                    message + ": add data, lower its weight or total_tokens, or raise max_epochs"
                )
            log(f"mix: warning: {message}; capped at {limit:g} epochs (its share will be lower)")
            epochs = limit
        rng = np.random.default_rng([recipe.seed, number, 1])
        train_docs = np.flatnonzero(~ix.validation & (ix.tokens > 0))
        docs, reps = _epoch_copies(train_docs, ix.tokens, epochs * available[ix.name], rng)
        picked["train"].append((number, docs, reps))
        val_docs = np.flatnonzero(ix.validation & (ix.tokens > 0))
        val_target = min(epochs, 1.0) * ix.tokens[val_docs].sum()
        vdocs, vreps = _epoch_copies(
            val_docs, ix.tokens, val_target, np.random.default_rng([recipe.seed, number, 2])
        )
        picked["validation"].append((number, vdocs, vreps))
        sources[ix.name] = {
            "kind": spec.kind,
            "documents": ix.documents,
            "documents_validation": int(ix.validation.sum()),
            "tokens_available": available[ix.name],
            "target_share": shares[ix.name],
            "target_tokens": int(round(target)),
            "max_epochs": limit,
            "capped": capped,
        }
    splits = {}
    for split_number, split in enumerate(SPLITS):
        splits[split] = _order(picked[split], indexes, recipe, split_number)
    return Plan(total_target=total, sources=sources, splits=splits)


def _epoch_copies(docs, tokens, target: float, rng):
    """(doc indices, epoch numbers) of ``floor`` full passes plus a seeded partial pass."""
    import numpy as np

    if len(docs) == 0 or target <= 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int32)
    per_pass = int(tokens[docs].sum())
    full = int(target // per_pass)
    remainder = target - full * per_pass
    order = docs[rng.permutation(len(docs))]
    cumulative = np.cumsum(tokens[order])
    take = int(np.searchsorted(cumulative, remainder, side="right"))
    if take < len(order):
        below = cumulative[take - 1] if take else 0
        if cumulative[take] - remainder < remainder - below:
            take += 1
    parts_docs = [docs] * full + [np.sort(order[:take])]
    parts_reps = [np.full(len(docs), r, np.int32) for r in range(full)] + [
        np.full(take, full, np.int32)
    ]
    return np.concatenate(parts_docs).astype(np.int64), np.concatenate(parts_reps)


def _order(
    picked: list[tuple], indexes: list[SourceIndex], recipe: Recipe, split_number: int
) -> Copies:
    import numpy as np

    source = np.concatenate([np.full(len(d), n, np.int16) for n, d, _ in picked])
    doc = np.concatenate([d for _, d, _ in picked])
    epoch = np.concatenate([r for _, _, r in picked])
    tokens = np.concatenate([indexes[n].tokens[d] for n, d, _ in picked])
    sizes = np.concatenate([indexes[n].text_bytes[d] for n, d, _ in picked])
    order = np.random.default_rng([recipe.seed, 1000 + split_number]).permutation(len(doc))
    source, doc, epoch, tokens, sizes = (a[order] for a in (source, doc, epoch, tokens, sizes))
    total_bytes = int(sizes.sum())
    shards = max(1, math.ceil(total_bytes / recipe.shard_size)) if len(doc) else 0
    shards = min(shards, len(doc))
    if shards:
        before = np.cumsum(sizes) - sizes
        shard = (before * shards // max(total_bytes, 1)).astype(np.int32)
    else:
        shard = np.zeros(0, np.int32)
    return Copies(source, doc, epoch, tokens, sizes, shard, shards)


def length_histogram(plan: Plan, names: list[str]) -> dict[str, Any]:
    """Counts of training rows per source in token-length bins (for the card's plot)."""
    import numpy as np

    copies = plan.splits["train"]
    edges = np.array(HISTOGRAM_EDGES + (np.iinfo(np.int64).max,))
    counts = {}
    for number, name in enumerate(names):
        mine = copies.tokens[copies.source == number]
        counts[name] = np.histogram(mine, bins=edges)[0].tolist()
    return {"edges": list(HISTOGRAM_EDGES), "counts": counts}
