"""Side by side with datatrove 0.10: the FineWeb chain on the same WARC, same worker count.

``make bench-peers`` creates ``benchmarks/.venv-peers`` (datatrove[processing]==0.10.*, spaCy
for its English word tokenizer, lxml_html_clean which trafilatura needs beside lxml 6: without
it every datatrove extraction times out silently) and runs this script with corpuskit's
``.venv``.

The WARC is written here, with warcio, into the work folder (never committed):

* the real pages of the trafilatura evaluation set (``../shared/devdata``, when present), each
  as a ``response`` record with ``Content-Type: text/html`` and Common Crawl's
  ``WARC-Identified-Payload-Type`` header;
* the ``response`` records of ``sample_warcs/`` and ``--generated`` generated article pages
  (``bench_extract.build_warc``), so the run works without devdata too.

Chain (FineWeb): trafilatura favour-precision → fastText lid.176 English > 0.65 → Gopher
repetition → Gopher quality → C4 without the terminal-punctuation rule → FineWeb quality.
corpuskit runs ``corpuskit extract`` then ``corpuskit filter --preset fineweb`` (which also
has FineWeb's URL blocklist first; its drops are shown on their own line), and then the same
chain with the language gate, ``corpuskit extract --languages en`` (the pages it skips count
as ``lang`` drops in its agreement lines). datatrove runs
``benchmarks/peers_datatrove.py`` in the peers venv, one stage per process. Both sides use the
same lid.176 model file.

Printed: per stage and end to end, documents in and out, wall seconds, CPU seconds of all the
processes of the stage, documents per CPU-second (the per-core rate: one datatrove worker
extracts in a sandbox child process and so uses up to two cores), peak RSS of the largest
process, and corpuskit's speed-up in wall and in CPU time; then keep/drop
agreement per filter on the documents both tools extracted (a filter's line counts the
documents that reached it on both sides). ``benchmarks/README.md`` explains the disagreements.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.realpages import dev_set_missing, load_pages  # noqa: E402

PEERS_PYTHON = ROOT / "benchmarks" / ".venv-peers" / "bin" / "python"
CORPUSKIT = ROOT / ".venv" / "bin" / "corpuskit"
LID_MODEL = Path.home() / ".cache" / "corpuskit" / "models" / "lid.176.ftz"

# corpuskit filter name -> datatrove filter (c4_page and c4_lines are datatrove's C4QualityFilter)
FILTER_PAIRS = (
    ("url_blocklist", None),
    ("lang", "lang"),
    ("gopher_repetition", "gopher_repetition"),
    ("gopher_quality", "gopher_quality"),
    ("c4", "c4"),
    ("fineweb_quality", "fineweb_quality"),
)
_CORPUSKIT_STAGE = {"c4_page": "c4", "c4_lines": "c4"}


def write_benchmark_warc(path: Path, generated: int) -> dict[str, int]:
    """The benchmark WARC; returns how many records came from each source."""
    from warcio.archiveiterator import ArchiveIterator
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    from benchmarks.bench_extract import build_warc

    counts = {"dev pages": 0, "sample_warcs": 0, "generated": 0}
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as out:
        writer = WARCWriter(out, gzip=True)

        def add(uri: str, body: bytes, content_type: str, date: str | None = None) -> None:
            http = StatusAndHeaders("200 OK", [("Content-Type", content_type)], protocol="HTTP/1.1")
            headers = {"WARC-Identified-Payload-Type": content_type.split(";")[0].strip()}
            if date:
                headers["WARC-Date"] = date
            record = writer.create_warc_record(
                uri, "response", payload=_stream(body), http_headers=http, warc_headers_dict=headers
            )
            writer.write_record(record)

        if not dev_set_missing():
            for page in load_pages():
                # Some keys of the set are labels ("hard::name"), not URLs; warcio reads HTTP
                # headers only for http(s) targets, so those get a URL made of the file name.
                url = page.url if page.url.startswith(("http://", "https://")) else ""
                url = url.replace(" ", "%20") or f"https://dev.example/{quote(page.file)}"
                add(url, page.body, "text/html")
                counts["dev pages"] += 1
        sources = sorted((ROOT / "sample_warcs").glob("*.warc.gz"))
        generated_path = path.parent / "generated.warc.gz"
        if generated:
            build_warc(generated_path, generated, seed=7)
            sources.append(generated_path)
        for source in sources:
            key = "generated" if source == generated_path else "sample_warcs"
            with open(source, "rb") as fh:
                try:
                    for record in ArchiveIterator(fh):
                        if record.rec_type != "response" or record.http_headers is None:
                            continue
                        if record.http_headers.get_statuscode() != "200":
                            continue
                        content_type = record.http_headers.get_header("Content-Type") or ""
                        if not content_type.startswith("text/html"):
                            continue
                        uri = record.rec_headers.get_header("WARC-Target-URI")
                        add(uri, record.content_stream().read(), content_type)
                        counts[key] += 1
                except Exception:  # noqa: BLE001 - the truncated sample ends early, by design
                    pass
        generated_path.unlink(missing_ok=True)
    return counts


def _stream(body: bytes):
    import io

    return io.BytesIO(body)


def timed(command: list[str], log: Path) -> tuple[float, float, float]:
    """Run ``command``; (wall s, peak RSS MB of its largest process, CPU s of all processes).

    CPU time counts the command and every child it waited for: datatrove extracts in a
    separate sandbox process, so one datatrove worker can keep two cores busy.
    """
    started = time.monotonic()
    with open(log, "wb") as sink:
        process = subprocess.Popen(command, stdout=sink, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(process.pid, 0)
    seconds = time.monotonic() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"failed: {' '.join(command)}; see {log}")
    return seconds, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime


def _jsonl_ids(folder: Path) -> list[str]:
    ids = []
    for path in sorted(folder.glob("*.jsonl")) if folder.is_dir() else []:
        with open(path, encoding="utf-8") as fh:
            ids.extend(json.loads(line)["id"] for line in fh if line.strip())
    return ids


def _parquet_rows(folder: Path, columns: list[str]) -> list[dict]:
    import pyarrow.parquet as pq

    rows = []
    for path in sorted(folder.glob("*.parquet")) if folder.is_dir() else []:
        rows.extend(pq.read_table(path, columns=columns).to_pylist())
    return rows


def run_datatrove(work: Path, warc_dir: Path, workers: int) -> dict:
    out = work / "datatrove"
    script = str(ROOT / "benchmarks" / "peers_datatrove.py")
    base = [str(PEERS_PYTHON), script]
    extract = timed(
        [
            *base,
            "extract",
            "--warc-dir",
            str(warc_dir),
            "--out",
            str(out),
            "--workers",
            str(workers),
        ],
        work / "datatrove-extract.log",
    )
    filt = timed(
        [
            *base,
            "filter",
            "--out",
            str(out),
            "--workers",
            str(workers),
            "--lid-model",
            str(LID_MODEL),
        ],
        work / "datatrove-filter.log",
    )
    read = _jsonl_ids(out / "extracted")
    fate = {doc_id: "kept" for doc_id in _jsonl_ids(out / "kept")}
    for name in ("lang", "gopher_repetition", "gopher_quality", "c4", "fineweb_quality"):
        for doc_id in _jsonl_ids(out / "excluded" / name):
            fate[doc_id] = name
    return {"extract": extract, "filter": filt, "read": read, "extracted": len(read), "fate": fate}


def run_corpuskit(work: Path, warc: Path, workers: int, name: str = "corpuskit", gate=()) -> dict:
    """``corpuskit extract`` (with ``gate``: its extra arguments) then ``filter --preset fineweb``."""
    out = work / name
    common = ["--executor", "local", "--workers", str(workers), "-q"]
    extract = timed(
        [str(CORPUSKIT), "extract", str(warc), "-o", str(out / "extracted"), *gate, *common],
        work / f"{name}-extract.log",
    )
    filt = timed(
        [
            str(CORPUSKIT),
            "filter",
            str(out / "extracted"),
            "-o",
            str(out / "filtered"),
            "--preset",
            "fineweb",
            "--keep-rejected",
            *common,
        ],
        work / f"{name}-filter.log",
    )
    read = [row["id"] for row in _parquet_rows(out / "extracted" / "data", ["id"])]
    fate = {row["id"]: "kept" for row in _parquet_rows(out / "filtered" / "data", ["id"])}
    for row in _parquet_rows(out / "filtered" / "rejected", ["id", "reject.filter"]):
        name = row["reject.filter"]
        fate[row["id"]] = _CORPUSKIT_STAGE.get(name, name)
    return {"extract": extract, "filter": filt, "read": read, "extracted": len(read), "fate": fate}


def as_language_drops(gated: dict, plain: dict) -> dict:
    """The gated run, with the pages its language gate skipped counted as ``lang`` drops.

    Extraction is deterministic, so the pages the plain run extracted and the gated run did
    not are the ones the gate skipped; the chain then judges the same documents as the plain
    run, and agreement is computed over them.
    """
    fate = dict(gated["fate"])
    for doc_id in set(plain["read"]) - set(gated["read"]):
        fate[doc_id] = "lang"
    return {**gated, "read": plain["read"], "fate": fate}


def agreement(ck: dict, dt: dict) -> list[tuple[str, int, int, int, int]]:
    """Per filter: (name, reached both, agree, dropped only by corpuskit, only by datatrove)."""
    shared = set(ck["read"]) & set(dt["read"])
    order = [name for name, _ in FILTER_PAIRS] + ["kept"]
    rank = {name: i for i, name in enumerate(order)}
    rows = []
    for name, _ in FILTER_PAIRS:
        reached = [
            i
            for i in shared
            if rank[ck["fate"].get(i, "kept")] >= rank[name]
            and rank[dt["fate"].get(i, "kept")] >= rank[name]
        ]
        only_ck = sum(1 for i in reached if ck["fate"].get(i) == name and dt["fate"].get(i) != name)
        only_dt = sum(1 for i in reached if dt["fate"].get(i) == name and ck["fate"].get(i) != name)
        rows.append((name, len(reached), len(reached) - only_ck - only_dt, only_ck, only_dt))
    return rows


def run_dedup(work: Path, workers: int) -> dict:
    """MinHash only, FineWeb's settings, each tool on its own extracted documents."""
    dt_out = work / "datatrove"
    dt = timed(
        [
            str(PEERS_PYTHON),
            str(ROOT / "benchmarks" / "peers_datatrove.py"),
            "dedup",
            "--out",
            str(dt_out),
            "--workers",
            str(workers),
        ],
        work / "datatrove-dedup.log",
    )
    ck_out = work / "corpuskit"
    ck = timed(
        [
            str(CORPUSKIT),
            "dedup",
            str(ck_out / "extracted"),
            "-o",
            str(ck_out / "deduped"),
            "--no-exact",
            "--minhash",
            "--ngram",
            "5",
            "--bands",
            "14",
            "--rows",
            "8",
            "--seed",
            "1",
            "--keep-rejected",
            "--executor",
            "local",
            "--workers",
            str(workers),
            "-q",
        ],
        work / "corpuskit-dedup.log",
    )
    ck_removed = {r["id"] for r in _parquet_rows(ck_out / "deduped" / "rejected", ["id"])}
    return {
        "datatrove": dt,
        "corpuskit": ck,
        "dt_removed": set(_jsonl_ids(dt_out / "dedup-removed")),
        "ck_removed": ck_removed,
    }


