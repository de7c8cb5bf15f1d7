"""Word, sentence, line and paragraph splitting that does not assume English.

Rules (shared by every rule-based filter, so all of them count the same way):

- **Words**: whitespace-separated tokens, as ``str.split()`` gives for space-delimited
  scripts (so C4's ``len(line.split())`` is reproduced exactly on English). A text that
  contains a script written without spaces is segmented further: every Han, Hiragana or
  Katakana character is one token; Thai and Lao are cut into syllable-like units (leading
  vowel + consonant + marks + following vowel + final consonant: about 1-1.5 units per
  dictionary word, as no dictionary is used); Khmer and Myanmar into letters with their combining marks. In such
  text, CJK and general punctuation (``。、「」！？“”—``) separate tokens and is never a
  token itself.
- **Sentences**: a sentence ends at ``. ! ? …`` (with closing quotes or brackets) followed by
  whitespace and a token that does not start in lower case, unless the word before the
  period is a known abbreviation or a single letter (an initial); and right after the
  full-width/CJK marks ``。！？｡``, the Devanagari danda ``। ॥``, ``؟ ۔`` (Arabic, Urdu),
  ``። ፧`` (Ethiopic), ``။`` (Myanmar) and ``។`` (Khmer), with or without following space.
  A trailing piece without an end mark is a sentence too (as nltk's punkt counts it).
- **Lines**: ``str.splitlines()`` (the C4 reference) or ``"\\n"`` splits; **paragraphs** are
  separated by blank (whitespace-only) lines, as in Gopher.
"""

from __future__ import annotations

import re
from collections import Counter

# Han (incl. extension A, compatibility, SIP/TIP), Hiragana, Katakana, half-width Katakana.
_CJK = "\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f\U00020000-\U0003134f"
# Thai, Lao, Myanmar, Khmer: letters and their combining marks.
_SEA = "\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff"
_SEA_MARKS = (
    "\u0e31\u0e34-\u0e3a\u0e47-\u0e4e\u0eb1\u0eb4-\u0ebc\u0ec8-\u0ecd"
    "\u102b-\u103e\u1056-\u1059\u105e-\u1060\u1062-\u1064\u1067-\u106d\u1071-\u1074"
    "\u1082-\u108d\u108f\u109a-\u109d\u17b4-\u17d3\u17dd"
)
# A Thai / Lao syllable-like unit: leading vowel, consonant, marks, following vowel, and a
# final consonant when the next letter does not carry a vowel of its own.
_THAI_MARKS = "\u0e31\u0e34-\u0e3a\u0e47-\u0e4e"
_THAI_UNIT = (
    f"[\u0e40-\u0e44]?[\u0e01-\u0e2f][{_THAI_MARKS}]*"
    f"(?:[\u0e30\u0e32\u0e33\u0e45][\u0e47-\u0e4e]*)?"
    f"(?:[\u0e01-\u0e2e](?![{_THAI_MARKS}\u0e30\u0e32\u0e33\u0e45]))?"
)
_LAO_MARKS = "\u0eb1\u0eb4-\u0ebc\u0ec8-\u0ecd"
_LAO_UNIT = (
    f"[\u0ec0-\u0ec4]?[\u0e81-\u0eaf\u0edc-\u0edf][{_LAO_MARKS}]*"
    f"(?:[\u0eb0\u0eb2\u0eb3][\u0ec8-\u0ecd]*)?"
    f"(?:[\u0e81-\u0eae](?![{_LAO_MARKS}\u0eb0\u0eb2\u0eb3]))?"
)
# Separators besides whitespace in text with spaceless scripts: CJK symbols and punctuation,
# full-width and half-width punctuation, general punctuation (quotes, dashes, ellipsis).
_CJK_PUNCT = "\u3000-\u303f\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65\u2000-\u206f"

_WORD_RE = re.compile(
    f"[{_CJK}]|{_THAI_UNIT}|{_LAO_UNIT}|[{_SEA}][{_SEA_MARKS}]*|[^\\s{_CJK}{_SEA}{_CJK_PUNCT}]+",
)
_NO_SPACE_RE = re.compile(f"[{_CJK}{_SEA}]")

# Marks that end a sentence by themselves (no space needed after them).
_CLOSED_ENDS = "。！？｡।॥؟۔።፧။។"
_CLOSERS = "\"'”“’»«)]」』）】》〉"
_OPENERS = "\"'“‘„«(["
_OPEN_ENDS = ".!?…‼⁇⁈⁉"
_ALL_ENDS = _OPEN_ENDS + _CLOSED_ENDS
_MARK_RE = re.compile(f"[{_ALL_ENDS}]")

