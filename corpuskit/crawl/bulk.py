"""Download many files on a thread pool: skip finished ones, mark, summarise, never stop early.

Output layout: each file keeps its path under the base URL (``OUT/crawl-data/<CRAWL>/
segments/<SEG>/warc/<FILE>.warc.gz``), so ``corpuskit extract OUT`` finds every file.
A finished file gets the marker ``OUT/_done/<path with '/' as '__'>.json`` (size, sha256,
timings), written after the file's atomic rename; a rerun skips files whose marker and file
(of the recorded size) exist. ``OUT/manifest.json`` lists every finished file and this
run's failures. Downloads are I/O bound, so threads in one process are enough.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path
from typing import Any

from corpuskit.crawl.transfer import (
    TransferFailed,
    TransferOptions,
    download,
    part_path,
    validator_path,
)
from corpuskit.dataset import DONE_DIR, MANIFEST, atomic_write_text
from corpuskit.progress import Progress, log
from corpuskit.report import RunReport


@dataclasses.dataclass(frozen=True)
class FileJob:
    """One file to fetch: its URL and its path under the output folder."""

    url: str
    relpath: str


@dataclasses.dataclass
class BulkReport(RunReport):
    """What a download run did; ``exit_code`` is 1 when any file failed."""

    output: str
    total: int
    skipped: int
    downloaded: int
    failed: list[dict[str, Any]]
    bytes: int
    seconds: float
    retries: dict[str, int]

    def to_json(self) -> dict[str, Any]:
        """The report as the JSON summary printed by ``--json``, with the MB/s."""
        mb_per_s = self.bytes / 1e6 / self.seconds if self.seconds > 0 else 0.0
        return super().to_json() | {"mb_per_s": round(mb_per_s, 2)}


class _Interrupted(Exception):
    """Raised inside a download thread when the run is being stopped (Ctrl-C)."""


class ByteProgress(Progress):
    """Files done out of total, bytes received and the transfer rate, on stderr."""

    def __init__(self, total: int, enabled: bool | None = None):
        super().__init__(total, unit="files", enabled=enabled)
        self._lock = threading.Lock()

    def update(self, n: int = 1, **counts: float) -> None:
        with self._lock:
            super().update(n, **counts)

    def _draw(self, now: float) -> None:
        elapsed = max(now - self.started, 1e-9)
        mb = self.counts.get("bytes", 0) / 1e6
        sys.stderr.write(
            f"\r{self.done}/{self.total} files, {mb:,.1f} MB, {mb / elapsed:,.2f} MB/s, "
            f"{int(self.counts.get('failed', 0))} failed "
        )
        sys.stderr.flush()


def marker_path(output: Path, relpath: str) -> Path:
    """The ``_done`` marker of one file (flat, and never ending in a WARC suffix)."""
    return output / DONE_DIR / (relpath.replace("/", "__") + ".json")


def is_finished(output: Path, job: FileJob) -> bool:
    """True when the marker exists and the file is there with the recorded size."""
    marker = marker_path(output, job.relpath)
    target = output / job.relpath
    if not marker.exists() or not target.exists():
        return False
    try:
        return json.loads(marker.read_text(encoding="utf-8"))["size"] == target.stat().st_size
    except (ValueError, KeyError):
        return False


def download_all(
    jobs: list[FileJob],
    output: Path,
    options: TransferOptions,
    concurrency: int = 4,
    overwrite: bool = False,
    progress: bool | None = None,
) -> BulkReport:
    """Fetch every job not finished yet with ``concurrency`` threads; failures are collected."""
    started = time.monotonic()
    output.mkdir(parents=True, exist_ok=True)
    if overwrite:
        for job in jobs:
            marker_path(output, job.relpath).unlink(missing_ok=True)
            part = part_path(output / job.relpath)
            part.unlink(missing_ok=True)
            validator_path(part).unlink(missing_ok=True)
    todo = [job for job in jobs if not is_finished(output, job)]
    skipped = len(jobs) - len(todo)
    if skipped:
        log(f"crawl: {skipped} of {len(jobs)} files already done, skipping them")
    bar = ByteProgress(len(todo), enabled=progress)
    stop = threading.Event()
    failed: list[dict[str, Any]] = []
    retries: dict[str, int] = {}
    received = [0]

    def on_bytes(n: int) -> None:
        if stop.is_set():
            raise _Interrupted()
        bar.update(0, bytes=n)

    def fetch(job: FileJob) -> dict[str, Any]:
        result = download(job.url, output / job.relpath, options, on_bytes)
        record = {"url": job.url, "path": job.relpath} | dataclasses.asdict(result)
        record["finished_at"] = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
        atomic_write_text(marker_path(output, job.relpath), json.dumps(record, sort_keys=True))
        return record

    # Backoff sleeps wake up at once when the run is stopped.
    options = dataclasses.replace(options, sleep=stop.wait)
    pool = ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="crawl")
    try:
        futures = {pool.submit(fetch, job): job for job in todo}
        for future in as_completed(futures):
            job = futures[future]
            try:
                record = future.result()
            except TransferFailed as exc:
                failed.append({"url": job.url, "path": job.relpath, "error": str(exc)})
                log(f"crawl: failed {job.relpath}: {exc}", level=2)
                bar.update(1, failed=1)
                continue
            received[0] += record["size"] - record["resumed_from"]
            for reason, count in record["retries"].items():
                retries[reason] = retries.get(reason, 0) + count
            bar.update(1)
    except BaseException:
        stop.set()  # makes every running download raise at its next chunk
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    finally:
        pool.shutdown(wait=True)
        bar.close()
    failed.sort(key=lambda f: f["path"])
    return BulkReport(
        output=str(output),
        total=len(jobs),
        skipped=skipped,
        downloaded=len(todo) - len(failed),
        failed=failed,
        bytes=received[0],
        seconds=round(time.monotonic() - started, 3),
        retries=retries,
    )


def finished_files(output: Path) -> list[dict[str, Any]]:
    """Every marker record of the folder (files finished by this run or an earlier one)."""
    folder = output / DONE_DIR
    if not folder.is_dir():
        return []
    records = []
    for marker in sorted(folder.glob("*.json")):
        try:
            records.append(json.loads(marker.read_text(encoding="utf-8")))
        except ValueError:
            continue
    return sorted(records, key=lambda r: r.get("path", ""))


def write_manifest(output: Path, report: BulkReport, settings: dict[str, Any]) -> dict[str, Any]:
    """Write ``OUT/manifest.json``: settings, every finished file, this run's failures, timings."""
    from corpuskit.stage import library_versions

    files = finished_files(output)
    manifest = {
        "stage": "crawl",
        "settings": settings,
        "files": [
            {k: f.get(k) for k in ("path", "url", "size", "sha256", "seconds", "attempts")}
            for f in files
        ],
        "totals": {"files": len(files), "bytes": sum(f.get("size", 0) for f in files)},
        "last_run": report.to_json(),
        "versions": library_versions(),
        "written_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
    }
    atomic_write_text(output / MANIFEST, json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    return manifest
