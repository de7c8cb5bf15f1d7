"""Cut Project Gutenberg headers, licences, footers and credit lines from a plain-text book.

Project Gutenberg has framed its texts differently over the years; every form below is
recognised (the shapes are those of the files themselves, from the 1990s "Etext" files to the
current ``*** START OF ...`` ones):

- **start of the text** (the last one found in the first half of the file wins):
  ``*** START OF THE/THIS PROJECT GUTENBERG EBOOK/ETEXT ... ***`` (also without spaces around
  the asterisks), and the end of the old licence block placed *before* the text:
  ``*END*THE SMALL PRINT! FOR PUBLIC DOMAIN ETEXTS*Ver.04.29.93*END*`` and its later spellings;
- **end of the text** (the first one after the start wins): ``*** END OF THE/THIS PROJECT
  GUTENBERG ...``, ``End of (the/this) Project Gutenberg('s) Etext/EBook/E-text of ...``,
  ``End of Project Gutenberg's <title>``, and the old licence block placed *after* the text,
  which opens with ``***START**THE SMALL PRINT!**FOR PUBLIC DOMAIN ...``;
- **no marker at all** (some early Etexts): when the first lines name Project Gutenberg, the
  header is every paragraph up to the last one, within the first ``HEADER_SCAN_LINES`` lines,
  that names Project Gutenberg, Etexts or the small print;
- **credit lines** next to the text: paragraphs within ``CREDIT_SCAN_LINES`` lines of either end
  that start "Produced by", "This etext was prepared by", "E-text prepared by", "Transcribed
  from ... by", "Scanned by" and the like, or that still name Project Gutenberg or its
  proofreading site (pgdp.net).

The ``Title:``/``Author:``/``Language:``/``Release Date:`` header fields are returned too.
"""

from __future__ import annotations

import re

HEADER_SCAN_LINES = 400
CREDIT_SCAN_LINES = 40

_PG = r"PROJECT\s+GUTENBERG(?:-?tm)?(?:'?s)?"
_KIND = r"(?:E-?BOOK|E-?TEXT|WORK)S?"
_START_OF = re.compile(
    r"^[ \t]*\*{3,}[ \t]*START[ \t]*OF[ \t]+(?:THE|THIS)[ \t]+" + _PG + r"[ \t]+" + _KIND + r".*$",
    re.I | re.M,
)
_SMALL_PRINT_END = re.compile(
    r"^[ \t]*\*+[ \t]*END[ \t]*\*?[ \t]*THE[ \t]+SMALL[ \t]+PRINT.*$", re.I | re.M
)
_END_OF = re.compile(
    r"^[ \t]*(?:\*{3,}[ \t]*END[ \t]*OF[ \t]+(?:THE|THIS)[ \t]+" + _PG + r".*"
    r"|(?:The[ \t]+)?End[ \t]+of[ \t]+(?:the[ \t]+|this[ \t]+)?" + _PG + r"\b.*)$",
    re.I | re.M,
)
_SMALL_PRINT_START = re.compile(
    r"^[ \t]*\*+[ \t]*START[ \t]*\**[ \t]*THE[ \t]+SMALL[ \t]+PRINT.*$", re.I | re.M
)
_HEADER_FIELD = re.compile(r"^(Title|Author|Language|Release Date):\s*(.+?)\s*$", re.M)
_HEADER_WORDS = re.compile(r"project\s+gutenberg|\betexts?\b|small\s+print", re.I)
_CREDIT = re.compile(
    r"^\s*(?:(?:this\s+)?(?:e-?text|e-?book|file|edition)\s+(?:was\s+|is\s+)?"
    r"(?:prepared|produced|created|scanned|transcribed|converted|proofread|updated)"
    r"|(?:e-?text\s+)?(?:produced|prepared|scanned|proofread|proofed|digitized|digitised)"
    r"(?:\s+and\s+\w+)?\s+by"
    r"|transcribed\s+(?:by|from)"
    r"|html\s+version\s+by"
    r"|updated\s+editions\s+will\s+replace)",
    re.I,
)
_CREDIT_WORDS = re.compile(r"project\s+gutenberg|gutenberg\.(?:org|net)|pgdp\.net", re.I)


def strip_gutenberg(text: str) -> tuple[str, dict[str, str], bool]:
    """(body, header fields, stripped?) of a book; see the module docstring for the forms."""
    first_end = _END_OF.search(text)
    limit = first_end.start() if first_end else len(text)
    head_end = _header_end(text, limit)
    if head_end is None:
        return text.strip(), {}, False
    fields = {
        m.group(1).lower().replace(" ", "_"): m.group(2)
        for m in _HEADER_FIELD.finditer(text[:head_end])
    }
    body = text[head_end:]
    ends = [m.start() for m in (_END_OF.search(body), _SMALL_PRINT_START.search(body)) if m]
    if ends:
        body = body[: min(ends)]
    return _drop_credits(body).strip(), fields, True


def _header_end(text: str, limit: int) -> int | None:
    """Offset where the book's own text starts (searched before ``limit``, the first end
    marker), or None for a file that is not from Project Gutenberg."""
    start_of = [m.end() for m in _START_OF.finditer(text, 0, limit)]
    small_print = [
        m.end()
        for m in _SMALL_PRINT_END.finditer(text, 0, limit)
        # without an end marker, a small print after the start marker is the trailing licence
        if limit < len(text) or not start_of or m.start() < start_of[0]
    ]
    if start_of or small_print:
        return max(start_of + small_print)
    lines = text[:limit].split("\n")
    if not any(_HEADER_WORDS.search(line) for line in lines[:20]):
        return 0 if limit < len(text) else None  # a footer without a header: keep from the top
    offset, end = 0, None
    for line in lines[:HEADER_SCAN_LINES]:
        offset += len(line) + 1
        if _HEADER_WORDS.search(line) or _HEADER_FIELD.match(line):
            end = offset
    if end is None:
        return None
    blank = text.find("\n\n", end - 1, limit)  # finish the paragraph of the last header line
    return limit if blank < 0 else blank


def _drop_credits(body: str) -> str:
    """Remove credit paragraphs near either end of the body (see the module docstring)."""
    paragraphs = re.split(r"\n[ \t]*\n", body.strip("\n"))
    line_at, lines_before = [], 0
    for paragraph in paragraphs:
        line_at.append(lines_before)
        lines_before += paragraph.count("\n") + 2
    total = lines_before
    kept = []
    for paragraph, first_line in zip(paragraphs, line_at, strict=True):
        near_edge = first_line < CREDIT_SCAN_LINES or total - first_line < CREDIT_SCAN_LINES
        if near_edge and (_CREDIT.match(paragraph) or _CREDIT_WORDS.search(paragraph)):
            continue
        kept.append(paragraph)
    return "\n\n".join(kept)
