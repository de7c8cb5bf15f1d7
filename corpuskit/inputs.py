"""Resolve command-line inputs (files, folders, globs, URLs) to a list of file locations.

Every stage takes inputs the same way, through :mod:`corpuskit.storage` (local paths and
fsspec URLs alike); what differs is which files a folder contributes (WARCs for
``extract``, completed data shards for the others), given by ``folder_files``. An
``http(s)://`` input names one file (a web server has no folders to list).
"""

from __future__ import annotations

from collections.abc import Callable

from corpuskit import storage
from corpuskit.errors import InputError


def is_pattern(item: str) -> bool:
    return any(ch in item for ch in "*?[")


def expand_inputs(
    inputs: list[str], folder_files: Callable[[str], list[str]], kind: str
) -> list[str]:
    """Locations of the files ``inputs`` name, in order, each once.

    ``folder_files(url)`` lists what a folder contributes (and raises if it must not be
    empty); ``kind`` names the expected files in error messages (e.g. "WARC file"). Local
    inputs keep the form they were given in; remote ones are full URLs.
    """
    files: list[str] = []
    for item in inputs:
        if storage.protocol_of(item) in storage.READ_ONLY:
            storage.filesystem(item)  # a missing backend is a clear error now, not per shard
            files.append(item)
            continue
        try:
            files.extend(_expand_one(item, folder_files, kind))
        except PermissionError as exc:
            raise InputError(
                f"cannot read {item}: permission denied: check its permissions"
            ) from exc
    return list(dict.fromkeys(files))


def _expand_one(item: str, folder_files: Callable[[str], list[str]], kind: str) -> list[str]:
    local = storage.is_local(item)
    if is_pattern(item):
        matches = storage.glob(item)
        if not matches:
            raise InputError(f"no file matches {item!r}: check the pattern or the folder")
        return matches
    if storage.isdir(item):
        return folder_files(item)
    if storage.isfile(item):
        return [item]
    if local and storage.exists(item):
        raise InputError(f"input {item} is not a regular file or folder")
    raise InputError(f"input not found: {item}: give an existing {kind}, folder or glob")
