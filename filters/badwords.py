"""Bad-words filter (C4 step 7: LDNOOBW lists; mC4 substring matching for ja/th/zh).

A page is dropped when it contains more than ``max_matches`` (0) entries of the list for
its language (``doc.language``, else ``default_language``). Matching is case-insensitive;
entries match as whole words (not preceded or followed by a letter, digit or ``_``, as C4's
``(?:\\W|^)word(?:\\W|$)``), except for ja, th and zh, where words are not separated by
spaces and any substring counts (as mC4 does).

Lists, by ``list_source``:

- ``bundled``: the small lists in ``filters/data/badwords/<lang>.txt`` (our own, for tests and
  offline use; not the LDNOOBW lists);
- ``ldnoobw``: the LDNOOBW list for the language, read from the cache
  ``$CORPUSKIT_CACHE/badwords/<lang>`` (default ``~/.cache/corpuskit/badwords/``) and
  downloaded there from GitHub when missing; an error when it cannot be had;
- ``auto`` (default): cache, else download, else the bundled list (with a warning).

``words_file`` (one entry per line) replaces the lists for every language. Languages
without a list are kept (signal ``has_list`` = 0).
"""

from __future__ import annotations

import dataclasses
import os
import re
from pathlib import Path

from corpuskit.errors import ConfigError, DependencyError
from corpuskit.progress import log
from corpuskit.registry import Filter, register_filter

LDNOOBW_URL = (
    "https://raw.githubusercontent.com/LDNOOBW/"
    "List-of-Dirty-Naughty-Obscene-and-Otherwise-Bad-Words/master/{lang}"
)
LDNOOBW_LANGUAGES = frozenset(
    "ar cs da de en eo es fa fi fil fr hi hu it ja kab ko nl no pl pt ru sv th tlh tr zh".split()
)
SUBSTRING_LANGUAGES = frozenset({"ja", "th", "zh"})
LANGUAGE_ALIASES = {"tl": "fil", "nb": "no", "nn": "no"}
BUNDLED_DIR = Path(__file__).parent / "data" / "badwords"
LIST_SOURCES = ("auto", "bundled", "ldnoobw")
_WORD_RE = re.compile(r"\w+")


def cache_dir() -> Path:
    """``$CORPUSKIT_CACHE/badwords`` or ``~/.cache/corpuskit/badwords``."""
    root = os.environ.get("CORPUSKIT_CACHE")
    base = Path(root).expanduser() if root else Path.home() / ".cache" / "corpuskit"
    return base / "badwords"


def normalise_language(language: str | None) -> str:
    """``zh-Hans`` -> ``zh``; lid.176's ``tl`` -> LDNOOBW's ``fil``."""
    code = (language or "").replace("_", "-").split("-")[0].lower()
    return LANGUAGE_ALIASES.get(code, code)


def read_word_list(path: Path) -> list[str]:
    """Entries of a list file: one per line, stripped, lower-cased; blanks and ``#`` skipped."""
    entries = []
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            entry = line.strip().lower()
            if entry and not entry.startswith("#"):
                entries.append(entry)
    return entries


# Set after the first failed download: later lists do not wait for the network again.
_download_error: str | None = None


def list_url(language: str) -> str:
    """Where the LDNOOBW list is fetched from (``$CORPUSKIT_LDNOOBW_URL`` overrides, with {lang})."""
    return os.environ.get("CORPUSKIT_LDNOOBW_URL", LDNOOBW_URL).format(lang=language)


def fetch_ldnoobw(language: str, timeout: float = 10.0) -> Path:
    """Download the LDNOOBW list for ``language`` into the cache (atomically) and return it.

    After one failure in this process, later calls fail at once with the same error.
    """
    import urllib.error
    import urllib.request

    global _download_error
    if _download_error is not None:
        raise OSError(f"not retried after an earlier failure: {_download_error}")
    target = cache_dir() / language
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        with urllib.request.urlopen(list_url(language), timeout=timeout) as response:
            data = response.read()
    except urllib.error.HTTPError:
        raise  # the server answered: other languages may still be there
    except OSError as error:
        _download_error = str(error)
        raise
    tmp = target.with_name(f".{language}.tmp{os.getpid()}")
    tmp.write_bytes(data)
    os.replace(tmp, target)
    return target


