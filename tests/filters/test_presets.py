"""Presets resolve to the chains and numbers REFERENCE.md documents, exactly."""

from __future__ import annotations

import dataclasses

import pytest

from corpuskit.errors import ConfigError
from corpuskit.filtering.chain import resolve_chain
from filters.presets import PRESETS, get_preset

# Numbers copied from REFERENCE.md, section by section.
GOPHER_QUALITY = {
    "min_words": 50,
    "max_words": 100_000,
    "min_mean_word_length": 3,
    "max_mean_word_length": 10,
    "max_hash_ratio": 0.1,
    "max_ellipsis_ratio": 0.1,
    "max_bullet_lines_ratio": 0.9,
    "max_ellipsis_lines_ratio": 0.3,
    "min_alpha_words_ratio": 0.8,
    "min_stop_words": 2,
    "stop_words": ("the", "be", "to", "of", "and", "that", "have", "with"),
}
GOPHER_REPETITION = {
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
FINEWEB_QUALITY = {
    "min_terminal_punctuation_lines": 0.12,
    "short_line_length": 30,
    "max_short_lines": 0.67,
    "max_dup_line_chars": 0.01,
    "max_newlines_per_word": 0.3,
}


def resolved(name: str, **kwargs) -> list[tuple[str, dict]]:
    chain = resolve_chain(get_preset(name).entries(**kwargs))
    return [(spec.name, dataclasses.asdict(spec.params)) for spec in chain]


def params_of(chain, name):
    (params,) = [p for n, p in chain if n == name]
    return params


def assert_subset(params: dict, expected: dict):
    assert {key: params[key] for key in expected} == expected


@pytest.mark.parametrize(
    "preset, words_per_line, sentences",
    [("c4-code", 5, 3), ("c4", 5, 3), ("c4-paper", 3, 5)],
)
def test_c4_presets(preset, words_per_line, sentences):
    chain = resolved(preset)
    assert [name for name, _ in chain] == ["c4_page", "c4_lines", "lang", "badwords"]
    page, lines = params_of(chain, "c4_page"), params_of(chain, "c4_lines")
    rules = {
        "max_word_length": 1000,
        "terminal_punctuation": True,
        "min_words_per_line": words_per_line,
        "remove_citations": True,
        "drop_javascript_lines": True,
        "drop_policy_lines": True,
    }
    assert_subset(lines, rules)
    assert_subset(page, rules | {"max_chars": 190_000, "min_sentences": sentences})
    assert page["lorem_ipsum"] and page["curly_bracket"]
    assert_subset(params_of(chain, "lang"), {"languages": ("en",), "min_score": 0.99})


def test_fineweb_preset_order_and_numbers():
    chain = resolved("fineweb")
    assert [name for name, _ in chain] == [
        "url_blocklist",
        "lang",
        "gopher_repetition",
        "gopher_quality",
        "c4_page",
        "c4_lines",
        "fineweb_quality",
    ]
    assert_subset(
        params_of(chain, "lang"), {"languages": ("en",), "min_score": 0.65, "strictly_above": True}
    )
    assert_subset(params_of(chain, "gopher_repetition"), GOPHER_REPETITION)
    assert_subset(params_of(chain, "gopher_quality"), GOPHER_QUALITY)
    assert_subset(params_of(chain, "fineweb_quality"), FINEWEB_QUALITY)
    # FineWeb runs C4 without the terminal-punctuation rule (datatrove: 3 words, 5 sentences).
    for name in ("c4_page", "c4_lines"):
        assert_subset(
            params_of(chain, name), {"terminal_punctuation": False, "min_words_per_line": 3}
        )
    assert_subset(params_of(chain, "c4_page"), {"min_sentences": 5, "max_chars": 0})


def test_gopher_preset():
    chain = resolved("gopher")
    assert [name for name, _ in chain] == ["gopher_repetition", "gopher_quality"]
    assert_subset(params_of(chain, "gopher_repetition"), GOPHER_REPETITION)
    assert_subset(params_of(chain, "gopher_quality"), GOPHER_QUALITY)


def test_gpt3_preset_falls_back_to_bad_words_without_a_classifier():
    assert [name for name, _ in resolved("gpt3")] == ["lang", "badwords"]
    with_model = get_preset("gpt3").entries(quality_model="quality.bin")
    assert with_model[1] == ("classifier", {"model": "quality.bin", "alpha": 9.0})


def test_every_preset_states_its_source():
    for preset in PRESETS.values():
        assert preset.source, preset.name


def test_unknown_preset_is_a_config_error():
    with pytest.raises(ConfigError, match="unknown preset 'c5'; known: c4-code"):
        get_preset("c5")
