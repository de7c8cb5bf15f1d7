"""Remove the wiki markup that mwparserfromhell leaves as text when it is unbalanced.

mwparserfromhell parses balanced wikitext into nodes, but markup it cannot close (a ``<ref>``
without ``</ref>``, a template missing its ``}}``, a table cut by a dump excerpt, a link whose
label holds a stray bracket) stays in ``strip_code()`` output as literal text. This pass runs
after the parser, on plain text, in this order (each rule is the plain-text form of what
WikiExtractor, the cleaner behind GPT-3-era Wikipedia text, removes):

1. HTML entities are decoded once (``&nbsp;`` → space, ``&lt;ref&gt;`` → ``<ref>``), so escaped
   markup is cleaned like written markup;
2. ``<ref …>…</ref>`` (across lines), self-closing ``<ref …/>`` and an unclosed ``<ref …>`` up
   to the end of its line are removed;
3. templates ``{{…}}`` are removed innermost first; what stays unbalanced is removed to the end
   of its line;
4. tables ``{|…|}`` are removed whole; any remaining table line (starting ``{|``, ``|}``,
   ``|-``, ``|`` or ``!``) is dropped, which also drops the parameter lines of a broken
   infobox;
5. ``[[target|label]]`` → label, ``[[target]]`` → target, and links into the file, image,
   media and category namespaces (the dump's own names plus common aliases) are removed whole;
   stray ``[[``/``]]`` are removed;
6. external links ``[http://… label]`` → label, bare ``[http://…]`` removed;
7. known HTML tags are removed, keeping the text between them; behaviour switches such as
   ``__NOTOC__`` are removed;
8. runs of spaces are squeezed and three or more newlines become two.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable

FILE_NAMESPACE_ALIASES = (
    "file",
    "image",
    "media",
    "category",
    "tập tin",
    "hình",
    "thể loại",
    "datei",
    "bild",
    "kategorie",
    "fichier",
    "catégorie",
    "archivo",
    "imagen",
    "categoría",
    "файл",
    "изображение",
    "категория",
)
HTML_TAGS = (
    "ref references br span div small big sup sub center font b i u s em strong blockquote poem "
    "nowiki gallery code tt abbr table tr td th p ul ol li dl dt dd hr templatestyles "
    "onlyinclude includeonly noinclude mapframe section timeline math chem score "
    "syntaxhighlight source pre cite del ins mark q var kbd samp wbr caption indicator "
    "imagemap inputbox categorytree graph ruby rt rp bdi"
).split()

_REF_PAIRED = re.compile(r"<ref\b[^>]*(?<!/)>.*?</ref\s*>", re.I | re.S)
_REF_SELF_CLOSING = re.compile(r"<ref\b[^>]*/\s*>", re.I)
_REF_UNCLOSED = re.compile(r"<ref\b[^>\n]*>?[^\n]*", re.I)
_REF_CLOSE = re.compile(r"</ref\s*>", re.I)
_TEMPLATE = re.compile(r"\{\{(?:(?!\{\{|\}\})[^\n]|\n)*?\}\}")
_TEMPLATE_OPEN = re.compile(r"\{\{[^\n]*")
_TABLE = re.compile(r"^\{\|(?:(?!^\{\|).)*?^\|\}[^\n]*$", re.M | re.S)
_TABLE_LINE = re.compile(r"^[ \t]*(?:\{\||\|\}|\|-|\||!)[^\n]*\n?", re.M)
_LINK = re.compile(r"\[\[([^\[\]\n]*)\]\]")
_EXTERNAL = re.compile(r"\[(?:https?:|ftp:)?//[^\s\]]+(?:\s+([^\]\n]*))?\]")
_TAG = re.compile(r"</?(?:" + "|".join(HTML_TAGS) + r")\b[^>\n]*>", re.I)
_SWITCH = re.compile(r"__[A-Z]+__")
_SPACES = re.compile(r"[ \t\u00a0]+")


def clean_residue(text: str, dropped_namespaces: Iterable[str] = ()) -> str:
    """Text without leftover wiki markup (see the module docstring for the rules, in order)."""
    namespaces = tuple(n.lower() + ":" for n in (*FILE_NAMESPACE_ALIASES, *dropped_namespaces))
    text = html.unescape(text)
    text = _REF_PAIRED.sub("", text)
    text = _REF_SELF_CLOSING.sub("", text)
    text = _REF_UNCLOSED.sub("", text)
    text = _REF_CLOSE.sub("", text)
    text = _remove_templates(text)
    text = _TABLE.sub("", text)
    text = _TABLE_LINE.sub("", text)
    text = _replace_links(text, namespaces)
    text = text.replace("[[", "").replace("]]", "")
    text = _EXTERNAL.sub(lambda m: m.group(1) or "", text)
    text = _TAG.sub("", text)
    text = _SWITCH.sub("", text)
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _remove_templates(text: str) -> str:
    while True:
        reduced = _TEMPLATE.sub("", text)
        if reduced == text:
            break
        text = reduced
    return _TEMPLATE_OPEN.sub("", text).replace("}}", "")


def _replace_links(text: str, namespaces: tuple[str, ...]) -> str:
    def label(match: re.Match) -> str:
        inner = match.group(1)
        target = inner.split("|", 1)[0].strip().lstrip(":").lower().replace("_", " ")
        if target.startswith(namespaces):
            return ""
        return inner.rsplit("|", 1)[-1].strip() if "|" in inner else inner.strip()

    while True:  # innermost first: a file caption may hold links of its own
        replaced = _LINK.sub(label, text)
        if replaced == text:
            return text
        text = replaced
