"""``corpuskit crawl``: download Common Crawl files, or crawl a URL list into WARC files.

::

    listing.py    crawl listings (``<kind>.paths.gz``), path selection, ``collinfo.json``
    http.py       one HTTP request with timeouts, used by every downloader
    retry.py      backoff with full jitter, ``Retry-After`` parsing
    ratelimit.py  the request-rate limiter shared by all download threads
    transfer.py   one resumable file download (Range, size check, atomic rename)
    bulk.py       many downloads on a thread pool: markers, manifest, summary
    urls.py       URL lists (plain, TSV/CSV, JSONL) with scores
    robots.py     robots.txt per host, per-host politeness delay
    warcwriter.py rolling gzipped WARC files written with warcio
    webcrawl.py   the URL-list crawler (resumable through a state file)
"""
