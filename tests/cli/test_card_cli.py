"""`corpuskit card verify|render`: exit codes and messages."""

from __future__ import annotations

import json
import shutil

import pytest
from click.testing import CliRunner

from cli.main import cli
from corpuskit.mix.package import build_package
from tests.corpuskit.mix_helpers import mixture, write_web_folder


@pytest.fixture(scope="module")
def package(tmp_path_factory):
    root = tmp_path_factory.mktemp("card")
    web = write_web_folder(root / "web", per_shard=60)
    out = root / "package"
    build_package(
        mixture(web, total_tokens=20_000, validation="fraction", validation_fraction=0.2), str(out)
    )
    return out


def card(*args):
    return CliRunner().invoke(cli, ["card", *map(str, args)])


def test_verify_an_intact_package(package):
    result = card("verify", package)
    assert result.exit_code == 0, result.output
    assert "OK, 2 shards" in result.stdout and "validation" in result.stdout
    result = card("verify", package, "--json")
    assert json.loads(result.stdout)["ok"] is True


def test_verify_catches_a_flipped_byte(package, tmp_path):
    copy = tmp_path / "pkg"
    shutil.copytree(package, copy)
    shard = copy / "data" / "validation-00000-of-00001.parquet"
    data = bytearray(shard.read_bytes())
    data[100] ^= 0x80
    shard.write_bytes(bytes(data))
    result = card("verify", copy)
    assert result.exit_code == 1
    assert "1 problem(s)" in result.stdout
    assert "problem: data/validation-00000-of-00001.parquet: sha256" in result.stderr


def test_verify_catches_a_missing_shard_an_extra_file_and_a_stale_card(package, tmp_path):
    copy = tmp_path / "pkg"
    shutil.copytree(package, copy)
    (copy / "data" / "train-00000-of-00001.parquet").rename(copy / "data" / "train-extra.parquet")
    card_path = copy / "README.md"
    card_path.write_text(card_path.read_text().replace("num_examples:", "num_examples: 1", 1))
    result = card("verify", copy)
    assert result.exit_code == 1
    for message in (
        "train-00000-of-00001.parquet: missing",
        "train-extra.parquet: not listed",
        "split train: shards hold 0 rows",
        "README.md: split train num_examples",
    ):
        assert message in result.stderr


def test_verify_a_folder_that_is_not_a_package(tmp_path):
    result = card("verify", tmp_path)
    assert result.exit_code == 2
    assert "is not a corpuskit package" in result.stderr


def test_render_rewrites_the_card_and_plots(package, tmp_path):
    copy = tmp_path / "pkg"
    shutil.copytree(package, copy)
    original = (copy / "README.md").read_text()
    (copy / "README.md").unlink()
    shutil.rmtree(copy / "plots")
    result = card("render", copy)
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == str(copy / "README.md")
    assert (copy / "README.md").read_text() == original
    assert (copy / "plots" / "token_shares.png").exists()
    assert card("verify", copy).exit_code == 0
