"""Token counting for the mixture budget.

``whitespace`` (default) counts runs of non-space characters (RE2 ``\\S+``, the same count
as Python's ``str.split()`` for ordinary text), vectorised with pyarrow. ``tiktoken:<enc>``
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
        import pyarrow.compute as pc

        if self._encode is None:
            counts = pc.count_substring_regex(texts, r"\S+").fill_null(0)
            return counts.to_numpy(zero_copy_only=False).astype(np.int64)
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
