"""A small fastText language-ID model trained from labelled lines, for tests.

Labels use lid.176's format (``__label__en``), so the ``lang`` filter treats it like the real
model. Training follows REFERENCE.md: word bigrams (``wordNgrams=2``) and another seed when
fastText aborts with "Encountered NaN". The model is trained once per test session.
"""

from __future__ import annotations

import random
from pathlib import Path

from tests.prose import english_sentence

WORDS = {
    "en": (
        "the of and to in that have with for was on are as they be at this from by "
        "river library town people said would which their there when been were morning "
        "water house children school city about after before because government year "
        "weather market visitors winter officials story change through while place"
    ).split(),
    "de": (
        "der die das und ist nicht mit auf für von sich dem den auch eine ein wird "
        "sind werden haben nach wie über bei oder aber noch nur schon wenn kann heute "
        "Stadt Wasser Kinder Schule Regierung Jahr Wetter Markt Besucher Winter Geschichte"
    ).split(),
    "fr": (
        "le la les et des est que une dans pour pas qui sur avec sont mais plus par "
        "nous vous leur cette aussi comme tout fait être avoir ville eau enfants école "
        "gouvernement année temps marché visiteurs hiver histoire toujours pendant"
    ).split(),
    "es": (
        "el la los las y que de en un una por con para es son pero más como muy "
        "también porque cuando ciudad agua niños escuela gobierno año tiempo mercado "
        "visitantes invierno historia siempre durante donde hasta desde"
    ).split(),
}

_cache: dict[str, Path] = {}


def sentence(language: str, rng: random.Random, words: int | None = None) -> str:
    """A random sentence of ``language`` words (for training and for test documents)."""
    vocabulary = WORDS[language]
    count = words or rng.randint(8, 16)
    text = " ".join(rng.choice(vocabulary) for _ in range(count))
    return text[0].upper() + text[1:] + "."


def training_lines(per_language: int = 400, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    lines = []
    for language in WORDS:
        for i in range(per_language):
            text = sentence(language, rng)
            if language == "en" and i % 2:
                text = english_sentence(rng)  # the prose the pipeline tests use
            lines.append(f"__label__{language} {text}")
    rng.shuffle(lines)
    return lines


def train_lid_model(folder: Path) -> Path:
    """Train (once per session) and save a supervised model; returns its path."""
    if "lid" in _cache and _cache["lid"].exists():
        return _cache["lid"]
    import fasttext

    folder.mkdir(parents=True, exist_ok=True)
    data = folder / "lid-train.txt"
    data.write_text("\n".join(training_lines()) + "\n", encoding="utf-8")
    last_error: Exception | None = None
    for seed in (1, 2, 3, 4, 5):
        try:
            model = fasttext.train_supervised(
                str(data),
                wordNgrams=2,
                bucket=20000,
                dim=16,
                epoch=15,
                lr=0.5,
                minCount=1,
                seed=seed,
                verbose=0,
                thread=1,
            )
            break
        except RuntimeError as exc:  # "Encountered NaN": retry with another seed
            if "NaN" not in str(exc):
                raise
            last_error = exc
    else:
        raise RuntimeError(f"fastText training failed for every seed: {last_error}")
    path = folder / "lid-test.bin"
    model.save_model(str(path))
    _cache["lid"] = path
    return path
