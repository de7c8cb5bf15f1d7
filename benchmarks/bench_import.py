"""Benchmark `corpuskit import wikipedia`: pages/s on real article markup.

A dump of N pages is built from the real pages of the dev dumps (``../shared/devdata/wiki``:
English pages heavy in tables and templates, Vietnamese, Bulgarian articles), repeated with
fresh ids and titles; without the dev data, from ``sample_sources/wiki``. Measured:

1. the baseline's best path: ``mix``'s own reader over the raw dump (the source kind
   ``wikipedia``: parse, clean, no writing), pages/s in this process;
2. ``corpuskit import wikipedia --executor local --workers 1``: the same reading plus Parquet
   shards, stats and manifest, pages/s per core (process start included).

    .venv/bin/python benchmarks/bench_import.py                # 3,000 pages
    .venv/bin/python benchmarks/bench_import.py --pages 20000
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEV_WIKI = ROOT / ".." / "shared" / "devdata" / "wiki"
_PAGE = re.compile(r"<page>.*?</page>", re.S)


def real_pages() -> tuple[list[str], str]:
    """The <page> elements of the dev dumps (main namespace), or of the sample dump."""
    import bz2

    dumps = [
        DEV_WIKI / "enwiki-table-markup.xml.bz2",
        DEV_WIKI / "bgwiki-latest-pages-articles-shortened.xml.bz2",
        DEV_WIKI / "viwiki" / "test.xml",
    ]
    if not all(p.is_file() for p in dumps):
        sample = ROOT / "sample_sources" / "wiki" / "samplewiki-pages-articles.xml"
        return _PAGE.findall(sample.read_text()), "sample_sources/wiki (devdata absent)"
    pages = []
    for dump in dumps:
        data = bz2.decompress(dump.read_bytes()) if dump.suffix == ".bz2" else dump.read_bytes()
        text = data.decode("utf-16" if data[:2] in (b"\xff\xfe", b"\xfe\xff") else "utf-8")
        pages += [p for p in _PAGE.findall(text) if "<ns>0</ns>" in p]
    return pages, "dev dumps (en tables/templates, bg, vi)"


def write_dump(path: Path, pages: list[str], count: int) -> None:
    with path.open("w", encoding="utf-8") as fh:
        fh.write('<mediawiki xmlns="http://www.mediawiki.org/xml/export-0.10/">\n')
        fh.write("<siteinfo><base>https://en.wikipedia.org/wiki/Main_Page</base></siteinfo>\n")
        for i in range(count):
            page = pages[i % len(pages)]
            page = re.sub(r"<title>(.*?)</title>", rf"<title>\1 {i}</title>", page, count=1)
            page = re.sub(r"<id>\d+</id>", f"<id>{i + 1}</id>", page, count=1)
            fh.write(page + "\n")
        fh.write("</mediawiki>\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=3000)
    args = parser.parse_args()

    from corpuskit.mix.sources import SourceReader

    pages, origin = real_pages()
    results: dict = {"pages": args.pages, "pages_from": origin}
    with tempfile.TemporaryDirectory() as tmp:
        dump = Path(tmp) / "dump-pages-articles.xml"
        write_dump(dump, pages, args.pages)
        results["dump_mb"] = round(dump.stat().st_size / 1e6, 1)
        reader = SourceReader("wikipedia", "wikipedia", (str(dump),))
        started = time.perf_counter()
        rows = sum(table.num_rows for table in reader.tables())
        seconds = time.perf_counter() - started
        results["baseline_mix_reader"] = {
            "articles": rows,
            "seconds": round(seconds, 2),
            "pages_per_s": round(args.pages / seconds, 1),
        }
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "corpuskit", "import", "wikipedia", str(dump),
             "-o", str(Path(tmp) / "out"), "--executor", "local", "--workers", "1", "-q"],
            check=True,
        )  # fmt: skip
        seconds = time.perf_counter() - started
        manifest = json.loads((Path(tmp) / "out" / "manifest.json").read_text())
        results["import_one_worker"] = {
            "articles": manifest["counters"]["documents"],
            "seconds": round(seconds, 2),
            "pages_per_s_per_core": round(args.pages / seconds, 1),
        }
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
