"""``corpuskit tokenizer train``: a GPT-2-style byte-level BPE trained on a seeded corpus sample.

The model is GPT-2's design (Radford et al. 2019): byte-level BPE over the 256 byte symbols
(every string is encodable, nothing is ever unknown), GPT-2's pre-tokenisation regex (the
``ByteLevel`` pre-tokenizer, no prefix space) and the byte-level decoder, so decoding gives
back the exact text. ``<|endoftext|>`` is added last, as in GPT-2 (id ``vocab_size - 1``).
Trained with Hugging Face ``tokenizers`` (``BpeTrainer``).

The sample is a *bottom-k by hash*: every document gets the key ``blake2b(seed, text)``
and, in key order, documents are taken while their UTF-8 text stays within ``sample_bytes``
(at least one). The sample therefore depends on the seed and the texts, not on the order the
inputs are read in, and reading holds about ``sample_bytes`` of text in memory. It is fed to
the trainer in key order.
"""

from __future__ import annotations

import hashlib
import heapq
import json
from pathlib import Path
from typing import Any

from corpuskit.errors import ConfigError, InputError
from corpuskit.progress import Progress, log

EOT = "<|endoftext|>"


def sample_texts(inputs: list[str], sample_bytes: int, seed: int) -> tuple[list[str], dict]:
    """The seeded sample (texts in key order) and counters (documents read, sampled, bytes)."""
    from corpuskit.readers import expand_document_inputs, read_documents

    files = expand_document_inputs(inputs)
    if not files:
        raise InputError(
            f"no documents in {', '.join(inputs)}: give dataset folders, packages, Parquet or JSONL files"
        )
    salt = seed.to_bytes(8, "little", signed=True)
    heap: list[tuple[int, bytes, str]] = []  # (-key, digest, text): the largest key on top
    held = 0
    read = 0
    progress = Progress(len(files), "files")
    for path in files:
        for doc in read_documents(path):
            read += 1
            if not doc.text:
                continue
            size = len(doc.text.encode("utf-8"))
            digest = hashlib.blake2b(doc.text.encode("utf-8"), digest_size=8, key=salt).digest()
            key = int.from_bytes(digest, "big")
            if held < sample_bytes or key < -heap[0][0]:
                heapq.heappush(heap, (-key, digest, doc.text))
                held += size
                # Keep only the key-ordered prefix that covers the budget.
                while held - len(heap[0][2].encode("utf-8")) >= sample_bytes:
                    held -= len(heapq.heappop(heap)[2].encode("utf-8"))
            progress.update(0, docs=1)
        progress.update(1)
    progress.close()
    texts, held = [], 0
    for _, _, text in sorted(heap, key=lambda item: (-item[0], item[1])):
        size = len(text.encode("utf-8"))
        if texts and held + size > sample_bytes:
            break
        texts.append(text)
        held += size
    return texts, {
        "files": len(files),
        "documents_read": read,
        "documents_sampled": len(texts),
        "bytes_sampled": held,
    }


def train_tokenizer(
    inputs: list[str],
    output: str,
    vocab_size: int,
    sample_bytes: int = 100_000_000,
    seed: int = 0,
    min_frequency: int = 2,
) -> dict[str, Any]:
    """Train, save ``output`` (tokenizer.json) and ``output``'s ``.meta.json``; returns the meta."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, processors, trainers

    if vocab_size < 257 + 1:
        raise ConfigError(
            f"--vocab-size {vocab_size} is too small: a byte-level BPE needs the 256 byte symbols "
            "plus <|endoftext|> (use at least 258; GPT-2 has 50,257)"
        )
    texts, counters = sample_texts(inputs, sample_bytes, seed)
    if not texts:
        raise InputError(f"no text to train on in {', '.join(inputs)}")
    log(
        f"tokenizer train: {counters['documents_sampled']:,} documents "
        f"({counters['bytes_sampled']:,} bytes) sampled from {counters['documents_read']:,}"
    )
    tokenizer = Tokenizer(models.BPE())
    tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True)
    tokenizer.decoder = decoders.ByteLevel()
    tokenizer.post_processor = processors.ByteLevel(trim_offsets=False)
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size - 1,
        min_frequency=min_frequency,
        show_progress=False,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
    )
    tokenizer.train_from_iterator(texts, trainer, length=len(texts))
    tokenizer.add_special_tokens([EOT])
    out = Path(output)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.tmp")
    tokenizer.save(str(tmp))
    tmp.replace(out)
    from corpuskit.tokenize.spec import LoadedTokenizer

    identity = LoadedTokenizer(str(out)).identity()
    meta = {
        "tokenizer": str(out),
        "model": "byte-level BPE (GPT-2 style), Hugging Face tokenizers",
        "vocab_size": identity.vocab_size,
        "requested_vocab_size": vocab_size,
        "eot_token": identity.eot_token,
        "eot_id": identity.eot_id,
        "vocab_sha256": identity.vocab_sha256,
        "seed": seed,
        "sample_bytes": sample_bytes,
        "min_frequency": min_frequency,
        "inputs": list(inputs),
        "sample": counters,
    }
    meta_path = out.with_name(out.name.removesuffix(".json") + ".meta.json")
    meta_path.write_text(json.dumps(meta, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return meta
