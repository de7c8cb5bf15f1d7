"""Turn an HTTP body into text without silent mojibake.

Order, as browsers do it (WHATWG Encoding standard, "determine the character encoding"):
1. a byte-order mark;
2. the charset of the HTTP ``Content-Type`` header;
3. a ``<meta charset>`` or ``<meta http-equiv="Content-Type">`` in the first 4 KiB;
4. UTF-8 if the body is valid UTF-8, else detection with charset-normalizer.

One exception to the order: when the HTTP header says windows-1252/iso-8859-1 (a common
server default) and the page's meta names another charset, the meta is tried first.

Each candidate must decode the whole body *strictly*; a label that fails falls through to
the next candidate. Labels are mapped as the WHATWG standard maps them (``iso-8859-1`` and
``ascii`` mean windows-1252, ``gb2312`` means GBK/GB18030). A body that no candidate decodes
cleanly, or that detection cannot place, is undecodable: it is counted, never emitted.
"""

from __future__ import annotations

import codecs
import re

_META_CHARSET = re.compile(
    rb"""<meta[^>]+?charset\s*=\s*["']?\s*([A-Za-z0-9_:.+-]+)""", re.IGNORECASE
)
_HEADER_CHARSET = re.compile(r"""charset\s*=\s*["']?\s*([A-Za-z0-9_:.+-]+)""", re.IGNORECASE)

# WHATWG label aliases whose Python codec differs from the label's own meaning.
_WHATWG_ALIASES = {
    "iso-8859-1": "cp1252",
    "iso8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "l1": "cp1252",
    "us-ascii": "cp1252",
    "ascii": "cp1252",
    "windows-1252": "cp1252",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "gb_2312-80": "gb18030",
    "iso-8859-9": "cp1254",
    "tis-620": "cp874",
    "iso-8859-11": "cp874",
    "ks_c_5601-1987": "cp949",
    "euc-kr": "cp949",
    "shift_jis": "cp932",
    "sjis": "cp932",
    "x-sjis": "cp932",
    "big5": "big5hkscs",
    "utf8": "utf-8",
    "unicode": "utf-16le",
}

_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16le"),
    (codecs.BOM_UTF16_BE, "utf-16be"),
)

# A detection result with more "chaos" than this reads as garbage (charset-normalizer's
# own default threshold is 0.2; pages that reach it are mostly binary or mixed encodings).
MAX_DETECTION_CHAOS = 0.2


def codec_for(label: str | None) -> str | None:
    """The Python codec for a charset label, or None for an unknown label."""
    if not label:
        return None
    label = label.strip().strip("\"'").lower()
    label = _WHATWG_ALIASES.get(label, label)
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def header_charset(content_type: str | None) -> str | None:
    """The ``charset=`` parameter of a Content-Type header value."""
    if not content_type:
        return None
    match = _HEADER_CHARSET.search(content_type)
    return match.group(1) if match else None


def meta_charset(body: bytes) -> str | None:
    """The charset declared by a ``<meta>`` tag in the first 4 KiB of an HTML body."""
    match = _META_CHARSET.search(body[:4096])
    return match.group(1).decode("ascii", "replace") if match else None


class Undecodable(ValueError):
    """No declared or detected charset decodes the body cleanly."""


def decode_body(body: bytes, content_type: str | None = None, html: bool = True) -> tuple[str, str]:
    """``(text, codec)`` for a body; raises :class:`Undecodable` rather than guess badly."""
    for bom, codec in _BOMS:
        if body.startswith(bom):
            return _strict(body[len(bom) :], codec), codec
    tried = set()
    declared = [header_charset(content_type)]
    if html:
        declared.append(meta_charset(body))
        if codec_for(declared[0]) == "cp1252" and codec_for(declared[1]) not in (None, "cp1252"):
            # iso-8859-1 is many servers' default label; the page's own meta is more specific.
            declared.reverse()
    for label in declared:
        codec = codec_for(label)
        if codec and codec not in tried:
            tried.add(codec)
            try:
                return body.decode(codec), codec
            except UnicodeDecodeError:
                continue
    if "utf-8" not in tried:
        try:
            return body.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            pass
    return _detect(body, tried)


def _strict(body: bytes, codec: str) -> str:
    try:
        return body.decode(codec)
    except UnicodeDecodeError as exc:
        raise Undecodable(f"body has a {codec} byte-order mark but is not {codec}") from exc


def _detect(body: bytes, tried: set[str]) -> tuple[str, str]:
    from charset_normalizer import from_bytes

    best = from_bytes(body).best()
    if best is None or best.chaos > MAX_DETECTION_CHAOS:
        raise Undecodable("no charset decodes the body cleanly")
    codec = codec_for(best.encoding) or best.encoding
    try:
        return body.decode(codec), codec
    except (UnicodeDecodeError, LookupError) as exc:
        raise Undecodable(f"detected {codec} does not decode the body") from exc
