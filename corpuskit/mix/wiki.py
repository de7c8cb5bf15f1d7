"""A MediaWiki XML dump (``pages-articles.xml`` or ``.xml.bz2``) as plain-text articles.

The dump is streamed with ``xml.etree.ElementTree.iterparse`` and each ``<page>`` is cleared
once read, so memory does not grow with the dump. Kept: pages in the main namespace
(``<ns>0</ns>``) that are neither redirects (a ``<redirect>`` element or ``#REDIRECT`` text)
nor disambiguation pages (a ``{{disambiguation}}``-family template or a title ending in
``(disambiguation)``). Wikitext becomes plain text with mwparserfromhell: templates,
``<ref>`` notes, tables, galleries, comments, file/image and category links and interlanguage
links are removed; other links keep their label; headings stay as their own lines; the
trailing "References", "External links", "See also", "Notes" and "Further reading" sections
are dropped, as in the WikiExtractor-style cleaning used for GPT-3-era Wikipedia text.
File and category links are recognised under the dump's own namespace names (its
``<siteinfo>``), so localised dumps (``Tập tin:``, ``Категория:``) lose them too. What
unbalanced or truncated markup leaves behind is removed afterwards by
:func:`corpuskit.mix.wikiclean.clean_residue`. A dump cut short after complete pages (an
excerpt, an interrupted download) keeps those pages and is counted as ``truncated_dumps``; any
other XML damage is an error naming the file.
"""

from __future__ import annotations

import bz2
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from corpuskit.document import Document
from corpuskit.errors import InputError
from corpuskit.mix.wikiclean import FILE_NAMESPACE_ALIASES, clean_residue

DUMP_SUFFIXES = (".xml", ".xml.bz2")
DISAMBIGUATION_TEMPLATES = {
    "disambiguation",
    "disambig",
    "dab",
    "disamb",
    "hndis",
    "geodis",
    "set index article",
    "surname",
    "given name",
}
DROPPED_TAGS = {
    "ref",
    "table",
    "gallery",
    "math",
    "timeline",
    "references",
    "score",
    "syntaxhighlight",
}
DROPPED_SECTIONS = {
    "references",
    "external links",
    "see also",
    "notes",
    "further reading",
    "bibliography",
}
LINK_PREFIXES_DROPPED = ("file:", "image:", "category:", "media:")
_INTERLANGUAGE = re.compile(r"^:?[a-z]{2,3}(-[a-z]+)?:", re.I)
DROPPED_NAMESPACE_KEYS = {"-2", "6", "14"}  # Media, File, Category
_EOF_ERRORS = (3, 5)  # expat: "no element found", "unclosed token" (the file ends early)


def dump_files(paths: tuple[str, ...]) -> list[str]:
    """The dump files named by ``paths`` (folders: their ``*.xml``/``*.xml.bz2`` files), sorted."""
    files: list[str] = []
    for item in paths:
        path = Path(item)
        if path.is_dir():
            files.extend(str(p) for p in sorted(path.iterdir()) if p.name.endswith(DUMP_SUFFIXES))
        elif path.is_file():
            files.append(str(path))
        else:
            raise InputError(f"dump {item} does not exist")
    return files


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _open_dump(path: str):
    return bz2.open(path, "rb") if path.endswith(".bz2") else open(path, "rb")


def iter_pages(path: str, counters: dict[str, Any] | None = None) -> Iterator[dict[str, Any]]:
    """Raw pages of a dump: title, ns, id, redirect flag, wikitext, the site's base URL and
    the names of its file/media/category namespaces (``dropped_namespaces``)."""
    site: dict[str, Any] = {"base": "", "dropped_namespaces": []}
    pages = 0
    try:
        with _open_dump(path) as stream:
            context = ElementTree.iterparse(stream, events=("start", "end"))
            root = None
            for event, elem in context:
                if root is None:
                    root = elem
                    if _local(elem.tag) != "mediawiki":
                        raise InputError(
                            f"{path}: not a MediaWiki XML dump (root element <{_local(elem.tag)}>)"
                        )
                if event != "end":
                    continue
                name = _local(elem.tag)
                if name == "base" and not site["base"]:
                    site["base"] = (elem.text or "").strip()
                elif name == "namespace" and elem.get("key") in DROPPED_NAMESPACE_KEYS:
                    site["dropped_namespaces"].append((elem.text or "").strip())
                elif name == "page":
                    pages += 1
                    yield _page_fields(elem, site)
                    elem.clear()
                    root.clear()
    except ElementTree.ParseError as exc:
        if pages and exc.code in _EOF_ERRORS and counters is not None:
            counters["truncated_dumps"] = counters.get("truncated_dumps", 0) + 1
            from corpuskit.progress import log

            log(f"{path}: the dump ends early after {pages} complete pages ({exc}); kept them")
            return
        raise InputError(
            f"{path}: malformed MediaWiki XML at line {exc.position[0]}, column {exc.position[1]} "
            f"({exc}): re-download the dump or remove the file"
        ) from exc
    except (OSError, EOFError) as exc:
        raise InputError(f"{path}: cannot read the dump ({exc}): check the file") from exc


