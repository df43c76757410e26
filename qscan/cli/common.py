"""What every command-line module shares: process set-up, the usage-error exit and writing
one output."""

from __future__ import annotations

import contextlib
import gc
import os
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import NoReturn

import click

from qscan.assess.gate import EXIT_USAGE
from qscan.configfile import ConfigError, read_text
from qscan.i18n import LANGUAGES

GC_FULL_COLLECTION_EVERY = 1000
"""Young-generation collections between two full ones (Python's default is 10)."""


lang_option = click.option(
    "--lang", type=click.Choice(LANGUAGES), default=LANGUAGES[0], show_default=True
)


def tune_gc() -> None:
    """Make full garbage collections rare. A run builds one large, long-lived and acyclic
    graph (findings, their locations, params and contexts, or the inventories a merge
    reads); every full collection walks all of it and frees nothing, which cost 13% of a
    10,000-certificate scan. Short-lived cycles (an exception and its traceback) still
    die in the young generations, which keep their default thresholds."""
    young, middle, _ = gc.get_threshold()
    gc.set_threshold(young, middle, GC_FULL_COLLECTION_EVERY)


def fail(message: str) -> NoReturn:
    """A usage or configuration error: say it on stderr and exit 2."""
    click.echo(f"qscan: error: {message}", err=True)
    sys.exit(EXIT_USAGE)


def check_output(output: str) -> None:
    """Refuse, before any work, an --output that names a folder."""
    if output != "-" and Path(output).is_dir():
        fail(f"--output {output} is a folder, not a file")


def write_output(text: str | Iterable[str], output: str) -> None:
    """Write the text (or its pieces, one after the other) to a file, creating its folder,
    or, for '-', to stdout. A file is written to a temporary file beside it, then renamed:
    an interrupted write leaves the previous version whole."""
    chunks = (text,) if isinstance(text, str) else text
    if output == "-":
        for chunk in chunks:
            click.echo(chunk, nl=False)
        return
    path = Path(output).resolve()
    if path.exists() and not path.is_file():
        _write_in_place(chunks, path, output)
        return
    partial = path.with_name(f".{path.name}.partial")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(partial, "w", encoding="utf-8") as fh:
            fh.writelines(chunks)
        os.replace(partial, path)
    except OSError as exc:
        fail(f"cannot write {output}: {exc.strerror or exc}")
    finally:
        with contextlib.suppress(OSError):
            partial.unlink()


def _write_in_place(chunks: Iterable[str], path: Path, output: str) -> None:
    """A device, FIFO or other special file (/dev/null, /dev/stdout) is written as it is:
    renaming a file over it would replace the device itself."""
    try:
        with open(path, "w", encoding="utf-8") as fh:
            fh.writelines(chunks)
    except OSError as exc:
        fail(f"cannot write {output}: {exc.strerror or exc}")


def read_password_file(path: Path) -> list[str]:
    """The passwords of --password-file, one per line."""
    try:
        return read_text(path, "password file").splitlines()
    except ConfigError as exc:
        fail(str(exc))
