"""One resumable download against the fault-injecting server: every fault ends byte-identical."""

from __future__ import annotations

import hashlib
import threading
import time

import pytest

from corpuskit.crawl.ratelimit import RateLimiter
from corpuskit.crawl.retry import RetryPolicy, parse_retry_after
from corpuskit.crawl.transfer import (
    TransferFailed,
    TransferOptions,
    download,
    parse_content_range,
    part_path,
    validator_path,
)
from corpuskit.errors import DependencyError
from tests.httpserver import Fault, FaultServer, common_crawl_files

FAST = RetryPolicy(retries=5, base_delay=0.001, max_delay=0.01)


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    return common_crawl_files(tmp_path_factory.mktemp("cc"), n_files=1, padding=400_000)


@pytest.fixture()
def server(files):
    with FaultServer(files) as srv:
        yield srv


def warc_path(files) -> str:
    return next(p for p in files if p.endswith(".warc.gz"))


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def fetch(server, files, tmp_path, policy=FAST, **kw):
    path = warc_path(files)
    dest = tmp_path / "out" / "file.warc.gz"
    result = download(server.url(path), dest, TransferOptions(policy=policy, **kw))
    return path, dest, result


def test_plain_download_is_byte_identical(server, files, tmp_path):
    path, dest, result = fetch(server, files, tmp_path)
    assert dest.read_bytes() == files[path]
    assert result.sha256 == sha(files[path]) and result.size == len(files[path])
    assert result.attempts == 1
    assert not part_path(dest).exists()


def test_short_body_is_resumed_with_a_range_request(server, files, tmp_path):
    path = warc_path(files)
    server.add_faults(path, Fault("short", fraction=0.4))
    _, dest, result = fetch(server, files, tmp_path)
    log = server.requests_for(path)
    assert [e.status for e in log] == [200, 206]
    assert log[1].range == f"bytes={int(len(files[path]) * 0.4)}-"
    assert result.retries == {"short body": 1}
    assert sha(dest.read_bytes()) == sha(files[path])


def test_dropped_connection_is_retried(server, files, tmp_path):
    path = warc_path(files)
    server.add_faults(path, Fault("drop", fraction=0.3), Fault("drop", fraction=0.6))
    _, dest, result = fetch(server, files, tmp_path)
    assert len(server.requests_for(path)) == 3
    assert result.retries == {"connection error": 2}
    assert dest.read_bytes() == files[path]


def test_server_ignoring_range_restarts_cleanly(server, files, tmp_path):
    path = warc_path(files)
    server.add_faults(path, Fault("short", fraction=0.5), Fault("ignore-range"))
    _, dest, result = fetch(server, files, tmp_path)
    log = server.requests_for(path)
    assert log[1].range is not None and log[1].status == 200  # asked for a range, got it all
    assert result.range_ignored == 1
    assert dest.read_bytes() == files[path]


def test_throttling_statuses_are_retried(server, files, tmp_path):
    path = warc_path(files)
    server.add_faults(path, Fault("status", 429), Fault("status", 503), Fault("status", 500))
    _, dest, result = fetch(server, files, tmp_path)
    assert [e.status for e in server.requests_for(path)] == [429, 503, 500, 200]
    assert result.retries == {"HTTP 429": 1, "HTTP 503": 1, "HTTP 500": 1}
    assert dest.read_bytes() == files[path]


def test_retry_after_seconds_is_honoured(server, files, tmp_path):
    path = warc_path(files)
    server.add_faults(path, Fault("status", 503, retry_after="1"))
    policy = RetryPolicy(retries=2, base_delay=0.001, max_delay=5)
    fetch(server, files, tmp_path, policy=policy)
    first, second = server.requests_for(path)
    assert second.time - first.time >= 0.95


def test_every_fault_together_ends_byte_identical_and_never_partial(server, files, tmp_path):
    path = warc_path(files)
    dest = tmp_path / "out" / "file.warc.gz"
    server.add_faults(
        path,
        Fault("status", 503, retry_after="0"),
        Fault("short", fraction=0.2),
        Fault("drop", fraction=0.5),
        Fault("status", 429),
        Fault("ignore-range", fraction=1.0),
    )
    server.throttle[path] = 4_000_000
    seen_sizes: set[int] = set()
    done = threading.Event()

    def watch():  # the final name must never show a partial file
        while not done.is_set():
            if dest.exists():
                seen_sizes.add(dest.stat().st_size)
            time.sleep(0.002)

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        result = download(server.url(path), dest, TransferOptions(policy=FAST))
    finally:
        done.set()
        watcher.join()
    assert seen_sizes <= {len(files[path])}
    assert result.sha256 == sha(files[path])
    assert len(server.requests_for(path)) >= 5


