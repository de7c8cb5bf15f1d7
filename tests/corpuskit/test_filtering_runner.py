"""The chain runner: verdict order, counters with zeros, cleaners, annotate and from-signals."""

from __future__ import annotations

import dataclasses
from typing import ClassVar

import pytest

from corpuskit.document import Document
from corpuskit.errors import ConfigError, InputError
from corpuskit.filtering.chain import (
    apply_overrides,
    parse_set_options,
    resolve_chain,
)
from corpuskit.filtering.runner import ChainRunner
from corpuskit.registry import Cleaner, Filter, register_filter


@register_filter
class MinWords(Filter):
    """Test filter: drop documents with fewer than ``min_words`` words."""

    name = "test_min_words"
    reasons: ClassVar[tuple[str, ...]] = ("too_short", "never_used")
    source = "tests"

    @dataclasses.dataclass(frozen=True)
    class Params:
        min_words: int = 3

    def score(self, doc):
        return {"words": float(len(doc.text.split()))}

    def decide(self, signals, doc):
        return "too_short" if signals["words"] < self.params.min_words else None


@register_filter
class DropLinesWithX(Cleaner):
    """Test cleaner: removes lines containing 'x'; drops pages containing 'STOP'."""

    name = "test_drop_x_lines"
    reasons: ClassVar[tuple[str, ...]] = ("stop_word",)
    source = "tests"

    @dataclasses.dataclass(frozen=True)
    class Params:
        letter: str = "x"

    def clean(self, doc):
        if "STOP" in doc.text:
            return "stop_word"
        lines = [line for line in doc.text.split("\n") if self.params.letter not in line]
        if not lines:
            return None
        return dataclasses.replace(doc, text="\n".join(lines))


@register_filter
class BadReason(Filter):
    """Test filter that returns a reason it did not declare."""

    name = "test_bad_reason"
    reasons: ClassVar[tuple[str, ...]] = ("declared",)

    def score(self, doc):
        return {}

    def decide(self, signals, doc):
        return "undeclared"


def chain(*entries):
    return resolve_chain([(name, dict(params)) for name, params in entries])


DOCS = [
    Document("a", "one two three four\nline with x here"),
    Document("b", "too short"),
    Document("c", "x only x"),
    Document("d", "this has STOP inside it"),
    Document("e", "plenty of words in this line\nand another x line\nand a third good line"),
]


def run_all(runner, docs):
    out = []
    for doc in docs:
        doc = dataclasses.replace(doc, signals=dict(doc.signals))
        result, spec, reason = runner.process(doc)
        out.append((result, spec.key if spec else None, reason))
    return out


def test_filter_mode_applies_in_order_and_counts_zeros():
    runner = ChainRunner(chain(("test_drop_x_lines", {}), ("test_min_words", {})))
    results = run_all(runner, DOCS)
    verdicts = {doc.id: (key, reason) for doc, key, reason in results}
    assert verdicts == {
        "a": (None, None),
        "b": ("test_min_words", "too_short"),
        "c": ("test_drop_x_lines", "empty"),
        "d": ("test_drop_x_lines", "stop_word"),
        "e": (None, None),
    }
    kept_text = {doc.id: doc.text for doc, key, _ in results if key is None}
    assert kept_text["a"] == "one two three four"
    counters = runner.counters()
    assert counters["documents_in"] == 5 and counters["documents_kept"] == 2
    cleaner = counters["filters"]["test_drop_x_lines"]
    assert cleaner["dropped"] == {"stop_word": 1, "empty": 1}
    words = counters["filters"]["test_min_words"]
    assert words["in"] == 3 and words["kept"] == 2
    assert words["dropped"] == {"too_short": 1, "never_used": 0}


