"""What every command-line module shares: the usage-error exit and writing one output."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import NoReturn

import click

from qscan.assess.gate import EXIT_USAGE


def fail(message: str) -> NoReturn:
    """A usage or configuration error: say it on stderr and exit 2."""
    click.echo(f"qscan: error: {message}", err=True)
    sys.exit(EXIT_USAGE)


def write_output(text: str, output: str) -> None:
    """Write to a file (creating its folder) or, for '-', to stdout."""
    if output == "-":
        click.echo(text, nl=False)
        return
    path = Path(output)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
