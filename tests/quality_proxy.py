"""The quality-classifier proxy from real pages (dev data): main text vs whole-page text.

For each page of ``../shared/devdata/extraction/trafilatura-eval``: the positive is its main
text as trafilatura extracts it, the negative the text of the whole page (boilerplate,
navigation and footers included, ``trafilatura.html2txt``). This is the proxy the issue used
to measure ``models train-quality`` (issue 11): a classifier that learns what separates
article text from page furniture.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

EVAL = Path(__file__).resolve().parents[1] / ".." / "shared" / "devdata" / "extraction"
EVAL = EVAL / "trafilatura-eval"
MIN_CHARS = 200


def available() -> bool:
    return (EVAL / "evaldata.json").is_file()


def write_proxy(root: Path, pages: int | None = None) -> tuple[Path, Path, int]:
    """Write ``positive.jsonl`` and ``negative.jsonl`` under ``root``; returns them and the
    number of pages used (pages whose main text has at least ``MIN_CHARS`` characters)."""
    import trafilatura
    from charset_normalizer import from_bytes

    entries = sorted(json.loads((EVAL / "evaldata.json").read_text()).items())
    positives, negatives = [], []
    for url, entry in entries[:pages]:
        path = EVAL / "html" / f"{entry['file']}.gz"
        if not path.is_file():
            continue
        data = gzip.decompress(path.read_bytes())
        try:
            html = data.decode("utf-8")
        except UnicodeDecodeError:
            html = str(from_bytes(data).best() or "")
        main = trafilatura.extract(html, url=url) or ""
        whole = trafilatura.html2txt(html) or ""
        if len(main) < MIN_CHARS or len(whole) <= len(main):
            continue
        positives.append({"id": f"main:{url}", "text": main})
        negatives.append({"id": f"page:{url}", "text": whole})
    root.mkdir(parents=True, exist_ok=True)
    for name, rows in (("positive", positives), ("negative", negatives)):
        (root / f"{name}.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    return root / "positive.jsonl", root / "negative.jsonl", len(positives)
