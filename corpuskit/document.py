"""The Document model and its one Arrow schema.

A Document is the unit every stage passes along. ``id`` is stable across stages
(WARC-Record-ID for web pages, a content hash elsewhere), ``text`` is always plain text.
Quality signals (``annotate-then-filter``, as in dolma) travel in ``signals`` and are
stored as float64 columns named ``signals.<filter>.<name>``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

SIGNAL_PREFIX = "signals."

BASE_COLUMNS = (
    "id",
    "text",
    "url",
    "timestamp",
    "source",
    "language",
    "language_score",
    "metadata",
)


def base_schema():
    """The Arrow schema shared by every dataset folder (without signal columns)."""
    import pyarrow as pa

    return pa.schema(
        [
            pa.field("id", pa.string(), nullable=False),
            pa.field("text", pa.string(), nullable=False),
            pa.field("url", pa.string()),
            pa.field("timestamp", pa.string()),
            pa.field("source", pa.string()),
            pa.field("language", pa.string()),
            pa.field("language_score", pa.float32()),
            pa.field("metadata", pa.string()),  # JSON object
        ]
    )


def schema_with_signals(signal_names: Iterable[str]):
    """The base schema plus one float64 column per signal name (sorted)."""
    import pyarrow as pa

    schema = base_schema()
    for name in sorted(set(signal_names)):
        schema = schema.append(pa.field(SIGNAL_PREFIX + name, pa.float64()))
    return schema


def content_id(text: str, source: str = "") -> str:
    """A stable id for documents that have no WARC-Record-ID: sha1 of source and text."""
    digest = hashlib.sha1(f"{source}\x00{text}".encode("utf-8", "surrogatepass")).hexdigest()
    return f"sha1:{digest}"


@dataclass
class Document:
    """One document. ``metadata`` must be JSON-serialisable."""

    id: str
    text: str
    url: str | None = None
    timestamp: str | None = None
    source: str | None = None
    language: str | None = None
    language_score: float | None = None
    metadata: dict[str, Any] = field(default_factory=dict)
    signals: dict[str, float] = field(default_factory=dict)

    def to_row(self) -> dict[str, Any]:
        """A flat row for the Arrow schema (metadata as JSON, signals as columns)."""
        row = {
            "id": self.id,
            "text": self.text,
            "url": self.url,
            "timestamp": self.timestamp,
            "source": self.source,
            "language": self.language,
            "language_score": self.language_score,
            "metadata": json.dumps(self.metadata, ensure_ascii=False, sort_keys=True),
        }
        for name, value in self.signals.items():
            row[SIGNAL_PREFIX + name] = value
        return row

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Document:
        """The inverse of :meth:`to_row`; unknown non-signal columns go into metadata."""
        metadata_raw = row.get("metadata")
        metadata = json.loads(metadata_raw) if metadata_raw else {}
        signals = {}
        for key, value in row.items():
            if key.startswith(SIGNAL_PREFIX):
                if value is not None:
                    signals[key[len(SIGNAL_PREFIX) :]] = value
            elif key not in BASE_COLUMNS and value is not None:
                metadata.setdefault(key, value)
        text = row.get("text")
        source = row.get("source")
        doc_id = row.get("id") or content_id(text or "", source or "")
        score = row.get("language_score")
        return cls(
            id=doc_id,
            text=text if text is not None else "",
            url=row.get("url"),
            timestamp=_as_str(row.get("timestamp")),
            source=source,
            language=row.get("language"),
            language_score=float(score) if score is not None else None,
            metadata=metadata,
            signals=signals,
        )


def _as_str(value: Any) -> str | None:
    if value is None or isinstance(value, str):
        return value
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def documents_to_table(docs: list[Document], signal_names: Iterable[str] | None = None):
    """Build one Arrow table from documents (all batch writes go through here)."""
    import pyarrow as pa

    if signal_names is None:
        names: set[str] = set()
        for doc in docs:
            names.update(doc.signals)
        signal_names = names
    schema = schema_with_signals(signal_names)
    rows = [doc.to_row() for doc in docs]
    known = set(schema.names)
    for row in rows:
        if row["text"] is None or row["id"] is None:
            raise ValueError(f"document {row['id']!r} has no text or no id; both are required")
        extra = [key for key in row if key not in known]
        if extra:
            # The schema of a shard is fixed by its first row group; a later new signal
            # would otherwise be dropped without a word.
            raise ValueError(f"document {row['id']!r} has signals not in the shard schema: {extra}")
    columns = {name: [row.get(name) for row in rows] for name in schema.names}
    return pa.Table.from_pydict(columns, schema=schema)


def table_to_documents(table) -> Iterator[Document]:
    """Iterate the rows of an Arrow table or record batch as Documents."""
    for row in table.to_pylist():
        yield Document.from_row(row)
