"""A small fastText language-ID model trained from labelled lines, for tests.

Labels use lid.176's format (``__label__en``), so the ``lang`` filter treats it like the real
model. Training follows REFERENCE.md: word bigrams (``wordNgrams=2``) and another seed when
fastText aborts with "Encountered NaN". The model is trained once per test session.

The tests that need the real lid.176 get it through :func:`real_lid_model`, which fails
them, naming the fix, when it is missing (``make test`` runs ``make models`` first), or
skips them with the reason when ``CORPUSKIT_TESTS_WITHOUT_LID176=1`` says so explicitly.
"""

from __future__ import annotations

import os
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

WITHOUT_REAL_MODEL_ENV = "CORPUSKIT_TESTS_WITHOUT_LID176"


def real_lid_model() -> Path:
    """The real lid.176 model, for a test that needs it: missing, the test fails loudly
    (a machine that lost its model must not pass silently), unless
    ``$CORPUSKIT_TESTS_WITHOUT_LID176`` is ``1``, which skips it with the same reason."""
    import pytest

    from corpuskit.errors import DependencyError
    from corpuskit.models import locate_model

    try:
        return locate_model("lid")
    except DependencyError as exc:
        why = (
            f"the real lid.176 model is missing: {exc}. `make test` fetches it with "
            "`make models`; on a machine that cannot, set "
            f"{WITHOUT_REAL_MODEL_ENV}=1 to skip the tests that need it"
        )
        if os.environ.get(WITHOUT_REAL_MODEL_ENV) == "1":
            pytest.skip(why)
        pytest.fail(why, pytrace=False)


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
    """Train (once per session) and save a supervised model; returns its path.

    Training runs in a fresh Python process: libraries loaded into the test process before it
    (some switch the CPU's floating-point modes) made fastText's training end in "Encountered
    NaN" for every seed, or give a different model, depending on which tests ran first."""
    if "lid" in _cache and _cache["lid"].exists():
        return _cache["lid"]
    import subprocess
    import sys

    folder.mkdir(parents=True, exist_ok=True)
    root = Path(__file__).resolve().parents[1]
    code = "import sys; from tests.lid_model import train_here; train_here(sys.argv[1])"
    done = subprocess.run(
        [sys.executable, "-c", code, str(folder)],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=300,
    )
    if done.returncode:
        raise RuntimeError(f"training the test lid model failed:\n{done.stderr[-2000:]}")
    path = folder / "lid-test.bin"
    _cache["lid"] = path
    return path


def train_here(folder: str) -> None:
    """The training itself (run by :func:`train_lid_model` in its own process)."""
    import fasttext

    folder = Path(folder)
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
    model.save_model(str(folder / "lid-test.bin"))
