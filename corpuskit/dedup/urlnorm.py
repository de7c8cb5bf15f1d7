"""C4's URL normalisation (TensorFlow Datasets ``c4_utils``) for URL dedup.

The reference strips the scheme and a leading ``www.``, cuts the query at the first
``?utm_``/``?ref``/``?feed`` parameter, and strips trailing ``/``. corpuskit removes each
tracking parameter whose name starts with ``utm_``, ``ref`` or ``feed`` and keeps the
others, so ``?id=3&utm_source=x`` and ``?id=3`` match too, and strips a trailing ``/`` of
the path before a query as well (a superset of the reference).
URL dedup keeps the newest capture of each normalised URL, as C4 does.
"""

from __future__ import annotations

import re

_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*://")
_TRACKING = ("utm_", "ref", "feed")


def normalize_url(url: str) -> str:
    """Scheme and ``www.`` stripped, tracking query parameters dropped, trailing ``/`` stripped."""
    url = _SCHEME.sub("", url.strip())
    if url.lower().startswith("www."):
        url = url[4:]
    fragment = ""
    if "#" in url:
        url, fragment = url.split("#", 1)
    if "?" in url:
        path, query = url.split("?", 1)
        kept = [
            part
            for part in query.split("&")
            if part and not part.split("=", 1)[0].lower().startswith(_TRACKING)
        ]
        url = path.rstrip("/") + ("?" + "&".join(kept) if kept else "")
    url = url.rstrip("/")
    return url + ("#" + fragment if fragment else "")
