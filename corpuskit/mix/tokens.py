"""Token counting for the mixture budget.

``whitespace`` (default) counts runs of characters other than ASCII whitespace (space,
``\\t\\n\\v\\f\\r``): the same count as Python's ``str.split()`` except that Unicode
spaces such as U+00A0 do not split. It is computed with numpy on the Arrow string buffers
(a token starts where a non-space byte follows a space byte or a document start), so it runs
at hundreds of MB/s. ``tiktoken:<enc>``
(e.g. ``tiktoken:cl100k_base``; GPT-3 used the GPT-2 BPE, ``tiktoken:gpt2``),
``hf:<name-or-path>`` (a ``tokenizer.json`` file or a Hub name already in the local cache) and
a bare ``tokenizer.json`` path (``corpuskit tokenizer train``) count real BPE tokens, exactly as
``corpuskit tokenize`` encodes them (:mod:`corpuskit.tokenize.spec`); they are used only when
the vocabulary is available offline, otherwise a :class:`~corpuskit.errors.DependencyError`
names the fix.
"""

from __future__ import annotations

import os

TOKENIZER_KINDS = ("whitespace", "tiktoken:<encoding>", "hf:<name or tokenizer.json>")
BATCH = 4096


class TokenCounter:
    """Counts tokens of an Arrow string array; ``spec`` is the recipe's ``tokenizer`` value.

    BPE SPECs are loaded by :class:`corpuskit.tokenize.spec.LoadedTokenizer`, the same code
    ``corpuskit tokenize`` encodes with, so the budget counts exactly the tokens the trainer
    gets (without the end-of-text token ``tokenize`` adds after each document). Texts are
    encoded with the library's batch call, in batches, on ``threads`` threads (default: every
    core; ``mix`` runs in one process).
    """

    def __init__(self, spec: str = "whitespace", threads: int | None = None):
        self.spec = spec
        self._tokenizer = None
        if spec != "whitespace":
            from corpuskit.tokenize.spec import LoadedTokenizer

            self._tokenizer = LoadedTokenizer(
                spec, eot_token=None, threads=threads or os.cpu_count() or 1
            )

    def count(self, texts):
        """Token counts (numpy int64) for a pyarrow string array."""
        import numpy as np

        if self._tokenizer is None:
            return whitespace_counts(texts)
        values = texts.to_pylist()
        counts = np.zeros(len(values), np.int64)
        for start in range(0, len(values), BATCH):
            batch = self._tokenizer.encode_batch(values[start : start + BATCH])
            counts[start : start + len(batch)] = [len(ids) for ids in batch]
        return counts

    def identity(self) -> dict | None:
        """The BPE vocabulary's identity (name, size, sha256), None for ``whitespace``."""
        if self._tokenizer is None:
            return None
        return self._tokenizer.identity().to_json()


def whitespace_counts(texts):
    """Whitespace-separated token counts of a pyarrow string array (see the module docstring)."""
    import numpy as np
    import pyarrow as pa

    if isinstance(texts, pa.ChunkedArray):
        if texts.num_chunks == 0:
            return np.zeros(0, np.int64)
        return np.concatenate([whitespace_counts(chunk) for chunk in texts.chunks])
    if len(texts) == 0:
        return np.zeros(0, np.int64)
    offset_type = np.int64 if pa.types.is_large_string(texts.type) else np.int32
    _, offsets_buffer, data_buffer = texts.buffers()
    offsets = np.frombuffer(offsets_buffer, offset_type)[
        texts.offset : texts.offset + len(texts) + 1
    ]
    first, last = int(offsets[0]), int(offsets[-1])
    data = (
        np.frombuffer(data_buffer, np.uint8)[first:last] if data_buffer else np.zeros(0, np.uint8)
    )
    space = (data == 32) | ((data >= 9) & (data <= 13))
    starts = ~space
    starts[1:] &= space[:-1]
    bounds = offsets.astype(np.int64) - first
    inside = bounds[:-1][bounds[:-1] < len(data)]
    starts[inside] = ~space[inside]
    positions = np.flatnonzero(starts)
    return np.searchsorted(positions, bounds[1:]) - np.searchsorted(positions, bounds[:-1])
