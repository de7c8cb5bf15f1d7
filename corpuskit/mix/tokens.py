"""Token counting for the mixture budget.

``whitespace`` (default) counts runs of characters other than ASCII whitespace (space,
``\\t\\n\\v\\f\\r``): the same count as Python's ``str.split()`` except that Unicode
spaces such as U+00A0 do not split. It is computed with numpy on the Arrow string buffers
(a token starts where a non-space byte follows a space byte or a document start), so it runs
at hundreds of MB/s. ``tiktoken:<enc>``
(e.g. ``tiktoken:cl100k_base``; GPT-3 used the GPT-2 BPE, ``tiktoken:gpt2``) and
``hf:<name-or-path>`` (a ``tokenizer.json`` file or a Hub name already in the local cache)
count real BPE tokens; they are used only when the library is installed and the vocabulary is
available offline, otherwise a :class:`~corpuskit.errors.DependencyError` names the fix.
"""

from __future__ import annotations

from corpuskit.errors import ConfigError, DependencyError

TOKENIZER_KINDS = ("whitespace", "tiktoken:<encoding>", "hf:<name or tokenizer.json>")


class TokenCounter:
    """Counts tokens of an Arrow string array; ``spec`` is the recipe's ``tokenizer`` value."""

    def __init__(self, spec: str = "whitespace"):
        self.spec = spec
        self._encode = _load(spec)

    def count(self, texts):
        """Token counts (numpy int64) for a pyarrow string array."""
        import numpy as np

        if self._encode is None:
            return whitespace_counts(texts)
        return np.fromiter(
            (len(self._encode(text)) for text in texts.to_pylist()), np.int64, len(texts)
        )


def _load(spec: str):
    if spec == "whitespace":
        return None
    kind, _, name = spec.partition(":")
    if kind == "tiktoken" and name:
        return _load_tiktoken(name)
    if kind == "hf" and name:
        return _load_hf(name)
    raise ConfigError(
        f"unknown tokenizer {spec!r}: use one of {', '.join(TOKENIZER_KINDS)} "
        "(recipe key `tokenizer` or --tokenizer)"
    )


def _load_tiktoken(name: str):
    try:
        import tiktoken
    except ModuleNotFoundError:
        raise DependencyError(
            f"tokenizer tiktoken:{name} needs the tiktoken package: "
            "pip install tiktoken (or use --tokenizer whitespace)"
        ) from None
    try:
        encoding = tiktoken.get_encoding(name)
    except Exception as exc:  # unknown name, or vocabulary not cached and no network
        raise DependencyError(
            f"tiktoken encoding {name!r} is not available offline ({exc}): run once with "
            "network access or set TIKTOKEN_CACHE_DIR to a folder holding its vocabulary"
        ) from exc

    def encode(text: str):
        return encoding.encode_ordinary(text)

    return encode


def _load_hf(name: str):
    try:
        from tokenizers import Tokenizer
    except ModuleNotFoundError:
        raise DependencyError(
            f"tokenizer hf:{name} needs the tokenizers package: "
            "pip install tokenizers (or use --tokenizer whitespace)"
        ) from None
    try:
        if name.endswith(".json"):
            tokenizer = Tokenizer.from_file(name)
        else:
            from huggingface_hub import hf_hub_download

            path = hf_hub_download(name, "tokenizer.json", local_files_only=True)
            tokenizer = Tokenizer.from_file(path)
    except Exception as exc:
        raise DependencyError(
            f"HF tokenizer {name!r} is not available offline ({exc}): give a tokenizer.json "
            "path, or download it once with `huggingface-cli download NAME tokenizer.json`"
        ) from exc

    def encode(text: str):
        return tokenizer.encode(text, add_special_tokens=False).ids

    return encode


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
