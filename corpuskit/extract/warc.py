"""Iterate the records of a WARC / ARC file, or of one byte range of it.

A byte-range shard ``[start, end)`` owns exactly the records whose start offset lies in the
range. A worker seeks to ``start`` and moves to the next record boundary:

* ``.gz`` files hold one gzip member per record (the WARC 1.1 standard, annex D, and every
  Common Crawl file): a boundary is a gzip header (``1f 8b 08``) whose member inflates to
  bytes starting with ``WARC/``;
* uncompressed files: a line starting ``WARC/1.`` whose header block parses, and whose
  declared Content-Length ends at ``\\r\\n\\r\\n`` followed by the next record or the end.

Because the record that ends one range is the first whose offset is ``>= end`` and the next
range starts at the first boundary ``>= end``, the union of the shards of a file is exactly
its single-shard result. How files are cut into shards: :mod:`corpuskit.extract.shards`.
"""

from __future__ import annotations

import gzip
import zlib
from collections.abc import Iterator

from corpuskit.readers import open_binary
from corpuskit.stream import StreamError

GZIP_MAGIC = b"\x1f\x8b\x08"
SCAN_CHUNK = 1 << 20
# A first gzip member longer than this is taken for a file gzipped as one stream (Common
# Crawl truncates payloads at 1 MiB, so a single record is far smaller).
PROBE = 16 * 1024 * 1024


# What reading a damaged record raises (gzip cut short, bad deflate data, I/O errors).
READ_ERRORS = (EOFError, OSError, zlib.error)

# -- record boundaries ----------------------------------------------------------------------


def one_member_per_record(path: str, limit: int) -> bool:
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
            if compressed and self.start == 0 and not one_member_per_record(self.path, PROBE):
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
            except StreamError:
                raise  # a remote file that could not be read fails the shard: a rerun resumes
            except Exception as exc:  # warcio, zlib and EOF errors all mean "damaged here"
                where = f"after {self.records} records" if self.records else "at the start"
                self.errors.append(f"{self.path}: damaged or truncated {where}: {exc}")


_MOVED_TO_SHARDS = {
    "DEFAULT_SHARD_SIZE",
    "WARC_SUFFIXES",
    "crawl_name",
    "expand_warc_inputs",
    "is_warc_file",
    "parse_size",
    "plan_shards",
}


def __getattr__(name: str):
    """Input and shard helpers live in :mod:`corpuskit.extract.shards` (old import path)."""
    if name in _MOVED_TO_SHARDS:
        from corpuskit.extract import shards

        return getattr(shards, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
