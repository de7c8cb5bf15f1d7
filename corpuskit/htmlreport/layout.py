"""Which dataset folders a report covers, in pipeline order.

A path given to ``corpuskit report`` is a dataset folder (it has ``manifest.json``, ``data/``,
``_stats/`` or ``_done/``), a package (a folder written by ``mix``), or the output root of
``corpuskit run``, whose sub-folders are the stages' outputs.
"""

from __future__ import annotations

import json
from pathlib import Path

from corpuskit.errors import InputError

MARKERS = ("manifest.json", "data", "_stats", "_done")
STAGE_ORDER = {"extract": 0, "filter": 1, "dedup": 2, "mix": 3}


def is_dataset_folder(path: Path) -> bool:
    """Whether ``path`` looks like a folder a corpuskit stage wrote."""
    return path.is_dir() and any((path / name).exists() for name in MARKERS)


def stage_of(path: Path) -> str:
    """The stage that wrote ``path`` (``dedup.apply`` counts as ``dedup``), from its manifest."""
    try:
        stage = json.loads((path / "manifest.json").read_text(encoding="utf-8")).get("stage")
    except (OSError, ValueError):
        stage = None
    return (stage or path.name).split(".", 1)[0]


def dataset_folders(paths: list[str]) -> list[Path]:
    """Every dataset folder named by ``paths`` (a run root expands to its stages), sorted by
    pipeline stage; InputError naming the path that is none of these."""
    found: list[Path] = []
    for given in paths:
        path = Path(given)
        if is_dataset_folder(path):
            found.append(path)
            continue
        children = (
            sorted(p for p in path.iterdir() if is_dataset_folder(p)) if path.is_dir() else []
        )
        if not children:
            what = "does not exist" if not path.exists() else "is not a dataset folder"
            raise InputError(
                f"{given} {what}: give a dataset folder, a package, or the output root of "
                "`corpuskit run` (the folder that holds extract/, filter/, ...)"
            )
        found += children
    unique = list(dict.fromkeys(found))
    return sorted(unique, key=lambda p: (STAGE_ORDER.get(stage_of(p), 9), unique.index(p)))
