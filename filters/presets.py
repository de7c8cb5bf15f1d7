"""Named filter chains that reproduce published pipelines (``corpuskit filter --preset``).

Each preset is an ordered list of ``(filter name, params)``; params not given keep the
filter's defaults, which already follow REFERENCE.md, and every number a source fixes is
also written here explicitly so the preset does not drift if a default changes.

``c4_page`` runs before ``c4_lines`` everywhere: it walks the same line rules itself, so its
page verdicts (lorem ipsum, ``{``, too few sentences) are those of TFDS ``clean_page``, and
its 190,000-character limit (C4 step 1) must see the raw page.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from corpuskit.errors import ConfigError

Entries = list[tuple[str, dict[str, Any]]]


@dataclasses.dataclass(frozen=True)
class Preset:
    """A named chain and the published source it follows."""

    name: str
    source: str
    description: str
    build: Callable[..., Entries]

    def entries(self, quality_model: str | None = None) -> Entries:
        return self.build(quality_model=quality_model)


# C4 line/page rules shared by c4_page and c4_lines (the two must agree).
def _c4_line_rules(min_words_per_line: int, terminal_punctuation: bool) -> dict[str, Any]:
    return {
        "max_word_length": 1000,
        "remove_citations": True,
        "terminal_punctuation": terminal_punctuation,
        "min_words_per_line": min_words_per_line,
        "drop_javascript_lines": True,
        "drop_policy_lines": True,
    }


def _c4(min_words_per_line: int, min_sentences: int) -> Entries:
    rules = _c4_line_rules(min_words_per_line, terminal_punctuation=True)
    return [
        ("c4_page", {**rules, "max_chars": 190_000, "min_sentences": min_sentences}),
        ("c4_lines", rules),
        # C4 kept langdetect P(en) >= 0.99; lid.176 stands in for langdetect here.
        ("lang", {"languages": ("en",), "min_score": 0.99}),
        ("badwords", {}),
    ]


def _c4_code(quality_model: str | None = None) -> Entries:
    return _c4(min_words_per_line=5, min_sentences=3)


def _c4_paper(quality_model: str | None = None) -> Entries:
    return _c4(min_words_per_line=3, min_sentences=5)


_GOPHER_QUALITY = {
    "min_words": 50,
    "max_words": 100_000,
    "min_mean_word_length": 3.0,
    "max_mean_word_length": 10.0,
    "max_hash_ratio": 0.1,
    "max_ellipsis_ratio": 0.1,
    "max_bullet_lines_ratio": 0.9,
    "max_ellipsis_lines_ratio": 0.3,
    "min_alpha_words_ratio": 0.8,
    "min_stop_words": 2,
}

_GOPHER_REPETITION = {
    "max_dup_line_ratio": 0.30,
    "max_dup_paragraph_ratio": 0.30,
    "max_dup_line_char_ratio": 0.20,
    "max_dup_paragraph_char_ratio": 0.20,
    "max_top_2gram": 0.20,
    "max_top_3gram": 0.18,
    "max_top_4gram": 0.16,
    "max_dup_5gram": 0.15,
    "max_dup_6gram": 0.14,
    "max_dup_7gram": 0.13,
    "max_dup_8gram": 0.12,
    "max_dup_9gram": 0.11,
    "max_dup_10gram": 0.10,
}

_FINEWEB_QUALITY = {
    "min_terminal_punctuation_lines": 0.12,
    "short_line_length": 30,
    "max_short_lines": 0.67,
    "max_dup_line_chars": 0.01,
    "max_newlines_per_word": 0.3,
}


def _gopher(quality_model: str | None = None) -> Entries:
    return [
        ("gopher_repetition", dict(_GOPHER_REPETITION)),
        ("gopher_quality", dict(_GOPHER_QUALITY)),
    ]


def _fineweb(quality_model: str | None = None) -> Entries:
    # datatrove's C4QualityFilter as FineWeb runs it: 3 words per line, 5 sentences, no
    # terminal-punctuation rule, and no page-length limit (max_chars=0 disables it).
    rules = _c4_line_rules(min_words_per_line=3, terminal_punctuation=False)
    return [
        ("url_blocklist", {}),
        ("lang", {"languages": ("en",), "min_score": 0.65, "strictly_above": True}),
        *_gopher(),
        ("c4_page", {**rules, "max_chars": 0, "min_sentences": 5}),
        ("c4_lines", rules),
        ("fineweb_quality", dict(_FINEWEB_QUALITY)),
    ]


def _gpt3(quality_model: str | None = None) -> Entries:
    # GPT-3 (Brown et al. 2020, appendix A) filtered Common Crawl with a quality classifier;
    # the paper names no language step, English at 0.65 follows FineWeb. Without a classifier
    # model the LDNOOBW list (as C4) is the fallback.
    entries: Entries = [("lang", {"languages": ("en",), "min_score": 0.65, "strictly_above": True})]
    if quality_model:
        entries.append(("classifier", {"model": quality_model, "alpha": 9.0}))
    else:
        entries.append(("badwords", {}))
    return entries


PRESETS: dict[str, Preset] = {
    preset.name: preset
    for preset in (
        Preset(
            "c4-code",
            "C4 as in the TFDS c4 code (Raffel et al. 2020): 5 words per line, 3 sentences",
            "C4 page + line rules, English (lid.176 >= 0.99), LDNOOBW bad words",
            _c4_code,
        ),
        Preset(
            "c4-paper",
            "C4 as the T5 paper text states it: 3 words per line, 5 sentences",
            "as c4-code with the paper's numbers",
            _c4_paper,
        ),
        Preset("c4", "alias of c4-code (the released C4 was built by the code)", "", _c4_code),
        Preset(
            "fineweb",
            "FineWeb (Penedo et al. 2024): URL filter, English > 0.65, Gopher repetition, "
            "Gopher quality, C4 without the terminal-punctuation rule, FineWeb quality",
            "the FineWeb filter order (trafilatura is the extract stage, MinHash the dedup stage)",
            _fineweb,
        ),
        Preset(
            "gopher",
            "MassiveText (Rae et al. 2021): Gopher repetition (Table A1) + Gopher quality",
            "repetition and quality rules only",
            _gopher,
        ),
        Preset(
            "gpt3",
            "GPT-3 (Brown et al. 2020, appendix A): quality classifier with Pareto sampling",
            "English, then the classifier when --quality-model is given, else LDNOOBW bad words. "
            "Train the model from the curated sources: `corpuskit import books|wikipedia|webtext "
            "... -o out/<source>`, then `corpuskit models train-quality --positive out/books "
            "--positive out/wikipedia --positive out/webtext --negative out/extracted -o q.bin`",
            _gpt3,
        ),
    )
}


def get_preset(name: str) -> Preset:
    try:
        return PRESETS[name]
    except KeyError:
        raise ConfigError(
            f"unknown preset {name!r}; known: {', '.join(PRESETS)} (see `corpuskit filter --list`)"
        ) from None
