"""Command line: the `qscan` group. Each module of this package holds a family of commands
and stays thin: parse options, call the library, write outputs, set the exit code."""

from __future__ import annotations

import click

from qscan.cli import inventories, rules, scan
from qscan.cli.common import tune_gc
from qscan.version import __version__


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="qscan")
def main() -> None:
    """qscan finds quantum-vulnerable cryptography in certificates, keys, keystores,
    TLS and SSH endpoints, configuration and source code, and says how urgent each is."""
    tune_gc()


for _command in (*scan.COMMANDS, *rules.COMMANDS, *inventories.COMMANDS):
    main.add_command(_command)
