"""``corpuskit tokenize``: a package's Parquet shards to training-ready token shards.

One task per package shard, in the package's order (split by split, shard by shard, so the
mixture's shuffle is kept), run by the project's executors through :func:`run_stage` with
:func:`~corpuskit.tokenize.step.run_token_shard`. Resume is by ``_done`` markers like every
stage. The output folder::

    TOKENS/data/<split>-NNNNN-of-NNNNN.{bin,idx}     (--format megatron)
    TOKENS/data/<split>-NNNNN-of-NNNNN.{npy,docs.npy} (--format npy)
    TOKENS/_stats/<shard>.json, TOKENS/_done/<shard>
    TOKENS/tokenize.json   the settings, written first: a rerun with others needs --overwrite
    TOKENS/manifest.json   tokens per shard and split, sha256 of every file, the tokenizer

When every shard is done, the package's ``manifest.json`` records the output under
``tokenized`` and its card is re-rendered with a "Tokenized" section.
"""

from __future__ import annotations

import hashlib
import json
import os
from typing import Any

from corpuskit import storage
from corpuskit.dataset import DATA_DIR, DatasetFolder, atomic_write_text
from corpuskit.errors import ConfigError, InputError
from corpuskit.executor import Shard, StageSpec
from corpuskit.progress import log

SETTINGS_FILE = "tokenize.json"
TOKENS_FORMAT = "corpuskit-tokens/1"


def plan_shards(package: str) -> tuple[dict[str, Any], list[Shard]]:
    """The package's manifest and one shard per Parquet file, in the manifest's order."""
    from corpuskit.mix.card import load_manifest

    package = storage.normalize(str(package))
    if not storage.isdir(package):
        raise InputError(
            f"package {package} does not exist: give a folder written by `corpuskit mix`"
        )
    manifest = load_manifest(package)
    shards = []
    for entry in manifest.get("shards", []):
        url = storage.join(package, *entry["path"].split("/"))
        if not storage.exists(url):
            raise InputError(
                f"package {package}: {entry['path']} is listed in manifest.json but missing: "
                "check it with `corpuskit card verify`"
            )
        prefix = storage.name_of(entry["path"]).removesuffix(".parquet")
        shards.append(Shard(prefix, url, options=(("split", entry["split"]),)))
    if not shards:
        raise InputError(f"package {package} lists no shards in manifest.json")
    return manifest, shards


def check_inputs(package: str, tokenizer: str, fmt: str, eot_token: str):
    """The package's manifest, its shards and the loaded tokenizer; raises on bad input
    (called before a cluster is started, so errors come at once)."""
    from corpuskit.tokenize.formats import FORMATS
    from corpuskit.tokenize.spec import LoadedTokenizer

    if fmt not in FORMATS:
        raise ConfigError(f"unknown --format {fmt!r}: use one of {', '.join(FORMATS)}")
    package_manifest, shards = plan_shards(package)
    return package_manifest, shards, LoadedTokenizer(tokenizer, eot_token)


def tokenize_package(
    package: str,
    output: str,
    tokenizer: str,
    fmt: str,
    executor,
    eot_token: str = "<|endoftext|>",
    overwrite: bool = False,
    update_card: bool = True,
):
    """Tokenize every shard of ``package`` into ``output``; returns (stage report, manifest)."""
    from corpuskit.stage import run_stage
    from corpuskit.tokenize.formats import token_dtype
    from corpuskit.tokenize.step import TokenizeStep, run_token_shard

    package_manifest, shards, loaded = check_inputs(package, tokenizer, fmt, eot_token)
    identity = loaded.identity()
    params = TokenizeStep.Params(
        tokenizer=_absolute(tokenizer),
        eot_token=identity.eot_token,
        format=fmt,
        dtype=token_dtype(identity.vocab_size, fmt),
    )
    folder = DatasetFolder(output)
    settings = {
        "format": fmt,
        "dtype": params.dtype,
        "tokenizer": identity.to_json(),
        "package": storage.normalize(str(package)),
        "package_shards_sha256": _shards_fingerprint(package_manifest),
    }
    _check_settings(folder, settings, overwrite)
    log(
        f"tokenize: {len(shards)} shards of {package} with {tokenizer} "
        f"(vocabulary {identity.vocab_size:,}, {params.dtype}, EOT {identity.eot_id}) -> {output}"
    )
    spec = StageSpec("tokenize", params, folder.root)
    report = run_stage(spec, shards, executor, [package], overwrite, shard_fn=run_token_shard)
    manifest = _manifest(folder, shards, settings, package_manifest)
    if update_card and manifest["complete"]:
        record_in_package(package, output, manifest)
    report.counters["tokens"] = manifest["total_tokens"]
    report.counters["splits"] = manifest["splits"]
    return report, manifest


