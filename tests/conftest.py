"""Test-wide fixtures: no test reaches the internet (only 127.0.0.0/8 and ::1)."""

from __future__ import annotations

import ipaddress
import socket

import pytest

from tests.s3server import s3_bucket, s3_endpoint  # noqa: F401  (fixtures)

_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex


def _is_local(address) -> bool:
    if isinstance(address, (str, bytes)):  # AF_UNIX
        return True
    host = address[0]
    if host in ("localhost", ""):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@pytest.fixture(autouse=True)
def _no_internet(monkeypatch):
    """Refuse any connection that is not to this machine (as cc_net's tests do)."""

    def connect(self, address):
        if not _is_local(address):
            raise OSError(f"test tried to reach the network: {address!r}")
        return _real_connect(self, address)

    def connect_ex(self, address):
        if not _is_local(address):
            raise OSError(f"test tried to reach the network: {address!r}")
        return _real_connect_ex(self, address)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)


@pytest.fixture(autouse=True)
def _normal_verbosity():
    """`-q`/`-v` set a process-wide verbosity; reset it so one test's flags never leak."""
    from corpuskit.progress import set_verbosity

    set_verbosity(1)
    yield
    set_verbosity(1)
