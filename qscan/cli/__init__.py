"""Command line: the `qscan` click group and its commands."""

from qscan.cli.scan import main

__all__ = ["main"]
