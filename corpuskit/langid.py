"""fastText language identification shared by the ``lang`` filter and extraction's language gate.

The model (fastText ``lid.176``, Joulin et al. 2016) is found by
:func:`corpuskit.models.locate_model` and loaded once per process. fastText predicts one
line at a time, so texts are flattened (whitespace runs become one space) before prediction.
"""

from __future__ import annotations

from corpuskit.errors import DependencyError

LABEL_PREFIX = "__label__"
UNKNOWN = "und"

_loaded_models: dict[str, object] = {}


def load_fasttext_model(path: str):
    """Load a fastText model once per process (several filters may share it)."""
    model = _loaded_models.get(path)
    if model is None:
        try:
            import fasttext
        except ImportError as exc:  # pragma: no cover - fasttext-numpy2 is a dependency
            raise DependencyError("fastText is not installed: pip install fasttext-numpy2") from exc
        try:
            model = fasttext.load_model(path)
        except ValueError as exc:
            raise DependencyError(f"{path} is not a fastText model ({exc})") from exc
        _loaded_models[path] = model
    return model


def flatten(text: str) -> str:
    """The text on one line, whitespace runs collapsed (what fastText predicts on)."""
    return " ".join(text.split())


def predict_language(model, text: str) -> tuple[str, float]:
    """Top-1 (language, probability) of a whole text; ``("und", 0.0)`` for blank text."""
    flat = flatten(text)
    if not flat:
        return UNKNOWN, 0.0
    labels, probabilities = model.predict(flat, k=1)
    if not labels:
        return UNKNOWN, 0.0
    return labels[0].removeprefix(LABEL_PREFIX), min(float(probabilities[0]), 1.0)


def languages_at_least(model, flat_text: str, floor: float) -> set[str]:
    """The languages whose probability for a flattened text is at least ``floor``."""
    labels, _ = model.predict(flat_text, k=-1, threshold=floor)
    return {label.removeprefix(LABEL_PREFIX) for label in labels}
