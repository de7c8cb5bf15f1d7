"""Real-page extraction scoring: trafilatura's evaluation set and its snippet rule.

The set (``../shared/devdata/extraction/trafilatura-eval/``, see devdata's README) holds real
pages, gzipped under ``html/``, and ``evaldata.json``: for each URL the page's file name,
``with`` (snippets the main text must contain) and ``without`` (snippets it must not contain:
navigation, comments, footers).

Scoring, as trafilatura's own ``tests/comparison.py`` does it: per page, each ``with`` snippet
found in the output is a true positive and each one missing a false negative; each
``without`` snippet found is a false positive and each one absent a true negative (an empty
output therefore scores all ``without`` snippets as true negatives). Containment is plain
substring search on the output text. Precision, recall and F1 come from the totals over all
pages, not from per-page means.
"""

from __future__ import annotations

import dataclasses
import gzip
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEV_SET = ROOT.parent / "shared" / "devdata" / "extraction" / "trafilatura-eval"


@dataclasses.dataclass(frozen=True)
class EvalPage:
    """One page of the set: its URL, raw bytes and the snippets it is scored on."""

    url: str
    file: str
    body: bytes
    with_snippets: tuple[str, ...]
    without_snippets: tuple[str, ...]


@dataclasses.dataclass
class Score:
    """Totals of the snippet rule over a set of pages, and the derived P/R/F1."""

    tp: int = 0
    fn: int = 0
    fp: int = 0
    tn: int = 0

    def add(self, text: str | None, with_snippets, without_snippets) -> None:
        """Score one page's output (None counts as empty output)."""
        text = text or ""
        for snippet in with_snippets:
            if snippet in text:
                self.tp += 1
            else:
                self.fn += 1
        for snippet in without_snippets:
            if snippet in text:
                self.fp += 1
            else:
                self.tn += 1

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        denominator = 2 * self.tp + self.fp + self.fn
        return 2 * self.tp / denominator if denominator else 0.0


def dev_set_missing(folder: Path = DEV_SET) -> str | None:
    """Why the dev set cannot be used (a sentence naming the path), or None when it can."""
    if not (folder / "evaldata.json").is_file() or not (folder / "html").is_dir():
        return f"real-page dev set not found at {folder} (needs evaldata.json and html/)"
    return None


def load_pages(folder: Path = DEV_SET, limit: int | None = None) -> list[EvalPage]:
    """The pages of the set in ``evaldata.json`` order (files missing on disk are left out)."""
    entries = json.loads((folder / "evaldata.json").read_text(encoding="utf-8"))
    pages = []
    for url, entry in entries.items():
        path = folder / "html" / (entry["file"] + ".gz")
        if not path.is_file():
            continue
        pages.append(
            EvalPage(
                url=url,
                file=entry["file"],
                body=gzip.decompress(path.read_bytes()),
                with_snippets=tuple(entry.get("with", ())),
                without_snippets=tuple(entry.get("without", ())),
            )
        )
        if limit and len(pages) >= limit:
            break
    return pages
