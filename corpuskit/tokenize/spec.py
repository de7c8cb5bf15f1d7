"""Tokenizer SPECs shared by ``corpuskit tokenize``, ``corpuskit mix --tokenizer`` and the card.

A SPEC names a BPE vocabulary that must be available offline:

- ``tiktoken:<encoding>`` (e.g. ``tiktoken:gpt2``, the GPT-2 BPE GPT-3 used): tiktoken's cache
  or ``TIKTOKEN_CACHE_DIR`` must hold the vocabulary;
- ``hf:<tokenizer.json>`` or ``hf:<name>`` (a Hub name already in the local cache,
  ``local_files_only=True``);
- a bare path to a ``tokenizer.json`` (what ``corpuskit tokenizer train`` writes), the same as
  ``hf:<path>``.

Text is encoded as *ordinary* text: a literal ``<|endoftext|>`` inside a document is split into
ordinary tokens, never turned into the special token (tiktoken's ``encode_ordinary``; the HF
tokenizer's ``encode_special_tokens``), so document boundaries are only where corpuskit puts
them. Batches are encoded with the libraries' batch calls on ``threads`` threads (1 inside a
worker: parallelism comes from the workers).
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import os
from typing import Any

from corpuskit.errors import ConfigError, DependencyError

SPEC_KINDS = ("tiktoken:<encoding>", "hf:<name or tokenizer.json>", "<path>/tokenizer.json")
DEFAULT_EOT = "<|endoftext|>"


@dataclasses.dataclass(frozen=True)
class TokenizerIdentity:
    """What a token file was made with: ``vocab_sha256`` is the hash of the vocabulary
    (``docs/tokenize.md``: SHA-256 of the JSON list of tokens in id order), so two files made
    with the same vocabulary under different names or paths can be recognised."""

    spec: str
    kind: str
    name: str
    vocab_size: int
    eot_token: str
    eot_id: int
    vocab_sha256: str

    def to_json(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


class LoadedTokenizer:
    """A loaded SPEC: batch encoding to lists of ids, decoding, and its identity."""

    eot_token: str | None
    eot_id: int | None

    def __init__(self, spec: str, eot_token: str | None = DEFAULT_EOT, threads: int = 1):
        self.spec = spec
        self.threads = max(1, threads)
        kind, name = parse_spec(spec)
        self.kind = kind
        self.name = name
        if kind == "tiktoken":
            self._encoding = _load_tiktoken(name)
            self._hf = None
        else:
            self._hf = _load_hf(name)
            self._encoding = None
            # Literal special-token text in a document is ordinary text, as tiktoken does it.
            self._hf.encode_special_tokens = True
        # None: counting only (``mix``), where the vocabulary need not have an end-of-text token.
        self.eot_token, self.eot_id = self._find_eot(eot_token) if eot_token else (None, None)

    @functools.cached_property
    def vocab_size(self) -> int:
        """Ids run from 0 to ``vocab_size - 1`` (special tokens included)."""
        if self._encoding is not None:
            return int(self._encoding.n_vocab)
        return max(self._hf.get_vocab(with_added_tokens=True).values()) + 1

    def encode_batch(self, texts: list[str]) -> list[list[int]]:
        """Token ids of every text (no special tokens added)."""
        if self._encoding is not None:
            return self._encoding.encode_ordinary_batch(texts, num_threads=self.threads)
        _limit_rayon(self.threads)
        encode = getattr(self._hf, "encode_batch_fast", self._hf.encode_batch)
        return [e.ids for e in encode(texts, add_special_tokens=False)]

    def decode(self, ids) -> str:
        """The text of a token sequence (special tokens kept)."""
        ids = [int(i) for i in ids]
        if self._encoding is not None:
            return self._encoding.decode(ids)
        return self._hf.decode(ids, skip_special_tokens=False)

    def identity(self) -> TokenizerIdentity:
        return TokenizerIdentity(
            spec=self.spec,
            kind=self.kind,
            name=os.path.basename(self.name) if self.name.endswith(".json") else self.name,
            vocab_size=self.vocab_size,
            eot_token=self.eot_token,
            eot_id=self.eot_id,
            vocab_sha256=self.vocab_sha256(),
        )

    def vocab_sha256(self) -> str:
        """SHA-256 of the UTF-8 JSON list of the tokens in id order (tiktoken: the hex of each
        token's bytes; HF: the token strings); ids without a token are ``null``."""
        tokens: list[str | None] = [None] * self.vocab_size
        if self._encoding is not None:
            for token in self._encoding.token_byte_values():
                tokens[self._encoding.encode_single_token(token)] = token.hex()
            for text, number in self._encoding._special_tokens.items():
                tokens[number] = text.encode("utf-8").hex()
        else:
            for text, number in self._hf.get_vocab(with_added_tokens=True).items():
                tokens[number] = text
        data = json.dumps(tokens, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        return hashlib.sha256(data).hexdigest()

    def _find_eot(self, token: str) -> tuple[str, int]:
        if self._encoding is not None:
            if token == DEFAULT_EOT:
                return token, int(self._encoding.eot_token)
            found = self._encoding._special_tokens.get(token)
        else:
            found = self._hf.token_to_id(token)
        if found is None:
            raise ConfigError(
                f"tokenizer {self.spec} has no end-of-text token {token!r}: pass the name of one "
                "of its special tokens with --eot-token (train one with `corpuskit tokenizer "
                "train`, which adds <|endoftext|>)"
            )
        return token, int(found)


def parse_spec(spec: str) -> tuple[str, str]:
    """(kind, name) of a SPEC: kind is ``tiktoken`` or ``hf``; a bare ``*.json`` path is hf."""
    kind, sep, name = spec.partition(":")
    if sep and kind in ("tiktoken", "hf") and name:
        return kind, name
    if spec.endswith(".json"):
        return "hf", spec
    raise ConfigError(
        f"unknown tokenizer {spec!r}: use one of {', '.join(SPEC_KINDS)} (--tokenizer)"
    )


def _limit_rayon(threads: int) -> None:
    # tokenizers' batch calls run on a Rayon pool; one thread per worker unless asked for more.
    if threads <= 1:
        os.environ["TOKENIZERS_PARALLELISM"] = "false"
    else:
        os.environ["TOKENIZERS_PARALLELISM"] = "true"


def _load_tiktoken(name: str):
    try:
        import tiktoken
    except ModuleNotFoundError:
        raise DependencyError(
            f"tokenizer tiktoken:{name} needs the tiktoken package: pip install tiktoken "
            "(or use hf:<tokenizer.json>)"
        ) from None
    try:
        return tiktoken.get_encoding(name)
    except Exception as exc:  # unknown name, or vocabulary not cached and no network
        raise DependencyError(
            f"tiktoken encoding {name!r} is not available offline ({exc}): run once with "
            "network access or set TIKTOKEN_CACHE_DIR to a folder holding its vocabulary; "
            "or train one with `corpuskit tokenizer train`"
        ) from exc


def _load_hf(name: str):
    try:
        from tokenizers import Tokenizer
    except ModuleNotFoundError:
        raise DependencyError(
            f"tokenizer hf:{name} needs the tokenizers package: pip install tokenizers"
        ) from None
    try:
        if name.endswith(".json") or os.path.exists(name):
            return Tokenizer.from_file(name)
        from huggingface_hub import hf_hub_download

        return Tokenizer.from_file(hf_hub_download(name, "tokenizer.json", local_files_only=True))
    except Exception as exc:
        raise DependencyError(
            f"HF tokenizer {name!r} is not available offline ({exc}): give a tokenizer.json "
            "path (e.g. one from `corpuskit tokenizer train`), or download it once with "
            "`huggingface-cli download NAME tokenizer.json`"
        ) from exc