# Lower-cased words that end with a period without ending a sentence.
ABBREVIATIONS = frozenset(
    "mr mrs ms dr prof sr jr st mt vs etc eg ie al fig figs no nos vol pp cf approx "
    "dept est inc ltd co corp gen col lt sgt rev jan feb mar apr jun jul aug sep sept "
    "oct nov dec z b bzw usw ca evtl ggf hr fr nr mme mlle cie av env p s г ул стр т д".split()
)

# Characters that end a sentence in the scripts above; used by line-ending rules.
TERMINAL_PUNCTUATION = (".", "!", "?", "…", "‼", "⁇", "⁈", "⁉", *_CLOSED_ENDS)


_last_words: tuple[str, list[str]] = ("", [])


def words(text: str) -> list[str]:
    """Tokens of ``text``: whitespace-split, with spaceless scripts split per character.

    The result for the last text seen is reused (several filters of a chain tokenise the
    same document): callers must not modify the returned list.
    """
    global _last_words
    cached_text, cached = _last_words
    if text is cached_text:
        return cached
    if text.isascii() or not _NO_SPACE_RE.search(text):
        tokens = text.split()
    else:
        tokens = _WORD_RE.findall(text)
    _last_words = (text, tokens)
    return tokens


_last_counts: tuple[str, dict[str, int]] = ("", {})


def word_counts(text: str) -> dict[str, int]:
    """Occurrences of each token of :func:`words` (cached for the last text, do not modify)."""
    global _last_counts
    cached_text, cached = _last_counts
    if text is cached_text:
        return cached
    counts = Counter(words(text))
    _last_counts = (text, counts)
    return counts


def count_words(text: str) -> int:
    """``len(words(text))``."""
    return len(words(text))


def sentences(text: str) -> list[str]:
    """Sentences of ``text`` (see the module docstring for the rules), stripped, non-empty."""
    result = []
    start = 0
    consumed = 0
    size = len(text)
    for match in _MARK_RE.finditer(text):
        mark_start = match.start()
        if mark_start < consumed:
            continue  # part of a run already looked at
        end = mark_start + 1
        while end < size and text[end] in _ALL_ENDS:
            end += 1
        run_end = end
        while end < size and text[end] in _CLOSERS:
            end += 1
        consumed = end
        closed = any(ch in _CLOSED_ENDS for ch in text[mark_start:run_end])
        if not closed:
            if end >= size or not text[end].isspace():
                continue
            if not _ends_sentence(text, mark_start, run_end, end):
                continue
        piece = text[start:end].strip()
        if piece:
            result.append(piece)
        start = end
    tail = text[start:].strip()
    if tail:
        result.append(tail)
    return result


def count_sentences(text: str) -> int:
    """``len(sentences(text))``."""
    return len(sentences(text))


def _ends_sentence(text: str, mark_start: int, mark_end: int, end: int) -> bool:
    """Whether the ``.!?`` run at ``mark_start`` ends a sentence (abbreviation and case rules)."""
    following = text[end : end + 16].lstrip()
    if following and following[0].islower():
        return False
    if mark_end - mark_start == 1 and text[mark_start] == ".":
        before = text[max(0, mark_start - 24) : mark_start].rsplit(None, 1)
        word = before[-1].lstrip(_OPENERS) if before else ""
        if word.lower() in ABBREVIATIONS or (len(word) == 1 and word.isalpha()):
            return False
        if "." in word and max(map(len, word.split("."))) <= 2:  # e.g. / U.S. / z.B.
            return False
    return True


def lines(text: str) -> list[str]:
    """Lines as the C4 reference splits them (``str.splitlines()``)."""
    return text.splitlines()


def non_empty_lines(text: str) -> list[str]:
    """``"\\n"``-separated lines, stripped, without the empty ones."""
    return [line for line in (raw.strip() for raw in text.split("\n")) if line]


_PARAGRAPH_BREAK_RE = re.compile(r"\n[ \t\r\f\v]*\n\s*")


def paragraphs(text: str) -> list[str]:
    """Paragraphs separated by one or more blank lines (Gopher), stripped, non-empty."""
    return [p for p in (raw.strip() for raw in _PARAGRAPH_BREAK_RE.split(text)) if p]


def ends_with_terminal_punctuation(line: str) -> bool:
    """Whether the stripped line ends with a sentence-ending mark of any supported script."""
    return line.rstrip().endswith(TERMINAL_PUNCTUATION)
