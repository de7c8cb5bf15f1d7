"""Apply a filter chain to documents, in one of three modes, with per-filter counters.

``filter``
    Each filter in order: ``reject_reason(doc)``; a cleaner's ``clean(doc)`` replaces the
    document. The first verdict drops the document (later filters never see it).
``annotate``
    Nothing is dropped. Every filter sees every document and its ``score(doc)`` is stored as
    ``doc.signals["<key>.<signal>"]``. Cleaners still edit the text (so later filters score
    the cleaned text, exactly as when filtering); a cleaner's page verdict is stored as
    ``<key>.drop.<reason>`` = 1.0 (0.0 for the other reasons), and the text is then left as it
    was before that cleaner. Counters show what each filter *would* drop.
``from_signals``
    No signal is recomputed and no text is touched: each filter's ``decide(signals, doc)`` runs
    on the stored signals (thresholds may have changed), a cleaner's stored verdict is read
    back. Kept documents are identical to those of the ``filter`` mode with the same params,
    because cleaners' edits do not depend on any filter's verdict.

Signals always exist for every filter on every document in annotate mode, so Parquet columns
are the same for every row.
"""

from __future__ import annotations

import time
from typing import Any

from corpuskit.document import Document
from corpuskit.errors import InputError
from corpuskit.filtering.chain import FilterSpec
from corpuskit.registry import Cleaner, declared_reasons

MODES = ("filter", "annotate", "from_signals")
DROP_SIGNAL = "drop"


class _Link:
    """One filter instance of the chain with its counters."""

    def __init__(self, spec: FilterSpec):
        self.spec = spec
        cls = spec.filter_class
        self.instance = cls(spec.params)
        self.is_cleaner = isinstance(self.instance, Cleaner)
        self.reasons = declared_reasons(cls)
        self.prefix = spec.key + "."
        self.seen = 0
        self.kept = 0
        self.dropped = dict.fromkeys(self.reasons, 0)
        self.seconds = 0.0

    def count(self, reason: str | None, seconds: float) -> None:
        self.seen += 1
        self.seconds += seconds
        if reason is None:
            self.kept += 1
        else:
            self.dropped[reason] = self.dropped.get(reason, 0) + 1

    def check_reason(self, reason: str) -> str:
        if reason not in self.reasons:
            raise ValueError(
                f"filter {self.spec.name} returned undeclared reason {reason!r} "
                f"(declared: {', '.join(self.reasons)})"
            )
        return reason

    def counters(self) -> dict[str, Any]:
        return {
            "in": self.seen,
            "kept": self.kept,
            "dropped": dict(self.dropped),
            "seconds": round(self.seconds, 6),
        }

    # -- cleaners ----------------------------------------------------------------------
    def clean(self, doc: Document) -> tuple[Document, str | None]:
        result = self.instance.clean(doc)
        if result is None:
            return doc, self.instance.empty_reason
        if isinstance(result, str):
            return doc, self.check_reason(result)
        if result is not doc:
            # A cleaner may build a new Document: signals gathered so far go along.
            result.signals = {**doc.signals, **result.signals}
        return result, None


class ChainRunner:
    """Runs a resolved chain on documents and keeps the counters of every link."""

    def __init__(self, chain: tuple[FilterSpec, ...], mode: str = "filter"):
        if mode not in MODES:
            raise ValueError(f"unknown mode {mode!r}")
        self.mode = mode
        self.links = [_Link(spec) for spec in chain]
        self.reset()

    def reset(self) -> None:
        """Zero every counter (one runner serves many shards; counters are per shard)."""
        self.documents_in = 0
        self.documents_kept = 0
        self.would_drop = 0
        for link in self.links:
            link.seen = link.kept = 0
            link.dropped = dict.fromkeys(link.reasons, 0)
            link.seconds = 0.0

    def setup(self) -> None:
        """Load models and lists; not needed to decide from stored signals."""
        if self.mode != "from_signals":
            for link in self.links:
                link.instance.setup()

    def process(self, doc: Document) -> tuple[Document, FilterSpec | None, str | None]:
        """Returns the (possibly cleaned) document and, if dropped, the filter and reason."""
        self.documents_in += 1
        if self.mode == "filter":
            result = self._filter(doc)
        elif self.mode == "annotate":
            result = self._annotate(doc)
        else:
            result = self._from_signals(doc)
        if result[1] is None:
            self.documents_kept += 1
        return result

    def _filter(self, doc: Document):
        for link in self.links:
            started = time.perf_counter()
            if link.is_cleaner:
                doc, reason = link.clean(doc)
            else:
                reason = link.instance.reject_reason(doc)
                if reason is not None:
                    link.check_reason(reason)
            link.count(reason, time.perf_counter() - started)
            if reason is not None:
                return doc, link.spec, reason
        return doc, None, None

    def _annotate(self, doc: Document):
        would_drop = False
        for link in self.links:
            started = time.perf_counter()
            if link.is_cleaner:
                cleaned, reason = link.clean(doc)
                for name in link.reasons:
                    cleaned.signals[f"{link.prefix}{DROP_SIGNAL}.{name}"] = (
                        1.0 if name == reason else 0.0
                    )
                doc = cleaned
            else:
                signals = link.instance.score(doc)
                reason = link.instance.decide(signals, doc)
                if reason is not None:
                    link.check_reason(reason)
                for name, value in signals.items():
                    doc.signals[link.prefix + name] = float(value)
            link.count(reason, time.perf_counter() - started)
            would_drop = would_drop or reason is not None
        if would_drop:
            self.would_drop += 1
        return doc, None, None

    def _from_signals(self, doc: Document):
        for link in self.links:
            started = time.perf_counter()
            if link.is_cleaner:
                reason = self._stored_cleaner_verdict(link, doc)
            else:
                signals = {
                    key[len(link.prefix) :]: value
                    for key, value in doc.signals.items()
                    if key.startswith(link.prefix)
                }
                if not signals:
                    raise _missing_signals(link, doc)
                try:
                    reason = link.instance.decide(signals, doc)
                except KeyError as exc:
                    raise _missing_signals(link, doc, str(exc)) from exc
                if reason is not None:
                    link.check_reason(reason)
            link.count(reason, time.perf_counter() - started)
            if reason is not None:
                return doc, link.spec, reason
        return doc, None, None

    @staticmethod
    def _stored_cleaner_verdict(link: _Link, doc: Document) -> str | None:
        found = False
        for name in link.reasons:
            value = doc.signals.get(f"{link.prefix}{DROP_SIGNAL}.{name}")
            if value is None:
                continue
            found = True
            if value >= 0.5:
                return name
        if not found:
            raise _missing_signals(link, doc)
        return None

    def counters(self) -> dict[str, Any]:
        counters: dict[str, Any] = {
            "documents_in": self.documents_in,
            "documents_kept": self.documents_kept,
            "documents_dropped": self.documents_in - self.documents_kept,
            "filters": {link.spec.key: link.counters() for link in self.links},
        }
        if self.mode == "annotate":
            counters["documents_would_drop"] = self.would_drop
        return counters


def _missing_signals(link: _Link, doc: Document, detail: str = "") -> InputError:
    what = f" ({detail})" if detail else ""
    return InputError(
        f"document {doc.id} has no stored signals for filter {link.spec.key}{what}: "
        f"annotate first with `corpuskit filter --annotate -f {link.spec.name} ...`, "
        "or filter without --from-signals"
    )
