"""Main-text extraction from decoded HTML: trafilatura (default) or resiliparse (fast).

Both extractors return an :class:`Extracted` with the main text, the ``<title>`` and the
language the page declares in ``<html lang>``. The HTML is parsed once per page (twice for
the pages that take trafilatura's second pass, below).

trafilatura's defaults are tuned for recall and run two fallback extractors (readability,
jusText) on every page. corpuskit's default follows FineWeb's choice of precision
(``favor_precision=True``, comments dropped) and runs the fallbacks only where they matter:
first the fast pass (no fallbacks); when it finds less than :data:`FALLBACK_BELOW_CHARS`
characters, the page is extracted again with the fallbacks. On real pages the fallbacks
change the text of about 6 % of pages, nearly all of them pages where the fast pass found
little or nothing; ``--fast`` / ``--no-fast`` force one pass or the other. The tree is
parsed and trimmed by :mod:`corpuskit.extract.tree`, and trafilatura's pruning rules are
recompiled into equivalent, faster XPath by :mod:`corpuskit.extract.xpath_rules`.
``benchmarks/bench_extract.py --real`` measures speed and accuracy on real pages
(``docs/extract.md`` has the figures).
"""

from __future__ import annotations

import dataclasses
import re

from corpuskit.errors import ConfigError, DependencyError
from corpuskit.extract.tree import drop_boilerplate_tags, parse_html

EXTRACTORS = ("trafilatura", "resiliparse")

_INVISIBLE_START = re.compile(r"<(?:(script|style)\b|!--)", re.IGNORECASE)


def strip_invisible(html: str) -> str:
    """Cut ``<script>``/``<style>`` elements and comments out of an HTML string.

    HTML parsing ends them at the first ``</script``, ``</style`` or ``-->`` too, so no
    visible text changes; trafilatura would drop them anyway, after paying to parse and
    walk them (they are often most of a page's bytes). ``str.find`` keeps this linear.
    """
    lower = None
    parts, position = [], 0
    while True:
        match = _INVISIBLE_START.search(html, position)
        if match is None:
            break
        if lower is None:
            lower = html.lower()
        tag = match.group(1)
        if tag:
            close = lower.find(f"</{tag.lower()}", match.end())
            end = lower.find(">", close) + 1 if close >= 0 else 0
        else:
            close = html.find("-->", match.end())
            end = close + 3 if close >= 0 else 0
        parts.append(html[position : match.start()])
        if end <= 0:  # unclosed: the rest of the page is inside it, as a browser sees it
            position = len(html)
            break
        position = end
    if not parts:
        return html
    parts.append(html[position:])
    return "".join(parts)


@dataclasses.dataclass(frozen=True)
class ExtractorOptions:
    """The knobs of the HTML extractors (see ``corpuskit extract --help``)."""

    extractor: str = "trafilatura"
    fast: bool | None = None  # None: fallbacks only when the fast pass finds little text
    favor_precision: bool = True
    favor_recall: bool = False
    include_comments: bool = False
    include_tables: bool = True
    deduplicate: bool = False


@dataclasses.dataclass
class Extracted:
    text: str
    title: str | None
    language: str | None


def _clean_language(value: str | None) -> str | None:
    if not value:
        return None
    value = value.strip().replace("_", "-")
    return value[:35] or None


# Below this many characters from the fast pass, the page is extracted again with trafilatura's
# fallbacks. On the dev set, F1 is flat from 1,000 to 5,000 (the pages the fallbacks fix
# mostly give 0-700 characters in the fast pass); 1,000 is the cheapest end of that plateau.
FALLBACK_BELOW_CHARS = 1000


