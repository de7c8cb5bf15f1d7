"""Data-driven filter cases: one JSON file per case in ``tests/filters/cases/``.

A case file holds ``filter`` (registered name), optional ``params`` (as given to
``--set``), ``text`` (a string, or a list of strings and ``{"repeat": s, "times": n}`` parts
joined without separator, for long boundary texts), optional ``language`` and ``url``,
``expect`` (``keep`` or ``drop``), ``reason`` (for drops), optional ``signals`` (values the
filter's ``score`` must give, for boundary cases built to sit exactly at or just past a
threshold), optional ``expected_text`` and ``counts`` (cleaners), and a ``note``.
Boundary cases are written by ``tests/filters/make_cases.py``; adding a case means adding a file.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from corpuskit.document import Document
from corpuskit.registry import Cleaner, declared_reasons, get_filter, make_params

CASES_DIR = Path(__file__).parent / "cases"
CASE_FILES = sorted(CASES_DIR.glob("*.json"))

# The filters whose every reason must have a case here (the rule filters of this package).
RULE_FILTERS = (
    "c4_lines",
    "c4_page",
    "gopher_quality",
    "gopher_repetition",
    "fineweb_quality",
    "badwords",
    "url_blocklist",
    "pii",
)


def load_case(path: Path) -> dict:
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def case_text(case: dict) -> str:
    text = case["text"]
    if isinstance(text, str):
        return text
    parts = []
    for part in text:
        parts.append(part if isinstance(part, str) else part["repeat"] * part["times"])
    return "".join(parts)


def build_filter(case: dict, where: str):
    cls = get_filter(case["filter"])
    params = make_params(cls.Params, case.get("params", {}), where)
    instance = cls(params)
    instance.setup()
    return instance


def case_document(case: dict, name: str) -> Document:
    return Document(
        id=name,
        text=case_text(case),
        url=case.get("url"),
        language=case.get("language"),
    )


@pytest.mark.parametrize("path", CASE_FILES, ids=[p.stem for p in CASE_FILES])
def test_case(path):
    case = load_case(path)
    assert case["expect"] in ("keep", "drop"), path.name
    instance = build_filter(case, path.name)
    doc = case_document(case, path.stem)
    expected_reason = case.get("reason") if case["expect"] == "drop" else None
    if case["expect"] == "drop":
        assert expected_reason in declared_reasons(type(instance))

    if isinstance(instance, Cleaner):
        cleaned, counts = instance.clean_counted(doc)
        if expected_reason is not None:
            assert expected_reason == instance.empty_reason and cleaned is None
        else:
            assert cleaned is not None
            assert cleaned.text == case["expected_text"]
            assert cleaned.id == doc.id
        for key, value in case.get("counts", {}).items():
            assert counts[key] == value, key
        return

    signals = instance.score(doc)
    assert all(isinstance(v, float) and math.isfinite(v) for v in signals.values()), signals
    for key, value in case.get("signals", {}).items():
        assert signals[key] == pytest.approx(value, rel=1e-12, abs=1e-12), key
    assert instance.decide(signals, doc) == expected_reason
    assert instance.reject_reason(doc) == expected_reason


def test_every_declared_reason_has_a_case():
    covered: set[tuple[str, str]] = set()
    for path in CASE_FILES:
        case = load_case(path)
        if case["expect"] == "drop":
            covered.add((case["filter"], case["reason"]))
    missing = [
        f"{name}:{reason}"
        for name in RULE_FILTERS
        for reason in declared_reasons(get_filter(name))
        if (name, reason) not in covered
    ]
    assert not missing, f"reasons without a drop case in {CASES_DIR}: {missing}"


def test_every_rule_filter_has_a_keep_case():
    kept = {load_case(p)["filter"] for p in CASE_FILES if load_case(p)["expect"] == "keep"}
    assert set(RULE_FILTERS) <= kept


@pytest.mark.parametrize("name", RULE_FILTERS)
def test_signals_have_fixed_keys_and_finite_values(name):
    """Annotate mode needs the same signal columns for every document, empty ones too."""
    cls = get_filter(name)
    params = cls.Params(list_source="bundled") if name == "badwords" else cls.Params()
    instance = cls(params)
    instance.setup()
    keys = None
    for text in ("", "\n\n", "Hello.", "One two three four five.\n" * 20):
        signals = instance.score(Document(id="x", text=text, url="http://a.example/"))
        assert all(isinstance(v, float) and math.isfinite(v) for v in signals.values())
        keys = keys or set(signals)
        assert set(signals) == keys