class WordMatcher:
    """Counts list entries in a text: whole words, or substrings for spaceless languages.

    Entries made of word characters (and single spaces between words) are looked up as
    token n-grams of the word tokens, which is fast; the few others (``a$$``) use a regex
    with the same boundaries, run only when the entry occurs as a substring.
    """

    def __init__(self, entries: list[str], substring: bool):
        self.substring = substring
        self.entries = sorted(set(entries), key=len, reverse=True)
        self._words: set[str] = set()
        self._phrases: dict[int, set[tuple[str, ...]]] = {}
        others = []
        for entry in self.entries:
            parts = entry.split(" ")
            if len(parts) == 1 and _WORD_RE.fullmatch(entry):
                self._words.add(entry)
            elif all(_WORD_RE.fullmatch(part) for part in parts):
                self._phrases.setdefault(len(parts), set()).add(tuple(parts))
            else:
                others.append(entry)
        self._others = [
            (entry, re.compile(f"(?<!\\w){re.escape(entry)}(?!\\w)")) for entry in others
        ]

    def count(self, text: str) -> int:
        lower = text.lower()
        if self.substring:
            return sum(lower.count(entry) for entry in self.entries)
        found = 0
        for entry, pattern in self._others:
            if entry in lower:  # cheap test before the regex scan
                found += len(pattern.findall(lower))
        if self._words or self._phrases:
            tokens = _tokens(lower)
            words = self._words
            found += sum(1 for token in tokens if token in words)
            for size, phrases in self._phrases.items():
                found += sum(
                    1
                    for gram in zip(*(tokens[i:] for i in range(size)), strict=False)
                    if gram in phrases
                )
        return found


# Punctuation and symbols that separate words; translate + split is much faster than \w+.
_SEPARATORS = str.maketrans(
    {ch: " " for ch in "!\"#$%&'()*+,-./:;<=>?@[\\]^`{|}~«»“”‘’„…–—·•¡¿、。，！？：；（）「」『』"}
)


def _tokens(lower: str) -> list[str]:
    """Word tokens of a lower-cased text (split on whitespace and punctuation)."""
    if lower.isascii():
        return lower.translate(_SEPARATORS).split()
    return _WORD_RE.findall(lower)


@register_filter
class BadWords(Filter):
    """Drop pages containing LDNOOBW "bad words" for their language (C4, mC4)."""

    name = "badwords"
    reasons = ("bad_words",)
    source = "C4 / mC4: LDNOOBW lists (word boundaries; substrings for ja, th, zh)"

    @dataclasses.dataclass(frozen=True)
    class Params:
        languages: tuple = ()
        default_language: str = "en"
        list_source: str = "auto"
        words_file: str = ""
        max_matches: int = 0

    def setup(self) -> None:
        if self.params.list_source not in LIST_SOURCES:
            raise ConfigError(
                f"badwords: list_source={self.params.list_source!r} is not one of "
                f"{', '.join(LIST_SOURCES)}"
            )
        self._matchers: dict[str, WordMatcher | None] = {}
        self._file_entries = None
        if self.params.words_file:
            path = Path(self.params.words_file).expanduser()
            if not path.is_file():
                raise ConfigError(
                    f"badwords: words_file {str(path)!r} does not exist; give a file with one "
                    "word per line, or leave words_file empty to use the LDNOOBW lists"
                )
            self._file_entries = read_word_list(path)
        # Load the expected lists now, so a missing list fails here and not mid-shard.
        for language in self.params.languages or (self.params.default_language,):
            self.matcher(normalise_language(language))

    def matcher(self, language: str) -> WordMatcher | None:
        """The matcher for a normalised language code, loaded once (None = no list)."""
        if not hasattr(self, "_matchers"):
            self.setup()
        if language not in self._matchers:
            entries = self._entries(language)
            self._matchers[language] = (
                WordMatcher(entries, language in SUBSTRING_LANGUAGES)
                if entries is not None
                else None
            )
        return self._matchers[language]

    def _entries(self, language: str) -> list[str] | None:
        if self._file_entries is not None:
            return self._file_entries
        source = self.params.list_source
        bundled = BUNDLED_DIR / f"{language}.txt"
        if source == "bundled":
            return read_word_list(bundled) if bundled.is_file() else None
        if language not in LDNOOBW_LANGUAGES:
            return None
        cached = cache_dir() / language
        if cached.is_file():
            return read_word_list(cached)
        try:
            return read_word_list(fetch_ldnoobw(language))
        except OSError as error:
            if source == "ldnoobw":
                raise DependencyError(
                    f"badwords: cannot download the LDNOOBW list for {language!r} "
                    f"({error}); put it at {cached}, set words_file, or use "
                    "list_source=bundled"
                ) from None
            log(
                f"badwords: LDNOOBW list for {language!r} unavailable ({error}); using the small bundled list"
            )
            return read_word_list(bundled) if bundled.is_file() else None

    def score(self, doc) -> dict[str, float]:
        language = normalise_language(doc.language or self.params.default_language)
        wanted = self.params.languages
        if wanted and language not in {normalise_language(x) for x in wanted}:
            return {"matches": 0.0, "has_list": 0.0}
        matcher = self.matcher(language)
        if matcher is None:
            return {"matches": 0.0, "has_list": 0.0}
        return {"matches": float(matcher.count(doc.text)), "has_list": 1.0}

    def decide(self, signals, doc):
        return "bad_words" if signals["matches"] > self.params.max_matches else None
