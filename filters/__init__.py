"""Built-in filters and cleaners; importing this package registers all of them.

One module per family (DESIGN.md): ``langid`` (fastText language ID), ``c4`` (C4 line
cleaner and page filter), ``gopher_quality``, ``gopher_repetition``, ``fineweb`` (FineWeb
quality), ``badwords`` (LDNOOBW), ``urls`` (URL block list), ``pii`` (e-mail/IP redaction),
``classifier`` (GPT-3 style quality classifier). Presets are in :mod:`filters.presets`;
shared text splitting in :mod:`filters.text`.
"""

from filters import (  # noqa: F401  (imported to register)
    badwords,
    c4,
    classifier,
    fineweb,
    gopher_quality,
    gopher_repetition,
    langid,
    pii,
    urls,
)
