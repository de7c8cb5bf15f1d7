"""The one place that knows local from remote storage: every location is a URL.

Stages, readers and the dataset folder speak URLs (strings); a local path is just the
``file`` case. Everything goes through fsspec, so the same code reads and writes a local
folder, ``s3://``, ``gs://``, ``az://``, ``memory://`` and reads ``http(s)://``.

Credentials and endpoints come the standard way of each backend (for S3: the AWS
environment variables, including ``AWS_ENDPOINT_URL``, profiles and instance roles).
Anything else is given as *storage options*: a JSON object passed to the filesystem of a
URL's protocol (``{"anon": true}``), or one object per protocol
(``{"s3": {"endpoint_url": "http://..."}, "gs": {...}}``). The CLI sets them from
``--storage-options`` or a ``[storage]`` config table; tasks carry them to the workers
(:func:`options_json` / :func:`configure`), because workers share no disk and no state.

Writes that must appear whole use :func:`commit`: the bytes go to a unique attempt name
next to the final one and are moved into place (a rename on a local disk; a server-side
copy on an object store, which makes the destination appear whole or not at all). Readers
of a dataset folder trust only its ``_done`` markers, written last.
"""

from __future__ import annotations

import json
import os
import posixpath
import uuid
from typing import Any

from corpuskit.errors import ConfigError, DependencyError, InputError

# Protocols that can be written; http(s) is read-only.
WRITABLE = ("file", "local", "s3", "s3a", "gs", "gcs", "az", "abfs", "abfss", "adl", "memory")
READ_ONLY = ("http", "https")
# Which package provides a protocol's fsspec backend (for error messages).
BACKENDS = {
    "s3": "s3fs",
    "s3a": "s3fs",
    "gs": "gcsfs",
    "gcs": "gcsfs",
    "az": "adlfs",
    "abfs": "adlfs",
    "abfss": "adlfs",
    "adl": "adlfs",
    "http": "aiohttp",
    "https": "aiohttp",
}
EXTRAS = {"gcsfs": "gcs", "adlfs": "azure"}
TEMP_MARK = ".tmp-"

_options: dict[str, dict[str, Any]] = {}  # protocol -> options; "*" applies to all


def protocol_of(url: str) -> str:
    """``s3`` for ``s3://b/k``; ``file`` for a local path."""
    scheme, sep, _ = url.partition("://")
    return scheme.lower() if sep else "file"


def is_local(url: str) -> bool:
    return protocol_of(url) in ("file", "local")


def normalize(url: str) -> str:
    """Absolute local path (so workers in other directories find it) or the URL itself."""
    if is_local(url):
        path = url.split("://", 1)[1] if "://" in url else url
        return os.path.abspath(os.path.expanduser(path))
    return url.rstrip("/") if not url.endswith(":///") else url


def join(base: str, *parts: str) -> str:
    """``base/part/...`` for a URL or a local path."""
    if is_local(base):
        return os.path.join(base, *parts)
    return posixpath.join(base.rstrip("/"), *parts)


def name_of(url: str) -> str:
    """The last path component of a URL or path."""
    return url.rstrip("/").rsplit("/", 1)[-1]


def parent_of(url: str) -> str:
    if is_local(url):
        return os.path.dirname(url.rstrip("/"))
    return url.rstrip("/").rsplit("/", 1)[0]


# -- storage options ----------------------------------------------------------------------


def parse_options(text: str | dict | None) -> dict[str, Any]:
    """Storage options from JSON text (``--storage-options``) or a config table."""
    if not text:
        return {}
    if isinstance(text, dict):
        return dict(text)
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ConfigError(
            f"--storage-options is not valid JSON ({exc.msg}): give an object, "
            'e.g. \'{"s3": {"endpoint_url": "http://127.0.0.1:9000"}}\''
        ) from exc
    if not isinstance(value, dict):
        raise ConfigError("--storage-options must be a JSON object")
    return value


def configure(options: dict[str, Any] | str | None) -> None:
    """Set this process's storage options (replacing earlier ones)."""
    options = parse_options(options)
    _options.clear()
    known = set(WRITABLE) | set(READ_ONLY) | set(BACKENDS) | {"*"}
    if options and all(isinstance(v, dict) for v in options.values()) and set(options) <= known:
        _options.update({k.lower(): dict(v) for k, v in options.items()})
    elif options:
        _options["*"] = dict(options)


def options_json() -> str:
    """This process's storage options as JSON, for a task to carry to a worker."""
    return json.dumps(_options, sort_keys=True) if _options else ""


def options_for(protocol: str) -> dict[str, Any]:
    if protocol in ("file", "local", "memory"):
        return {}
    return {**_options.get("*", {}), **_options.get(protocol, {})}


# -- filesystems ----------------------------------------------------------------------------


