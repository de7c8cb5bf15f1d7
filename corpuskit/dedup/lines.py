"""Line and span dedup for the C4 presets, global across the dataset.

``c4-code`` (TensorFlow Datasets ``c4``): every line is keyed by the MD5 of
``line.strip().lower()``; a line occurring in several pages (or twice in one) is kept
once, in the first page by the keep order (index datasets, priority, node hash) and at its
first position there; afterwards pages with fewer than ``min_sentences`` (3) sentences are
dropped.

``c4-paper`` (Raffel et al. 2020, section 2.2): "we discarded all but one of any
three-sentence span occurring more than once in the data set". Spans are windows of three
consecutive sentences (keyed by the MD5 of their lower-cased, whitespace-collapsed text);
a repeated span survives in its first occurrence and its three sentences are removed
elsewhere. Pages with fewer than ``min_sentences`` sentences left are dropped.

Sentences are split after ``.``, ``!``, ``?`` (optionally followed by one closing quote or
brackets) and whitespace: a dependency-free stand-in for the NLTK punkt splitter C4 used.
"""

from __future__ import annotations

import re

from corpuskit.dedup.normalize import md5_key64

LINE_MODES = ("c4-code", "c4-paper")
SPAN_SENTENCES = 3
_SENTENCE_END = re.compile(r"(?<=[.!?][\"')\]])\s+|(?<=[.!?])\s+")


def split_sentences(line: str) -> list[str]:
    """The sentences of one line (empty pieces removed)."""
    return [s.strip() for s in _SENTENCE_END.split(line.strip()) if s.strip()]


def count_sentences(text: str) -> int:
    """Number of sentences in a text, line by line."""
    return sum(len(split_sentences(line)) for line in text.split("\n"))


def line_keys(text: str) -> list[tuple[int, int]]:
    """``(position, key)`` of every non-empty line (C4 code's MD5 of stripped lower text)."""
    keys = []
    for position, line in enumerate(text.split("\n")):
        stripped = line.strip().lower()
        if stripped:
            keys.append((position, md5_key64(stripped)))
    return keys


def _sentences_by_line(text: str) -> list[list[str]]:
    return [split_sentences(line) for line in text.split("\n")]


def span_keys(text: str) -> list[tuple[int, int]]:
    """``(first sentence index, key)`` of every three-sentence window of the page."""
    sentences = [s for line in _sentences_by_line(text) for s in line]
    keys = []
    for first in range(len(sentences) - SPAN_SENTENCES + 1):
        span = " ".join(" ".join(s.split()) for s in sentences[first : first + SPAN_SENTENCES])
        keys.append((first, md5_key64(span.lower())))
    return keys


def unit_keys(text: str, mode: str) -> list[tuple[int, int]]:
    """Line keys (``c4-code``) or span keys (``c4-paper``) of a page."""
    return line_keys(text) if mode == "c4-code" else span_keys(text)


def remove_units(text: str, mode: str, positions: set[int]) -> str:
    """The page without the dropped lines (c4-code) or the dropped spans' sentences (c4-paper)."""
    if mode == "c4-code":
        return "\n".join(
            line for position, line in enumerate(text.split("\n")) if position not in positions
        )
    dropped = {p + k for p in positions for k in range(SPAN_SENTENCES)}
    lines, index = [], 0
    for sentences in _sentences_by_line(text):
        kept = [s for offset, s in enumerate(sentences) if index + offset not in dropped]
        index += len(sentences)
        if kept:
            lines.append(" ".join(kept))
    return "\n".join(lines)


def mark_repeated_units(frame):
    """Reduce side, one partition hashed by key: the rows of repeated units to drop.

    Rows are ordered by key, index datasets first, priority, node and position; the first
    row of each key keeps the unit, every later row is dropped (index rows are not output).
    """
    ordered = frame.assign(_index_rank=(~frame["is_index"].astype(bool)).astype("int8"))
    ordered = ordered.sort_values(["key", "_index_rank", "priority", "node", "pos"], kind="stable")
    repeated = ordered["key"].duplicated(keep="first") & ~ordered["is_index"].astype(bool)
    return ordered.loc[repeated, ["shard", "node", "pos"]].reset_index(drop=True)
