"""GPT-3 style quality classifier (filter ``classifier``) and how to train one.

Rule (Brown et al. 2020, appendix A): a classifier trained with curated text (WebText,
books, Wikipedia) as positives and raw Common Crawl as negatives scores every page; the page
is kept when ``np.random.pareto(alpha) > 1 - score``, with ``alpha = 9`` (the paper; NeMo
Curator defaults to 3). High scores are almost always kept, low scores sometimes, so the
corpus is not limited to the classifier's idea of quality.

The classifier is a fastText supervised model whose labels are ``__label__positive`` and
``__label__negative`` (:mod:`filters.quality_training`, ``corpuskit models train-quality``);
pages are scored on the same prepared text the model was trained on
(:func:`filters.quality_training.prepare`). The Pareto draw is seeded by the document id (and ``seed``), so a run, a
rerun and ``--from-signals`` all give the same verdict for the same document.
"""

from __future__ import annotations

import dataclasses
import hashlib
from pathlib import Path
from typing import ClassVar

from corpuskit.errors import DependencyError
from corpuskit.langid import load_fasttext_model
from corpuskit.registry import Filter, register_filter
from filters.quality_training import positive_score, prepare, trained_max_chars


def pareto_draw(doc_id: str, alpha: float, seed: int) -> float:
    """One ``pareto(alpha)`` sample from a generator seeded by the document id."""
    import numpy as np

    digest = hashlib.sha256(f"{seed}\x00{doc_id}".encode()).digest()
    rng = np.random.Generator(np.random.PCG64(int.from_bytes(digest[:8], "little")))
    return float(rng.pareto(alpha))


@register_filter
class QualityClassifier(Filter):
    """Keep a page when pareto(alpha) > 1 - P(positive) (GPT-3 Common Crawl filtering)."""

    name = "classifier"
    reasons: ClassVar[tuple[str, ...]] = ("low_quality",)
    source = "GPT-3 (Brown et al. 2020), appendix A: fastText classifier + Pareto sampling"

    @dataclasses.dataclass(frozen=True)
    class Params:
        model: str = ""  # fastText model from `corpuskit models train-quality`
        alpha: float = 9.0
        seed: int = 0
        max_chars: int = 0  # 0: as the model was trained (its .metrics.json), else 500

    def setup(self) -> None:
        if not self.params.model:
            raise DependencyError(
                "the classifier filter needs a model: --set classifier.model=PATH "
                "(or --quality-model PATH with --preset gpt3); train one with "
                "`corpuskit models train-quality`"
            )
        if not Path(self.params.model).is_file():
            raise DependencyError(f"quality model {self.params.model} not found: check the path")
        self._model = load_fasttext_model(self.params.model)
        self._max_chars = self.params.max_chars or trained_max_chars(self.params.model)

    def score(self, doc) -> dict[str, float]:
        line = prepare(doc.text, self._max_chars)
        return {"score": positive_score(self._model, line) if line else 0.0}

    def decide(self, signals: dict[str, float], doc) -> str | None:
        draw = pareto_draw(doc.id, self.params.alpha, self.params.seed)
        return None if draw > 1.0 - signals["score"] else "low_quality"
