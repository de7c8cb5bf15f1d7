"""Find WARC inputs and cut them into shards (one per file, or byte ranges of big files).

Inputs are files, folders (searched recursively), globs and fsspec URLs. A file larger than
the shard size is split into ``ceil(size / shard_size)`` byte ranges, read by
:class:`corpuskit.extract.warc.RecordReader`. ARC files, remote files of unknown size and
``.gz`` files compressed as one stream are never split.
"""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

from corpuskit import storage
from corpuskit.errors import ConfigError, InputError
from corpuskit.executor import Shard
from corpuskit.extract.warc import one_member_per_record
from corpuskit.inputs import expand_inputs

WARC_SUFFIXES = (".warc", ".warc.gz", ".arc", ".arc.gz", ".wet", ".wet.gz")
DEFAULT_SHARD_SIZE = 128 * 1024 * 1024
_CRAWL_NAME = re.compile(r"CC-MAIN-\d{4}-\d{2}")
_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*((?:[kmgt]i?)?b?)\s*$", re.IGNORECASE)


def parse_size(text: str | int) -> int:
    """Bytes from ``"64MB"`` (64,000,000), ``"128MiB"`` (134,217,728) or a plain number."""
    if isinstance(text, int) and not isinstance(text, bool):
        size = text
    else:
        match = _SIZE.match(str(text))
        if not match:
            raise ConfigError(
                f"invalid size {text!r}: give bytes or a number with a unit, e.g. 64MB or 128MiB"
            )
        unit = match.group(2).lower().rstrip("b")
        if unit.endswith("i"):
            factor = 1024 ** ("kmgt".index(unit[0]) + 1)
        elif unit:
            factor = 1000 ** ("kmgt".index(unit) + 1)
        else:
            factor = 1
        size = int(float(match.group(1)) * factor)
    if size <= 0:
        raise ConfigError(f"invalid size {text!r}: it must be positive")
    return size


def is_warc_file(name: str) -> bool:
    return name.lower().endswith(WARC_SUFFIXES)


def crawl_name(path: str) -> str | None:
    """The Common Crawl crawl (``CC-MAIN-YYYY-WW``) named in a path, if any."""
    match = _CRAWL_NAME.search(path)
    return match.group(0) if match else None


def expand_warc_inputs(inputs: list[str]) -> list[str]:
    """Files, folders (searched recursively), globs and fsspec URLs → WARC paths."""
    return expand_inputs(inputs, _warc_files_in, "WARC file")


def _warc_files_in(folder: str) -> list[str]:
    found = [url for url, _ in storage.find_files(folder) if is_warc_file(storage.name_of(url))]
    if not found:
        raise InputError(
            f"no WARC file found in folder {folder} (looked for {', '.join(WARC_SUFFIXES)} "
            "recursively): check the folder, or run `corpuskit crawl` first"
        )
    return found


def file_size(path: str) -> int | None:
    """Size in bytes, checking the file can be opened (None when a remote size is unknown)."""
    if "://" in path:
        try:
            return storage.size(path)
        except (OSError, NotImplementedError, ValueError):
            return None
    try:
        with open(path, "rb") as fh:
            fh.read(1)
        return os.path.getsize(path)
    except OSError as exc:
        raise InputError(
            f"cannot read {path}: {exc.strerror or exc}: check the path and its permissions"
        ) from exc


def _shard_stem(path: str) -> str:
    name = path.rstrip("/").rsplit("/", 1)[-1]
    for suffix in (".gz", ".warc", ".arc", ".wet"):
        if name.lower().endswith(suffix):
            name = name[: -len(suffix)]
    stem = re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("._") or "warc"
    return stem[:80]


def _canonical(path: str) -> str:
    return path if "://" in path else str(Path(path).resolve())


def plan_shards(files: list[str], shard_size: int = DEFAULT_SHARD_SIZE) -> list[Shard]:
    """One shard per file, or ``ceil(size / shard_size)`` byte-range shards for larger files.

    Ids are ``<file stem>-<8 hex of sha1(absolute path)>[-<part>of<parts>]``: they depend
    only on the path and size, so they are the same for any worker count, and two files
    with the same name in different folders get different ids.
    """
    shards = []
    for given in files:
        # Absolute, so that Dask workers started in another directory find the file too.
        path = _canonical(given)
        size = file_size(path)
        digest = hashlib.sha1(path.encode("utf-8")).hexdigest()[:8]
        base = f"{_shard_stem(path)}-{digest}"
        splittable = (
            size is not None
            and size > shard_size
            and not path.lower().endswith((".arc", ".arc.gz"))
            and one_member_per_record(path, shard_size)
        )
        parts = max(1, -(-size // shard_size)) if splittable and size else 1
        if parts == 1:
            shards.append(Shard(id=base, path=path))
            continue
        width = len(str(parts))
        for part in range(parts):
            start = part * shard_size
            end = min(size, start + shard_size)
            shards.append(
                Shard(
                    id=f"{base}-{part + 1:0{width}d}of{parts}",
                    path=path,
                    start=start,
                    end=end,
                )
            )
    return shards
