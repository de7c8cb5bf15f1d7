"""Write real WARC / WARC.gz files with warcio, for tests.

Build records with the helpers (:func:`response`, :func:`request`, :func:`metadata`,
:func:`warcinfo`, :func:`revisit`, :func:`resource`, :func:`conversion`) and write them with
:func:`write_warc`::

    from tests.warcs import article_html, response, request, write_warc

    write_warc(tmp_path / "a.warc.gz", [
        response("https://example.com/a", article_html("A title", ["First paragraph ..."])),
        request("https://example.com/a"),
    ])

Every record gets a deterministic WARC-Record-ID (``<urn:uuid:...>`` derived from its type,
URI and body) and WARC-Date unless given, so two files written from the same records are
byte-identical.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import uuid
from collections.abc import Iterable
from pathlib import Path

DEFAULT_DATE = "2024-02-20T10:15:30Z"


@dataclasses.dataclass
class Record:
    """One WARC record to write. ``http_status`` None means no HTTP header block."""

    kind: str
    uri: str
    body: bytes = b""
    http_status: int | None = None
    http_headers: tuple[tuple[str, str], ...] = ()
    content_type: str = ""  # WARC Content-Type for records without HTTP headers
    date: str = DEFAULT_DATE
    record_id: str | None = None
    extra_headers: tuple[tuple[str, str], ...] = ()

    def id(self) -> str:
        if self.record_id:
            return self.record_id
        digest = hashlib.sha1(f"{self.kind}\x00{self.uri}\x00".encode() + self.body).digest()
        return f"<urn:uuid:{uuid.UUID(bytes=digest[:16])}>"


def _as_bytes(body: str | bytes, charset: str = "utf-8") -> bytes:
    return body.encode(charset) if isinstance(body, str) else body


REASONS = {200: "OK", 301: "Moved Permanently", 404: "Not Found", 500: "Internal Server Error"}


def response(
    uri: str,
    body: str | bytes,
    *,
    status: int = 200,
    content_type: str | None = "text/html; charset=utf-8",
    charset: str = "utf-8",
    headers: Iterable[tuple[str, str]] = (),
    date: str = DEFAULT_DATE,
    record_id: str | None = None,
) -> Record:
    """An HTTP ``response`` record; a str body is encoded with ``charset``.

    ``content_type=None`` leaves the HTTP Content-Type header out.
    """
    http_headers = []
    if content_type is not None:
        http_headers.append(("Content-Type", content_type))
    http_headers.extend(headers)
    return Record(
        "response",
        uri,
        _as_bytes(body, charset),
        http_status=status,
        http_headers=tuple(http_headers),
        date=date,
        record_id=record_id,
    )


def request(uri: str, date: str = DEFAULT_DATE) -> Record:
    """An HTTP GET ``request`` record."""
    return Record("request", uri, b"", http_status=0, date=date)


def metadata(uri: str, text: str = "fetchTimeMs: 120\n", date: str = DEFAULT_DATE) -> Record:
    """A ``metadata`` record (application/warc-fields), as Common Crawl writes after responses."""
    return Record("metadata", uri, text.encode(), content_type="application/warc-fields", date=date)


def warcinfo(filename: str = "test.warc.gz", date: str = DEFAULT_DATE) -> Record:
    """A ``warcinfo`` record describing the file."""
    body = f"software: tests/warcs.py\nformat: WARC File Format 1.1\nfilename: {filename}\n"
    return Record("warcinfo", "", body.encode(), content_type="application/warc-fields", date=date)


def revisit(uri: str, date: str = DEFAULT_DATE) -> Record:
    """A ``revisit`` record (identical payload digest) with a 200 HTTP header block."""
    return Record(
        "revisit",
        uri,
        b"",
        http_status=200,
        http_headers=(("Content-Type", "text/html"),),
        date=date,
        extra_headers=(
            ("WARC-Profile", "http://netpreserve.org/warc/1.0/revisit/identical-payload-digest"),
            ("WARC-Refers-To-Target-URI", uri),
            ("WARC-Refers-To-Date", date),
            ("WARC-Payload-Digest", "sha1:3I42H3S6NNFQ2MSVX7XZKYAYSCX5QBYJ"),
        ),
    )


def resource(
    uri: str, body: str | bytes, content_type: str = "text/html; charset=utf-8", **kw
) -> Record:
    """A ``resource`` record: the body without an HTTP header block."""
    return Record("resource", uri, _as_bytes(body), content_type=content_type, **kw)


def conversion(uri: str, text: str, date: str = DEFAULT_DATE, record_id: str | None = None):
    """A WET-style ``conversion`` record carrying plain text."""
    return Record(
        "conversion",
        uri,
        text.encode("utf-8"),
        content_type="text/plain",
        date=date,
        record_id=record_id,
    )


def write_warc(path: str | Path, records: Iterable[Record], gzip: bool | None = None) -> Path:
    """Write ``records`` to ``path`` with warcio; ``gzip`` defaults to ``path`` ending in .gz.

    Compressed files have one gzip member per record, as Common Crawl's do.
    """
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if gzip is None:
        gzip = path.name.endswith(".gz")
    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=gzip, warc_version="1.0")
        for rec in records:
            warc_headers = {"WARC-Date": rec.date, "WARC-Record-ID": rec.id()}
            warc_headers.update(dict(rec.extra_headers))
            http_headers = None
            if rec.http_status == 0:
                http_headers = StatusAndHeaders(
                    "GET / HTTP/1.1", [("Host", "example.com")], is_http_request=True
                )
            elif rec.http_status is not None:
                status = f"{rec.http_status} {REASONS.get(rec.http_status, 'Status')}"
                http_headers = StatusAndHeaders(status, list(rec.http_headers), protocol="HTTP/1.1")
            if rec.kind == "revisit":
                record = writer.create_revisit_record(
                    rec.uri,
                    digest=warc_headers["WARC-Payload-Digest"],
                    refers_to_uri=rec.uri,
                    refers_to_date=rec.date,
                    http_headers=http_headers,
                    warc_headers_dict=warc_headers,
                )
            elif rec.kind == "warcinfo":
                record = writer.create_warc_record(
                    "",
                    "warcinfo",
                    payload=io.BytesIO(rec.body),
                    length=len(rec.body),
                    warc_content_type=rec.content_type,
                    warc_headers_dict=warc_headers,
                )
            else:
                record = writer.create_warc_record(
                    rec.uri,
                    rec.kind,
                    payload=io.BytesIO(rec.body),
                    length=len(rec.body),
                    warc_content_type=rec.content_type if http_headers is None else "",
                    warc_headers_dict=warc_headers,
                    http_headers=http_headers,
                )
            writer.write_record(record)
    return path


# -- realistic pages -----------------------------------------------------------------------

BOILERPLATE_NAV = (
    '<nav class="menu"><ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li>'
    '<li><a href="/sport">Sport</a></li><li><a href="/about">About us</a></li></ul></nav>'
)
BOILERPLATE_COOKIE = (
    '<div id="cookie-banner" class="cookie-consent">We use cookies to improve your experience. '
    '<a href="/privacy">Privacy policy</a> <button>Accept all</button></div>'
)
BOILERPLATE_FOOTER = (
    "<footer><p>Copyright 2024 Example Media Group. All rights reserved.</p>"
    '<a href="/terms">Terms of use</a> <a href="/contact">Contact</a></footer>'
)


def article_html(
    title: str,
    paragraphs: Iterable[str],
    *,
    lang: str = "en",
    meta_charset: str | None = None,
    boilerplate: bool = True,
) -> str:
    """A realistic article page: title, paragraphs, and optional nav/cookie/footer boilerplate."""
    meta = f'<meta charset="{meta_charset}">' if meta_charset else ""
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    parts = [
        f'<!DOCTYPE html><html lang="{lang}"><head>{meta}<title>{title}</title></head><body>',
        BOILERPLATE_NAV if boilerplate else "",
        BOILERPLATE_COOKIE if boilerplate else "",
        f"<main><article><h1>{title}</h1>{body}</article></main>",
        BOILERPLATE_FOOTER if boilerplate else "",
        "</body></html>",
    ]
    return "".join(parts)


def english_paragraphs(seed: int, count: int = 4) -> list[str]:
    """Deterministic, distinct English paragraphs long enough for trafilatura to keep."""
    topics = ["river", "library", "harbour", "orchard", "railway", "observatory", "market"]
    out = []
    for i in range(count):
        topic = topics[(seed + i) % len(topics)]
        out.append(
            f"Paragraph {i} of story {seed}: the {topic} near the old town was busy on Tuesday "
            f"morning, and residents said the change of {seed * 7 + i} years had surprised them. "
            f"Local officials explained that the {topic} would stay open through the winter, "
            "while volunteers continued to record what visitors told them about the place."
        )
    return out


def write_arc(path: str | Path, pages: Iterable[tuple[str, str | bytes]], gzip: bool = False):
    """Write an ARC v1 file (the Internet Archive's pre-WARC format) of HTTP 200 HTML pages.

    ``pages`` are ``(url, html)`` pairs; each record is an HTTP response, as crawlers wrote.
    """
    import gzip as gzip_module

    path = Path(path)
    header_body = b"1 0 tests\nURL IP-address Archive-date Content-type Archive-length\n"
    chunks = [
        b"filedesc://%s 0.0.0.0 20240220101530 text/plain %d\n%s\n"
        % (path.name.encode(), len(header_body), header_body)
    ]
    for url, html in pages:
        body = _as_bytes(html)
        http = (
            b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
            b"Content-Length: %d\r\n\r\n" % len(body)
        ) + body
        line = b"%s 127.0.0.1 20240220101530 text/html %d\n" % (url.encode(), len(http))
        chunks.append(line + http + b"\n")
    with open(path, "wb") as fh:
        for chunk in chunks:
            fh.write(gzip_module.compress(chunk, mtime=0) if gzip else chunk)
    return path
