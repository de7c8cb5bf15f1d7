"""A synthetic corpus with planted near-duplicate pairs of exactly known Jaccard similarity."""

from __future__ import annotations

import random
from pathlib import Path

from corpuskit.dataset import DatasetFolder, ShardOutput
from corpuskit.dedup.normalize import jaccard, shingles
from corpuskit.document import Document


def make_vocabulary(rng: random.Random, size: int = 3000) -> list[str]:
    letters = "abcdefghijklmnopqrstuvwxyz"
    return sorted(
        {"".join(rng.choice(letters) for _ in range(rng.randint(3, 9))) for _ in range(size)}
    )


def random_text(rng: random.Random, vocabulary: list[str], words: int) -> str:
    chosen = [rng.choice(vocabulary) for _ in range(words)]
    lines = [" ".join(chosen[i : i + 12]).capitalize() + "." for i in range(0, words, 12)]
    return "\n".join(lines)


def mutate(rng: random.Random, vocabulary: list[str], text: str, replaced: int) -> str:
    words = text.split(" ")
    for position in rng.sample(range(len(words)), replaced):
        words[position] = rng.choice(vocabulary)
    return " ".join(words)


def planted_corpus(
    seed: int = 7, pairs: int = 160, singles: int = 60, words: int = 220, ngram: int = 5
):
    """Documents and the planted pairs ``(id_a, id_b, exact Jaccard on the same shingles)``."""
    rng = random.Random(seed)
    vocabulary = make_vocabulary(rng)
    docs: list[Document] = []
    planted: list[tuple[str, str, float]] = []
    for p in range(pairs):
        base = random_text(rng, vocabulary, words)
        copy = mutate(rng, vocabulary, base, rng.randint(1, 16))
        a = Document(
            f"pair{p:04d}a",
            base,
            url=f"https://e.org/{p}a",
            timestamp=f"2020-01-{1 + p % 28:02d}T00:00:00Z",
            source="web",
        )
        b = Document(
            f"pair{p:04d}b",
            copy,
            url=f"https://e.org/{p}b",
            timestamp=f"2021-01-{1 + p % 28:02d}T00:00:00Z",
            source="web",
        )
        docs += [a, b]
        planted.append((a.id, b.id, jaccard(shingles(base, ngram), shingles(copy, ngram))))
    for s in range(singles):
        docs.append(Document(f"single{s:04d}", random_text(rng, vocabulary, words), source="web"))
    rng.shuffle(docs)
    return docs, planted


def write_dataset(root: Path, docs: list[Document], shards: int) -> Path:
    """Write documents as a dataset folder with ``shards`` shards (round robin)."""
    folder = DatasetFolder(root)
    for index in range(shards):
        output = ShardOutput(folder, f"part-{index:03d}")
        for doc in docs[index::shards]:
            output.write(doc)
        output.finish({})
    return root
