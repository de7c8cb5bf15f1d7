"""The filter chain: an ordered list of registered filters/cleaners with resolved params.

A chain is built from ``(name, {param: value})`` entries (from ``-f``, a preset or a TOML
config), then ``--set name.param=value`` overrides are applied; every value goes through
:func:`corpuskit.registry.make_params`, so an unknown filter or parameter is a
:class:`ConfigError` naming the fix. The resolved chain is a tuple of frozen
:class:`FilterSpec` (hashable, picklable), which is what travels to workers.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from corpuskit.errors import ConfigError
from corpuskit.registry import Cleaner, get_filter, make_params


@dataclasses.dataclass(frozen=True)
class FilterSpec:
    """One link of the chain: the registered ``name``, its frozen params, and the ``key``
    its counters and signals use (the name; ``name#2`` for a second use of the same filter)."""

    name: str
    params: Any
    key: str

    @property
    def filter_class(self) -> type:
        return get_filter(self.name)

    @property
    def is_cleaner(self) -> bool:
        return issubclass(self.filter_class, Cleaner)


ChainEntries = list[tuple[str, dict[str, Any]]]


def parse_set_options(values: tuple[str, ...] | list[str]) -> dict[str, dict[str, str]]:
    """``["gopher_quality.min_words=20", ...]`` -> ``{"gopher_quality": {"min_words": "20"}}``."""
    overrides: dict[str, dict[str, str]] = {}
    for item in values:
        target, sep, value = item.partition("=")
        name, dot, param = target.strip().partition(".")
        if not sep or not dot or not name or not param:
            raise ConfigError(
                f"--set {item!r}: expected FILTER.PARAM=VALUE, e.g. --set gopher_quality.min_words=20"
            )
        overrides.setdefault(name, {})[param.strip()] = value.strip()
    return overrides


def apply_overrides(entries: ChainEntries, overrides: dict[str, dict[str, Any]]) -> ChainEntries:
    """Merge ``--set`` values into every entry of that filter; a filter not in the chain is an error."""
    names = {name for name, _ in entries}
    for name in overrides:
        get_filter(name)  # unknown name -> ConfigError
        if name not in names:
            raise ConfigError(
                f"--set {name}.…: filter {name!r} is not in the chain "
                f"({', '.join(n for n, _ in entries) or 'empty'}); add it with -f {name}"
            )
    return [(name, {**params, **overrides.get(name, {})}) for name, params in entries]


def resolve_chain(entries: ChainEntries) -> tuple[FilterSpec, ...]:
    """Validate every entry against its filter's Params and give each a unique key."""
    specs = []
    seen: dict[str, int] = {}
    for name, values in entries:
        cls = get_filter(name)
        params = make_params(cls.Params, dict(values), where=f"filter {name}")
        seen[name] = seen.get(name, 0) + 1
        key = name if seen[name] == 1 else f"{name}#{seen[name]}"
        specs.append(FilterSpec(name=name, params=params, key=key))
    return tuple(specs)


def chain_entries_from_json(data: Any, where: str) -> ChainEntries:
    """Entries from a chain stored in a manifest (``params.chain``) or a TOML array."""
    if not isinstance(data, list):
        raise ConfigError(f"{where}: the filter chain must be a list of {{name, params}} tables")
    entries = []
    for item in data:
        if not isinstance(item, dict) or "name" not in item:
            raise ConfigError(f"{where}: each chain entry needs a 'name'")
        entries.append((item["name"], dict(item.get("params") or {})))
    return entries


def entries_from_toml_tables(tables: dict[str, Any], where: str) -> ChainEntries:
    """``[filters.<name>]`` tables in file order (TOML keeps insertion order)."""
    entries = []
    for name, params in tables.items():
        if not isinstance(params, dict):
            raise ConfigError(f"{where}: [filters.{name}] must be a table of parameters")
        entries.append((name, dict(params)))
    return entries
