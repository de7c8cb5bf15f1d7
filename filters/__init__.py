"""Built-in filters and cleaners; importing this package registers all of them.

One module per family (DESIGN.md): ``langid`` (fastText language ID), ``c4`` (C4 line
cleaner and page filter), ``gopher_quality``, ``gopher_repetition``, ``fineweb`` (FineWeb
quality), ``badwords`` (LDNOOBW), ``urls`` (URL block list), ``pii`` (e-mail/IP redaction),
``classifier`` (GPT-3 style quality classifier). Presets are in :mod:`filters.presets`.
"""

import importlib
import importlib.util

BUILTIN_MODULES = (
    "langid",
    "c4",
    "gopher_quality",
    "gopher_repetition",
    "fineweb",
    "badwords",
    "urls",
    "pii",
    "classifier",
)

# Temporary while the modules are being written in parallel: import those that exist.
for _name in BUILTIN_MODULES:
    if importlib.util.find_spec(f"filters.{_name}") is not None:
        importlib.import_module(f"filters.{_name}")
