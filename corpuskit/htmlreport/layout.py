"""Which dataset folders a report covers, in pipeline order.

A path given to ``corpuskit report`` is a dataset folder (it has ``manifest.json``, ``data/``,
``_stats/`` or ``_done/``), a package (a folder written by ``mix``), or the output root of
``corpuskit run``, whose sub-folders are the stages' outputs.
"""

from __future__ import annotations

from corpuskit import storage
from corpuskit.errors import InputError

MARKERS = ("manifest.json", "data", "_stats", "_done")
STAGE_ORDER = {
    "extract": 0,
    "filter": 1,
    "import": 2,
    "dedup": 3,
    "decontaminate": 4,
    "mix": 5,
}


def is_dataset_folder(url: str) -> bool:
    """Whether ``url`` looks like a folder a corpuskit stage wrote."""
    return bool(set(storage.listdir(url)) & set(MARKERS))


def stage_of(url: str) -> str:
    """The stage that wrote ``url`` (``dedup.apply`` counts as ``dedup``), from its manifest."""
    try:
        stage = (storage.read_json(storage.join(url, "manifest.json")) or {}).get("stage")
    except (OSError, ValueError):
        stage = None
    return (stage or storage.name_of(url)).split(".", 1)[0]


def dataset_folders(paths: list[str]) -> list[str]:
    """Every dataset folder named by ``paths`` (a run root expands to its stages), sorted by
    pipeline stage; InputError naming the path that is none of these."""
    found: list[str] = []
    for given in paths:
        url = storage.normalize(str(given))
        if is_dataset_folder(url):
            found.append(url)
            continue
        children = [
            storage.join(url, name)
            for name in storage.listdir(url)
            if is_dataset_folder(storage.join(url, name))
        ]
        if not children:
            what = "does not exist" if not storage.exists(url) else "is not a dataset folder"
            raise InputError(
                f"{given} {what}: give a dataset folder, a package, or the output root of "
                "`corpuskit run` (the folder that holds extract/, filter/, ...)"
            )
        found += children
    unique = list(dict.fromkeys(found))
    return sorted(unique, key=lambda u: (STAGE_ORDER.get(stage_of(u), 9), unique.index(u)))
