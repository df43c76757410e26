"""Command line: the `qscan` group. Each module of this package holds a family of commands
and stays thin: parse options, call the library, write outputs, set the exit code."""

from __future__ import annotations

import signal
import sys
from importlib import import_module
from types import FrameType
from typing import Any

import click

from qscan.cli.common import tune_gc
from qscan.version import __version__

EXIT_INTERRUPTED = 128 + signal.SIGINT
EXIT_TERMINATED = 128 + signal.SIGTERM


class Terminated(BaseException):
    """SIGTERM, raised where the program is, so that it unwinds like Ctrl-C: worker
    processes are stopped and partial output files removed on the way out."""


def _terminate(signum: int, frame: FrameType | None) -> None:
    raise Terminated


FAMILIES = {
    "scan": "scan",
    "report": "scan",
    "baseline": "scan",
    "rules": "rules",
    "merge": "inventories",
    "roadmap": "inventories",
    "store": "inventories",
    "diff": "inventories",
}
"""Each command and the module of this package that holds it (in its COMMANDS). A module
is imported when one of its commands runs (or for --help): `qscan scan` does not load the
inventory tools' renderers and templates."""


class Qscan(click.Group):
    """The group, with the exit codes of a shell for signals: 130 after Ctrl-C (SIGINT)
    and 143 after SIGTERM, never 1 (which says "findings"); its commands are loaded when
    used (FAMILIES)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(FAMILIES)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        family = FAMILIES.get(cmd_name)
        if family is None:
            return None
        commands = import_module(f"qscan.cli.{family}").COMMANDS
        return next((c for c in commands if c.name == cmd_name), None)

    def invoke(self, ctx: click.Context) -> Any:
        previous = signal.signal(signal.SIGTERM, _terminate)
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:
            click.echo("qscan: interrupted", err=True)
            sys.exit(EXIT_INTERRUPTED)
        except Terminated:
            click.echo("qscan: terminated", err=True)
            sys.exit(EXIT_TERMINATED)
        finally:
            signal.signal(signal.SIGTERM, previous)


@click.group(cls=Qscan, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="qscan")
def main() -> None:
    """qscan finds quantum-vulnerable cryptography in certificates, keys, keystores,
    TLS and SSH endpoints, configuration and source code, and says how urgent each is."""
    tune_gc()