class TrafilaturaExtractor:
    """trafilatura ``extract`` on a tree parsed once, with reusable options objects.

    Default (``fast=None``): the fast pass on the trimmed tree; when it yields fewer than
    :data:`FALLBACK_BELOW_CHARS` characters and the trimmed tree still holds text, trafilatura
    again with its fallbacks on an untrimmed parse. ``fast=True``/``False``: one pass only.
    """

    def __init__(self, options: ExtractorOptions, gate=None):
        from lxml import etree
        from trafilatura.settings import Extractor, use_config

        from corpuskit.extract import xpath_rules

        xpath_rules.install()  # the same rules, evaluated faster (see xpath_rules)
        # libxml2 2.14 (lxml 6) ends <script>/<style> text where browsers do, so the parser
        # alone keeps markup inside scripts out of the tree; older ones need strip_invisible.
        self.strip_first = etree.LIBXML_VERSION < (2, 14)

        config = use_config()
        # corpuskit enforces its own limit (deadline.time_limit); trafilatura's is for its CLI.
        config.set("DEFAULT", "EXTRACTION_TIMEOUT", "0")

        def settings(fast: bool):
            return Extractor(
                config=config,
                output_format="txt",
                fast=fast,
                precision=options.favor_precision,
                recall=options.favor_recall,
                comments=options.include_comments,
                tables=options.include_tables,
                dedup=options.deduplicate,
            )

        self.fast_pass = settings(True) if options.fast in (True, None) else None
        self.full_pass = settings(False) if options.fast in (False, None) else None
        self.gate = gate  # a LanguageGate, or None

    def extract(
        self, html: str, url: str | None = None, utf8: bytes | None = None
    ) -> Extracted | None:
        """``utf8``: the page's own bytes when they are exactly ``html`` in UTF-8 (no
        byte-order mark), which spares encoding the text again for the parser."""
        from trafilatura import extract
        from trafilatura.utils import load_html

        if self.strip_first:
            source = strip_invisible(html)
        else:
            source = utf8 if utf8 is not None else html.encode("utf-8", "replace")

        def parse():
            tree = parse_html(source)
            if tree is None or len(tree) == 0:  # trafilatura's loader repairs a few broken heads
                tree = load_html(strip_invisible(html))
            return tree

        tree = parse()
        if tree is None:
            return None
        title_element = tree.find(".//title")
        title = title_element.text_content().strip() if title_element is not None else None
        language = _clean_language(tree.get("lang") or tree.get("xml:lang"))
        text = ""
        visible = None  # the trimmed page's text, when something needs it
        if self.fast_pass is not None or self.gate is not None:
            drop_boilerplate_tags(tree)
            if self.gate is not None:
                visible = tree.text_content()
                self.gate.check(visible)  # raises OtherLanguage
        if self.fast_pass is not None:
            self.fast_pass.url = url
            text = extract(tree, options=self.fast_pass) or ""  # trafilatura works on a copy
            if len(text) >= FALLBACK_BELOW_CHARS or self.full_pass is None:
                return Extracted(text, title or None, language)
            if not (tree.text_content() if visible is None else visible).strip():
                # All visible text sat in navigation, footers, forms controls...: a
                # boilerplate-only page, whatever readability would pick out of it.
                return Extracted(text, title or None, language)
            # Parsed again, untrimmed: readability scores the page's own structure (navigation,
            # asides and all); on the dev set that is worth 0.002 F1 over the trimmed tree.
            tree = parse()
        elif self.gate is not None:
            tree = parse()  # --no-fast: the fallbacks read the untrimmed page
        if self.full_pass is not None:
            self.full_pass.url = url
            text = extract(tree, options=self.full_pass) or ""
        return Extracted(text, title or None, language)


def require_resiliparse() -> None:
    """Raise DependencyError (with the fix) when the optional resiliparse is not installed."""
    try:
        import resiliparse.extract.html2text  # noqa: F401
    except ImportError as exc:
        raise DependencyError(
            "--extractor resiliparse needs the resiliparse package: "
            "pip install 'corpuskit[fast]' (or pip install resiliparse)"
        ) from exc


class ResiliparseExtractor:
    """resiliparse's ``extract_plain_text`` with its main-content heuristics (much faster)."""

    def __init__(self, options: ExtractorOptions, gate=None):
        require_resiliparse()
        self.comments = options.include_comments
        self.gate = gate  # a LanguageGate, or None: asked about the extracted text (cheap here)

    def extract(
        self, html: str, url: str | None = None, utf8: bytes | None = None
    ) -> Extracted | None:
        from resiliparse.extract.html2text import extract_plain_text
        from resiliparse.parse.html import HTMLTree

        tree = HTMLTree.parse(html)
        root = tree.document.document_element if tree.document else None
        language = _clean_language(root.getattr("lang") if root is not None else None)
        text = extract_plain_text(
            tree,
            preserve_formatting=True,
            main_content=True,
            list_bullets=True,
            alt_texts=False,
            links=False,
            form_fields=False,
            noscript=False,
            comments=self.comments,
        )
        if self.gate is not None:
            self.gate.check(text)
        return Extracted(text.strip(), (tree.title or "").strip() or None, language)


def check_extractor(options: ExtractorOptions) -> None:
    """Fail early (before any shard runs) on an unknown or unavailable extractor."""
    if options.extractor not in EXTRACTORS:
        raise ConfigError(
            f"unknown extractor {options.extractor!r}: use one of {', '.join(EXTRACTORS)}"
        )
    if options.extractor == "resiliparse":
        require_resiliparse()


def make_extractor(options: ExtractorOptions, gate=None):
    """The extractor named by ``options.extractor``; unknown names are a ConfigError.

    ``gate`` (a :class:`~corpuskit.extract.language_gate.LanguageGate`) makes ``extract``
    raise :class:`~corpuskit.extract.language_gate.OtherLanguage` for pages it rejects.
    """
    if options.extractor == "trafilatura":
        return TrafilaturaExtractor(options, gate)
    if options.extractor == "resiliparse":
        return ResiliparseExtractor(options, gate)
    raise ConfigError(
        f"unknown extractor {options.extractor!r}: use one of {', '.join(EXTRACTORS)}"
    )
