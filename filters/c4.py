"""C4 line rules (cleaner ``c4_lines``) and page rules (filter ``c4_page``).

Source: Raffel et al. 2020 (T5, section 2.2) and the reference code, TensorFlow Datasets
``c4_utils.clean_page``. Each line is stripped and goes through these rules in this order:

1. a whitespace token longer than ``max_word_length`` (1,000) drops the line;
2. Wikipedia citation marks ``[1]``, ``[]``, ``[edit]``, ``[citation needed]`` are removed;
3. a line that does not end with ``. ? ! "`` or ends with ``...`` is dropped (FineWeb turns
   this rule off); we also accept the sentence ends of CJK, Devanagari, Arabic, Urdu and
   Ethiopic (``。！？।؟۔።``), which change nothing for English;
4. a line with fewer than ``min_words_per_line`` words is dropped (code 5, paper 3);
5. ``lorem ipsum`` (lower-cased) drops the PAGE;
6. a line containing ``javascript`` (lower-cased) is dropped;
7. a ``{`` drops the PAGE;
8. a line with a cookie / terms-of-use phrase is dropped.

Then the page is dropped when fewer than ``min_sentences`` sentences remain (code 3, paper 5).
Before all this, C4 drops pages longer than 190,000 characters.

Following that order exactly, ``lorem ipsum`` and ``{`` count only on lines that survived
rules 1-4 (a ``{`` in a line without terminal punctuation does not drop the page), and a line
with both ``javascript`` and ``{`` is only a dropped line. The page rules belong to the filter
``c4_page``, which walks the same line rules on the text it is given; the cleaner ``c4_lines``
never drops a page and passes lorem/``{`` lines through unchanged, so ``c4_page`` gives the
same verdict before or after ``c4_lines``. Only ``too_long`` depends on the position: put
``c4_page`` first so that it measures the raw page, as C4 does.
"""

from __future__ import annotations

import dataclasses
import re

from corpuskit.registry import Cleaner, Filter, register_filter
from filters.text import count_sentences, count_words

SOURCE = "C4: Raffel et al. 2020 (T5) and TFDS c4_utils.clean_page"

CITATION_RE = re.compile(r"\[\d*\]|\[edit\]|\[citation needed\]")
# C4's end marks, plus sentence ends of scripts C4 never saw (no English line ends with them).
END_MARKS = (".", "?", "!", '"', "。", "！", "？", "｡", "।", "॥", "؟", "۔", "።", "፧")
ELLIPSIS = "..."
POLICY_SUBSTRINGS = (
    "terms of use",
    "privacy policy",
    "cookie policy",
    "uses cookies",
    "use of cookies",
    "use cookies",
)

# Verdicts of the line walk.
KEPT = "kept"
LINE_RULES = ("too_long_word", "no_terminal_punctuation", "too_few_words", "javascript", "policy")
LOREM = "lorem_ipsum"
CURLY = "curly_bracket"


@dataclasses.dataclass(frozen=True)
class C4LineParams:
    """The line-rule parameters shared by ``c4_lines`` and ``c4_page`` (code defaults)."""

    max_word_length: int = 1000
    remove_citations: bool = True
    terminal_punctuation: bool = True
    min_words_per_line: int = 5
    drop_javascript_lines: bool = True
    drop_policy_lines: bool = True
    lorem_ipsum: bool = True
    curly_bracket: bool = True


def walk_lines(text: str, params: C4LineParams):
    """Yield ``(verdict, line)`` for every line of ``text``, by the C4 rules in order.

    ``verdict`` is ``"kept"``, one of :data:`LINE_RULES` (line dropped), or
    ``"lorem_ipsum"`` / ``"curly_bracket"`` when that page rule is on (the line would drop
    the page; it is not checked by the later rules). ``line`` is stripped and has its
    citation marks removed.
    """
    max_word = params.max_word_length
    for raw in text.splitlines():
        line = raw.strip()
        if len(line) > max_word and any(len(word) > max_word for word in line.split()):
            yield "too_long_word", line
            continue
        if params.remove_citations and "[" in line:
            line = CITATION_RE.sub("", line)
        if params.terminal_punctuation and (
            not line.endswith(END_MARKS) or line.endswith(ELLIPSIS)
        ):
            yield "no_terminal_punctuation", line
            continue
        if count_words(line) < params.min_words_per_line:
            yield "too_few_words", line
            continue
        lower = line.lower()
        if params.lorem_ipsum and "lorem ipsum" in lower:
            yield LOREM, line
            continue
        if params.drop_javascript_lines and "javascript" in lower:
            yield "javascript", line
            continue
        if params.curly_bracket and "{" in line:
            yield CURLY, line
            continue
        if params.drop_policy_lines and any(phrase in lower for phrase in POLICY_SUBSTRINGS):
            yield "policy", line
            continue
        yield KEPT, line


