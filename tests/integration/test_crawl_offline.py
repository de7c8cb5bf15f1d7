"""Offline and failing hosts: what cannot heal fails at once, what can is retried out loud.

An unresolvable host uses the ``.invalid`` top-level domain (RFC 6761 §6.4: never resolves),
so no request can reach anything; the other faults come from the fault-injecting server on
127.0.0.1 (tests/httpserver.py) and from a TLS server on 127.0.0.1 with a self-signed
certificate, made here with the openssl command.
"""

from __future__ import annotations

import json
import re
import shutil
import socket
import ssl
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli.main import cli
from corpuskit.crawl.retry import (
    PermanentError,
    RetryableError,
    RetryPolicy,
    TransferFailed,
    permanent_reason,
    with_retries,
)
from tests.httpserver import CRAWL, Fault, FaultServer, common_crawl_files

ROOT = Path(__file__).resolve().parents[2]
OFFLINE_HOST = "corpuskit-offline-test.invalid"
RETRY_LINE = re.compile(
    r"crawl: \d\d:\d\d:\d\d (?P<url>\S+): (?P<why>.+); retry (?P<n>\d+) of (?P<of>\d+), "
    r"next attempt in (?P<wait>[\d.]+) s"
)
LISTING = f"crawl-data/{CRAWL}/warc.paths.gz"
QUICK = ["--max-rps", "1000", "--backoff-base", "0.05", "--backoff-max", "0.1"]


def resolution_seconds() -> float:
    """How long this machine's resolver takes to say the offline host does not exist."""
    started = time.monotonic()
    with pytest.raises(socket.gaierror):
        socket.getaddrinfo(OFFLINE_HOST, 80)
    return time.monotonic() - started


def corpuskit(*args: str) -> tuple[subprocess.CompletedProcess, float]:
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", "corpuskit", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    return result, time.monotonic() - started


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    found = common_crawl_files(tmp_path_factory.mktemp("cc"), n_files=1)
    found["collinfo.json"] = json.dumps([{"id": CRAWL, "name": "Test Index"}]).encode()
    return found


@pytest.fixture()
def server(files):
    with FaultServer(files) as srv:
        yield srv


def invoke(*args):
    return CliRunner().invoke(cli, ["crawl", *args])


def test_list_crawls_offline_fails_at_once_naming_the_fix():
    """The default retry settings (10 retries, up to 60 s apart) must not apply to DNS."""
    lookup = resolution_seconds()
    url = f"https://{OFFLINE_HOST}/collinfo.json"
    result, seconds = corpuskit("crawl", "--list-crawls", "-v", "--collinfo-url", url)
    assert result.returncode == 2, result.stderr
    assert seconds < 5 + lookup, f"took {seconds:.1f} s"
    assert f"cannot resolve host '{OFFLINE_HOST}'" in result.stderr
    assert "offline or has no DNS" in result.stderr and "check the network" in result.stderr
    assert "retry" not in result.stderr and "gave up" not in result.stderr
    assert result.stdout == ""


def test_downloads_from_an_unresolvable_host_fail_at_once_and_are_listed(tmp_path):
    lookup = resolution_seconds()
    paths = tmp_path / "warc.paths"
    paths.write_text("crawl-data/X/a.warc.gz\ncrawl-data/X/b.warc.gz\n", encoding="utf-8")
    base = f"http://{OFFLINE_HOST}/"
    args = ["crawl", "--paths-file", str(paths), "--base-url", base, "-o", str(tmp_path / "o")]
    result, seconds = corpuskit(*args)
    assert result.returncode == 1, result.stderr
    assert seconds < 5 + 2 * lookup, f"took {seconds:.1f} s"
    assert "2 failed" in result.stderr
    assert result.stderr.count(f"cannot resolve host '{OFFLINE_HOST}'") == 2
    assert not list((tmp_path / "o").rglob("*.warc.gz"))


def test_transient_faults_are_retried_and_each_retry_is_logged(server, tmp_path):
    server.add_faults(LISTING, Fault("status", 503), Fault("status", 429, retry_after="0"))
    result = invoke(CRAWL, "-o", str(tmp_path), "--base-url", server.url(), *QUICK)
    assert result.exit_code == 0, result.stderr
    retries = [RETRY_LINE.search(line) for line in result.stderr.splitlines()]
    retries = [m for m in retries if m]
    assert [m["why"] for m in retries] == [
        "HTTP 503: Service Unavailable",
        "HTTP 429: Too Many Requests",
    ]
    assert [m["n"] for m in retries] == ["1", "2"] and {m["of"] for m in retries} == {"10"}
    assert all(m["url"] == server.url(LISTING) for m in retries)
    assert all(float(m["wait"]) <= 0.1 for m in retries)
    assert len(server.requests_for(LISTING)) == 3


