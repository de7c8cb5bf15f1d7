"""The mixture recipe: sources with weights, the token budget and how to write the package.

A recipe is a TOML file (a ``[mix]`` table, or the same keys at the top level)::

    [mix]
    pretty_name = "my corpus"
    total_tokens = 1_000_000      # training tokens; omitted = the largest budget needing
                                  # at most one epoch of every source
    tokenizer = "whitespace"      # or "tiktoken:gpt2", "hf:gpt2"
    seed = 0
    max_epochs = 10               # default per source; more needed -> on_excess_epochs
    on_excess_epochs = "warn"     # warn (cap the source at max_epochs) or fail
    validation = "c4-md5"         # none | fraction (with validation_fraction) | c4-md5
    shard_size = "256MB"          # uncompressed text per output shard
    license = "other"
    language = ["en"]

    [mix.sources.web]
    kind = "dataset"              # dataset | books | wikipedia | webtext
    paths = ["out/deduped"]       # relative paths are relative to the recipe file
    weight = 0.60                 # share of training tokens (weights are normalised)

Weights are shares of *training tokens*, not of documents (GPT-3, Brown et al. 2020,
table 2.2). The ``gpt3`` preset is that table: web 60, WebText2 22, Books1 8, Books2 8,
Wikipedia 3. The paper's weights add up to 101 % (rounding), so every recipe's weights are
normalised to sum to 1. Given two ``--books`` paths the preset makes ``books1`` and ``books2``
(8 % each, GPT-3's split); given one, a single ``books`` source with 16 %. Sources of the
preset that are not given are left out and the others renormalised (with a warning).
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path
from typing import Any

from corpuskit.errors import ConfigError
from corpuskit.mix.sources import SOURCE_KINDS
from corpuskit.progress import log

GPT3_WEIGHTS = {"web": 0.60, "webtext": 0.22, "books1": 0.08, "books2": 0.08, "wikipedia": 0.03}
GPT3_KINDS = {"web": "dataset", "webtext": "dataset", "books": "books", "wikipedia": "wikipedia"}
PRESETS = ("gpt3",)
VALIDATION_RULES = ("none", "fraction", "c4-md5")
EXCESS_POLICIES = ("warn", "fail")
DEFAULT_SHARD_SIZE = 256 * 1024 * 1024
_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([KMGT]?)I?B?\s*$", re.I)


@dataclasses.dataclass(frozen=True)
class SourceSpec:
    """One source of the mixture: a name, a reader kind, its inputs and its token weight."""

    name: str
    kind: str
    paths: tuple[str, ...]
    weight: float
    max_epochs: float | None = None
    url_list: str | None = None
    license: str | None = None
    description: str | None = None


@dataclasses.dataclass(frozen=True)
class Recipe:
    """Everything that decides the package's content (see the module docstring)."""

    sources: tuple[SourceSpec, ...]
    total_tokens: int | None = None
    tokenizer: str = "whitespace"
    seed: int = 0
    max_epochs: float = 10.0
    on_excess_epochs: str = "warn"
    validation: str = "none"
    validation_fraction: float = 0.0
    shard_size: int = DEFAULT_SHARD_SIZE
    pretty_name: str = "corpuskit mixture"
    license: str = "other"
    language: tuple[str, ...] = ()
    preset: str | None = None

    def source(self, name: str) -> SourceSpec:
        for spec in self.sources:
            if spec.name == name:
                return spec
        raise KeyError(name)

    def shares(self) -> dict[str, float]:
        """Target share of training tokens per source (normalised weights)."""
        total = sum(s.weight for s in self.sources)
        return {s.name: s.weight / total for s in self.sources}

    def epochs_limit(self, spec: SourceSpec) -> float:
        return spec.max_epochs if spec.max_epochs is not None else self.max_epochs

    def to_json(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        data["sources"] = {
            s["name"]: {k: v for k, v in s.items() if k != "name"} for s in data["sources"]
        }
        return data


def parse_size(value: Any, where: str) -> int:
    """Bytes from an int or a string such as ``"64MB"`` / ``"1.5G"`` (powers of 1024)."""
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return value
    match = _SIZE.match(str(value))
    if not match:
        raise ConfigError(f"{where}: shard_size {value!r} is not a size like 256MB")
    scale = 1024 ** " KMGT".index(match.group(2).upper() or " ")
    size = int(float(match.group(1)) * scale)
    if size <= 0:
        raise ConfigError(f"{where}: shard_size must be positive")
    return size


def load_recipe(path: str, check: bool = True) -> Recipe:
    """Read (and with ``check`` validate) a recipe TOML file.

    Relative source paths resolve against the recipe's folder. The CLI passes
    ``check=False`` because flags such as ``--web`` may still fill in paths.
    """
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib
    try:
        with open(path, "rb") as fh:
            data = tomllib.load(fh)
    except OSError as exc:
        raise ConfigError(f"cannot read recipe {path}: {exc.strerror}: check the path") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"recipe {path} is not valid TOML: {exc}") from exc
    return recipe_from_dict(data, Path(path).resolve().parent, f"recipe {path}", check)


