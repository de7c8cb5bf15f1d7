"""Resolve command-line inputs (files, folders, globs, fsspec URLs) to a list of file paths.

Every stage takes inputs the same way; what differs is which files a folder contributes
(WARCs for ``extract``, completed data shards for the others), given by ``folder_files``.
"""

from __future__ import annotations

import glob
from collections.abc import Callable
from pathlib import Path

from corpuskit.errors import DependencyError, InputError


def expand_inputs(
    inputs: list[str], folder_files: Callable[[Path], list[str]], kind: str
) -> list[str]:
    """Paths of the files ``inputs`` name, in order, each once.

    ``folder_files(path)`` lists what a folder contributes (and raises if it must not be
    empty); ``kind`` names the expected files in error messages (e.g. "WARC file").
    """
    files: list[str] = []
    for item in inputs:
        path = Path(item)
        if "://" in item:
            files.extend(expand_remote(item))
        elif path.is_dir():
            files.extend(folder_files(path))
        elif any(ch in item for ch in "*?["):
            # glob.glob, not Path().glob: the latter rejects absolute patterns like /data/*.jsonl
            matches = sorted(p for p in glob.glob(item, recursive=True) if Path(p).is_file())
            if not matches:
                raise InputError(f"no file matches {item!r}: check the pattern or the folder")
            files.extend(matches)
        elif path.is_file():
            files.append(str(path))
        elif path.exists():
            raise InputError(f"input {item} is not a regular file or folder")
        else:
            raise InputError(f"input not found: {item}: give an existing {kind}, folder or glob")
    return list(dict.fromkeys(files))


def remote_fs(url: str):
    """``fsspec.get_fs_token_paths`` with errors that name the missing package."""
    import fsspec

    try:
        return fsspec.get_fs_token_paths(url)
    except ImportError as exc:
        protocol = url.split("://", 1)[0]
        raise DependencyError(
            f"reading {protocol}:// URLs needs an fsspec backend ({exc}): e.g. "
            "pip install aiohttp (http/https) or pip install s3fs (s3)"
        ) from exc
    except ValueError as exc:
        raise InputError(f"cannot use URL {url}: {exc}") from exc


def expand_remote(url: str) -> list[str]:
    """The files an fsspec URL (possibly a glob) names, as full URLs."""
    fs, _, paths = remote_fs(url)
    protocol = fs.protocol[0] if isinstance(fs.protocol, tuple) else fs.protocol
    found = [p if "://" in p else f"{protocol}://{p}" for p in paths]
    if not found:
        raise InputError(f"no file matches {url!r}: check the URL")
    return found