def test_408_is_retried_but_403_fails_at_once_with_the_fix(server, tmp_path):
    server.add_faults(LISTING, Fault("status", 408))
    result = invoke(CRAWL, "-o", str(tmp_path / "a"), "--base-url", server.url(), *QUICK)
    assert result.exit_code == 0, result.stderr
    assert "HTTP 408" in result.stderr and "retry 1 of 10" in result.stderr
    server.add_faults(LISTING, Fault("status", 403))
    result = invoke(CRAWL, "-o", str(tmp_path / "b"), "--base-url", server.url(), *QUICK)
    assert result.exit_code == 2
    assert "HTTP 403 Forbidden (access denied, retrying cannot help" in result.stderr
    assert "retry" not in result.stderr.replace("retrying cannot help", "")
    assert len(server.requests_for(LISTING)) == 3  # 408, then 200, then one 403


def test_the_total_wait_is_bounded_by_max_wait(server, tmp_path):
    """A server that keeps asking for 1 s: with --max-wait 2.5 the third wait is not made."""
    server.add_faults(LISTING, *[Fault("status", 503, retry_after="1")] * 20)
    started = time.monotonic()
    waits = ["--backoff-base", "0.05", "--backoff-max", "5", "--max-wait", "2.5"]
    result = invoke(CRAWL, "-o", str(tmp_path), "--base-url", server.url(), *waits)
    seconds = time.monotonic() - started
    assert result.exit_code == 2
    assert "gave up after 3 attempts and 2 s of waiting" in result.stderr
    assert "would pass --max-wait 2.5 s" in result.stderr
    assert len(server.requests_for(LISTING)) == 3
    assert 2.0 <= seconds < 20  # two waits of 1 s were made, not ten


@pytest.fixture(scope="module")
def self_signed(tmp_path_factory):
    """A TLS server on 127.0.0.1 whose certificate no CA signed; the client must refuse it."""
    if shutil.which("openssl") is None:
        pytest.skip("the openssl command is needed to make a self-signed certificate")
    folder = tmp_path_factory.mktemp("tls")
    key, cert = folder / "key.pem", folder / "cert.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2"]
        + ["-keyout", str(key), "-out", str(cert), "-subj", "/CN=127.0.0.1"],
        check=True,
        capture_output=True,
        timeout=60,
    )
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    listener.settimeout(0.2)
    stop = threading.Event()
    handshakes: list[int] = []

    def serve():
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            handshakes.append(1)
            conn.settimeout(5)
            try:
                context.wrap_socket(conn, server_side=True).close()
            except (ssl.SSLError, OSError):
                conn.close()  # the client refused the certificate

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield f"https://127.0.0.1:{listener.getsockname()[1]}", handshakes
    stop.set()
    thread.join(timeout=5)
    listener.close()


def test_an_untrusted_certificate_fails_at_once_naming_the_fix(self_signed):
    base, handshakes = self_signed
    before = len(handshakes)
    result = invoke("--list-crawls", "--collinfo-url", f"{base}/collinfo.json", *QUICK)
    assert result.exit_code == 2
    assert "TLS certificate of '127.0.0.1' not trusted" in result.stderr
    assert "ca-certificates" in result.stderr and "SSL_CERT_FILE" in result.stderr
    assert len(handshakes) - before == 1  # no retry


def test_permanent_reasons_and_the_shared_retry_loop():
    assert permanent_reason(socket.gaierror(-2, "Name or service not known"), "http://h.invalid/")
    assert permanent_reason(PermanentError("HTTP 404"), "u") == "HTTP 404"
    for transient in (ConnectionResetError(), TimeoutError(), RetryableError("HTTP 503: x")):
        assert permanent_reason(transient, "u") is None
    calls, sleeps = [], []

    def flaky():
        calls.append(1)
        if len(calls) < 3:
            raise ConnectionResetError("reset")
        return "body"

    policy = RetryPolicy(5, 0.001, 0.01)  # positional, as callers write it
    assert policy.max_wait == 300.0
    assert with_retries(flaky, "u", policy, sleep=sleeps.append) == ("body", 3)
    assert len(sleeps) == 2
    with pytest.raises(TransferFailed) as failed:
        with_retries(lambda: (_ for _ in ()).throw(socket.gaierror(-2, "x")), "http://h/", policy)
    assert failed.value.permanent and failed.value.attempts == 1


def test_a_url_list_offline_fails_each_url_and_records_none(tmp_path):
    """Not "robots.txt disallows": that would be recorded as done and never fetched again."""
    lookup = resolution_seconds()
    urls = tmp_path / "urls.txt"
    urls.write_text(f"http://{OFFLINE_HOST}/a\nhttp://{OFFLINE_HOST}/b\n", encoding="utf-8")
    out = tmp_path / "o"
    result, seconds = corpuskit("crawl", "--urls", str(urls), "-o", str(out), "--host-delay", "0")
    assert result.returncode == 1, result.stderr
    assert seconds < 5 + 2 * lookup, f"took {seconds:.1f} s"
    assert result.stderr.count(f"cannot resolve host '{OFFLINE_HOST}'") == 2
    state = json.loads((out / "crawl_state.json").read_text(encoding="utf-8"))
    assert state["urls"] == {}