def report_dedup(dedup: dict, ck: dict, dt: dict, workers: int) -> None:
    print("\nMinHash dedup (5-word shingles, 14 bands x 8 rows), each on its own extraction")
    print(
        f"{'tool':10} {'docs in':>8} {'removed':>8} {'wall s':>8} {'CPU s':>7} "
        f"{'docs/CPU-s':>10} {'peak RSS MB':>11}"
    )
    for tool, run, removed in (
        ("datatrove", dt, dedup["dt_removed"]),
        ("corpuskit", ck, dedup["ck_removed"]),
    ):
        wall, rss, cpu = dedup[tool]
        n_in = len(run["read"])
        print(
            f"{tool:10} {n_in:8d} {len(removed):8d} {wall:8.1f} {cpu:7.1f} "
            f"{n_in / cpu:10.1f} {rss:11.0f}"
        )
    shared = set(ck["read"]) & set(dt["read"])
    both = len(shared & dedup["ck_removed"] & dedup["dt_removed"])
    only_ck = len((shared & dedup["ck_removed"]) - dedup["dt_removed"])
    only_dt = len((shared & dedup["dt_removed"]) - dedup["ck_removed"])
    agree = len(shared) - only_ck - only_dt
    print(
        f"on the {len(shared)} documents both read: removed by both {both}, only corpuskit "
        f"{only_ck}, only datatrove {only_dt}; agreement {100 * agree / max(len(shared), 1):.1f} %"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, default=1, help="workers for both tools")
    parser.add_argument("--generated", type=int, default=200, help="generated pages to add")
    parser.add_argument("--no-dedup", action="store_true", help="skip the MinHash comparison")
    parser.add_argument(
        "--work", type=Path, default=ROOT / "benchmarks" / "results" / "peers", help="scratch"
    )
    args = parser.parse_args()
    if not PEERS_PYTHON.exists():  # `make bench` runs every bench_*.py: skip, do not fail
        print(f"skipped: no datatrove venv at {PEERS_PYTHON}; run `make bench-peers`")
        return
    if not LID_MODEL.exists():
        raise SystemExit(f"no lid.176 model at {LID_MODEL}: run `make models`")
    missing = dev_set_missing()
    if missing:
        print(f"note: {missing}; using generated and sample pages only", file=sys.stderr)
    shutil.rmtree(args.work, ignore_errors=True)
    warc_dir = args.work / "warc"
    warc = warc_dir / "bench-peers.warc.gz"
    counts = write_benchmark_warc(warc, args.generated)
    print(
        f"WARC: {sum(counts.values())} HTML responses ({counts}), "
        f"{warc.stat().st_size / 1e6:.1f} MB; {args.workers} worker(s) each; "
        f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at start",
        file=sys.stderr,
    )
    dt = run_datatrove(args.work, warc_dir, args.workers)
    ck = run_corpuskit(args.work, warc, args.workers)
    gate = ["--languages", "en"]
    gated = run_corpuskit(args.work, warc, args.workers, "corpuskit-gate", gate)
    runs = [
        ("datatrove", dt),
        ("corpuskit", ck),
        ("ck --languages en", as_language_drops(gated, ck)),
    ]
    report(runs, sum(counts.values()))
    if not args.no_dedup:
        report_dedup(run_dedup(args.work, args.workers), ck, dt, args.workers)


