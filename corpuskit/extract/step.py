"""The ``extract`` step: WARC records of one shard → Documents with main text.

Kept: ``response`` records with HTTP 200 and an HTML content type, ``resource`` records
carrying HTML or plain text, and WET ``conversion`` records (text passed through as is).
Every other record is a counted skip, one counter per reason (:data:`SKIP_REASONS`).
"""

from __future__ import annotations

import codecs
import dataclasses
import hashlib
from typing import Any

from corpuskit.document import Document
from corpuskit.errors import ShardError
from corpuskit.extract.deadline import ExtractionTimeout, time_limit
from corpuskit.extract.decode import Undecodable, decode_body
from corpuskit.extract.html import ExtractorOptions, make_extractor
from corpuskit.extract.language_gate import DEFAULT_FLOOR, LanguageGate, OtherLanguage
from corpuskit.extract.shards import crawl_name
from corpuskit.extract.warc import READ_ERRORS, RecordReader
from corpuskit.registry import Step, register_step
from corpuskit.stream import collect_counters, is_streamed

SKIP_REASONS = (
    "not_response",  # request, metadata, warcinfo records
    "revisit",  # revisit records carry no payload
    "non_200",  # HTTP status other than 200 (redirects, errors)
    "non_html",  # a content type that is neither HTML nor (for resource/conversion) text
    "empty",  # no payload bytes
    "too_large",  # payload larger than --max-page-bytes
    "damaged",  # the payload cannot be read (bad gzip/chunked HTTP encoding)
    "undecodable",  # no declared or detected charset decodes the body cleanly
    "timeout",  # extraction took longer than --timeout
    "extraction_error",  # the extractor raised on this page
    "no_text",  # the extractor found no main text
    "other_language",  # --languages: the page's text is in none of them (language_gate)
)

HTML_TYPES = ("text/html", "application/xhtml+xml", "application/xml+html")
TEXT_TYPES = ("text/plain",)


def _mime(content_type: str | None) -> str:
    return (content_type or "").split(";", 1)[0].strip().lower()


def _looks_like_html(body: bytes) -> bool:
    head = body[:1024].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html")) or b"<html" in head


def utf8_bytes(body: bytes, codec: str) -> bytes | None:
    """The body itself when it is its text's UTF-8 encoding (decoded as UTF-8, no BOM)."""
    return body if codec == "utf-8" and not body.startswith(codecs.BOM_UTF8) else None


def warc_file_name(path: str) -> str:
    """The WARC a record came from, the same whichever copy was read (a local mirror, s3://,
    https://): the path from ``crawl-data/`` on, as Common Crawl's own index names files,
    else the file name. Documents then do not depend on where their WARC was stored."""
    at = path.find("crawl-data/")
    return path[at:] if at >= 0 else path.replace("\\", "/").rsplit("/", 1)[-1]


def _record_id(record, path: str, uri: str | None, body: bytes) -> str:
    """WARC-Record-ID; for ARC files (whose ids warcio invents at random) a content hash."""
    record_id = record.rec_headers.get_header("WARC-Record-ID")
    if record_id and not path.lower().endswith((".arc", ".arc.gz")):
        return record_id
    date = record.rec_headers.get_header("WARC-Date") or ""
    digest = hashlib.sha1(f"{uri}\x00{date}\x00".encode() + body).hexdigest()
    return f"<urn:sha1:{digest}>"


