"""SHA-256 of files, read in blocks (packages, models and downloads are checked with it)."""

from __future__ import annotations

import hashlib
import os

BLOCK_BYTES = 1 << 20


def file_sha256(path: str | os.PathLike) -> str:
    """Hex SHA-256 of a file's bytes (a local path or any storage URL), read in blocks."""
    from corpuskit import storage

    digest = hashlib.sha256()
    with storage.open(str(path), "rb") as fh:
        for block in iter(lambda: fh.read(BLOCK_BYTES), b""):
            digest.update(block)
    return digest.hexdigest()