def recipe_from_dict(
    data: dict[str, Any], base_dir: Path | None, where: str, check: bool = True
) -> Recipe:
    """Build a :class:`Recipe` from parsed TOML, with errors naming the key."""
    table = data.get("mix", data)
    if not isinstance(table, dict):
        raise ConfigError(f"{where}: [mix] must be a table")
    table = dict(table)
    raw_sources = table.pop("sources", None)
    if not isinstance(raw_sources, dict) or not raw_sources:
        raise ConfigError(f"{where}: no sources: add tables like [mix.sources.web]")
    sources = tuple(
        _source_from_dict(name, value, base_dir, where) for name, value in raw_sources.items()
    )
    fields = {f.name for f in dataclasses.fields(Recipe)} - {"sources"}
    unknown = sorted(set(table) - fields)
    if unknown:
        raise ConfigError(
            f"{where}: unknown key(s) {', '.join(unknown)}; known: {', '.join(sorted(fields))}"
        )
    if "shard_size" in table:
        table["shard_size"] = parse_size(table["shard_size"], where)
    if "language" in table:
        language = table["language"]
        table["language"] = (language,) if isinstance(language, str) else tuple(language)
    recipe = Recipe(sources=sources, **table)
    return validate(recipe, where) if check else recipe


def _source_from_dict(name: str, value: Any, base_dir: Path | None, where: str) -> SourceSpec:
    if not isinstance(value, dict):
        raise ConfigError(f"{where}: sources.{name} must be a table")
    value = dict(value)
    paths = value.pop("paths", value.pop("path", ()))
    paths = (paths,) if isinstance(paths, str) else tuple(paths)
    if base_dir is not None:
        paths = tuple(_resolve(p, base_dir) for p in paths)
        if value.get("url_list"):
            value["url_list"] = _resolve(value["url_list"], base_dir)
    known = {f.name for f in dataclasses.fields(SourceSpec)} - {"name", "paths"}
    unknown = sorted(set(value) - known)
    if unknown:
        raise ConfigError(
            f"{where}: sources.{name}: unknown key(s) {', '.join(unknown)}; known: paths, {', '.join(sorted(known))}"
        )
    if "weight" not in value:
        raise ConfigError(f"{where}: sources.{name} needs a weight (share of training tokens)")
    return SourceSpec(name=name, paths=paths, kind=value.pop("kind", "dataset"), **value)


def _resolve(path: str, base_dir: Path) -> str:
    if "://" in path or Path(path).is_absolute():
        return path
    return str(base_dir / path)


