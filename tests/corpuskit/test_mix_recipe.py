"""Recipe parsing, validation, the gpt3 preset, token counting and the epochs plan."""

from __future__ import annotations

import dataclasses

import numpy as np
import pyarrow as pa
import pytest

from corpuskit.errors import ConfigError, DependencyError
from corpuskit.mix.plan import SourceIndex, make_plan
from corpuskit.mix.recipe import (
    Recipe,
    SourceSpec,
    gpt3_sources,
    load_recipe,
    parse_size,
    recipe_to_toml,
    with_source_paths,
)
from corpuskit.mix.tokens import TokenCounter
from tests.corpuskit.mix_helpers import SAMPLES


def test_demo_recipe_loads_with_paths_relative_to_the_file():
    recipe = load_recipe(str(SAMPLES / "demo-recipe.toml"), check=False)
    assert [s.name for s in recipe.sources] == ["web", "webtext", "books1", "books2", "wikipedia"]
    assert recipe.shares()["web"] == pytest.approx(0.60 / 1.01)
    books1 = recipe.source("books1")
    assert books1.paths == (str(SAMPLES / "books" / "books1"),)
    with pytest.raises(ConfigError, match="source 'web' has no paths: .*--web PATH"):
        load_recipe(str(SAMPLES / "demo-recipe.toml"))
    filled = with_source_paths(recipe, {"web": ("out/deduped",)}, None)
    assert filled.source("web").paths == ("out/deduped",)


def test_recipe_round_trips_through_toml(tmp_path):
    recipe = dataclasses.replace(
        load_recipe(str(SAMPLES / "demo-recipe.toml"), check=False),
        sources=tuple(
            dataclasses.replace(s, paths=("/data/web",)) if s.name == "web" else s
            for s in load_recipe(str(SAMPLES / "demo-recipe.toml"), check=False).sources
        ),
    )
    path = tmp_path / "recipe.toml"
    path.write_text(recipe_to_toml(recipe))
    assert load_recipe(str(path)) == recipe


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ("[mix]\nseed = 1\n", "no sources"),
        ("[mix.sources.a]\npaths=['x']\n", "needs a weight"),
        ("[mix.sources.a]\npaths=['x']\nweight=-1\n", "weight must be a positive number"),
        ("[mix.sources.a]\npaths=['x']\nweight=1\nkind='pdf'\n", "kind 'pdf' is not one of"),
        ("[mix.sources.a]\npaths=['x']\nweight=1\ncolour=1\n", "unknown key\\(s\\) colour"),
        ("[mix]\nfoo=1\n[mix.sources.a]\npaths=['x']\nweight=1\n", "unknown key\\(s\\) foo"),
        ("[mix]\nvalidation='md5'\n[mix.sources.a]\npaths=['x']\nweight=1\n", "validation must be"),
        ("[mix]\nshard_size='big'\n[mix.sources.a]\npaths=['x']\nweight=1\n", "not a size"),
        ("[mix.sources.a]\npaths=['x']\nweight=1\nkind='webtext'\n", "needs url_list"),
        ("[mix\n", "not valid TOML"),
    ],
)
def test_invalid_recipes_name_the_problem(tmp_path, toml, message):
    path = tmp_path / "r.toml"
    path.write_text(toml)
    with pytest.raises(ConfigError, match=message):
        load_recipe(str(path))


def test_parse_size():
    assert parse_size("64MB", "x") == 64 * 1024**2
    assert parse_size("1.5G", "x") == int(1.5 * 1024**3)
    assert parse_size(1000, "x") == 1000


def test_gpt3_preset_splits_two_book_folders_into_books1_and_books2():
    sources = gpt3_sources(web=("w",), webtext=("t",), books=("b1", "b2"), wikipedia=("x.xml",))
    assert {s.name: s.weight for s in sources} == {
        "web": 0.60,
        "webtext": 0.22,
        "books1": 0.08,
        "books2": 0.08,
        "wikipedia": 0.03,
    }
    one = gpt3_sources(web=("w",), books=("b",))
    assert {s.name: s.weight for s in one} == {"web": 0.60, "books": pytest.approx(0.16)}
    with pytest.raises(ConfigError, match="one --books folder"):
        gpt3_sources(books=("a", "b", "c"))


