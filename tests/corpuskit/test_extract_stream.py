"""Remote files read as seekable local ones (corpuskit.stream), against a real faulty server.

Every HTTP test talks to tests/httpserver.py on 127.0.0.1, which drops connections mid-body,
answers 503 with Retry-After and 429, cuts bodies short and ignores ranges on request.
"""

from __future__ import annotations

import random
import socket

import fsspec
import pytest
from fsspec.implementations.local import LocalFileSystem

from corpuskit.crawl.retry import RetryPolicy
from corpuskit.errors import ConfigError, InputError
from corpuskit.extract.shards import file_size, plan_shards
from corpuskit.extract.warc import RecordReader
from corpuskit.readers import open_binary
from corpuskit.stream import (
    ResumableFile,
    StreamError,
    collect_counters,
    open_remote,
    remote_size,
    stream_policy,
)
from corpuskit.stream.fs import FsspecSource
from tests.httpserver import Fault, FaultServer
from tests.warcs import article_html, english_paragraphs, request, response, warcinfo, write_warc

DATA = random.Random(7).randbytes(3_000_000)  # larger than the 1 MiB read-ahead


class Sleeps(list):
    """Records the waits instead of sleeping: the policy's numbers, seen exactly."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


@pytest.fixture()
def server():
    with FaultServer({"f.bin": DATA}) as srv:
        yield srv


@pytest.fixture(autouse=True)
def _fast_retries(monkeypatch):
    monkeypatch.setenv("CORPUSKIT_STREAM_RETRIES", "3")
    monkeypatch.setenv("CORPUSKIT_STREAM_BACKOFF_BASE", "0.001")
    monkeypatch.setenv("CORPUSKIT_STREAM_BACKOFF_MAX", "0.01")


def test_every_fault_is_retried_and_resumed_at_the_exact_byte(server):
    server.add_faults(
        "f.bin",
        Fault("status", 503, retry_after="0"),
        Fault("drop", fraction=0.4),
        Fault("status", 429),
        Fault("short", fraction=0.5),
    )
    with collect_counters() as total, open_remote(server.url("f.bin")) as fh:
        assert fh.read() == DATA
    assert fh.counters == total
    assert total == {
        "requests": 5,
        "bytes": len(DATA),
        "retries": 4,
        "resumes": 2,
        "range_ignored": 0,
    }
    log = server.requests_for("f.bin")
    assert [e.status for e in log] == [503, 206, 429, 206, 206]
    # Resumes start where the broken bodies stopped, and only for the same version.
    resumed = [e for e in log[2:]]
    etag = resumed[0].if_range
    assert etag and all(e.if_range == etag for e in resumed)
    assert all(e.range != "bytes=0-" for e in resumed)
    assert server.faults["f.bin"] == []


def test_retry_after_is_a_floor_on_the_wait(server):
    server.add_faults("f.bin", Fault("status", 503, retry_after="7"), Fault("status", 429))
    sleeps = Sleeps()
    policy = RetryPolicy(retries=3, base_delay=0.001, max_delay=30)
    with open_remote(server.url("f.bin"), sleep=sleeps) as fh:
        fh.policy = policy
        assert fh.read(10) == DATA[:10]
    assert sleeps[0] >= 7 and sleeps[1] < 7 and len(sleeps) == 2


def test_small_backward_seeks_are_served_without_a_new_request(server):
    with open_remote(server.url("f.bin")) as fh:
        assert fh.read(2) == DATA[:2]
        assert fh.counters["bytes"] == 64 * 1024  # a probe read fetches 64 KiB, not 1 MiB
        fh.seek(100_000)
        assert fh.read(200_000) == DATA[100_000:300_000]
        fh.seek(150_000)  # back into the window, as a boundary scan does
        assert fh.read(4096) == DATA[150_000:154_096]
        assert fh.tell() == 154_096
        fh.seek(1_500_000)  # less than 2 MiB ahead: read on through the open body
        assert fh.read(10) == DATA[1_500_000:1_500_010]
        fh.seek(-10, 2)
        assert fh.read() == DATA[-10:] and fh.read(5) == b""
        assert fh.counters["requests"] == 1
        fh.seek(0)  # more than 2 MiB back: one more request
        assert fh.read(10) == DATA[:10]
        assert fh.counters["requests"] == 2


def test_a_server_ignoring_ranges_is_read_correctly(server):
    server.add_faults("f.bin", Fault("pass"), Fault("ignore-range"))
    with open_remote(server.url("f.bin")) as fh:
        assert fh.size() == len(DATA)
        fh.seek(2_500_000)
        assert fh.read(1000) == DATA[2_500_000:2_501_000]
    assert fh.counters["range_ignored"] == 1
    assert [e.status for e in server.requests_for("f.bin")] == [206, 200]


def test_a_file_changed_upstream_is_an_error_not_a_splice(server):
    server.add_faults("f.bin", Fault("drop", fraction=0.5))
    with open_remote(server.url("f.bin")) as fh:
        assert fh.read(1000) == DATA[:1000]
        server.files["f.bin"] = DATA[::-1]
        with pytest.raises(StreamError, match="changed upstream"):
            fh.read()
    assert server.requests_for("f.bin")[-1].status == 200  # If-Range said: not the same file


def test_not_found_fails_at_once_with_a_clear_message(server):
    with pytest.raises(StreamError, match=r"cannot read http://.*/nope.warc.gz: HTTP 404"):
        remote_size(server.url("nope.warc.gz"))
    assert len(server.requests_for("nope.warc.gz")) == 1
    with pytest.raises(InputError, match="HTTP 404 Not Found: the file is not there"):
        file_size(server.url("nope.warc.gz"))


def test_an_unreachable_server_gives_up_after_the_retries():
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(StreamError, match=r"at byte 0: ConnectionRefusedError.*gave up after 4"):
        remote_size(f"http://127.0.0.1:{port}/a.warc.gz")


def test_giving_up_mid_stream_raises_instead_of_ending_quietly(server):
    server.add_faults("f.bin", *[Fault("drop", fraction=0.5)] + [Fault("status", 503)] * 9)
    with open_remote(server.url("f.bin")) as fh, pytest.raises(StreamError, match="gave up"):
        fh.read()


def test_sizes_and_settings(server, monkeypatch):
    assert remote_size(server.url("f.bin")) == len(DATA)
    assert server.requests_for("f.bin")[0].range == "bytes=0-0"
    assert stream_policy() == RetryPolicy(retries=3, base_delay=0.001, max_delay=0.01)
    monkeypatch.setenv("CORPUSKIT_STREAM_RETRIES", "many")
    with pytest.raises(ConfigError, match=r"\$CORPUSKIT_STREAM_RETRIES='many' is not a valid int"):
        stream_policy()


def test_open_binary_streams_urls_and_leaves_local_files_alone(server, tmp_path):
    with open_binary(server.url("f.bin")) as fh:
        assert isinstance(fh, ResumableFile) and fh.read(5) == DATA[:5]
    path = tmp_path / "x.bin"
    path.write_bytes(b"local")
    with open_binary(f"file://{path}") as fh:
        assert not isinstance(fh, ResumableFile) and fh.read() == b"local"


# -- WARC records and byte-range shards over HTTP -----------------------------------------


def big_warc(tmp_path):
    records = [warcinfo()]
    for i in range(60):
        url = f"https://site.example/{i}"
        records += [request(url), response(url, article_html(f"S{i}", english_paragraphs(i)))]
    return write_warc(tmp_path / "CC-MAIN-2024-10-00000.warc.gz", records)


def test_remote_byte_range_shards_read_the_same_records_as_local_ones(tmp_path):
    path = big_warc(tmp_path)
    with FaultServer(root=tmp_path) as srv:
        url = srv.url(path.name)
        local = plan_shards([str(path)], 20_000)
        remote = plan_shards([url], 20_000)
        srv.add_faults(path.name, Fault("drop", fraction=0.3), Fault("status", 503))
        assert len(local) > 3
        assert [(s.start, s.end) for s in remote] == [(s.start, s.end) for s in local]

        def records(shards):
            found = []
            for shard in shards:
                reader = RecordReader(shard.path, shard.start, shard.end)
                found += [(o, r.rec_headers.get_header("WARC-Record-ID")) for o, r in reader]
                assert not reader.errors
            return found

        with collect_counters() as counters:
            assert records(remote) == records(local)
        assert counters["retries"] >= 1 and counters["resumes"] >= 1


# -- fsspec files (s3://, gs://, ...) -----------------------------------------------------


class FlakyFS(LocalFileSystem):
    """The local filesystem whose files break after ``break_after`` bytes, ``breaks`` times."""

    protocol = "flaky"

    def __init__(self, breaks: int, break_after: int, **kwargs):
        super().__init__(**kwargs)
        self.breaks = breaks
        self.break_after = break_after
        self.opens = 0

    def _open(self, path, mode="rb", **kwargs):
        handle = super()._open(path, mode, **kwargs)
        self.opens += 1
        if self.breaks <= 0:
            return handle
        self.breaks -= 1
        return _BreakingFile(handle, self.break_after)


class _BreakingFile:
    def __init__(self, handle, after):
        self._handle, self._left = handle, after

    def seek(self, offset, whence=0):
        return self._handle.seek(offset, whence)

    def read(self, size=-1):
        if self._left <= 0:
            raise ConnectionResetError("connection reset by peer")
        data = self._handle.read(min(size, self._left) if size >= 0 else self._left)
        self._left -= len(data)
        return data

    def close(self):
        self._handle.close()


def test_fsspec_files_reopen_at_the_offset_after_a_read_error(tmp_path):
    path = tmp_path / "f.bin"
    path.write_bytes(DATA)
    fs = FlakyFS(breaks=2, break_after=700_000)
    policy = RetryPolicy(retries=2, base_delay=0, max_delay=0)
    with ResumableFile(FsspecSource(fs, str(path), "flaky://f.bin"), "flaky://f.bin", policy) as fh:
        assert fh.read() == DATA
    assert fh.counters["retries"] == 2 and fh.counters["resumes"] == 2 and fs.opens == 3


def test_fsspec_missing_or_changed_objects_fail_clearly(tmp_path):
    fs = fsspec.filesystem("file")
    missing = ResumableFile(
        FsspecSource(fs, str(tmp_path / "no"), "s3://b/no"), "s3://b/no", RetryPolicy()
    )
    with pytest.raises(StreamError, match="not found: check the URL s3://b/no"):
        missing.read(1)
    path = tmp_path / "f.bin"
    path.write_bytes(DATA)
    flaky = FlakyFS(breaks=1, break_after=100_000)
    with ResumableFile(FsspecSource(flaky, str(path), "s3://b/f"), "s3://b/f", RetryPolicy()) as fh:
        assert fh.read(1000) == DATA[:1000]
        path.write_bytes(DATA[:-1])
        with pytest.raises(StreamError, match="the object changed while it was read"):
            fh.read()
