"""Registries of steps and filters, found by name.

A *step* is what an executor runs on one shard (``extract``, ``filter``, the dedup phases,
...). Work is shipped to workers as ``(step name, params)``: the step class is looked up
here on the worker, so nothing heavy is pickled. A step's only state is its frozen params
dataclass; heavy objects are built lazily in ``setup()``.

*Filters* and *cleaners* are registered with :func:`register_filter`, the same decorator
third-party packages use (they may also expose an entry point in the group
``corpuskit.filters``). Built-in filters live in the top-level ``filters`` package, which
the core reaches only through :func:`load_builtin_filters`, by name.
"""

from __future__ import annotations

import dataclasses
import importlib
from typing import Any, ClassVar

from corpuskit.errors import ConfigError

# Step name (the part before the first dot) -> module that registers it when imported.
STEP_MODULES = {
    "extract": "corpuskit.extract.step",
    "filter": "corpuskit.filtering.step",
    "dedup": "corpuskit.dedup.steps",
    "tokenize": "corpuskit.tokenize.step",
    "import": "corpuskit.mix.importing",
    "decontaminate": "corpuskit.decontam.steps",
}

FILTER_ENTRY_POINT_GROUP = "corpuskit.filters"

_STEPS: dict[str, type] = {}
_FILTERS: dict[str, type] = {}
_filters_loaded = False


class Step:
    """One unit of per-shard work. Subclasses set ``name`` and ``Params``.

    ``run(shard, output)`` reads the shard's input, writes documents to ``output``
    (a :class:`corpuskit.dataset.ShardOutput`) and returns a flat dict of counters.
    """

    name: ClassVar[str] = ""

    @dataclasses.dataclass(frozen=True)
    class Params:
        pass

    def __init__(self, params: Any = None):
        self.params = params if params is not None else self.Params()

    def setup(self) -> None:
        """Build heavy objects (models, configs); called once per step instance on the worker."""

    def run(self, shard, output) -> dict[str, Any]:  # pragma: no cover - abstract
        raise NotImplementedError


def register_step(cls: type) -> type:
    """Class decorator: make a :class:`Step` subclass available by its ``name``."""
    if not cls.name:
        raise TypeError(f"{cls.__name__} has no name")
    _STEPS[cls.name] = cls
    return cls


def get_step(name: str) -> type:
    """The step class registered as ``name``, importing its module on first use."""
    if name not in _STEPS:
        module = STEP_MODULES.get(name.split(".", 1)[0])
        if module:
            importlib.import_module(module)
    try:
        return _STEPS[name]
    except KeyError:
        raise ConfigError(
            f"unknown step {name!r}; known: {', '.join(sorted(_STEPS)) or 'none'}"
        ) from None


class Filter:
    """Keep-or-drop decision on a document; never edits text.

    ``reasons`` declares every reason :meth:`reject_reason` can return, so counters show
    zeros too. :meth:`score` returns the signals the decision is based on (annotate mode);
    :meth:`decide` re-applies the thresholds to stored signals without recomputing them.
    """

    name: ClassVar[str] = ""
    reasons: ClassVar[tuple[str, ...]] = ()
    source: ClassVar[str] = ""  # the paper / code whose rule this reproduces

    @dataclasses.dataclass(frozen=True)
    class Params:
        pass

    def __init__(self, params: Any = None):
        self.params = params if params is not None else self.Params()

    def setup(self) -> None:
        """Load models or word lists (lazily, on the worker)."""

    def score(self, doc) -> dict[str, float]:
        return {}

    def decide(self, signals: dict[str, float], doc) -> str | None:
        """The verdict from signals computed by :meth:`score` (None = keep)."""
        raise NotImplementedError

    def reject_reason(self, doc) -> str | None:
        """None to keep the document, else one of ``reasons``."""
        return self.decide(self.score(doc), doc)


class Cleaner(Filter):
    """Line-level edits: returns a new document, or None when nothing is left.

    A cleaner may drop a whole page only through one of its declared ``reasons``
    (returned by :meth:`clean` as a string). A cleaner that leaves nothing returns None,
    which the filter chain counts under :attr:`empty_reason`.
    """

    empty_reason: ClassVar[str] = "empty"

    def clean(self, doc):  # pragma: no cover - abstract
        raise NotImplementedError


def declared_reasons(cls: type) -> tuple[str, ...]:
    """Every reason a filter or cleaner class can report (a cleaner's empty reason included)."""
    reasons = tuple(cls.reasons)
    if issubclass(cls, Cleaner) and cls.empty_reason not in reasons:
        reasons += (cls.empty_reason,)
    return reasons


def register_filter(cls: type) -> type:
    """Class decorator used by built-in and third-party filters and cleaners alike."""
    if not cls.name:
        raise TypeError(f"{cls.__name__} has no name")
    if cls.name in _FILTERS and _FILTERS[cls.name] is not cls:
        raise TypeError(f"filter name {cls.name!r} is registered twice")
    _FILTERS[cls.name] = cls
    return cls


def load_builtin_filters() -> None:
    """Import the built-in ``filters`` package and third-party entry points, once."""
    global _filters_loaded
    if _filters_loaded:
        return
    _filters_loaded = True
    importlib.import_module("filters")
    from importlib.metadata import entry_points

    for entry in entry_points(group=FILTER_ENTRY_POINT_GROUP):
        entry.load()


def get_filter(name: str) -> type:
    load_builtin_filters()
    try:
        return _FILTERS[name]
    except KeyError:
        raise ConfigError(
            f"unknown filter {name!r}: run `corpuskit filter --list` to see the names"
        ) from None


def all_filters() -> dict[str, type]:
    load_builtin_filters()
    return dict(sorted(_FILTERS.items()))


def make_params(params_cls: type, values: dict[str, Any], where: str) -> Any:
    """Build a frozen params dataclass from a dict, with errors that name the bad key."""
    fields = {f.name: f for f in dataclasses.fields(params_cls)}
    unknown = sorted(set(values) - set(fields))
    if unknown:
        raise ConfigError(
            f"{where}: unknown parameter(s) {', '.join(unknown)}; known: {', '.join(fields) or 'none'}"
        )
    converted = {}
    for key, value in values.items():
        converted[key] = _coerce(value, fields[key], where)
    return params_cls(**converted)


def _coerce(value: Any, field: dataclasses.Field, where: str) -> Any:
    default = field.default if field.default is not dataclasses.MISSING else None
    target = type(default) if default is not None else None
    try:
        if target is bool and isinstance(value, str):
            if value.lower() in ("1", "true", "yes", "on"):
                return True
            if value.lower() in ("0", "false", "no", "off"):
                return False
            raise ValueError(value)
        if (
            target in (int, float)
            and isinstance(value, (str, int, float))
            and not isinstance(value, bool)
        ):
            return target(value)
        if target is tuple and isinstance(value, (list, str)):
            if isinstance(value, str):  # "a,b" -> ("a", "b"); "" -> ()
                return tuple(item.strip() for item in value.split(",") if item.strip())
            return tuple(value)
    except ValueError:
        raise ConfigError(
            f"{where}: {field.name}={value!r} is not a valid {target.__name__}"
        ) from None
    return value
