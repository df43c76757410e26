"""Read each file of a path target once and offer it to every registered file analyzer.

Files are scanned by a pool of worker processes in batches; results come back in the walk's
order and are yielded as soon as the head of the queue is done, with a bounded number of
batches in flight, so memory stays flat however large the tree is. Small trees (and
`workers=1`) are scanned in-process: a pool costs more than it saves there.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import stat
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import replace
from itertools import chain, islice
from pathlib import Path

from qscan.model import Finding, ScanError
from qscan.scan.interface import FileAnalyzer, FileContext, FileScanner, Record, ScanOptions
from qscan.scan.repo.text import is_test_path
from qscan.scan.walk import FileEntry, WalkItem, walk
from qscan.targets import Target

HEAD_BYTES = 4096
SMALL_TREE = 200
BATCH_FILES = 24
BATCHES_IN_FLIGHT_PER_WORKER = 4
PROGRESS_EVERY = 2000


class _Skip(Exception):
    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message


def read_file(path: Path, limit: int) -> bytes:
    """The whole file, refusing anything that is not a regular file or is above limit.
    Opened non-blocking so that a FIFO swapped in after the walk cannot hang the scan."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
    except OSError as exc:
        raise _Skip("unreadable", exc.strerror or str(exc)) from exc
    with os.fdopen(fd, "rb") as fh:
        st = os.fstat(fh.fileno())
        if not stat.S_ISREG(st.st_mode):
            raise _Skip("not-a-file", "not a regular file; skipped")
        if st.st_size > limit:
            raise _Skip(
                "too-large", f"{st.st_size} bytes is above --max-file-size ({limit}); skipped"
            )
        try:
            data = fh.read(limit + 1)
        except OSError as exc:
            raise _Skip("unreadable", exc.strerror or str(exc)) from exc
    if len(data) > limit:
        raise _Skip("too-large", f"more than {limit} bytes (--max-file-size); skipped")
    return data


def analyze_file(
    analyzers: Sequence[FileAnalyzer],
    entry: FileEntry,
    target: str,
    options: ScanOptions,
    explicit: bool = False,
) -> list[Record]:
    """Every record the analyzers produce for one file; one bad file never stops the scan."""
    try:
        data = read_file(entry.path, options.max_file_size)
    except _Skip as skip:
        return [ScanError(target=target, kind=skip.kind, message=skip.message, path=entry.relpath)]
    if not data:
        if explicit:
            return [
                ScanError(target=target, kind="empty", message="empty file", path=entry.relpath)
            ]
        return []
    ctx = FileContext(target=target, path=entry.path, relpath=entry.relpath, options=options)
    head = data[:HEAD_BYTES]
    records: list[Record] = []
    for analyzer in analyzers:
        try:
            if analyzer.wants(entry.path, head):
                records.extend(analyzer.analyze(data, ctx))
        except Exception as exc:  # an analyzer bug on odd input is reported, not fatal
            records.append(
                ScanError(
                    target=target,
                    kind="analyzer-error",
                    message=f"{analyzer.name}: {type(exc).__name__}: {exc}",
                    path=entry.relpath,
                )
            )
    if records and is_test_path(entry.relpath):
        for record in records:  # rules may judge test fixtures more mildly
            if isinstance(record, Finding):
                record.context.setdefault("test_path", True)
    return records


_worker_state: tuple[list[FileAnalyzer], ScanOptions, str] | None = None


def _init_worker(analyzers: list[FileAnalyzer], options: ScanOptions, target: str) -> None:
    global _worker_state
    _worker_state = (analyzers, options, target)


def _scan_batch(batch: list[FileEntry]) -> list[Record]:
    assert _worker_state is not None
    analyzers, options, target = _worker_state
    out: list[Record] = []
    for entry in batch:
        out.extend(analyze_file(analyzers, entry, target, options))
    return out


def _ready(head: tuple[list[FileEntry], Future[list[Record]]] | list[Record]) -> bool:
    return isinstance(head, list) or head[1].done()


def worker_count(options: ScanOptions) -> int:
    if options.workers > 0:
        return options.workers
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:
        return max(1, os.cpu_count() or 1)


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
            yield from self.scan_tree(walk(root, target.raw, options.excludes), target.raw, options)
        else:
            entry = FileEntry(root, root.name)
            yield from analyze_file(self.analyzers, entry, target.raw, options, explicit=True)

    def scan_tree(
        self, items: Iterable[WalkItem], target: str, options: ScanOptions
    ) -> Iterator[Record]:
        items = iter(items)
        workers = worker_count(options)
        head = list(islice(items, SMALL_TREE)) if workers > 1 else []
        if workers <= 1 or len(head) < SMALL_TREE:
            yield from self._serial(chain(head, items), target, options)
        else:
            yield from self._parallel(chain(head, items), target, options, workers)

    def _progress(self, options: ScanOptions, target: str, before: int, after: int) -> None:
        if options.progress and before // PROGRESS_EVERY != after // PROGRESS_EVERY:
            options.progress(f"{target}: {after} files read")

    def _serial(
        self, items: Iterable[WalkItem], target: str, options: ScanOptions
    ) -> Iterator[Record]:
        files = 0
        for item in items:
            if isinstance(item, ScanError):
                yield item
                continue
            yield from analyze_file(self.analyzers, item, target, options)
            files += 1
            self._progress(options, target, files - 1, files)

    def _parallel(
        self, items: Iterable[WalkItem], target: str, options: ScanOptions, workers: int
    ) -> Iterator[Record]:
        context = mp.get_context("fork" if "fork" in mp.get_all_start_methods() else "spawn")
        worker_options = replace(options, progress=None)
        pending: deque[tuple[list[FileEntry], Future[list[Record]]] | list[Record]] = deque()
        in_flight_limit = workers * BATCHES_IN_FLIGHT_PER_WORKER
        pool = ProcessPoolExecutor(
            workers,
            mp_context=context,
            initializer=_init_worker,
            initargs=(self.analyzers, worker_options, target),
        )
        broken = False
        files = 0

        def submit(batch: list[FileEntry]) -> None:
            if broken:
                pending.append(self._batch_here(batch, target, options))
            else:
                pending.append((batch, pool.submit(_scan_batch, batch)))

        def pop_head() -> list[Record]:
            nonlocal broken
            head = pending.popleft()
            if isinstance(head, list):
                return head
            batch, future = head
            try:
                return future.result()
            except BrokenProcessPool:
                # a worker died (out of memory, killed): finish this and later batches here
                broken = True
                return self._batch_here(batch, target, options)

        try:
            batch: list[FileEntry] = []
            for item in items:
                if isinstance(item, ScanError):
                    if batch:
                        submit(batch)
                        batch = []
                    pending.append([item])
                else:
                    batch.append(item)
                    if len(batch) >= BATCH_FILES:
                        submit(batch)
                        batch = []
                        files += BATCH_FILES
                        self._progress(options, target, files - BATCH_FILES, files)
                while pending and (len(pending) >= in_flight_limit or _ready(pending[0])):
                    yield from pop_head()
            if batch:
                submit(batch)
            while pending:
                yield from pop_head()
        finally:
            pool.shutdown(wait=True, cancel_futures=True)

    def _batch_here(
        self, batch: list[FileEntry], target: str, options: ScanOptions
    ) -> list[Record]:
        out: list[Record] = []
        for entry in batch:
            out.extend(analyze_file(self.analyzers, entry, target, options))
        return out
