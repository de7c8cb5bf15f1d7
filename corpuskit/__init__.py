"""corpuskit: build a GPT-3 / C4-style pretraining corpus from Common Crawl.

The core library. It imports neither ``cli`` nor ``filters`` (filters are reached by
name through :mod:`corpuskit.registry`). Heavy libraries are imported lazily inside the
functions that need them, so importing this package is cheap.
"""

__version__ = "0.1.0"

__all__ = ["__version__"]
