"""Language gate: skip, before main-text extraction, pages that are in none of the wanted languages.

Main-text extraction costs far more than language identification, and an English-only
corpus built from Common Crawl drops more than half of the pages at its language filter
(``lang``, after extraction). ``corpuskit extract --languages en`` asks fastText
``lid.176`` (Joulin et al. 2016) about the page's visible text first (the parsed page
without scripts, styles, navigation, footers and other boilerplate tags: the tree the
extractor is about to work on) and skips the page, counted as ``other_language``, when no
wanted language reaches :data:`DEFAULT_FLOOR` there.

The floor is far below the filter's (FineWeb keeps English above 0.65) because the two see
different text: an English article inside German navigation scores low as a whole page. On
the 990 real pages of the trafilatura evaluation set (mostly German and English), a floor
of 0.01 skips 790 pages, of which 1 would have passed FineWeb's English filter after
extraction (an English description on a German holiday-rental site); ``docs/extract.md``
has the figures. Pages with less than :data:`MIN_CHARS` characters of visible text are
never skipped: too short to judge.
"""

from __future__ import annotations

from corpuskit.langid import flatten, languages_at_least, load_fasttext_model

DEFAULT_FLOOR = 0.01
MIN_CHARS = 100


class OtherLanguage(Exception):
    """The page's visible text is in none of the wanted languages."""


class LanguageGate:
    """``wants(text)``: could this page's visible text be in one of ``languages``?"""

    def __init__(self, languages: tuple[str, ...], floor: float = DEFAULT_FLOOR, model: str = ""):
        from corpuskit.models import locate_model

        self.languages = frozenset(languages)
        self.floor = floor
        self._model = load_fasttext_model(str(locate_model("lid", model or None)))

    def wants(self, text: str) -> bool:
        flat = flatten(text)
        if len(flat) < MIN_CHARS:
            return True
        return not self.languages.isdisjoint(languages_at_least(self._model, flat, self.floor))

    def check(self, text: str) -> None:
        """Raise :class:`OtherLanguage` when the text is in none of the wanted languages."""
        if not self.wants(text):
            raise OtherLanguage
