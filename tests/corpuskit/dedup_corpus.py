"""Corpora with planted near-duplicates and their exact ground truth, for tests and benchmarks.

Two generators:

* :func:`planted_corpus` -- pairs of random-vocabulary texts with a few words replaced
  (the original fixture of the pipeline tests).
* :func:`near_duplicate_corpus` -- documents assembled from passages of *real* text (the
  Project Gutenberg books and Wikipedia text of ``../shared/devdata/`` for benchmarks, or
  :mod:`tests.prose` where devdata is absent) with near-copies planted the ways the web
  makes them: word edits, an inserted passage, shuffled paragraphs, boilerplate added, a
  truncated end; copies land in the original's shard or in another one.

The truth is brute force: the exact Jaccard similarity of the normalised shingle sets
(:func:`corpuskit.dedup.normalize.shingles`) of every pair of documents sharing at least
one shingle (a sparse matrix product, so no pair is sampled or estimated). Quality is then
measured per threshold T by :func:`removal_quality`.
"""

from __future__ import annotations

import dataclasses
import random
import re
from pathlib import Path

from corpuskit.dataset import DatasetFolder, ShardOutput
from corpuskit.dedup.normalize import jaccard, shingles
from corpuskit.document import Document

DEVDATA = Path(__file__).resolve().parents[2] / ".." / "shared" / "devdata"
# One edition per book (the other editions are near-copies of it) and WikiExtractor text.
DEVDATA_TEXTS = (
    "books/pg9198/9198.txt",
    "books/pg44157/44157-0.txt",
    "wiki/viwiki/wiki_00.extracted.txt",
)
BOILERPLATE = (
    "This website uses cookies to improve your experience. By continuing to browse the site "
    "you agree to our use of cookies. Read our privacy policy and terms of use.",
    "Home | News | Sport | Weather | Culture | Contact us | About us | Subscribe to our "
    "newsletter | Follow us on social media | Log in | Register",
    "Copyright 2024 Example Media Group. All rights reserved. Reproduction in whole or in "
    "part without written permission is prohibited.",
    "Related articles: more stories from this section, the most read pages of the week, "
    "and our editors' picks for the weekend.",
    "Leave a comment below. Comments are moderated and will appear once approved by a "
    "member of our team. Please be respectful.",
)


# -- source passages -------------------------------------------------------------------------
def split_passages(text: str, min_chars: int = 120, max_chars: int = 420) -> list[str]:
    """Paragraphs of a plain text, long ones cut at sentence ends, short ones dropped."""
    passages = []
    for paragraph in re.split(r"\n\s*\n", text):
        paragraph = " ".join(paragraph.split())
        if paragraph.startswith("<") or "gutenberg" in paragraph.lower():
            continue
        chunk = ""
        for sentence in re.split(r"(?<=[.!?])\s+", paragraph):
            chunk = f"{chunk} {sentence}".strip()
            if len(chunk) >= max_chars // 2:
                passages.append(chunk)
                chunk = ""
        if len(chunk) >= min_chars:
            passages.append(chunk)
    return [p for p in passages if min_chars <= len(p) <= 2 * max_chars]


def devdata_passages(root: Path = DEVDATA) -> list[str]:
    """Passages of the real texts in devdata (empty when the folder is absent)."""
    passages: list[str] = []
    for name in DEVDATA_TEXTS:
        path = root / name
        if path.exists():
            text = path.read_text(encoding="utf-8-sig", errors="replace")
            passages += split_passages(text.replace("\n", "\n\n") if "wiki" in name else text)
    return passages


def prose_passages(count: int, seed: int = 0) -> list[str]:
    """Passages of the repository's varied English prose (when devdata is absent)."""
    from tests.prose import english_article

    return [english_article(seed * 100_003 + i, paragraphs=1, sentences=4) for i in range(count)]


# -- planting --------------------------------------------------------------------------------
@dataclasses.dataclass
class PlantedCorpus:
    """Documents, the shard of each (index into ``shards``), and how each copy was made."""

    docs: list[Document]
    shard_of: dict[str, int]
    origin: dict[str, tuple[str, str]]  # copy id -> (original id, edits applied)
    shards: int


def _edit_words(rng: random.Random, text: str, share: float, donor: list[str]) -> str:
    words = text.split(" ")
    for _ in range(max(1, round(share * len(words)))):
        i = rng.randrange(len(words))
        action = rng.random()
        if action < 0.5:
            words[i] = rng.choice(donor)
        elif action < 0.75 and len(words) > 5:
            del words[i]
        else:
            words.insert(i, rng.choice(donor))
    return " ".join(words)


def make_copy(rng: random.Random, parts: list[str], passages: list[str]) -> tuple[str, str]:
    """A near-copy of a document given as passages; returns (text, edits applied)."""
    parts = list(parts)
    edits = []
    donor = rng.choice(passages).split()
    if rng.random() < 0.5:
        share = rng.choice((0.005, 0.01, 0.02, 0.03, 0.05, 0.08))
        parts = [_edit_words(rng, p, share, donor) for p in parts]
        edits.append(f"edit{share}")
    if rng.random() < 0.3:
        parts.insert(rng.randrange(len(parts) + 1), rng.choice(passages))
        edits.append("insert")
    if rng.random() < 0.3:
        rng.shuffle(parts)
        edits.append("shuffle")
    if rng.random() < 0.3:
        block = rng.choice(BOILERPLATE)
        parts = [block, *parts] if rng.random() < 0.5 else [*parts, block]
        edits.append("boilerplate")
    if rng.random() < 0.2 and len(parts) > 2:
        parts = parts[:-1] if rng.random() < 0.5 else parts[1:]
        edits.append("truncate")
    return "\n\n".join(parts), "+".join(edits) or "exact"


