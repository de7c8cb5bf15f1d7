"""``python -m corpuskit``: the same command as the ``corpuskit`` console script.

This entry point is the one place in the core package allowed to import ``cli``.
"""

from cli.main import cli

if __name__ == "__main__":
    cli(prog_name="corpuskit")
