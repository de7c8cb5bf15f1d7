"""A real S3 endpoint for tests: moto's server on 127.0.0.1, reached through AWS_ENDPOINT_URL.

Clients (s3fs here, botocore underneath) find it the standard way, from the environment, as
they would find MinIO or AWS; subprocesses (CLI runs, dask workers) inherit the variables.
"""

from __future__ import annotations

import socket
import uuid

import pytest

S3_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class S3Endpoint:
    """A running moto server and the environment that points clients at it."""

    def __init__(self):
        from moto.server import ThreadedMotoServer

        self.port = _free_port()
        self.server = ThreadedMotoServer(ip_address="127.0.0.1", port=self.port, verbose=False)
        self.server.start()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {**S3_ENV, "AWS_ENDPOINT_URL": self.url}

    def new_bucket(self) -> str:
        """A fresh empty bucket (one per test, so tests never see each other's objects)."""
        import boto3

        name = f"test-{uuid.uuid4().hex[:12]}"
        client = boto3.client("s3", endpoint_url=self.url, **_credentials())
        client.create_bucket(Bucket=name)
        return name

    def stop(self) -> None:
        self.server.stop()


def _credentials() -> dict[str, str]:
    return {
        "aws_access_key_id": S3_ENV["AWS_ACCESS_KEY_ID"],
        "aws_secret_access_key": S3_ENV["AWS_SECRET_ACCESS_KEY"],
        "region_name": S3_ENV["AWS_DEFAULT_REGION"],
    }


@pytest.fixture(scope="session")
def s3_endpoint():
    endpoint = S3Endpoint()
    try:
        yield endpoint
    finally:
        endpoint.stop()


@pytest.fixture
def s3_bucket(s3_endpoint, monkeypatch):
    """``s3://<bucket>`` of a fresh bucket, with the environment pointing at the test server."""
    for key, value in s3_endpoint.env.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    from corpuskit import storage

    storage.configure(None)
    yield f"s3://{s3_endpoint.new_bucket()}"
    storage.configure(None)