def _absolute(spec: str) -> str:
    """A SPEC naming a local file, made absolute so workers with another cwd find it."""
    from corpuskit.tokenize.spec import parse_spec

    kind, name = parse_spec(spec)
    if kind == "hf" and os.path.exists(name):
        return f"hf:{os.path.abspath(name)}"
    return spec


def _shards_fingerprint(package_manifest: dict[str, Any]) -> str:
    """SHA-256 of the package's shard list (paths and sha256s): a rebuilt package with other
    contents is not mistaken for the one whose shards are already tokenized."""
    listed = [[s["path"], s["sha256"]] for s in package_manifest.get("shards", [])]
    return hashlib.sha256(json.dumps(listed).encode("utf-8")).hexdigest()


def _check_settings(folder: DatasetFolder, settings: dict[str, Any], overwrite: bool) -> None:
    """A folder tokenized with other settings must not get a mixture of both."""
    path = storage.join(folder.root, SETTINGS_FILE)
    stored = storage.read_json(path)
    if stored is not None and not overwrite and stored != settings:
        changed = sorted(k for k in settings if stored.get(k) != settings[k])
        raise ConfigError(
            f"{folder.root} was tokenized with other settings ({', '.join(changed)} differ): "
            "use --overwrite to redo it or pick another -o"
        )
    if overwrite:
        for shard_id in folder.done_shards():  # markers first: a crash leaves shards not done
            folder.clear_shard(shard_id)
        data = storage.join(folder.root, DATA_DIR)
        for name in storage.listdir(data):
            storage.delete(storage.join(data, name))
    atomic_write_text(path, json.dumps(settings, indent=1, sort_keys=True) + "\n")


def _manifest(folder, shards, settings, package_manifest) -> dict[str, Any]:
    """Add the token tables to the manifest ``run_stage`` wrote; returns the whole manifest."""
    manifest = folder.read_manifest() or {}
    done = set(folder.done_shards())
    all_stats = folder.read_many_stats([shard.id for shard in shards if shard.id in done])
    entries = []
    splits: dict[str, dict[str, int]] = {}
    for shard in shards:
        stats = all_stats.get(shard.id)
        if not stats:
            continue
        counters = stats["counters"]
        split = shard.option("split")
        entries.append(
            {
                "prefix": f"{DATA_DIR}/{shard.id}",
                "split": split,
                "documents": counters["documents"],
                "tokens": counters["tokens"],
                "text_bytes": counters["text_bytes"],
                "files": stats["files"],
            }
        )
        total = splits.setdefault(split, {"documents": 0, "tokens": 0, "shards": 0})
        total["documents"] += counters["documents"]
        total["tokens"] += counters["tokens"]
        total["shards"] += 1
    manifest.update(
        {
            "format": TOKENS_FORMAT,
            "token_format": settings["format"],
            "dtype": settings["dtype"],
            "tokenizer": settings["tokenizer"],
            "eot_placement": "after every document",
            "package": {
                "path": settings["package"],
                "name": package_manifest.get("recipe", {}).get("pretty_name"),
                "seed": package_manifest.get("seed"),
                "created": package_manifest.get("created"),
            },
            "complete": len(entries) == len(shards),
            "splits": splits,
            "total_tokens": sum(s["tokens"] for s in splits.values()),
            "token_shards": entries,
        }
    )
    folder.write_manifest(manifest)
    return manifest


def record_in_package(package: str, output: str, manifest: dict[str, Any]) -> None:
    """Note the tokenized output in the package's manifest and re-render its card.

    One entry per output folder (a rerun replaces it). A package that cannot be written
    (read-only) is left as it is, with a warning: the token folder's manifest is complete.
    The card is rendered for local packages (as ``corpuskit card render`` does).
    """
    from corpuskit.mix.card import render_card

    pkg = DatasetFolder(package)
    data = pkg.read_manifest()
    entry = {
        "output": storage.normalize(str(output)),
        "format": manifest["token_format"],
        "dtype": manifest["dtype"],
        "tokenizer": manifest["tokenizer"],
        "splits": manifest["splits"],
        "total_tokens": manifest["total_tokens"],
    }
    records = [
        r
        for r in data.get("tokenized", [])
        if storage.normalize(str(r.get("output"))) != entry["output"]
    ]
    data["tokenized"] = [*records, entry]
    try:
        pkg.write_manifest(data)
        render_card(pkg.root)  # any storage: cards are written through corpuskit.storage
    except OSError as exc:
        log(f"tokenize: warning: could not record the tokens in {package}'s card ({exc})")


def human_summary(manifest: dict[str, Any], output: str) -> str:
    """One line per split for stdout."""
    lines = [
        f"tokenize: {output}: {manifest['total_tokens']:,} tokens "
        f"({manifest['token_format']}, {manifest['dtype']}, {manifest['tokenizer']['spec']})"
    ]
    for split, info in manifest["splits"].items():
        lines.append(
            f"  {split}: {info['tokens']:,} tokens, {info['documents']:,} documents, "
            f"{info['shards']} shard(s)"
        )
    return "\n".join(lines)