def test_annotate_keeps_everything_and_from_signals_matches_filtering():
    specs = chain(("test_drop_x_lines", {}), ("test_min_words", {}))
    annotated = [doc for doc, _, _ in run_all(ChainRunner(specs, "annotate"), DOCS)]
    assert len(annotated) == len(DOCS)
    by_id = {doc.id: doc for doc in annotated}
    assert by_id["d"].signals["test_drop_x_lines.drop.stop_word"] == 1.0
    assert by_id["c"].signals["test_drop_x_lines.drop.empty"] == 1.0
    assert by_id["a"].signals["test_drop_x_lines.drop.empty"] == 0.0
    # The later filter scored the cleaned text.
    assert by_id["a"].signals["test_min_words.words"] == 4.0
    assert all(set(d.signals) == set(annotated[0].signals) for d in annotated)

    for min_words in (3, 5):
        specs_now = chain(("test_drop_x_lines", {}), ("test_min_words", {"min_words": min_words}))
        direct = run_all(ChainRunner(specs_now, "filter"), DOCS)
        replay = run_all(ChainRunner(specs_now, "from_signals"), annotated)
        assert [(d.id, k, r) for d, k, r in direct] == [(d.id, k, r) for d, k, r in replay]
        assert [d.text for d, k, _ in direct if k is None] == [
            d.text for d, k, _ in replay if k is None
        ]
    assert [d.id for d, k, _ in replay if k is None] == ["e"]


def test_annotate_counts_what_would_be_dropped():
    runner = ChainRunner(chain(("test_drop_x_lines", {}), ("test_min_words", {})), "annotate")
    run_all(runner, DOCS)
    counters = runner.counters()
    assert counters["documents_kept"] == 5
    assert counters["documents_would_drop"] == 3


def test_from_signals_without_signals_names_the_fix():
    runner = ChainRunner(chain(("test_min_words", {})), "from_signals")
    with pytest.raises(InputError, match="annotate first with `corpuskit filter --annotate"):
        runner.process(Document("z", "no signals here"))
    cleaner_runner = ChainRunner(chain(("test_drop_x_lines", {})), "from_signals")
    with pytest.raises(InputError, match="no stored signals for filter test_drop_x_lines"):
        cleaner_runner.process(Document("z", "no signals here"))


def test_undeclared_reason_is_a_bug_report():
    runner = ChainRunner(chain(("test_bad_reason", {})))
    with pytest.raises(ValueError, match="undeclared reason 'undeclared'"):
        runner.process(Document("z", "text"))


def test_repeated_filter_gets_its_own_key():
    specs = chain(("test_min_words", {}), ("test_min_words", {"min_words": 10}))
    assert [s.key for s in specs] == ["test_min_words", "test_min_words#2"]
    runner = ChainRunner(specs)
    run_all(runner, [Document("z", "four words are here")])
    assert runner.counters()["filters"]["test_min_words#2"]["dropped"]["too_short"] == 1


def test_reset_zeroes_counters():
    runner = ChainRunner(chain(("test_min_words", {})))
    run_all(runner, DOCS)
    runner.reset()
    counters = runner.counters()
    assert counters["documents_in"] == 0
    assert counters["filters"]["test_min_words"]["dropped"] == {"too_short": 0, "never_used": 0}


@pytest.mark.parametrize(
    "values, message",
    [
        (["nodot=1"], "expected FILTER.PARAM=VALUE"),
        (["test_min_words.min_words"], "expected FILTER.PARAM=VALUE"),
        (["nosuch.param=1"], "unknown filter 'nosuch'"),
        (["test_drop_x_lines.letter=y"], "filter 'test_drop_x_lines' is not in the chain"),
        (["test_min_words.nope=1"], "unknown parameter(s) nope"),
        (["test_min_words.min_words=many"], "min_words='many' is not a valid int"),
    ],
)
def test_bad_overrides_are_config_errors(values, message):
    with pytest.raises(ConfigError) as info:
        entries = apply_overrides([("test_min_words", {})], parse_set_options(values))
        resolve_chain(entries)
    assert message in str(info.value)


def test_overrides_are_coerced():
    entries = apply_overrides(
        [("test_min_words", {})], parse_set_options(["test_min_words.min_words=7"])
    )
    (spec,) = resolve_chain(entries)
    assert spec.params.min_words == 7
    hash(spec)  # travels to workers and keys the per-worker cache
