"""``--where`` expressions (parsed, never eval'd) and seeded row-group sampling."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from corpuskit.errors import ConfigError
from corpuskit.inspection import rows, where


def table():
    return pa.table(
        {
            "id": ["a", "b", "c", "d"],
            "language": ["en", "de", "en", None],
            "signals.gopher_quality.words": [10.0, 200.0, None, 79.0],
        }
    )


def selected(expression: str) -> list[str]:
    node = where.parse(expression)
    return table().filter(where.mask(node, table()))["id"].to_pylist()


def test_comparisons_and_nulls():
    assert selected("signals.gopher_quality.words < 80") == ["a", "d"]
    assert selected("signals.gopher_quality.words >= 200") == ["b"]
    assert selected("language == 'en'") == ["a", "c"]
    assert selected('language != "en"') == ["b"]  # null is never selected by a comparison
    assert selected("language = 'de'") == ["b"]


def test_and_binds_tighter_than_or_and_parentheses_override():
    assert selected(
        "language == 'de' or language == 'en' and signals.gopher_quality.words < 50"
    ) == ["a", "b"]
    assert selected(
        "(language == 'de' or language == 'en') and signals.gopher_quality.words < 50"
    ) == ["a"]
    assert selected("not language == 'en'") == ["b", "d"]
    node = where.parse("a < 1 or b > 2 and c == 'x'")
    assert node.op == "or" and node.parts[1].op == "and"


@pytest.mark.parametrize(
    "expression",
    [
        "__import__('os').system('true')",
        "words <",
        "words < 80 and",
        "(words < 80",
        "words ~ 3",
        "80 > words",
        "",
    ],
)
def test_bad_expressions_are_config_errors(expression):
    with pytest.raises(ConfigError, match="--where"):
        where.parse(expression)


def test_type_mismatch_and_unknown_column():
    with pytest.raises(ConfigError, match="compare it with a number"):
        where.mask(where.parse("signals.gopher_quality.words < 'x'"), table())
    node = where.parse("signals.nope.x > 1")
    with pytest.raises(ConfigError, match="no column signals.nope.x"):
        where.check_columns(node, table().column_names, "the data")


def write_files(tmp_path, n_files=2, per_file=50, group=7):
    files = []
    for f in range(n_files):
        ids = [f"f{f}-{i}" for i in range(per_file)]
        t = pa.table(
            {"id": ids, "text": [f"text {i}" for i in range(per_file)], "n": list(range(per_file))}
        )
        path = tmp_path / f"part-{f}.parquet"
        pq.write_table(t, path, row_group_size=group)
        files.append(path)
    return files


def test_sample_is_seeded_distinct_and_selected(tmp_path):
    files = write_files(tmp_path)
    assert len(rows.row_groups(files)) == 2 * 8
    first = [r["id"] for r in rows.sample(files, 10, seed=3)]
    assert first == [r["id"] for r in rows.sample(files, 10, seed=3)]
    assert first != [r["id"] for r in rows.sample(files, 10, seed=4)]
    assert len(set(first)) == 10
    assert {r["id"] for r in rows.sample(files, 500, seed=1)} == {
        f"f{f}-{i}" for f in range(2) for i in range(50)
    }
    node = where.parse("n < 5")
    chosen = rows.sample(files, 4, seed=9, node=node)
    assert len(chosen) == 4 and all(r["n"] < 5 for r in chosen)
    # every row can be drawn: over seeds the sample reaches rows of every row group
    seen = {r["id"] for s in range(60) for r in rows.sample(files, 5, seed=s)}
    assert len(seen) > 80


def test_iterate_keeps_file_order_and_row_numbers(tmp_path):
    files = write_files(tmp_path, n_files=1, per_file=20, group=6)
    found = list(rows.iterate(files, where.parse("n >= 5 and n < 8")))
    assert [(r["id"], r["_row"]) for r in found] == [("f0-5", 5), ("f0-6", 6), ("f0-7", 7)]


def test_read_sample_columns_reads_only_whole_groups_it_needs(tmp_path):
    files = write_files(tmp_path, n_files=1, per_file=70, group=10)
    sample, total = rows.read_sample_columns(files, 15, seed=2, columns=["n", "missing"])
    assert total == 70 and sample.num_rows == 15
    assert sample.column_names == ["n", "missing"] and sample["missing"].null_count == 15
    again, _ = rows.read_sample_columns(files, 15, seed=2, columns=["n", "missing"])
    assert again["n"].to_pylist() == sample["n"].to_pylist()
