"""Parse a page once into a small lxml tree that trafilatura can take as is.

Two costs dominate trafilatura on real pages: its XPath pruning rules, evaluated on every
element of the tree, and lxml's Python-level element class lookup for ``lxml.html``, called
each time an element is touched from Python. So the tree is built

* with a C-level class lookup that maps every element to ``HtmlElement`` (the form-specific
  subclasses of ``lxml.html`` are not used by trafilatura), and
* without the subtrees trafilatura deletes with all their content anyway in its tree
  cleaning (navigation, footers, asides, iframes, SVG, buttons, selects, ...: its
  ``MANUALLY_CLEANED`` list), so that its rules walk about 40 % fewer elements on real pages.

``<form>``, ``<figure>`` and ``<math>`` stay: trafilatura keeps a form that holds most of the
page's text, a figure that holds a table, and the text of formulas. So does a forum thread's
JSON-LD, by which trafilatura recognises a forum (see :func:`drop_boilerplate_tags`).
"""

from __future__ import annotations

from functools import cache

# trafilatura's MANUALLY_CLEANED tags minus the three it sometimes keeps (see above).
BOILERPLATE_TAGS = (
    "aside",
    "embed",
    "footer",
    "head",
    "iframe",
    "menu",
    "object",
    "script",
    "applet",
    "audio",
    "canvas",
    "map",
    "picture",
    "svg",
    "video",
    "area",
    "blink",
    "button",
    "datalist",
    "dialog",
    "frame",
    "frameset",
    "fieldset",
    "link",
    "input",
    "label",
    "legend",
    "marquee",
    "menuitem",
    "nav",
    "noindex",
    "noscript",
    "optgroup",
    "option",
    "output",
    "param",
    "progress",
    "rp",
    "rt",
    "rtc",
    "select",
    "source",
    "style",
    "track",
    "textarea",
    "time",
    "use",
)


@cache
def _parser():
    from lxml import etree
    from lxml import html as lxml_html

    # The options of trafilatura's own parser; UTF-8 bytes in, as the page is decoded already.
    parser = lxml_html.HTMLParser(
        encoding="utf-8",
        collect_ids=False,
        default_doctype=False,
        remove_comments=True,
        remove_pis=True,
    )
    parser.set_element_class_lookup(
        etree.ElementDefaultClassLookup(
            element=lxml_html.HtmlElement,
            comment=lxml_html.HtmlComment,
            pi=lxml_html.HtmlProcessingInstruction,
            entity=lxml_html.HtmlEntity,
        )
    )
    return parser


def parse_html(html: str | bytes):
    """The ``<html>`` element of a decoded page (or of its UTF-8 bytes), or None.

    The text goes to lxml as UTF-8 bytes: lxml refuses a ``str`` that starts with an XML
    declaration naming an encoding, and real pages carry one. Lone surrogates (which no
    decoder produces, but a caller might) are replaced rather than raising.
    """
    from lxml import etree
    from lxml import html as lxml_html

    data = html if isinstance(html, bytes) else html.encode("utf-8", "replace")
    if not data.strip():
        return None
    try:
        tree = lxml_html.document_fromstring(data, parser=_parser())
    except (etree.ParserError, ValueError):
        return None
    return tree


def drop_boilerplate_tags(tree) -> None:
    """Delete the :data:`BOILERPLATE_TAGS` subtrees in place; the text after each stays.

    One kind of script survives, moved to the end of the page: schema.org
    ``DiscussionForumPosting`` JSON-LD. trafilatura reads it (before its own cleaning
    deletes every script) to recognise a forum thread, whose posts it then keeps.
    """
    from lxml import etree

    forum_markup = [
        script.text
        for script in tree.iter("script")
        if script.get("type") == "application/ld+json"
        and "DiscussionForumPosting" in (script.text or "")
    ]
    etree.strip_elements(tree, *BOILERPLATE_TAGS, with_tail=False)
    for text in forum_markup:
        etree.SubElement(tree, "script", type="application/ld+json").text = text
