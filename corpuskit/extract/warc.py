"""Find WARC inputs, split large files into byte-range shards, and iterate their records.

A shard is one input file, or the byte range ``[start, end)`` of a file larger than the
shard size: it owns exactly the records whose start offset lies in that range. A worker
seeks to ``start`` and moves to the next record boundary:

* ``.gz`` files hold one gzip member per record (the WARC 1.1 standard, annex D, and every
  Common Crawl file): a boundary is a gzip header (``1f 8b 08``) whose member inflates to
  bytes starting with ``WARC/``;
* uncompressed files: a line starting ``WARC/1.`` whose header block parses, and whose
  declared Content-Length ends at ``\\r\\n\\r\\n`` followed by the next record or the end.

Because the record that ends one range is the first whose offset is ``>= end`` and the next
range starts at the first boundary ``>= end``, the union of the shards of a file is exactly
its single-shard result. ARC files and remote files without a known size are not split.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import re
import zlib
from collections.abc import Iterator
from pathlib import Path

from corpuskit.errors import ConfigError, DependencyError, InputError
from corpuskit.executor import Shard
from corpuskit.readers import open_binary

WARC_SUFFIXES = (".warc", ".warc.gz", ".arc", ".arc.gz", ".wet", ".wet.gz")
DEFAULT_SHARD_SIZE = 128 * 1024 * 1024
GZIP_MAGIC = b"\x1f\x8b\x08"
SCAN_CHUNK = 1 << 20
# A first gzip member longer than this is taken for a file gzipped as one stream (Common
# Crawl truncates payloads at 1 MiB, so a single record is far smaller).
PROBE = 16 * 1024 * 1024
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
    """Files, folders (searched recursively), globs and fsspec URLs → sorted WARC paths."""
    files: list[str] = []
    for item in inputs:
        path = Path(item)
        if "://" in item:
            files.extend(_expand_remote(item))
        elif path.is_dir():
            found = sorted(str(p) for p in path.rglob("*") if p.is_file() and is_warc_file(p.name))
            if not found:
                raise InputError(
                    f"no WARC file found in folder {item} (looked for {', '.join(WARC_SUFFIXES)} "
                    "recursively): check the folder, or run `corpuskit crawl` first"
                )
            files.extend(found)
        elif any(ch in item for ch in "*?["):
            pattern = item
            root = Path(pattern).anchor or "."
            relative = (
                str(Path(pattern).relative_to(root)) if Path(pattern).is_absolute() else pattern
            )
            found = sorted(str(p) for p in Path(root).glob(relative) if p.is_file())
            if not found:
                raise InputError(f"no file matches {item!r}: check the pattern")
            files.extend(found)
        elif path.is_file():
            files.append(str(path))
        elif path.exists():
            raise InputError(f"input {item} is not a regular file or folder")
        else:
            raise InputError(f"input not found: {item}: give an existing WARC file, folder or glob")
    seen: set[str] = set()
    unique = []
    for name in files:
        if name not in seen:
            seen.add(name)
            unique.append(name)
    return unique


def _remote_fs(url: str):
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


def _expand_remote(url: str) -> list[str]:
    fs, _, paths = _remote_fs(url)
    protocol = fs.protocol[0] if isinstance(fs.protocol, tuple) else fs.protocol
    found = [p if "://" in p else f"{protocol}://{p}" for p in paths]
    if not found:
        raise InputError(f"no file matches {url!r}: check the URL")
    return found


def file_size(path: str) -> int | None:
    """Size in bytes, checking the file can be opened (None when a remote size is unknown)."""
    if "://" in path:
        fs, _, (remote,) = _remote_fs(path)
        try:
            return fs.size(remote)
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
            and _one_member_per_record(path, shard_size)
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


# What reading a damaged record raises (gzip cut short, bad deflate data, I/O errors).
READ_ERRORS = (EOFError, OSError, zlib.error)

# -- record boundaries ----------------------------------------------------------------------


def _one_member_per_record(path: str, limit: int) -> bool:
    """False for a .gz file compressed as one stream (its records have no byte boundaries).

    The first gzip member must end within ``limit`` bytes and be followed by another WARC
    member; uncompressed files are always splittable.
    """
    with open_binary(path) as fh:
        if not _is_gzip_file(fh):
            return True
        fh.seek(0)
        inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
        consumed = 0
        while not inflater.eof and consumed < limit:
            chunk = fh.read(min(SCAN_CHUNK, limit - consumed))
            if not chunk:
                return False
            consumed += len(chunk)
            try:
                inflater.decompress(chunk, 1 << 20)
                while inflater.unconsumed_tail and not inflater.eof:
                    inflater.decompress(inflater.unconsumed_tail, 1 << 20)
            except zlib.error:
                return False
        if not inflater.eof:
            return False
        following = inflater.unused_data + fh.read(4096)
        # Nothing after the first member: the whole file is one gzip stream.
        return bool(following) and _is_gzip_record(following)


def _is_gzip_record(window: bytes) -> bool:
    try:
        head = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(window, 16)
    except zlib.error:
        return False
    return head.startswith(b"WARC/")


def _is_plain_record(fh, pos: int) -> bool:
    fh.seek(pos)
    header = fh.read(64 * 1024)
    end = header.find(b"\r\n\r\n")
    if end < 0:
        return False
    lines = header[:end].split(b"\r\n")
    if not lines[0].startswith(b"WARC/1."):
        return False
    fields = {}
    for line in lines[1:]:
        name, sep, value = line.partition(b":")
        if not sep:
            return False
        fields[name.strip().lower()] = value.strip()
    if b"warc-type" not in fields or not fields.get(b"content-length", b"").isdigit():
        return False
    following = pos + end + 4 + int(fields[b"content-length"])
    fh.seek(following)
    tail = fh.read(4 + 5)
    return tail == b"" or tail == b"\r\n\r\n" or tail.startswith(b"\r\n\r\nWARC/")


def find_record_start(fh, start: int, compressed: bool) -> int | None:
    """The first record boundary at or after ``start`` (None if there is none)."""
    position = start
    while True:
        fh.seek(position)
        chunk = fh.read(SCAN_CHUNK + 64)
        if not chunk:
            return None
        needle = GZIP_MAGIC if compressed else b"WARC/1."
        index = chunk.find(needle)
        while 0 <= index < SCAN_CHUNK:
            candidate = position + index
            if compressed:
                fh.seek(candidate)
                if _is_gzip_record(fh.read(4096)):
                    return candidate
            elif candidate == 0 or _preceded_by_newline(fh, candidate):
                if _is_plain_record(fh, candidate):
                    return candidate
            index = chunk.find(needle, index + 1)
        if len(chunk) <= SCAN_CHUNK:
            return None
        position += SCAN_CHUNK


def _preceded_by_newline(fh, pos: int) -> bool:
    fh.seek(pos - 1)
    return fh.read(1) == b"\n"


def _is_gzip_file(fh) -> bool:
    fh.seek(0)
    magic = fh.read(2)
    return magic == GZIP_MAGIC[:2]


class _TolerantGzip:
    """A one-stream gzip reader that ends quietly where the file is cut (``error`` says so).

    ``gzip.GzipFile`` raises EOFError on a cut stream, even for the bytes before the cut
    when they arrive in the same read; this returns them, then end-of-file.
    """

    def __init__(self, fh):
        self._gzip = gzip.GzipFile(fileobj=fh)
        self.error: Exception | None = None

    def read(self, size: int = -1) -> bytes:
        if self.error is not None:
            return b""
        try:
            # read1: one decompression step, so bytes before the cut are returned first.
            return self._gzip.read1(size)
        except READ_ERRORS as exc:
            self.error = exc
            return b""

    def readline(self, size: int = -1) -> bytes:
        if self.error is not None:
            return b""
        try:
            return self._gzip.readline(size)
        except READ_ERRORS as exc:
            self.error = exc
            return b""

    def tell(self) -> int:
        return self._gzip.tell()


class RecordReader:
    """Iterate ``(offset, record)`` for records starting in ``[start, end)`` of one file.

    A damaged or truncated file stops the iteration; the error is kept in ``errors`` (a
    list of messages) instead of being raised, so the records before it are kept. warcio
    returns a record cut by the end of the file without raising (its body is just short),
    so every record is checked against its WARC Content-Length: call :meth:`complete`
    before using a record's payload; the iterator checks again after each record.
    """

    def __init__(self, path: str, start: int = 0, end: int | None = None):
        self.path = path
        self.start = start
        self.end = end
        self.errors: list[str] = []
        self.records = 0
        self._checked: tuple[int, bool] | None = None

    def complete(self, record) -> bool:
        """Read the rest of ``record``; False (and an error) if the file ends inside it."""
        if self._checked and self._checked[0] == id(record):
            return self._checked[1]
        raw = record.raw_stream
        try:
            while raw.read(1 << 16):
                pass
            missing = getattr(raw, "limit", 0)
        except READ_ERRORS as exc:
            missing, detail = -1, str(exc)
        else:
            detail = f"{missing} bytes missing"
        ok = missing == 0
        if not ok:
            self.errors.append(
                f"{self.path}: truncated record after {self.records - 1} complete records "
                f"({detail})"
            )
        self._checked = (id(record), ok)
        return ok

    def __iter__(self) -> Iterator[tuple[int, object]]:
        from warcio.archiveiterator import ArchiveIterator

        with open_binary(self.path) as fh:
            try:
                compressed = _is_gzip_file(fh)
                boundary = (
                    self.start if self.start == 0 else find_record_start(fh, self.start, compressed)
                )
            except OSError as exc:
                self.errors.append(f"{self.path}: cannot read: {exc}")
                return
            if boundary is None or (self.end is not None and boundary >= self.end):
                return
            fh.seek(boundary)
            stream = fh
            if compressed and self.start == 0 and not _one_member_per_record(self.path, PROBE):
                # warcio refuses a WARC gzipped as one stream; read it decompressed (offsets
                # are then positions in the uncompressed stream). Such files are never split.
                stream = _TolerantGzip(fh)
            is_arc = self.path.lower().endswith((".arc", ".arc.gz"))
            try:
                iterator = ArchiveIterator(stream, arc2warc=is_arc)
                for record in iterator:
                    # Where this record starts (warcio counts from fh.tell(), so absolute);
                    # get_record_offset() would read the record to its end first.
                    offset = iterator.offset
                    if self.end is not None and offset >= self.end:
                        break
                    if not is_arc and record.format != "warc":
                        # warcio guesses ARC for any line of five words: this is not a WARC.
                        raise ValueError(f"no WARC record at offset {offset}")
                    self.records += 1
                    yield offset, record
                    if not self.complete(record):
                        self.records -= 1
                        return
                else:
                    # warcio ends quietly on a record cut inside its headers: the bytes it
                    # left unread are the damage.
                    end = stream.tell() + len(stream.read())
                    if getattr(stream, "error", None) and not self.errors:
                        self.errors.append(
                            f"{self.path}: gzip stream cut after {self.records} records "
                            f"({stream.error})"
                        )
                    elif iterator.offset < end:
                        self.errors.append(
                            f"{self.path}: damaged or truncated after {self.records} records "
                            f"({end - iterator.offset} bytes at offset {iterator.offset} "
                            "could not be read)"
                        )
            except Exception as exc:  # warcio, zlib and EOF errors all mean "damaged here"
                where = f"after {self.records} records" if self.records else "at the start"
                self.errors.append(f"{self.path}: damaged or truncated {where}: {exc}")
