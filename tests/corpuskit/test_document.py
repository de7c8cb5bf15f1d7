"""Document <-> Arrow row conversion and the one schema."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from corpuskit.document import (
    BASE_COLUMNS,
    Document,
    base_schema,
    content_id,
    documents_to_table,
    schema_with_signals,
    table_to_documents,
)


def unicode_doc() -> Document:
    return Document(
        id="<urn:uuid:0b8f6a2e-1111-4c2d-9e8f-0a1b2c3d4e5f>",
        text="Ладожское озеро — 北方人过年 — emoji 🦉 — combining e\u0301 — tab\tand\nnewline",
        url="https://vesti.example/статья?q=ёж",
        timestamp="2024-02-20T14:00:07Z",
        source="cc:CC-MAIN-2024-10",
        language="ru",
        language_score=0.75,  # exact in float32, so the round trip through Parquet is exact
        metadata={"title": "Ёж", "nested": {"list": [1, 2.5, None, "x"]}, "declared_lang": "ru"},
        signals={"gopher.word_count": 312.0, "fineweb.line_punct_ratio": 0.125},
    )


def test_row_round_trip_keeps_every_field():
    doc = unicode_doc()
    assert Document.from_row(doc.to_row()) == doc


def test_row_layout_metadata_as_json_and_signals_as_columns():
    row = unicode_doc().to_row()
    assert list(row)[: len(BASE_COLUMNS)] == list(BASE_COLUMNS)
    assert isinstance(row["metadata"], str)
    assert '"Ёж"' in row["metadata"], "metadata JSON keeps non-ASCII as is"
    assert row["signals.gopher.word_count"] == 312.0
    assert "signals" not in row


def test_round_trip_through_parquet(tmp_path):
    docs = [unicode_doc(), Document(id="sha1:1", text="plain")]
    table = documents_to_table(docs)
    path = tmp_path / "docs.parquet"
    pq.write_table(table, path)
    back = list(table_to_documents(pq.read_table(path)))
    assert back[0] == docs[0]
    # a document without a signal gets no signal back (null, not 0.0)
    assert back[1] == docs[1]
    assert back[1].signals == {}


def test_schema_is_the_base_schema_plus_sorted_signal_columns():
    schema = schema_with_signals(["b.two", "a.one", "b.two"])
    assert schema.names == [*BASE_COLUMNS, "signals.a.one", "signals.b.two"]
    assert schema.field("signals.a.one").type == pa.float64()
    base = base_schema()
    assert base.names == list(BASE_COLUMNS)
    assert not base.field("id").nullable and not base.field("text").nullable
    assert base.field("language_score").type == pa.float32()
    assert all(base.field(name).type == pa.string() for name in ("url", "timestamp", "metadata"))


def test_table_has_the_schema_even_when_empty():
    table = documents_to_table([], ["x.y"])
    assert table.num_rows == 0
    assert table.schema == schema_with_signals(["x.y"])


def test_from_row_fills_defaults_and_moves_unknown_columns_to_metadata():
    doc = Document.from_row(
        {"text": "hello", "source": "books", "title": "Emma", "signals.x.y": None, "other": None}
    )
    assert doc.id == content_id("hello", "books")
    assert doc.metadata == {"title": "Emma"}
    assert doc.signals == {}
    assert doc.language_score is None


def test_from_row_does_not_let_a_column_override_stored_metadata():
    doc = Document.from_row({"id": "a", "text": "t", "metadata": '{"title": "kept"}', "title": "x"})
    assert doc.metadata == {"title": "kept"}


def test_from_row_converts_timestamps_to_iso_strings():
    import datetime as dt

    when = dt.datetime(2024, 2, 20, 14, 0, 7, tzinfo=dt.timezone.utc)
    assert Document.from_row({"id": "a", "text": "t", "timestamp": when}).timestamp == (
        "2024-02-20T14:00:07+00:00"
    )


def test_content_id_is_stable_and_depends_on_source_and_text():
    assert content_id("text", "books") == content_id("text", "books")
    assert content_id("text", "books") != content_id("text", "wikipedia")
    assert content_id("text") != content_id("text ")
    assert content_id("x").startswith("sha1:") and len(content_id("x")) == 5 + 40
    # lone surrogates (from broken JSON input) must not crash the id
    assert content_id("\ud800")


def test_a_signal_missing_from_the_shard_schema_is_an_error_not_a_silent_drop():
    docs = [Document(id="a", text="x", signals={"f.one": 1.0})]
    with pytest.raises(ValueError, match="not in the shard schema"):
        documents_to_table(docs, signal_names=[])


def test_a_document_without_text_cannot_be_written():
    with pytest.raises(ValueError, match="no text"):
        documents_to_table([Document(id="a", text=None)])