def test_whitespace_token_count_matches_str_split():
    texts = ["  one two\tthree\n\nfour ", "", "élan vital", "x"]
    counts = TokenCounter().count(pa.array(texts))
    assert counts.tolist() == [len(t.split()) for t in texts]


@pytest.mark.parametrize(
    ("spec", "error", "message"),
    [
        ("bpe", ConfigError, "unknown tokenizer 'bpe'"),
        (
            "hf:/nonexistent/tokenizer.json",
            DependencyError,
            "(tokenizers package|not available offline)",
        ),
    ],
)
def test_unavailable_tokenizers_say_how_to_fix(spec, error, message):
    with pytest.raises(error, match=message):
        TokenCounter(spec)


def test_tiktoken_is_used_only_when_installed():
    try:
        import tiktoken  # noqa: F401
    except ModuleNotFoundError:
        with pytest.raises(DependencyError, match="pip install tiktoken"):
            TokenCounter("tiktoken:gpt2")


def _index(name, tokens, validation=None):
    tokens = np.array(tokens, np.int64)
    return SourceIndex(
        name,
        tokens,
        tokens * 6,
        np.zeros(len(tokens), bool) if validation is None else validation,
        {},
        {},
    )


def _recipe(**changes):
    values = {
        "sources": (
            SourceSpec("big", "dataset", ("a",), 3.0),
            SourceSpec("small", "dataset", ("b",), 1.0),
        ),
        "total_tokens": 4000,
    }
    values.update(changes)
    return Recipe(**values)


def test_plan_upsamples_small_sources_and_downsamples_big_ones():
    plan = make_plan(_recipe(), [_index("big", [100] * 100), _index("small", [50] * 10)])
    train = plan.splits["train"]
    big = train.tokens[train.source == 0].sum()
    small = train.tokens[train.source == 1].sum()
    assert (big, small) == (3000, 1000)
    assert np.bincount(train.epoch[train.source == 1]).tolist() == [10, 10]  # two full epochs
    assert train.epoch[train.source == 0].max() == 0


def test_plan_default_budget_is_one_epoch_of_the_scarcest_source():
    plan = make_plan(
        _recipe(total_tokens=None), [_index("big", [100] * 100), _index("small", [50] * 10)]
    )
    assert plan.total_target == 2000  # small: 500 tokens at 25 %


def test_excess_epochs_fail_or_warn_and_cap(capsys):
    indexes = [_index("big", [100] * 100), _index("small", [50] * 10)]
    with pytest.raises(ConfigError, match="source 'small' needs 2.00 epochs .* max_epochs is 1.5"):
        make_plan(_recipe(max_epochs=1.5, on_excess_epochs="fail"), indexes)
    plan = make_plan(_recipe(max_epochs=1.5), indexes)
    assert "capped at 1.5 epochs" in capsys.readouterr().err
    train = plan.splits["train"]
    assert train.tokens[train.source == 1].sum() == 750
    assert plan.sources["small"]["capped"] is True


def test_shards_are_cut_at_equal_text_bytes_in_shuffled_order():
    plan = make_plan(
        _recipe(shard_size=6000), [_index("big", [100] * 100), _index("small", [50] * 10)]
    )
    train = plan.splits["train"]
    assert train.shards == 4  # 24,000 bytes of text / 6,000
    assert (np.diff(train.shard) >= 0).all()
    sizes = [train.text_bytes[train.shard == s].sum() for s in range(4)]
    assert max(sizes) - min(sizes) <= 600


def test_a_bpe_tokenizer_counts_through_its_encode(monkeypatch):
    """The tiktoken path, with a real tiktoken Encoding of a tiny vocabulary (the published
    ones cannot be downloaded in tests)."""
    import tiktoken

    from tests.corpuskit.tokenize_helpers import small_tiktoken

    encoding = small_tiktoken()
    real = tiktoken.get_encoding

    def get_encoding(name):
        return encoding if name == "gpt2" else real(name)

    monkeypatch.setattr(tiktoken, "get_encoding", get_encoding)
    counter = TokenCounter("tiktoken:gpt2")
    texts = ["the theatre in the rain", "", "xy <|endoftext|>"]
    counts = counter.count(pa.array(texts)).tolist()
    assert counts == [len(encoding.encode_ordinary(t)) for t in texts]
    assert counts[0] < len(texts[0]) and counts[1] == 0
    with pytest.raises(DependencyError, match="'nope' is not available offline"):
        TokenCounter("tiktoken:nope")
