"""trafilatura's pruning rules, recompiled into equivalent XPath that libxml2 evaluates faster.

On real pages, half of trafilatura's time goes to evaluating its rule lists (``OVERALL_DISCARD_XPATH``,
``BODY_XPATH``, ... in ``trafilatura.xpaths``) on every element of the tree. Three rewrites
keep each rule's meaning and make it cheaper:

* ``.//*[self::div or self::p][P]`` becomes ``(.//div | .//p)[P]``. libxml2 walks the tree
  once per name test in C, instead of building a node-set for each ``self::`` test of every
  element. Both forms select the same elements, in document order, when ``P`` has no
  position (``position()``, ``last()``, a number): the union is a set, and a filter over it
  keeps document order. ``(E)[1]``, the first node of ``E`` in document order, takes the
  same rewrite of ``E``; other rules with a position are left as they are.
* ``re:test(@id, 'pattern')`` becomes ``(@id and re:test(@id, 'pattern'))``: the test is a
  call into Python for every element, and most elements have no ``id`` (or no ``class``,
  ``style``); an absent attribute is the empty string to ``re:test``, which a pattern that
  cannot match ``''`` rejects, so only such patterns are guarded.
* ``smart_strings=False``: the attribute values handed to ``re:test`` arrive as plain
  strings, without the parent reference lxml builds for each (the rules select elements,
  so their results do not change).

:func:`install` replaces the entries of the rule lists in place, once per process; the
functions of trafilatura read those lists, so they take the new expressions, and any other
caller of trafilatura in the process gets the same results, faster. A rule that does not
have the expected shape is kept unchanged. ``tests/corpuskit/test_xpath_rules.py`` checks,
rule by rule and page by page, that the rewritten rules select the same elements.
"""

from __future__ import annotations

import re
import threading

# The content rule lists of trafilatura.xpaths (the metadata lists are not used by corpuskit).
RULE_LISTS = (
    "BODY_XPATH",
    "COMMENTS_DISCARD_XPATH",
    "COMMENTS_XPATH",
    "DISCARD_IMAGE_ELEMENTS",
    "OVERALL_DISCARD_XPATH",
    "PRECISION_DISCARD_XPATH",
    "RAW_TREE_PRUNE_XPATH",
    "REMOVE_COMMENTS_AND_LISTS_XPATH",
    "REMOVE_COMMENTS_XPATH",
    "TEASER_DISCARD_XPATH",
)
REGEXP_NS = "http://exslt.org/regular-expressions"

_SELF_TESTS = re.compile(r"\A\s*\.//\*\[\s*(self::\w+(?:\s+or\s+self::\w+)*)\s*\]", re.DOTALL)
_POSITIONAL = re.compile(r"position\s*\(|last\s*\(|\[\s*\d")
_FIRST_OF_GROUP = re.compile(r"\A\s*\((.*)\)\s*\[1\]\s*\Z", re.DOTALL)
# re:test(@a|@b, 'pattern'[, 'flags']) with attribute arguments only
_RE_TEST = re.compile(
    r"re:test\(\s*(@[\w-]+(?:\s*\|\s*@[\w-]+)*)\s*,\s*'([^']*)'\s*(?:,\s*'[^']*'\s*)?\)"
)

_lock = threading.Lock()
_installed: dict[int, object] = {}  # id(new expression) -> the original, for uninstall()


def _guard_re_test(match: re.Match) -> str:
    """``re:test(@id, P)`` -> ``(@id and re:test(@id, P))`` when P cannot match ``''``."""
    attributes, pattern = match.group(1), match.group(2)
    try:
        if re.search(pattern, "") is not None:
            return match.group(0)  # an absent attribute would match: keep the call
    except re.error:
        return match.group(0)
    present = " or ".join(a.strip() for a in attributes.split("|"))
    return f"(({present}) and {match.group(0)})"


def _as_union(path: str) -> str:
    """``.//*[self::a or self::b]REST`` as ``(.//a | .//b)REST``; other paths unchanged."""
    head = _SELF_TESTS.match(path)
    if head is None:
        return path
    rest = path[head.end() :].strip()
    if _POSITIONAL.search(rest):
        return path
    names = re.findall(r"self::(\w+)", head.group(1))
    return "(" + " | ".join(f".//{name}" for name in names) + ")" + rest


def _balanced(text: str) -> bool:
    depth = 0
    for char in text:
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth < 0:
            return False
    return depth == 0


def rewrite(path: str) -> str:
    """The faster equivalent of one rule's XPath source, or the source unchanged."""
    path = _RE_TEST.sub(_guard_re_test, path)
    first = _FIRST_OF_GROUP.match(path)
    if first is not None and _balanced(first.group(1)):  # (E)[1]: the first node of E
        return f"({_as_union(first.group(1).strip())})[1]"
    return _as_union(path)


def compile_rule(path: str):
    """An XPath for ``path`` (rewritten), with plain strings and the EXSLT ``re:`` prefix."""
    from lxml import etree

    return etree.XPath(rewrite(path), namespaces={"re": REGEXP_NS}, smart_strings=False)


def rule_pairs():
    """``(list name, index, original)`` for every rule :func:`install` would replace."""
    from lxml import etree
    from trafilatura import xpaths

    for name in RULE_LISTS:
        rules = getattr(xpaths, name, None)
        if not isinstance(rules, list):
            continue
        for index, rule in enumerate(rules):
            if isinstance(rule, etree.XPath) and id(rule) not in _installed:
                yield name, index, rule


def install() -> int:
    """Replace trafilatura's content rules by their rewritten forms (once); returns how many."""
    from lxml import etree

    with _lock:
        if _installed:
            return len(_installed)
        from trafilatura import xpaths

        for name, index, rule in list(rule_pairs()):
            try:
                faster = compile_rule(rule.path)
            except etree.XPathSyntaxError:  # a shape rewrite() did not foresee: keep the rule
                continue
            getattr(xpaths, name)[index] = faster
            _installed[id(faster)] = rule
        return len(_installed)


def uninstall() -> None:
    """Put the original rules back (for tests and benchmarks that time trafilatura itself)."""
    from trafilatura import xpaths

    with _lock:
        for name in RULE_LISTS:
            rules = getattr(xpaths, name, None)
            if not isinstance(rules, list):
                continue
            for index, rule in enumerate(rules):
                original = _installed.get(id(rule))
                if original is not None:
                    rules[index] = original
        _installed.clear()