@register_filter
class C4Lines(Cleaner):
    """C4 line cleaner: keeps the lines that pass rules 1-4, 6 and 8 (see the module doc).

    Lines that would drop the page (``lorem ipsum``, ``{``, when those params are on) are
    kept unchanged for ``c4_page`` to judge. Returns None when no line is left.
    """

    name = "c4_lines"
    reasons = ("empty",)
    source = SOURCE
    Params = C4LineParams

    def clean(self, doc):
        return self.clean_counted(doc)[0]

    def clean_counted(self, doc):
        """``(cleaned document or None, line counters)``."""
        counts = dict.fromkeys(("lines", "lines_kept", *(f"lines_{r}" for r in LINE_RULES)), 0.0)
        kept = []
        for verdict, line in walk_lines(doc.text, self.params):
            counts["lines"] += 1
            if verdict in (KEPT, LOREM, CURLY):
                kept.append(line)
                counts["lines_kept"] += 1
            else:
                counts[f"lines_{verdict}"] += 1
        text = "\n".join(kept).strip()
        if not text:
            return None, counts
        if text == doc.text:
            return doc, counts
        return dataclasses.replace(doc, text=text), counts

    def score(self, doc) -> dict[str, float]:
        return self.clean_counted(doc)[1]

    def decide(self, signals, doc):
        return None if signals.get("lines_kept", 0.0) > 0 else "empty"


@dataclasses.dataclass(frozen=True)
class C4PageParams(C4LineParams):
    """Page rules: length (C4 step 1) and minimum sentences (code 3), plus the line params."""

    max_chars: int = 190_000
    min_sentences: int = 3


@register_filter
class C4Page(Filter):
    """C4 page rules, judged on the lines that pass the C4 line rules.

    Signals: ``chars`` (page length), ``lorem_ipsum_line`` / ``curly_bracket_line`` (1-based
    number of the first line that drops the page, 0 = none), ``sentences`` (sentences in the
    kept lines). When both a lorem and a ``{`` line exist, the earlier one is the reason, as
    the reference stops at the first. ``max_chars=0`` disables the length rule.
    """

    name = "c4_page"
    reasons = ("too_long", "lorem_ipsum", "curly_bracket", "too_few_sentences")
    source = SOURCE
    Params = C4PageParams

    def score(self, doc) -> dict[str, float]:
        lorem_line = curly_line = 0
        sentences = 0
        for number, (verdict, line) in enumerate(walk_lines(doc.text, self.params), start=1):
            if verdict == KEPT:
                sentences += count_sentences(line)
            elif verdict == LOREM and not lorem_line:
                lorem_line = number
            elif verdict == CURLY and not curly_line:
                curly_line = number
        return {
            "chars": float(len(doc.text)),
            "lorem_ipsum_line": float(lorem_line),
            "curly_bracket_line": float(curly_line),
            "sentences": float(sentences),
        }

    def reject_reason(self, doc) -> str | None:
        """Same verdict as ``decide(score(doc))``; stops counting sentences at the minimum."""
        params = self.params
        if params.max_chars and len(doc.text) > params.max_chars:
            return "too_long"
        sentences = 0
        for verdict, line in walk_lines(doc.text, params):
            if verdict == KEPT:
                if sentences < params.min_sentences:
                    sentences += count_sentences(line)
            elif verdict in (LOREM, CURLY):
                return verdict  # the first page rule met in line order
        return "too_few_sentences" if sentences < params.min_sentences else None

    def decide(self, signals, doc):
        params = self.params
        if params.max_chars and signals["chars"] > params.max_chars:
            return "too_long"
        lorem = signals["lorem_ipsum_line"] if params.lorem_ipsum else 0.0
        curly = signals["curly_bracket_line"] if params.curly_bracket else 0.0
        if lorem and (not curly or lorem < curly):
            return "lorem_ipsum"
        if curly:
            return "curly_bracket"
        if signals["sentences"] < params.min_sentences:
            return "too_few_sentences"
        return None
