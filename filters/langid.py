"""Language identification with fastText ``lid.176`` (filter ``lang``).

Rule: predict the top-1 language of the whole document (newlines replaced by spaces, since
fastText predicts one line at a time), store it as ``doc.language`` / ``doc.language_score``
on every document, and keep the document when that language is in ``languages`` (any
language when empty) and its probability is at least ``min_score`` (CCNet: ``>=``), or above
it with ``strictly_above`` (FineWeb and DCLM keep English ``> 0.65``).

Sources: model and labels from Joulin et al. 2016 (fastText ``lid.176``); threshold 0.65 on
English from FineWeb (Penedo et al. 2024) and DCLM; CCNet keeps top-1 ≥ 0.5. The model file
is found by :func:`corpuskit.models.locate_model` (``model`` param / ``--lid-model``,
``$CORPUSKIT_LID_MODEL``, then the cache filled by ``corpuskit models fetch lid``).
"""

from __future__ import annotations

import dataclasses
from typing import ClassVar

from corpuskit.langid import load_fasttext_model, predict_language
from corpuskit.registry import Filter, register_filter


@register_filter
class LanguageFilter(Filter):
    """Keep documents whose fastText top-1 language is wanted with enough confidence."""

    name = "lang"
    reasons: ClassVar[tuple[str, ...]] = ("wrong_language", "low_score")
    source = "fastText lid.176 (Joulin et al. 2016); English > 0.65 as FineWeb/DCLM"

    @dataclasses.dataclass(frozen=True)
    class Params:
        languages: tuple = ("en",)  # ISO codes as lid.176 labels them; empty = any language
        min_score: float = 0.65
        strictly_above: bool = False  # keep score > min_score (FineWeb) instead of >= (CCNet)
        model: str = ""  # path to the model; empty = $CORPUSKIT_LID_MODEL or the cache

    def setup(self) -> None:
        from corpuskit.models import locate_model

        path = locate_model("lid", self.params.model or None)
        self._model = load_fasttext_model(str(path))

    def score(self, doc) -> dict[str, float]:
        """Predicts and stores ``doc.language``/``doc.language_score``; signal ``score``."""
        language, probability = predict_language(self._model, doc.text)
        doc.language = language
        doc.language_score = probability
        return {"score": probability}

    def decide(self, signals: dict[str, float], doc) -> str | None:
        wanted = self.params.languages
        if wanted and doc.language not in wanted:
            return "wrong_language"
        score, limit = signals["score"], self.params.min_score
        if score < limit or (self.params.strictly_above and score == limit):
            return "low_score"
        return None
