"""Walk path targets and offer each file to the registered file analyzers."""

from __future__ import annotations

import fnmatch
import os
import stat
from collections.abc import Iterator, Sequence
from pathlib import Path

from qscan.model import ScanError
from qscan.scan.interface import FileAnalyzer, FileContext, FileScanner, Record, ScanOptions
from qscan.targets import Target

HEAD_BYTES = 4096


def _excluded(relpath: str, excludes: Sequence[str]) -> bool:
    name = relpath.rsplit("/", 1)[-1]
    return any(fnmatch.fnmatch(relpath, g) or fnmatch.fnmatch(name, g) for g in excludes)


def walk(root: Path, target: str, options: ScanOptions) -> Iterator[tuple[Path, str] | ScanError]:
    """Yield (file, relative path) for every regular file under root, depth first in name
    order. Symlinks are followed once: a directory already visited (a loop) is skipped."""
    seen: set[tuple[int, int]] = set()
    stack: list[tuple[Path, str]] = [(root, "")]
    while stack:
        folder, rel = stack.pop()
        try:
            st = folder.stat()
        except OSError as exc:
            yield ScanError(
                target=target,
                kind="unreadable",
                message=exc.strerror or str(exc),
                path=rel or str(folder),
            )
            continue
        if (st.st_dev, st.st_ino) in seen:
            yield ScanError(
                target=target,
                kind="symlink-loop",
                message="directory already visited (symlink loop)",
                path=rel,
            )
            continue
        seen.add((st.st_dev, st.st_ino))
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError as exc:
            yield ScanError(
                target=target,
                kind="unreadable",
                message=exc.strerror or str(exc),
                path=rel or str(folder),
            )
            continue
        subdirs = []
        for entry in entries:
            child_rel = f"{rel}/{entry.name}" if rel else entry.name
            child_rel = child_rel.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
            if _excluded(child_rel, options.excludes):
                continue
            try:
                mode = os.stat(entry.path).st_mode
            except OSError as exc:
                kind = "symlink-loop" if exc.errno == 40 else "unreadable"
                yield ScanError(
                    target=target, kind=kind, message=exc.strerror or str(exc), path=child_rel
                )
                continue
            if stat.S_ISDIR(mode):
                subdirs.append((Path(entry.path), child_rel))
            elif stat.S_ISREG(mode):
                yield Path(entry.path), child_rel
        stack.extend(reversed(subdirs))


class PathScanner(FileScanner):
    name = "files"

    def __init__(self, analyzers: Sequence[FileAnalyzer]) -> None:
        self.analyzers = list(analyzers)

    def accepts(self, target: Target) -> bool:
        return target.kind == "path"

    def scan(self, target: Target, options: ScanOptions) -> Iterator[Record]:
        root = target.path
        assert root is not None
        if not root.exists() and not root.is_symlink():
            yield ScanError(
                target=target.raw,
                kind="not-found",
                message="no such file or directory",
                path=str(root),
            )
            return
        if root.is_dir():
            for item in walk(root, target.raw, options):
                if isinstance(item, ScanError):
                    yield item
                else:
                    yield from self.scan_file(item[0], item[1], target.raw, options)
        else:
            yield from self.scan_file(root, root.name, target.raw, options, explicit=True)

    def scan_file(
        self, path: Path, relpath: str, target: str, options: ScanOptions, explicit: bool = False
    ) -> Iterator[Record]:
        try:
            size = path.stat().st_size
            if size > options.max_file_size:
                yield ScanError(
                    target=target,
                    kind="too-large",
                    message=f"{size} bytes is above --max-file-size ({options.max_file_size}); skipped",
                    path=relpath,
                )
                return
            data = path.read_bytes()
        except OSError as exc:
            yield ScanError(
                target=target, kind="unreadable", message=exc.strerror or str(exc), path=relpath
            )
            return
        if not data:
            if explicit:
                yield ScanError(target=target, kind="empty", message="empty file", path=relpath)
            return
        ctx = FileContext(target=target, path=path, relpath=relpath, options=options)
        head = data[:HEAD_BYTES]
        for analyzer in self.analyzers:
            if not analyzer.wants(path, head):
                continue
            try:
                yield from analyzer.analyze(data, ctx)
            except Exception as exc:  # one bad file must never stop the scan
                yield ScanError(
                    target=target,
                    kind="analyzer-error",
                    message=f"{analyzer.name}: {type(exc).__name__}: {exc}",
                    path=relpath,
                )
