"""Base class for analyzers of one kind of text file, chosen by file name."""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Iterator
from pathlib import Path

from qscan.scan.interface import FileAnalyzer, FileContext, Record
from qscan.scan.repo.text import (
    decode,
    looks_binary,
    looks_generated,
    looks_minified,
    lower_name,
)


class TextAnalyzer(FileAnalyzer):
    """Wants files by name or suffix whose content is text; decodes once. Source-code
    analyzers (`source_code = True`) also skip minified and generated files."""

    suffixes: tuple[str, ...] = ()
    filenames: frozenset[str] = frozenset()
    source_code: bool = False

    def prepare(self) -> None:
        """Load data files up front (the path scanner calls this before forking workers,
        so that they inherit it instead of each parsing the YAML again)."""

    def could_want(self, name: str, path: str) -> bool:
        """False only when `wants` is sure to be: a test on the lower-case file name (and
        the whole path) with which the path scanner skips most analyzers for most files.
        Subclasses whose `wants` accepts other names widen it."""
        return name in self.filenames or name.endswith(self.suffixes)

    def name_index(self) -> tuple[tuple[str, ...], frozenset[str]] | None:
        """(suffixes, names) when `could_want` is exactly "one of these", so that the path
        scanner can find this analyzer by a dictionary look-up; None when a subclass
        widened `could_want`."""
        if type(self).could_want is not TextAnalyzer.could_want:
            return None
        return self.suffixes, self.filenames

    def wants_name(self, path: Path) -> bool:
        name = lower_name(path)
        return name in self.filenames or name.endswith(self.suffixes)

    def wants(self, path: Path, head: bytes) -> bool:
        if not self.wants_name(path) or looks_binary(head):
            return False
        return not (self.source_code and (looks_minified(head) or looks_generated(head)))

    def analyze(self, data: bytes, ctx: FileContext) -> Iterator[Record]:
        return self.analyze_text(decode(data), ctx)

    @abstractmethod
    def analyze_text(self, text: str, ctx: FileContext) -> Iterator[Record]: ...