def report(runs: list[tuple[str, dict]], records: int) -> None:
    """The stage table (the first run is the base of the ratios), then agreement with it."""

    def kept(run):
        return sum(1 for v in run["fate"].values() if v == "kept")

    print(
        f"{'stage':9} {'tool':18} {'docs in':>8} {'docs out':>8} {'wall s':>8} {'CPU s':>7} "
        f"{'docs/CPU-s':>10} {'peak RSS MB':>11} {'x wall':>7} {'x CPU':>6}"
    )
    rows = []
    for tool, run in runs:
        (e_wall, e_rss, e_cpu), (f_wall, f_rss, f_cpu) = run["extract"], run["filter"]
        rows.append(("extract", tool, records, run["extracted"], e_wall, e_cpu, e_rss))
        rows.append(("filter", tool, run["extracted"], kept(run), f_wall, f_cpu, f_rss))
        total = (e_wall + f_wall, e_cpu + f_cpu, max(e_rss, f_rss))
        rows.append(("end2end", tool, records, kept(run), *total))
    rows.sort(key=lambda row: ("extract", "filter", "end2end").index(row[0]))
    base = {}
    for stage, tool, n_in, out_docs, wall, cpu, rss in rows:
        base.setdefault(stage, (wall, cpu))
        x_wall, x_cpu = base[stage][0] / wall, base[stage][1] / cpu
        print(
            f"{stage:9} {tool:18} {n_in:8d} {out_docs:8d} {wall:8.1f} {cpu:7.1f} "
            f"{n_in / cpu:10.1f} {rss:11.0f} {x_wall:6.2f}x {x_cpu:5.2f}x"
        )
    base_tool, dt = runs[0]
    for tool, ck in runs[1:]:
        shared = set(ck["read"]) & set(dt["read"])
        print(
            f"\n{tool} against {base_tool}; read by both: {len(shared)} ({tool} only "
            f"{len(set(ck['read']) - shared)}, {base_tool} only {len(set(dt['read']) - shared)})"
        )
        print(
            f"{'filter':18} {'reached':>8} {'agree':>6} {'%':>6} {'only ck drops':>13} "
            f"{'only dt':>8}"
        )
        for name, reached, agree, only_ck, only_dt in agreement(ck, dt):
            share = 100 * agree / reached if reached else 100.0
            print(f"{name:18} {reached:8d} {agree:6d} {share:6.1f} {only_ck:13d} {only_dt:8d}")
        final = sum(
            1 for i in shared if (ck["fate"].get(i) == "kept") == (dt["fate"].get(i) == "kept")
        )
        print(
            f"{'final keep/drop':18} {len(shared):8d} {final:6d} "
            f"{100 * final / max(len(shared), 1):6.1f}"
        )


if __name__ == "__main__":
    main()