def test_not_found_fails_at_once_without_a_file(server, tmp_path):
    dest = tmp_path / "missing.warc.gz"
    with pytest.raises(TransferFailed, match="HTTP 404") as info:
        download(server.url("nope.warc.gz"), dest, TransferOptions(policy=FAST))
    assert info.value.attempts == 1
    assert not dest.exists()


def test_giving_up_keeps_the_part_file_and_no_final_file(server, files, tmp_path):
    path = warc_path(files)
    server.add_faults(path, *[Fault("short", fraction=0.3)] * 3)
    policy = RetryPolicy(retries=1, base_delay=0.001, max_delay=0.01)
    with pytest.raises(TransferFailed, match="gave up after 2 attempts"):
        fetch(server, files, tmp_path, policy=policy)
    dest = tmp_path / "out" / "file.warc.gz"
    assert not dest.exists()
    assert 0 < part_path(dest).stat().st_size < len(files[path])
    server.faults.clear()
    _, dest, result = fetch(server, files, tmp_path)  # the rerun resumes the part file
    assert result.resumed_from > 0 and dest.read_bytes() == files[path]


def test_fsspec_urls_download_and_resume(files, tmp_path):
    import fsspec

    path = warc_path(files)
    fs = fsspec.filesystem("memory")
    fs.pipe("/cc/" + path, files[path])
    dest = tmp_path / "file.warc.gz"
    part_path(dest).write_bytes(files[path][:1000])
    result = download("memory://cc/" + path, dest, TransferOptions(policy=FAST))
    assert result.resumed_from == 1000
    assert dest.read_bytes() == files[path]
    fs.rm("/cc", recursive=True)


def test_a_store_without_its_backend_names_the_fix(tmp_path):
    # s3fs comes with corpuskit; gcsfs is an extra, not installed for the tests.
    with pytest.raises(DependencyError, match="pip install gcsfs"):
        download("gs://commoncrawl/x.warc.gz", tmp_path / "x", TransferOptions(policy=FAST))


def test_parse_content_range():
    assert parse_content_range("bytes 100-199/1000") == (100, 199, 1000)
    assert parse_content_range("bytes 100-199/*") == (100, 199, None)
    assert parse_content_range("bytes */1000") == (None, None, 1000)
    assert parse_content_range(None) == (None, None, None)


def test_parse_retry_after_seconds_and_http_date():
    assert parse_retry_after("7") == 7.0
    now = 1_700_000_000.0
    assert parse_retry_after("Tue, 14 Nov 2023 22:13:40 GMT", now=now) == pytest.approx(20.0)
    assert parse_retry_after("Tue, 14 Nov 2023 22:13:00 GMT", now=now) == 0.0  # in the past
    assert parse_retry_after("soon") is None and parse_retry_after(None) is None


def test_backoff_is_full_jitter_capped_and_floored_by_retry_after():
    import random

    policy = RetryPolicy(retries=10, base_delay=1.0, max_delay=8.0)
    rng = random.Random(1)
    delays = [policy.delay(5, rng=rng) for _ in range(500)]
    assert max(delays) <= 8.0 and min(delays) < 1.0  # capped at max_delay, jitter down to 0
    assert all(policy.delay(0, retry_after=3.0, rng=rng) >= 3.0 for _ in range(50))
    assert policy.delay(0, retry_after=3600.0, rng=rng) == 8.0


def test_rate_limiter_spaces_requests():
    now = [0.0]
    waits = []

    def sleep(seconds):
        waits.append(seconds)
        now[0] += seconds

    limiter = RateLimiter(4.0, clock=lambda: now[0], sleep=sleep)
    for _ in range(5):
        limiter.acquire()
    assert now[0] == pytest.approx(1.0)  # 5 requests at 4/s: first at 0, last at 1.0
    assert RateLimiter(None).acquire() == 0.0


def test_a_file_changed_upstream_is_fetched_whole_not_spliced(server, files, tmp_path):
    path = warc_path(files)
    server.add_faults(path, Fault("short", fraction=0.5))
    once = RetryPolicy(retries=0, base_delay=0.001, max_delay=0.01)
    with pytest.raises(TransferFailed):
        fetch(server, files, tmp_path, policy=once)
    dest = tmp_path / "out" / "file.warc.gz"
    assert validator_path(part_path(dest)).exists()
    changed = files[path][::-1]
    server.files[path] = changed
    _, dest, result = fetch(server, files, tmp_path)
    first, second = server.requests_for(path)
    assert second.range is not None and second.if_range is not None and second.status == 200
    assert result.range_ignored == 1
    assert dest.read_bytes() == changed
    assert not validator_path(part_path(dest)).exists()


def test_an_unchanged_file_resumes_with_if_range(server, files, tmp_path):
    path = warc_path(files)
    server.add_faults(path, Fault("short", fraction=0.5))
    fetch(server, files, tmp_path)
    first, second = server.requests_for(path)
    assert second.if_range == '"' + hashlib.sha1(files[path]).hexdigest()[:16] + '"'
    assert second.status == 206
