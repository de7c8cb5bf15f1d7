"""The one error hierarchy of corpuskit.

::

    CorpuskitError              anything corpuskit reports on purpose
    ├── ConfigError             bad option, bad config file, unknown filter/preset  (exit 2)
    ├── InputError              missing or unreadable input, wrong format            (exit 2)
    ├── ShardError              one shard could not be processed                    (exit 1)
    └── DependencyError         an optional library or model is not available       (exit 2)

Every message says what went wrong, where, and how to fix it. The CLI converts these
into Click errors in one place (``cli.main``); a traceback means a bug.
"""

from __future__ import annotations


class CorpuskitError(Exception):
    """Base of every error corpuskit raises deliberately."""

    exit_code = 2


class ConfigError(CorpuskitError):
    """An option, parameter or configuration file is invalid."""


class InputError(CorpuskitError):
    """An input is missing, unreadable or not in the expected format."""


class ShardError(CorpuskitError):
    """A single shard failed; other shards go on and a rerun retries it."""

    exit_code = 1


class DependencyError(CorpuskitError):
    """An optional dependency, model or word list is not available."""
