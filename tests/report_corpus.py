"""A small filtered dataset folder with real filters, for the report and inspect tests.

30 English articles and 15 boilerplate pages (tests/prose.py) on a few domains go through
``corpuskit filter -f gopher_quality -f c4_page`` with ``--keep-rejected``; with
``annotate=True`` the signals are stored first (``--annotate``) and the decisions taken from
them (``--from-signals --keep-signals``), so kept and rejected rows carry ``signals.*``.
"""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from cli.main import cli
from tests.prose import boilerplate_page, english_article

DOMAINS = ("news.example", "blog.example.org", "shop.example.com")
FILTERS = ["-f", "gopher_quality", "-f", "c4_page", "--executor", "local", "--workers", "1"]


def write_inputs(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    rows = [
        {"id": f"article-{i}", "text": english_article(i), "url": f"https://{DOMAINS[i % 3]}/a/{i}"}
        for i in range(30)
    ] + [
        {"id": f"page-{i}", "text": boilerplate_page(i), "url": f"https://{DOMAINS[i % 2]}/p/{i}"}
        for i in range(15)
    ]
    path = folder / "docs.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def invoke(*args):
    result = CliRunner().invoke(cli, [str(a) for a in args])
    assert result.exit_code == 0, result.output
    return result


def make_filtered(tmp_path: Path, annotate: bool = True, keep_rejected: bool = True) -> Path:
    """The output folder of a real filter run on :func:`write_inputs`."""
    docs = write_inputs(tmp_path / "in")
    out = tmp_path / "filtered"
    keep = ["--keep-rejected"] if keep_rejected else []
    if annotate:
        invoke("filter", docs, "-o", tmp_path / "annotated", "--annotate", *FILTERS, "-q")
        invoke(
            "filter",
            tmp_path / "annotated",
            "-o",
            out,
            "--from-signals",
            "--keep-signals",
            *keep,
            *FILTERS,
            "-q",
        )
    else:
        invoke("filter", docs, "-o", out, *keep, *FILTERS, "-q")
    return out
