"""What a file analyzer collects while it reads one file: its findings, located in the file,
and its error records and notes, in order. The certificate reader (certs/collect.py), the
configuration readers (repo/configs/collect.py) and the source-code and embedded-material
readers (repo/findings.py) build on it."""

from __future__ import annotations

from dataclasses import dataclass, field

from qscan.model import Location, ScanError, ScanNote
from qscan.scan.interface import FileContext, Record


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

    def error(self, kind: str, message: str, line: int | None = None) -> None:
        self.records.append(self._problem(ScanError, kind, message, line))

    def note(self, kind: str, message: str, line: int | None = None) -> None:
        self.records.append(self._problem(ScanNote, kind, message, line))

    def _problem(
        self, record: type[ScanError], kind: str, message: str, line: int | None
    ) -> ScanError:
        where = f"line {line + self.line_offset}: " if line is not None else ""
        return record(
            target=self.ctx.target, kind=kind, message=where + message, path=self.ctx.relpath
        )
