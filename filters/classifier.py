"""GPT-3 style quality classifier (filter ``classifier``) and how to train one.

Rule (Brown et al. 2020, appendix A): a classifier trained with curated text (WebText,
books, Wikipedia) as positives and raw Common Crawl as negatives scores every page; the page
is kept when ``np.random.pareto(alpha) > 1 - score``, with ``alpha = 9`` (the paper; NeMo
Curator defaults to 3). High scores are almost always kept, low scores sometimes, so the
corpus is not limited to the classifier's idea of quality.

The classifier is a fastText supervised model whose labels are ``__label__positive`` and
``__label__negative`` (:func:`train_quality_classifier`, ``corpuskit models
train-quality``). The Pareto draw is seeded by the document id (and ``seed``), so a run, a
rerun and ``--from-signals`` all give the same verdict for the same document.
"""

from __future__ import annotations

import dataclasses
import hashlib
from pathlib import Path
from typing import ClassVar

from corpuskit.errors import DependencyError, InputError
from corpuskit.registry import Filter, register_filter
from filters.langid import load_fasttext_model

POSITIVE = "__label__positive"
NEGATIVE = "__label__negative"


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

    def score(self, doc) -> dict[str, float]:
        flat = " ".join(doc.text.split())
        labels, probabilities = self._model.predict(flat, k=2) if flat else ((), ())
        positive = 0.0
        for label, probability in zip(labels, probabilities, strict=False):
            if label == POSITIVE:
                positive = min(float(probability), 1.0)
        return {"score": positive}

    def decide(self, signals: dict[str, float], doc) -> str | None:
        draw = pareto_draw(doc.id, self.params.alpha, self.params.seed)
        return None if draw > 1.0 - signals["score"] else "low_quality"


def _training_line(label: str, text: str, max_chars: int) -> str | None:
    flat = " ".join(text[:max_chars].split())
    return f"{label} {flat}" if flat else None


def train_quality_classifier(
    positive: list[str],
    negative: list[str],
    output: str,
    max_docs: int | None = None,
    max_chars: int = 20_000,
    epoch: int = 10,
    dim: int = 64,
    seeds: tuple[int, ...] = (1, 2, 3, 4, 5),
) -> dict[str, int]:
    """Train a fastText positive/negative classifier from two sets of document inputs.

    Word bigrams (``wordNgrams=2``) as REFERENCE.md advises; a run that aborts with
    "Encountered NaN" is retried with the next seed.
    """
    import tempfile

    import fasttext

    from corpuskit.readers import expand_document_inputs, read_documents

    counts = {"positive": 0, "negative": 0}
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False, encoding="utf-8") as fh:
        train_path = fh.name
        for label, inputs, key in (
            (POSITIVE, positive, "positive"),
            (NEGATIVE, negative, "negative"),
        ):
            for path in expand_document_inputs(list(inputs)):
                for doc in read_documents(path):
                    if max_docs is not None and counts[key] >= max_docs:
                        break
                    line = _training_line(label, doc.text, max_chars)
                    if line:
                        fh.write(line + "\n")
                        counts[key] += 1
    try:
        if not counts["positive"] or not counts["negative"]:
            raise InputError(
                f"training needs positive and negative documents (got {counts['positive']} "
                f"positive, {counts['negative']} negative): check --positive/--negative"
            )
        last_error: Exception | None = None
        for seed in seeds:
            try:
                model = fasttext.train_supervised(
                    train_path,
                    wordNgrams=2,
                    epoch=epoch,
                    lr=0.5,
                    dim=dim,
                    bucket=200_000,
                    seed=seed,
                    verbose=0,
                    minCount=1,
                )
                break
            except RuntimeError as exc:  # "Encountered NaN": retry with the next seed
                if "NaN" not in str(exc):
                    raise
                last_error = exc
        else:
            raise InputError(f"fastText training diverged for every seed ({last_error})")
        Path(output).parent.mkdir(parents=True, exist_ok=True)
        model.save_model(output)
    finally:
        Path(train_path).unlink(missing_ok=True)
    return counts