def near_duplicate_corpus(
    passages: list[str],
    originals: int,
    seed: int = 1,
    shards: int = 4,
    copy_share: float = 0.3,
    passages_per_doc: tuple[int, int] = (3, 8),
) -> PlantedCorpus:
    """``originals`` documents of random passages; ``copy_share`` of them get 1-3 near-copies.

    A copy goes to its original's shard or, half of the time, to another shard.
    """
    rng = random.Random(seed)
    docs: list[Document] = []
    shard_of: dict[str, int] = {}
    origin: dict[str, tuple[str, str]] = {}
    for n in range(originals):
        parts = rng.sample(passages, rng.randint(*passages_per_doc))
        doc_id = f"d{n:07d}"
        stamp = f"20{10 + rng.randrange(10)}-0{1 + rng.randrange(9)}-1{rng.randrange(10)}"
        docs.append(Document(doc_id, "\n\n".join(parts), timestamp=stamp, source="planted"))
        shard_of[doc_id] = rng.randrange(shards)
        if rng.random() >= copy_share:
            continue
        for c in range(rng.randint(1, 3)):
            text, edits = make_copy(rng, parts, passages)
            copy_id = f"{doc_id}c{c}"
            stamp = f"202{rng.randrange(5)}-0{1 + rng.randrange(9)}-2{rng.randrange(9)}"
            docs.append(Document(copy_id, text, timestamp=stamp, source="planted"))
            same = rng.random() < 0.5
            shard_of[copy_id] = shard_of[doc_id] if same else rng.randrange(shards)
            origin[copy_id] = (doc_id, edits)
    return PlantedCorpus(docs, shard_of, origin, shards)


def write_planted(root: Path, corpus: PlantedCorpus) -> Path:
    """Write the corpus as a dataset folder, one shard per ``shard_of`` value."""
    folder = DatasetFolder(root)
    for index in range(corpus.shards):
        output = ShardOutput(folder, f"part-{index:03d}")
        for doc in corpus.docs:
            if corpus.shard_of[doc.id] == index:
                output.write(doc)
        output.finish({})
    return root


# -- truth and quality -----------------------------------------------------------------------
def exact_pairs(
    docs: list[Document], ngram: int = 5, unit: str = "words", min_jaccard: float = 0.5
) -> dict[tuple[str, str], float]:
    """Every pair ``(a, b)`` (a < b) with exact shingle Jaccard >= ``min_jaccard``.

    Brute force over all pairs sharing a shingle: a binary document x shingle matrix X,
    intersections from X Xᵀ, unions from the set sizes.
    """
    import numpy as np
    from scipy import sparse

    vocabulary: dict[str, int] = {}
    rows, cols = [], []
    sizes = np.zeros(len(docs), dtype=np.int64)
    for i, doc in enumerate(docs):
        ids = {vocabulary.setdefault(s, len(vocabulary)) for s in shingles(doc.text, ngram, unit)}
        rows += [i] * len(ids)
        cols += ids
        sizes[i] = len(ids)
    matrix = sparse.csr_matrix(
        (np.ones(len(rows), dtype=np.int32), (rows, cols)), shape=(len(docs), len(vocabulary))
    )
    shared = sparse.triu(matrix @ matrix.T, k=1).tocoo()
    union = sizes[shared.row] + sizes[shared.col] - shared.data
    similarity = shared.data / np.maximum(union, 1)
    keep = similarity >= min_jaccard
    ids = [d.id for d in docs]
    pairs = {}
    for a, b, j in zip(shared.row[keep], shared.col[keep], similarity[keep], strict=True):
        x, y = sorted((ids[a], ids[b]))
        pairs[(x, y)] = float(j)
    return pairs


def pair_jaccard(a: str, b: str, ngram: int = 5, unit: str = "words") -> float:
    """Exact Jaccard of two texts' shingle sets (the reference the matrix product must equal)."""
    return jaccard(shingles(a, ngram, unit), shingles(b, ngram, unit))


def removal_quality(
    pairs: dict[tuple[str, str], float], ids: list[str], removed: set[str], threshold: float
) -> dict[str, float]:
    """Recall and false-removal rate of a dedup decision at Jaccard ``threshold``.

    * a true pair is two documents with exact Jaccard >= T; it is *resolved* when at least
      one of the two was removed; recall = resolved / true pairs (what is left is
      duplication the output still holds);
    * a removal is *false* when no kept document has Jaccard >= T with the removed one (its
      content is lost); false-removal rate = false removals / documents.
    """
    true = [(a, b) for (a, b), j in pairs.items() if j >= threshold]
    resolved = sum(a in removed or b in removed for a, b in true)
    covered = set()
    for a, b in true:
        if a in removed and b not in removed:
            covered.add(a)
        if b in removed and a not in removed:
            covered.add(b)
    false = len(removed - covered)
    return {
        "true_pairs": len(true),
        "recall": resolved / len(true) if true else 1.0,
        "removed": len(removed),
        "false_removals": false,
        "false_removal_rate": false / len(ids) if ids else 0.0,
    }


# -- the original random-vocabulary pairs ----------------------------------------------------
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