@register_step
class ExtractStep(Step):
    """HTML → main text for every record of a WARC shard (``corpuskit extract``)."""

    name = "extract"

    @dataclasses.dataclass(frozen=True)
    class Params:
        extractor: ExtractorOptions = ExtractorOptions()
        timeout: float = 10.0
        max_page_bytes: int = 2 * 1024 * 1024
        source: str = "web"
        languages: tuple[str, ...] = ()  # language gate: empty = every page is extracted
        language_floor: float = DEFAULT_FLOOR
        lid_model: str = ""  # the fastText lid.176 file; empty = $CORPUSKIT_LID_MODEL or cache

    def setup(self) -> None:
        params = self.params
        gate = None
        if params.languages:
            gate = LanguageGate(params.languages, params.language_floor, params.lid_model)
        self.gate = gate
        self.extractor = make_extractor(params.extractor, gate)

    def run(self, shard, output) -> dict[str, Any]:
        counters: dict[str, Any] = {
            "records": 0,
            "documents": 0,
            "payload_bytes": 0,
            "read_errors": 0,
            "skipped": dict.fromkeys(SKIP_REASONS, 0),
        }
        crawl = crawl_name(shard.path)
        source = f"cc:{crawl}" if crawl else self.params.source
        reader = RecordReader(shard.path, shard.start, shard.end)
        with collect_counters() as stream:
            self._read(reader, shard.path, source, counters, output)
        if is_streamed(shard.path):
            counters["stream"] = stream
        counters["read_errors"] = len(reader.errors)
        if reader.errors:
            counters["errors"] = reader.errors[:5]
            if reader.records == 0:
                raise ShardError(f"nothing could be read: {reader.errors[0]}")
        return counters

    def _read(self, reader, path: str, source: str, counters: dict, output) -> None:
        for offset, record in reader:
            counters["records"] += 1
            try:
                doc, reason = self._document(record, offset, path, source, counters)
            except READ_ERRORS:
                doc, reason = None, "damaged"  # if the record itself is cut, complete() says so
            if not reader.complete(record):
                counters["records"] -= 1  # counted as a read error instead
                break  # the file ends inside this record: never emit half a page
            if reason:
                counters["skipped"][reason] += 1
            else:
                counters["documents"] += 1
                output.write(doc)

    def _document(self, record, offset: int, path: str, source: str, counters: dict):
        kind = record.rec_type
        if kind == "revisit":
            return None, "revisit"
        if kind not in ("response", "resource", "conversion"):
            return None, "not_response"
        if kind == "response":
            http = record.http_headers
            if http is None:
                return None, "not_response"
            status = http.get_statuscode()
            if status != "200":
                return None, "non_200"
            content_type = http.get_header("Content-Type")
        else:
            content_type = record.rec_headers.get_header("Content-Type")
        mime = _mime(content_type)
        is_text = kind != "response" and mime in TEXT_TYPES
        if mime and not is_text and mime not in HTML_TYPES:
            return None, "non_html"  # decided before reading a possibly large binary body
        limit = self.params.max_page_bytes
        body = record.content_stream().read(limit + 1)
        counters["payload_bytes"] += len(body)
        if not body.strip():
            return None, "empty"
        if len(body) > limit:
            return None, "too_large"
        if not mime and not _looks_like_html(body):
            return None, "non_html"  # no declared type: sniffed, as browsers do
        try:
            decoded, codec = decode_body(body, content_type, html=not is_text)
        except Undecodable:
            return None, "undecodable"
        uri = record.rec_headers.get_header("WARC-Target-URI")
        metadata = {
            "warc_file": warc_file_name(path),
            "warc_offset": offset,
            "warc_type": kind,
            "content_type": mime or None,
            "charset": codec,
        }
        if is_text:
            text, title, language = decoded.strip(), None, None
            if self.gate is not None and not self.gate.wants(text):
                return None, "other_language"
        else:
            try:
                with time_limit(self.params.timeout):
                    extracted = self.extractor.extract(decoded, uri, utf8_bytes(body, codec))
            except ExtractionTimeout:
                return None, "timeout"
            except OtherLanguage:
                return None, "other_language"
            except Exception:  # one broken page must not stop the shard; it is counted
                return None, "extraction_error"
            if extracted is None:
                return None, "no_text"
            text, title, language = extracted.text.strip(), extracted.title, extracted.language
        if not text:
            return None, "no_text"
        metadata["title"] = title
        metadata["html_lang"] = language
        doc = Document(
            id=_record_id(record, path, uri, body),
            text=text,
            url=uri,
            timestamp=record.rec_headers.get_header("WARC-Date"),
            source=source,
            metadata=metadata,
        )
        return doc, None