def filesystem(url: str):
    """``(fs, path)`` for a URL, with clear errors for unknown schemes and missing backends."""
    import fsspec

    protocol = protocol_of(url)
    if protocol in ("file", "local"):
        return fsspec.filesystem("file"), normalize(url)
    try:
        cls = fsspec.get_filesystem_class(protocol)
    except ValueError as exc:
        raise ConfigError(
            f"unknown storage scheme {protocol}:// in {url!r}: use a local path or one of "
            "s3://, gs://, az://, http(s)://, memory://"
        ) from exc
    except ImportError as exc:
        package = BACKENDS.get(protocol, f"the fsspec backend for {protocol}://")
        extra = EXTRAS.get(package)
        hint = f" (or pip install 'corpuskit[{extra}]')" if extra else ""
        raise DependencyError(
            f"{protocol}:// needs the package {package}, which is not installed: "
            f"pip install {package}{hint}"
        ) from exc
    fs = cls(**options_for(protocol))
    path = cls._strip_protocol(url)
    # Other processes (workers) write here too: never answer from a stale listing cache.
    fs.invalidate_cache()
    return fs, path


def full_url(fs, path: str, like: str) -> str:
    """The URL of ``path`` on ``fs``, in the scheme of ``like``."""
    if is_local(like):
        return f"file://{path}" if like.startswith("file://") else path
    if "://" in path:
        return path
    protocol = protocol_of(like)
    return f"{protocol}://{path if protocol == 'memory' else path.lstrip('/')}"


def check_output(url: str) -> str:
    """Validate an output location before any work starts; returns it normalised.

    Unknown schemes, missing backends, read-only schemes and URLs without a bucket are
    configuration errors (exit 2); nothing is created.
    """
    protocol = protocol_of(url)
    if protocol in READ_ONLY:
        raise ConfigError(
            f"cannot write to {url}: {protocol}:// is read-only; write to a folder or s3://"
        )
    fs, path = filesystem(url)
    if protocol not in ("file", "local", "memory") and not path.strip("/"):
        raise ConfigError(
            f"output {url!r} names no bucket or container: use e.g. s3://bucket/prefix"
        )
    return normalize(url)


# -- reading ----------------------------------------------------------------------------------


def exists(url: str) -> bool:
    fs, path = filesystem(url)
    return fs.exists(path)


def isdir(url: str) -> bool:
    fs, path = filesystem(url)
    return fs.isdir(path)


def isfile(url: str) -> bool:
    fs, path = filesystem(url)
    return fs.isfile(path)


def size(url: str) -> int | None:
    """Size in bytes, or None when the store cannot tell."""
    fs, path = filesystem(url)
    try:
        value = fs.size(path)
    except (NotImplementedError, ValueError):
        return None
    return int(value) if value is not None else None


def listdir(url: str) -> list[str]:
    """Names (not paths) of the entries directly under a folder; [] when it does not exist."""
    fs, path = filesystem(url)
    try:
        entries = fs.ls(path, detail=False)
    except (FileNotFoundError, NotADirectoryError):
        return []
    names = sorted({e.rstrip("/").rsplit("/", 1)[-1] for e in entries})
    return [n for n in names if n and n != name_of(path)]


def find_files(url: str) -> list[tuple[str, int | None]]:
    """``(url, size)`` of every file under a folder, recursively, sorted."""
    fs, path = filesystem(url)
    try:
        found = fs.find(path, detail=True)
    except FileNotFoundError:
        return []
    return sorted(
        (full_url(fs, p, url), info.get("size"))
        for p, info in found.items()
        if info.get("type", "file") == "file"
    )


def glob(pattern: str) -> list[str]:
    """Files matching a pattern (``**`` recursive); local patterns keep their relative form."""
    if is_local(pattern) and "://" not in pattern:
        import glob as globbing

        return sorted(p for p in globbing.glob(pattern, recursive=True) if os.path.isfile(p))
    fs, path = filesystem(pattern)
    found = fs.glob(path, detail=True)  # one listing: no request per match to ask its type
    return sorted(
        full_url(fs, p, pattern) for p, info in found.items() if info.get("type") == "file"
    )


def open(url: str, mode: str = "rb", **kwargs):  # noqa: A001 - mirrors the builtin
    """Open a URL; parent folders are created for writes on a local disk."""
    fs, path = filesystem(url)
    if "w" in mode and is_local(url):
        os.makedirs(os.path.dirname(path), exist_ok=True)
    return fs.open(path, mode, **kwargs)


def open_input(url: str):
    """Open an input for binary reading; a missing or unreadable one is an InputError."""
    try:
        return open(url, "rb")
    except FileNotFoundError as exc:
        raise InputError(f"cannot read {url}: No such file: check the path or URL") from exc
    except PermissionError as exc:
        raise InputError(f"cannot read {url}: permission denied: check its permissions") from exc
    except IsADirectoryError as exc:
        raise InputError(f"{url} is a folder, not a file") from exc


