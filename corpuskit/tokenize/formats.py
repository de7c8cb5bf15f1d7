"""Token shard files: Megatron-LM's indexed dataset (``.bin`` + ``.idx``) and NumPy ``.npy``.

Both formats hold one shard's documents in the package's row order, each document's tokens
followed by the end-of-text token (as Megatron's ``preprocess_data.py --append-eod`` and
nanoGPT's ``prepare.py`` do). The byte layouts are specified in ``docs/tokenize.md``:

- ``megatron``: ``<prefix>.bin`` is the concatenated tokens (little-endian); ``<prefix>.idx``
  is Megatron-LM's ``MMIDIDX`` index (version 1): header ``b"MMIDIDX\\x00\\x00"``, ``<Q``
  version 1, ``<B`` dtype code (8 = uint16, 4 = int32), ``<Q`` sequence count, ``<Q`` document
  count (sequences + 1), int32 sequence lengths, int64 byte pointers, int64 document indices
  ``0, 1, ..., n``. One sequence is one document (EOT included).
- ``npy``: ``<prefix>.npy`` is a 1-D array of tokens in NumPy's ``.npy`` format (version 1.0,
  a 128-byte header), ``<prefix>.docs.npy`` the int64 offsets ``0 = o_0 < ... < o_n`` so that
  document ``i`` is ``tokens[o_i:o_{i+1}]`` (EOT last).

Tokens are uint16 when the vocabulary fits (ids < 65,536), else uint32 (``npy``) or int32
(``megatron``, whose loader has no uint32 code). Files are written under temporary names and
renamed by :meth:`TokenShardWriter.commit`; the ``.npy`` header is rewritten in place once the
length is known, so a shard is streamed, never held in memory.
"""

from __future__ import annotations

import os
import struct
import uuid
from pathlib import Path

FORMATS = ("megatron", "npy")
MEGATRON_MAGIC = b"MMIDIDX\x00\x00"
MEGATRON_VERSION = 1
MEGATRON_DTYPE_CODES = {"uint16": 8, "int32": 4}
NPY_HEADER_BYTES = 128


def token_dtype(vocab_size: int, fmt: str) -> str:
    """uint16 when every id fits (vocab_size <= 65,536), else uint32 (npy) or int32 (megatron)."""
    if vocab_size <= 1 << 16:
        return "uint16"
    return "int32" if fmt == "megatron" else "uint32"


def shard_files(prefix: str, fmt: str) -> tuple[str, str]:
    """The (tokens, index) file names of a shard prefix in a format."""
    if fmt == "megatron":
        return f"{prefix}.bin", f"{prefix}.idx"
    return f"{prefix}.npy", f"{prefix}.docs.npy"


def npy_header(dtype: str, length: int, total: int = NPY_HEADER_BYTES) -> bytes:
    """A NumPy format 1.0 header for a 1-D little-endian array, padded to ``total`` bytes."""
    import numpy as np

    descr = np.dtype(dtype).newbyteorder("<").str
    text = f"{{'descr': '{descr}', 'fortran_order': False, 'shape': ({length},), }}"
    room = total - 10 - 1
    if len(text) > room:
        raise ValueError(f"npy header does not fit in {total} bytes")
    text = text.ljust(room) + "\n"
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(text)) + text.encode("ascii")


class TokenShardWriter:
    """Streams documents' tokens into one shard's files; :meth:`commit` makes them final."""

    def __init__(self, folder: Path, prefix: str, fmt: str, dtype: str, eot_id: int):
        import numpy as np

        if fmt not in FORMATS:
            raise ValueError(f"unknown token format {fmt!r}")
        self.fmt = fmt
        self.dtype = np.dtype(dtype).newbyteorder("<")
        self.eot_id = eot_id
        names = shard_files(prefix, fmt)
        self.final = [folder / name for name in names]
        attempt = f"{os.getpid()}-{uuid.uuid4().hex[:12]}"  # a retried task never shares it
        self.tmp = [p.with_name(f".{p.name}.tmp-{attempt}") for p in self.final]
        folder.mkdir(parents=True, exist_ok=True)
        self._tokens = open(self.tmp[0], "wb")
        if fmt == "npy":
            self._tokens.write(npy_header(self.dtype.str, 0))
        self._lengths: list = []
        self.tokens = 0
        self.documents = 0

    def write(self, ids_per_doc: list[list[int]]) -> None:
        """Append documents (lists of ids, without EOT); EOT is added after each one."""
        import itertools

        import numpy as np

        if not ids_per_doc:
            return
        lengths = np.fromiter((len(ids) + 1 for ids in ids_per_doc), np.int64, len(ids_per_doc))
        total = int(lengths.sum())
        eot = (self.eot_id,)
        flat = np.fromiter(
            itertools.chain.from_iterable(itertools.chain(ids, eot) for ids in ids_per_doc),
            self.dtype,
            total,
        )
        self._tokens.write(flat.tobytes())
        self._lengths.append(lengths)
        self.tokens += total
        self.documents += len(ids_per_doc)

    def commit(self) -> list[Path]:
        """Write the index, rename both files into place, return their final paths."""
        import numpy as np

        lengths = np.concatenate(self._lengths) if self._lengths else np.zeros(0, np.int64)
        if self.fmt == "npy":
            self._tokens.seek(0)
            self._tokens.write(npy_header(self.dtype.str, self.tokens))
            offsets = np.zeros(len(lengths) + 1, "<i8")
            np.cumsum(lengths, out=offsets[1:])
            index = npy_header("<i8", len(offsets)) + offsets.tobytes()
        else:
            index = megatron_index(lengths, self.dtype.name, self.dtype.itemsize)
        self._tokens.close()
        with open(self.tmp[1], "wb") as fh:
            fh.write(index)
        for tmp, final in zip(self.tmp, self.final, strict=True):
            os.replace(tmp, final)
        return list(self.final)

    def abort(self) -> None:
        self._tokens.close()
        for tmp in self.tmp:
            tmp.unlink(missing_ok=True)


def megatron_index(lengths, dtype: str, itemsize: int) -> bytes:
    """The ``.idx`` bytes for documents of ``lengths`` tokens, one sequence per document."""
    import numpy as np

    count = len(lengths)
    if count and int(lengths.max()) > np.iinfo(np.int32).max:
        raise ValueError("a document longer than 2**31 tokens does not fit Megatron's index")
    pointers = np.zeros(count, "<i8")
    if count > 1:
        np.cumsum(lengths[:-1] * itemsize, out=pointers[1:])
    documents = np.arange(count + 1, dtype="<i8")
    header = MEGATRON_MAGIC + struct.pack(
        "<QBQQ", MEGATRON_VERSION, MEGATRON_DTYPE_CODES[dtype], count, count + 1
    )
    return header + lengths.astype("<i4").tobytes() + pointers.tobytes() + documents.tobytes()
