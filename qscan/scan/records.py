"""What a file analyzer collects while it reads one file: its findings, located in the file,
and its error records and notes, in order. The certificate reader (certs/collect.py), the
configuration readers (repo/configs/collect.py) and the source-code and embedded-material
readers (repo/findings.py) build on it."""

from __future__ import annotations

import errno
import os
from dataclasses import dataclass, field

from qscan.model import Location, ScanError, ScanNote, Text, text_key
from qscan.scan.interface import FileContext, Record


def os_error_text(exc: OSError) -> Text | None:
    """The message key of an operating-system error (`os-error.EACCES`) when its text is the
    system's own (`exc.strerror`, "Permission denied"); None for a text qscan gave it."""
    name = errno.errorcode.get(exc.errno or 0)
    if name is None or not exc.strerror or exc.strerror != os.strerror(exc.errno or 0):
        return None
    return text_key(f"os-error.{name}")


@dataclass
class FileRecords:
    ctx: FileContext
    line_offset: int = 0
    """Added to every line number: the text read is a snippet that starts this many lines
    into the file."""
    records: list[Record] = field(default_factory=list, kw_only=True)

    def location(self, line: int | None = None, component: str = "") -> Location:
        return Location(
            target=self.ctx.target,
            component=component,
            path=self.ctx.relpath,
            line=None if line is None else line + self.line_offset,
        )

    def error(
        self, kind: str, message: str, line: int | None = None, text: Text | None = None
    ) -> None:
        """An error record; `text` is the message's key and arguments (qscan.model.Text)."""
        self.records.append(self._problem(ScanError, kind, message, line, text))

    def note(
        self, kind: str, message: str, line: int | None = None, text: Text | None = None
    ) -> None:
        self.records.append(self._problem(ScanNote, kind, message, line, text))

    def _problem(
        self,
        record: type[ScanError],
        kind: str,
        message: str,
        line: int | None,
        text: Text | None,
    ) -> ScanError:
        at = None if line is None else line + self.line_offset
        if at is not None:
            message = f"line {at}: {message}"
            text = None if text is None else text_key("at-line", line=at, message=text)
        return record(
            target=self.ctx.target,
            kind=kind,
            message=message,
            path=self.ctx.relpath,
            line=at,
            texts=None if text is None else {"message": text},
        )