def read_bytes(url: str) -> bytes:
    fs, path = filesystem(url)
    return fs.cat_file(path)


def read_text(url: str) -> str:
    return read_bytes(url).decode("utf-8")


def read_json(url: str) -> Any | None:
    """A JSON file's value, or None when it does not exist."""
    try:
        return json.loads(read_text(url))
    except FileNotFoundError:
        return None


def read_many(urls: list[str]) -> dict[str, bytes]:
    """The bytes of many small files at once (concurrent on object stores); missing ones left out."""
    if not urls:
        return {}
    fs, _ = filesystem(urls[0])
    local = is_local(urls[0])
    paths = {normalize(u) if local else fs._strip_protocol(u): u for u in urls}
    found = fs.cat(list(paths), on_error="omit")
    return {paths[p]: data for p, data in found.items() if isinstance(data, bytes)}


# -- writing ----------------------------------------------------------------------------------


def makedirs(url: str) -> None:
    """Create a folder (object stores have none: nothing to do there)."""
    if is_local(url):
        os.makedirs(normalize(url), exist_ok=True)


def attempt_name(url: str) -> str:
    """A unique sibling name for one attempt at writing ``url`` (``.NAME.tmp-PID-HEX``)."""
    token = f"{os.getpid()}-{uuid.uuid4().hex[:12]}"
    return join(parent_of(url), f".{name_of(url)}{TEMP_MARK}{token}")


def is_attempt(name: str) -> bool:
    return name.startswith(".") and TEMP_MARK in name


def attempt_target(name: str) -> str:
    """The final name an attempt name was written for (``.a.parquet.tmp-1-ab`` → ``a.parquet``)."""
    return name[1:].split(TEMP_MARK, 1)[0]


def commit(tmp: str, final: str) -> None:
    """Move a completely written attempt into place (atomic for readers of ``final``)."""
    fs, src = filesystem(tmp)
    _, dst = filesystem(final)
    if is_local(final):
        os.replace(src, dst)
    else:
        fs.mv(src, dst)


def write_bytes(url: str, data: bytes) -> None:
    """Write a whole file so readers see all of it or nothing (attempt name, then commit)."""
    tmp = attempt_name(url)
    with open(tmp, "wb") as fh:
        fh.write(data)
    commit(tmp, url)


def write_text(url: str, text: str) -> None:
    write_bytes(url, text.encode("utf-8"))


def delete(url: str) -> None:
    """Remove a file; a missing one is not an error."""
    fs, path = filesystem(url)
    try:
        fs.rm_file(path)
    except FileNotFoundError:
        pass


def replace_tree(src: str, dst: str, last: str = "manifest.json") -> None:
    """Put the finished folder ``src`` in the place of ``dst`` (replacing what is there).

    On a local disk: two renames, so ``dst`` is never half there. On an object store, where
    folders are prefixes: ``dst``'s old ``last`` file goes first (readers then see no
    complete package), the other objects are copied server-side, ``last`` is copied last
    and ``src`` is removed, so a complete ``last`` always means a complete folder.
    """
    if is_local(dst):
        src, dst = normalize(src), normalize(dst)
        old = None
        if os.path.exists(dst):
            old = join(parent_of(dst), f".{name_of(dst)}.old-{os.getpid()}")
            os.replace(dst, old)
        os.replace(src, dst)
        if old is not None:
            delete_tree(old)
        return
    delete(join(dst, last))
    delete_tree(dst)
    fs, src_path = filesystem(src)
    _, dst_path = filesystem(dst)
    files = sorted(p for p in fs.find(src_path) if p.rstrip("/") != src_path.rstrip("/"))
    final = [
        p for p in files if name_of(p) == last and parent_of(p).rstrip("/") == src_path.rstrip("/")
    ]
    for path in [p for p in files if p not in final] + final:
        fs.copy(path, dst_path.rstrip("/") + "/" + path[len(src_path.rstrip("/")) + 1 :])
    delete_tree(src)


def delete_tree(url: str) -> None:
    """Remove a folder and everything under it; a missing one is not an error."""
    fs, path = filesystem(url)
    try:
        fs.rm(path, recursive=True)
    except FileNotFoundError:
        pass


def display(url: str, base: str | None = None) -> str:
    """How a location is shown in a publishable card: URLs and relative paths as given,
    absolute local paths relative to ``base`` (or the working folder) when under it, else
    only their last two components, so no home or temporary folder is published."""
    if not is_local(url) or not os.path.isabs(url.split("://", 1)[-1]):
        return url
    path = normalize(url)
    for root in filter(None, (base, os.getcwd())):
        root = normalize(root)
        if path == root or path.startswith(root.rstrip(os.sep) + os.sep):
            return os.path.relpath(path, root)
    parts = [p for p in path.split(os.sep) if p]
    return "/".join(["…"] + parts[-2:])