def validate(recipe: Recipe, where: str = "recipe") -> Recipe:
    """Check every value; errors say which key is wrong and what is allowed."""
    names = [s.name for s in recipe.sources]
    if not names:
        raise ConfigError(f"{where}: no sources")
    if len(set(names)) != len(names):
        raise ConfigError(f"{where}: source names must be unique ({', '.join(names)})")
    for spec in recipe.sources:
        if spec.kind not in SOURCE_KINDS:
            raise ConfigError(
                f"{where}: source {spec.name!r}: kind {spec.kind!r} is not one of {', '.join(SOURCE_KINDS)}"
            )
        if (
            not isinstance(spec.weight, (int, float))
            or isinstance(spec.weight, bool)
            or spec.weight <= 0
        ):
            raise ConfigError(f"{where}: source {spec.name!r}: weight must be a positive number")
        if not spec.paths:
            raise ConfigError(
                f"{where}: source {spec.name!r} has no paths: give `paths = [...]` in the recipe "
                f"or the matching flag (--{spec.name.rstrip('12')} PATH)"
            )
        if spec.max_epochs is not None and spec.max_epochs <= 0:
            raise ConfigError(f"{where}: source {spec.name!r}: max_epochs must be positive")
        if spec.kind == "webtext" and not spec.url_list:
            raise ConfigError(f"{where}: source {spec.name!r}: kind webtext needs url_list = FILE")
    if recipe.total_tokens is not None and recipe.total_tokens <= 0:
        raise ConfigError(f"{where}: total_tokens must be positive")
    if recipe.max_epochs <= 0:
        raise ConfigError(f"{where}: max_epochs must be positive")
    if recipe.on_excess_epochs not in EXCESS_POLICIES:
        raise ConfigError(f"{where}: on_excess_epochs must be one of {', '.join(EXCESS_POLICIES)}")
    if recipe.validation not in VALIDATION_RULES:
        raise ConfigError(f"{where}: validation must be one of {', '.join(VALIDATION_RULES)}")
    if recipe.validation == "fraction" and not 0 < recipe.validation_fraction < 1:
        raise ConfigError(f"{where}: validation_fraction must be between 0 and 1 (exclusive)")
    if recipe.shard_size <= 0:
        raise ConfigError(f"{where}: shard_size must be positive")
    return recipe


def gpt3_sources(
    web: tuple[str, ...] = (),
    webtext: tuple[str, ...] = (),
    books: tuple[str, ...] = (),
    wikipedia: tuple[str, ...] = (),
    webtext_urls: str | None = None,
) -> tuple[SourceSpec, ...]:
    """The GPT-3 table 2.2 mixture over the inputs given (see the module docstring)."""
    sources: list[SourceSpec] = []
    if web:
        sources.append(
            SourceSpec(
                "web",
                "dataset",
                web,
                GPT3_WEIGHTS["web"],
                description="Common Crawl (filtered, deduplicated)",
            )
        )
    if webtext or webtext_urls:
        kind = "webtext" if webtext_urls else "dataset"
        paths = webtext or web
        sources.append(
            SourceSpec(
                "webtext",
                kind,
                paths,
                GPT3_WEIGHTS["webtext"],
                url_list=webtext_urls,
                description="WebText-like pages",
            )
        )
    if len(books) == 1:
        sources.append(
            SourceSpec(
                "books",
                reader_kind("books", books),
                books,
                GPT3_WEIGHTS["books1"] + GPT3_WEIGHTS["books2"],
                description="Books",
            )
        )
    elif len(books) == 2:
        sources.append(
            SourceSpec(
                "books1",
                reader_kind("books", books[:1]),
                books[:1],
                GPT3_WEIGHTS["books1"],
                description="Books1",
            )
        )
        sources.append(
            SourceSpec(
                "books2",
                reader_kind("books", books[1:]),
                books[1:],
                GPT3_WEIGHTS["books2"],
                description="Books2",
            )
        )
    elif len(books) > 2:
        raise ConfigError("--preset gpt3 takes one --books folder (books) or two (books1, books2)")
    if wikipedia:
        sources.append(
            SourceSpec(
                "wikipedia",
                reader_kind("wikipedia", wikipedia),
                wikipedia,
                GPT3_WEIGHTS["wikipedia"],
                description="Wikipedia",
            )
        )
    if not sources:
        raise ConfigError(
            "--preset gpt3 needs at least one of --web, --webtext, --books, --wikipedia"
        )
    missing = [
        n
        for n in ("web", "webtext", "books", "wikipedia")
        if not any(s.name.startswith(n) for s in sources)
    ]
    if missing:
        log(f"mix: preset gpt3 without {', '.join(missing)}: the other weights are renormalised")
    return tuple(sources)


