"""The ``corpuskit`` command group: lazy subcommands and the one error boundary.

Each module ``cli/<name>.py`` (exposing ``command``) is the subcommand ``<name>``.
Subcommand modules are imported only when invoked (or listed by ``--help``), and they
import heavy libraries inside their functions, so ``corpuskit --help`` stays instant.
Library errors (:mod:`corpuskit.errors`) become Click errors here, with their exit codes:
0 all shards done, 1 some shards failed, 2 usage or configuration error.
"""

from __future__ import annotations

import importlib

import click

from corpuskit import __version__
from corpuskit.errors import CorpuskitError

NOT_COMMANDS = {"main", "options"}


def command_names() -> list[str]:
    """Every module of the ``cli`` package except main/options is one subcommand of that name."""
    import pkgutil

    import cli

    return sorted(
        m.name
        for m in pkgutil.iter_modules(cli.__path__)
        if m.name not in NOT_COMMANDS and not m.name.startswith("_")
    )


class CorpuskitError2Click(click.ClickException):
    """A library error shown as ``Error: <message>`` with the error's exit code."""

    def __init__(self, error: CorpuskitError):
        super().__init__(str(error))
        self.exit_code = error.exit_code


class LazyGroup(click.Group):
    """A group whose subcommands are imported on demand, with the error boundary."""

    def list_commands(self, ctx):
        return command_names()

    def get_command(self, ctx, name):
        if name not in command_names():
            return None
        return importlib.import_module(f"cli.{name}").command

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except CorpuskitError as error:
            raise CorpuskitError2Click(error) from error
        except BrokenPipeError:
            # `corpuskit ... | head`: the reader left; stop quietly, as other tools do.
            import os
            import sys

            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            ctx.exit(141)
        except KeyboardInterrupt:
            click.echo(
                "interrupted: finished shards are kept; rerun the same command to resume", err=True
            )
            ctx.exit(130)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="corpuskit")
def cli():
    """Build a GPT-3 / C4-style pretraining corpus from Common Crawl.

    \b
    Typical pipeline:
      corpuskit crawl CC-MAIN-2024-10 --limit 2 -o warcs/
      corpuskit extract warcs/ -o out/extracted
      corpuskit filter out/extracted --preset fineweb -o out/filtered
      corpuskit dedup out/filtered -o out/deduped
      corpuskit mix --preset gpt3 --web out/deduped -o out/package

    Every stage resumes where it stopped; run it again after an interruption.
    """