def _page_fields(page, site: dict[str, Any]) -> dict[str, Any]:
    fields: dict[str, Any] = {"redirect": False, "text": "", **site}
    for child in page:
        name = _local(child.tag)
        if name in ("title", "ns", "id"):
            fields[name] = (child.text or "").strip()
        elif name == "redirect":
            fields["redirect"] = True
        elif name == "revision":
            for item in child:
                if _local(item.tag) == "text":
                    fields["text"] = item.text or ""
                elif _local(item.tag) == "timestamp":
                    fields["timestamp"] = (item.text or "").strip()
    return fields


def is_disambiguation(title: str, wikicode) -> bool:
    """True for disambiguation pages: a disambiguation-family template or the title suffix."""
    if title.lower().endswith("(disambiguation)"):
        return True
    return any(
        str(t.name).strip().lower() in DISAMBIGUATION_TEMPLATES for t in wikicode.filter_templates()
    )


def wikitext_to_text(wikicode, dropped_namespaces: tuple[str, ...] = ()) -> str:
    """Plain text of parsed wikitext (see the module docstring for what is removed);
    ``dropped_namespaces`` are the dump's own names for its file and category namespaces."""
    from mwparserfromhell.smart_list import SmartList
    from mwparserfromhell.wikicode import Wikicode

    names = (*FILE_NAMESPACE_ALIASES, *dropped_namespaces)
    dropped = LINK_PREFIXES_DROPPED + tuple(n.lower() + ":" for n in names if n)
    nodes = []
    for section in wikicode.get_sections(levels=[2], include_lead=True, flat=False):
        headings = section.filter_headings(recursive=False)
        if headings and str(headings[0].title).strip().lower() in DROPPED_SECTIONS:
            continue
        nodes.extend(section.nodes)
    code = Wikicode(SmartList(nodes))  # the kept sections' own nodes: no second parse
    _prune(code, dropped)
    return clean_residue(code.strip_code(normalize=True, collapse=True), dropped_namespaces)


def _prune(code, dropped: tuple[str, ...]) -> None:
    """Drop templates, comments, dropped tags and file/category/interlanguage links, and turn
    headings into lines, in one walk of the tree (``Wikicode.remove``/``replace`` search from
    the root for every node, which is quadratic on long articles)."""
    from mwparserfromhell.nodes import Comment, Heading, Tag, Template, Text, Wikilink

    kept = []
    for node in code.nodes:
        if isinstance(node, Heading):
            _prune(node.title, dropped)
            kept.append(Text("\n" + node.title.strip_code().strip() + "\n"))
            continue
        if isinstance(node, (Template, Comment)):
            continue
        if isinstance(node, Tag) and str(node.tag).lower() in DROPPED_TAGS:
            continue
        if isinstance(node, Wikilink):
            target = str(node.title).strip().lower().replace("_", " ")
            if target.startswith(dropped) or _INTERLANGUAGE.match(target):
                continue
        for child in node.__children__():
            _prune(child, dropped)
        kept.append(node)
    code.nodes = kept


def iter_articles(path: str, counters: dict[str, Any]) -> Iterator[Document]:
    """Plain-text articles of one dump; ``counters`` gets pages seen and skipped by reason."""
    import mwparserfromhell

    for page in iter_pages(path, counters):
        counters["pages"] = counters.get("pages", 0) + 1
        title = page.get("title", "")
        if page.get("ns", "0") != "0":
            _count_skip(counters, "non_article_namespace")
            continue
        if page["redirect"] or page["text"].lstrip().lower().startswith("#redirect"):
            _count_skip(counters, "redirect")
            continue
        wikicode = mwparserfromhell.parse(page["text"])
        if is_disambiguation(title, wikicode):
            _count_skip(counters, "disambiguation")
            continue
        text = wikitext_to_text(wikicode, tuple(page["dropped_namespaces"]))
        if not text:
            _count_skip(counters, "empty")
            continue
        counters["articles"] = counters.get("articles", 0) + 1
        url = _article_url(page["base"], title)
        yield Document(
            id=f"wikipedia:{page.get('id') or title}",
            text=text,
            url=url,
            timestamp=page.get("timestamp"),
            source="wikipedia",
            metadata={"title": title},
        )


def _count_skip(counters: dict[str, Any], reason: str) -> None:
    skipped = counters.setdefault("skipped", {})
    skipped[reason] = skipped.get(reason, 0) + 1


def _article_url(base: str, title: str) -> str | None:
    from urllib.parse import quote

    if not base or "/wiki/" not in base:
        return None
    return base.split("/wiki/", 1)[0] + "/wiki/" + quote(title.replace(" ", "_"))