def reader_kind(kind: str, paths: tuple[str, ...]) -> str:
    """``dataset`` when every path is already a dataset folder or document files (e.g. a
    ``corpuskit import`` output), else ``kind``: imported sources mix like web output."""
    from corpuskit.dataset import DatasetFolder
    from corpuskit.readers import is_document_file

    if kind in ("books", "wikipedia") and paths:
        if all(is_document_file(p) or DatasetFolder(p).is_dataset() for p in paths):
            return "dataset"
    return kind


def with_source_paths(
    recipe: Recipe, flags: dict[str, tuple[str, ...]], webtext_urls: str | None
) -> Recipe:
    """Replace the paths of the recipe's sources named by flags (``--web`` → source ``web``)."""
    sources = list(recipe.sources)
    names = [s.name for s in sources]
    for flag, paths in flags.items():
        if not paths:
            continue
        if flag == "books" and "books" not in names and {"books1", "books2"} <= set(names):
            if len(paths) != 2:
                raise ConfigError("the recipe has books1 and books2: give --books twice")
            targets = {"books1": paths[:1], "books2": paths[1:]}
        elif flag in names:
            targets = {flag: paths}
        else:
            raise ConfigError(
                f"--{flag} given but the recipe has no source named {flag!r}: add [mix.sources.{flag}]"
            )
        for name, value in targets.items():
            index = names.index(name)
            kind = reader_kind(sources[index].kind, value)
            sources[index] = dataclasses.replace(sources[index], paths=value, kind=kind)
    if webtext_urls:
        if "webtext" not in names:
            raise ConfigError("--webtext-urls given but the recipe has no source named 'webtext'")
        index = names.index("webtext")
        spec = sources[index]
        sources[index] = dataclasses.replace(
            spec, kind="webtext", url_list=webtext_urls, paths=spec.paths or flags.get("web", ())
        )
    return dataclasses.replace(recipe, sources=tuple(sources))


def with_weights(recipe: Recipe, weights: dict[str, float]) -> Recipe:
    """Override source weights (``--weight NAME=W``)."""
    names = {s.name for s in recipe.sources}
    unknown = sorted(set(weights) - names)
    if unknown:
        raise ConfigError(
            f"--weight for unknown source(s) {', '.join(unknown)}; sources: {', '.join(sorted(names))}"
        )
    return dataclasses.replace(
        recipe,
        sources=tuple(
            dataclasses.replace(s, weight=weights.get(s.name, s.weight)) for s in recipe.sources
        ),
    )


def recipe_to_toml(recipe: Recipe) -> str:
    """The recipe as TOML that :func:`load_recipe` reads back (absolute paths)."""
    import os

    lines = ["[mix]"]
    data = recipe.to_json()
    sources = data.pop("sources")
    for key, value in data.items():
        if value is not None:
            lines.append(f"{key} = {_toml_value(value)}")
    for name, spec in sources.items():
        lines.append("")
        lines.append(f"[mix.sources.{_toml_key(name)}]")
        for key, value in spec.items():
            if key == "paths":
                value = [p if "://" in p else os.path.abspath(p) for p in value]
            elif key == "url_list" and value:
                value = os.path.abspath(value)
            if value is not None:
                lines.append(f"{key} = {_toml_value(value)}")
    return "\n".join(lines) + "\n"


def _toml_key(name: str) -> str:
    import json

    return name if re.fullmatch(r"[A-Za-z0-9_-]+", name) else json.dumps(name)


def _toml_value(value: Any) -> str:
    import json

    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    return json.dumps(str(value), ensure_ascii=False)
