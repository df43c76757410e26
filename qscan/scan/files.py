"""Read each file of a path target once and offer it to every registered file analyzer.

Files are scanned in batches by `workers` processes: the scanning process itself and
`workers - 1` worker processes, each fed over its own pipe and kept busy (a few batches
queued). Meanwhile the scanning process takes the next batch itself rather than wait: a
batch scanned here costs about two thirds of the CPU time of one scanned by a worker, whose
findings are pickled there and unpickled here. (A plain pipe per worker, read when its
results are wanted, spends less of the scanning process's time than
concurrent.futures' result and feeder threads, which contend with it for the GIL.)
Results leave in the walk's order as soon as the head of the queue is done; the queue is
bounded, so memory stays flat however large the tree is. A worker that dies has its
unfinished batches scanned here. Small trees (and `workers=1`) are scanned in-process
only: workers cost more than they save there.
"""

from __future__ import annotations

import contextlib
import math
import multiprocessing as mp
import os
import pickle
import signal
import stat
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import replace
from itertools import chain, islice
from multiprocessing.connection import Connection
from multiprocessing.context import BaseContext
from pathlib import Path

from qscan.model import TARGET_UNREADABLE, Finding, ScanError, Text, text_key
from qscan.scan.file_budget import (
    FileTimeout,
    budget_runs_here,
    budget_seconds,
    budget_timer,
    file_budget,
)
from qscan.scan.forked import die_with
from qscan.scan.interface import FileAnalyzer, FileContext, FileScanner, Record, ScanOptions
from qscan.scan.limits import MAX_RECORDS_PER_FILE
from qscan.scan.records import os_error_text
from qscan.scan.scope import in_effect, is_trust_store, scope_of_path
from qscan.scan.storage import StorageFacts
from qscan.scan.walk import (
    DANGLING_LINK,
    FileEntry,
    WalkItem,
    dangling_link,
    file_in_repository,
    walk,
    walk_files,
)
from qscan.targets import Target

HEAD_BYTES = 4096
WHOLE_READ_BYTES = 16384
SMALL_TREE = 200
BATCH_FILES = 64
BATCHES_IN_FLIGHT_PER_WORKER = 4
WINDOW_BATCHES_PER_WORKER = 16  # done or running, waiting for an earlier batch to finish
PIPE_BYTES = 65536  # what a pipe holds on Linux by default
PROGRESS_EVERY = 2000
MAX_REMEMBERED_PICKS = 4096
# Beyond this many workers the parent (walk, result order, unpickling) is the bottleneck.
MAX_AUTO_WORKERS = 8
_CGROUP_QUOTA_FILES: tuple[tuple[str, str | None], ...] = (
    ("/sys/fs/cgroup/cpu.max", None),
    ("/sys/fs/cgroup/cpu/cpu.cfs_quota_us", "/sys/fs/cgroup/cpu/cpu.cfs_period_us"),
)


class _Skip(Exception):
    def __init__(self, kind: str, message: str, text: Text | None) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.text = text

    @classmethod
    def unreadable(cls, exc: OSError, path: str | Path) -> _Skip:
        if isinstance(exc, FileNotFoundError) and os.path.islink(path):
            return cls(DANGLING_LINK, *dangling_link(path))
        return cls("unreadable", exc.strerror or str(exc), os_error_text(exc))

    def record(self, target: str, relpath: str) -> ScanError:
        texts = None if self.text is None else {"message": self.text}
        return ScanError(target, self.kind, self.message, relpath, texts=texts)


_OPEN_FLAGS = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0)


def _open_regular(path: str | Path, limit: int) -> tuple[int, os.stat_result]:
    """(descriptor, stat) of a regular file not above limit, else _Skip. The open is
    non-blocking, so a FIFO or device found here cannot hang the scan, and the descriptor
    is checked (fstat) before anything is read from it."""
    try:
        fd = os.open(path, _OPEN_FLAGS)
    except OSError as exc:
        raise _Skip.unreadable(exc, path) from exc
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise _Skip("not-a-file", "not a regular file; skipped", text_key("file.not-a-file"))
        if st.st_size > limit:
            raise _Skip(
                "too-large",
                f"{st.st_size} bytes is above --max-file-size ({limit}); skipped",
                text_key("file.too-large", size=st.st_size, limit=limit),
            )
    except OSError as exc:
        os.close(fd)
        raise _Skip.unreadable(exc, path) from exc
    except _Skip:
        os.close(fd)
        raise
    return fd, st


def read_file(path: str | Path, limit: int) -> bytes:
    """The whole file, refusing anything that is not a regular file or is above limit."""
    fd, st = _open_regular(path, limit)
    try:
        data = _read_rest(fd, [], st.st_size, limit)
    except OSError as exc:
        raise _Skip.unreadable(exc, path) from exc
    finally:
        os.close(fd)
    return data


def _read_rest(fd: int, chunks: list[bytes], size: int, limit: int) -> bytes:
    """What `chunks` hold plus the rest of the file: usually one read of the size fstat
    gave (a short read of a regular file is its end), more when the file grew meanwhile;
    _Skip when it grew past limit."""
    total = sum(map(len, chunks))
    want = max(size - total, 0) + 1
    while total <= limit:
        chunk = os.read(fd, want)
        chunks.append(chunk)
        total += len(chunk)
        if len(chunk) < want:
            break
        want = 1 << 20
    if total > limit:
        raise _Skip(
            "too-large",
            f"{total} bytes is above --max-file-size ({limit}); skipped",
            text_key("file.too-large", size=total, limit=limit),
        )
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)


def analyze_file(
    analyzers: Sequence[FileAnalyzer],
    entry: FileEntry,
    target: str,
    options: ScanOptions,
    explicit: bool = False,
) -> list[Record]:
    """Every record the analyzers produce for one file; one bad file never stops the scan.

    The first HEAD_BYTES are offered to the analyzers whose name gate admits the file (see
    _Plan). A file up to WHOLE_READ_BYTES is read in one go; of a larger one the rest is
    read only when an analyzer wants it, so a large binary nobody wants (a library, an
    archive) costs one small read and no memory."""
    try:
        fd, st = _open_regular(entry.path, options.max_file_size)
    except _Skip as skip:
        return [skip.record(target, entry.relpath)]
    size = st.st_size
    try:
        # a small file is read whole at once (one read instead of head and rest)
        whole = size <= WHOLE_READ_BYTES
        first = os.read(fd, size + 1 if whole else HEAD_BYTES)
        head = first if len(first) <= HEAD_BYTES else first[:HEAD_BYTES]
        if not head:
            if explicit:
                said = {"message": text_key("file.empty")}
                return [ScanError(target, "empty", "empty file", entry.relpath, texts=said)]
            return []
        where = os.fspath(entry.path)
        path = _as_path(where)
        chosen: list[tuple[FileAnalyzer, Exception | None]] = []
        for analyzer in _plan(analyzers).pick(os.path.basename(where).lower(), where):
            try:
                if analyzer.wants(path, head):
                    chosen.append((analyzer, None))
            except Exception as exc:  # reported in its place among the records below
                chosen.append((analyzer, exc))
        if not chosen:
            return []
        data = (
            first
            if (len(first) <= size if whole else len(first) < HEAD_BYTES)
            else _read_rest(fd, [first], size, options.max_file_size)
        )
    except _Skip as skip:
        return [skip.record(target, entry.relpath)]
    except OSError as exc:
        return [_Skip.unreadable(exc, entry.path).record(target, entry.relpath)]
    finally:
        os.close(fd)
    storage = StorageFacts(st.st_mode, entry.in_repository)
    ctx = FileContext(
        target=target, path=path, relpath=entry.relpath, options=options, storage=storage
    )
    records: list[Record] = []
    seconds = budget_seconds(options.file_timeout, len(data))
    try:
        with file_budget(seconds):
            for analyzer, failed in chosen:
                _analyze(analyzer, failed, data, ctx, records)
    except FileTimeout:
        message = f"analysis stopped after {seconds:.0f}s (--file-timeout); records may be missing"
        said = {"message": text_key("file.timeout", seconds=f"{seconds:.0f}")}
        records.append(ScanError(target, "timeout", message, entry.relpath, texts=said))
    if len(records) > MAX_RECORDS_PER_FILE:
        del records[MAX_RECORDS_PER_FILE:]
        records.append(_too_many(target, entry.relpath))
    if records:
        mark_material(records, entry.relpath, where)
        storage.mark(records)
    return records


def mark_material(records: list[Record], relpath: str, where: str) -> None:
    """Every finding of one file gets its scope (production, test, documentation, vendored:
    rules judge test fixtures more mildly, the priority ranks only production), a
    certificate in a trust store says so, and a configuration file that is not enabled
    (rules/scopes.yaml linked_configs) says so. (A stored private key also gets where its file
    sits: StorageFacts.mark.)"""
    scope = scope_of_path(relpath)
    trust_store = is_trust_store(where)
    effective = in_effect(where)
    for record in records:
        if isinstance(record, Finding):
            record.context.setdefault("material_scope", scope)
            if trust_store and record.asset == "certificate":
                record.context["trust_store"] = True
            if effective is False:
                record.context["in_effect"] = False


def _analyze(
    analyzer: FileAnalyzer,
    failed: Exception | None,
    data: bytes,
    ctx: FileContext,
    records: list[Record],
) -> None:
    """One analyzer's records of a file, appended as they come (those made before the
    file's budget runs out are kept); an analyzer bug on odd input is reported, not fatal."""
    try:
        if failed is not None:
            raise failed
        for record in analyzer.analyze(data, ctx):
            records.append(record)
            if len(records) > MAX_RECORDS_PER_FILE:
                return
    except Exception as exc:
        records.append(
            ScanError(
                target=ctx.target,
                kind="analyzer-error",
                message=f"{analyzer.name}: {type(exc).__name__}: {exc}",
                path=ctx.relpath,
            )
        )


def _too_many(target: str, relpath: str) -> ScanError:
    return ScanError(
        target=target,
        kind="too-many-records",
        message=f"more than {MAX_RECORDS_PER_FILE} findings and errors in one file; "
        "the rest of it is not inventoried",
        path=relpath,
        texts={"message": text_key("file.too-many-records", n=MAX_RECORDS_PER_FILE)},
    )


_folder_path: list = ["", None]


def _as_path(where: str) -> Path:
    """Path(where), built from its folder's Path (remembered: a folder's files come
    together), which costs a third of parsing the whole string again. Uses pathlib's
    `_make_child_relpath` (what Path.iterdir uses) when this Python has it."""
    folder, sep, name = where.rpartition(os.sep)
    if not sep or not folder or not name or name == "." or (os.altsep and os.altsep in name):
        return Path(where)
    if _folder_path[0] != folder or _folder_path[1] is None:
        _folder_path[0], _folder_path[1] = folder, Path(folder)
    child = getattr(_folder_path[1], "_make_child_relpath", None)
    return Path(where) if child is None else child(name)


Gate = Callable[[str, str], bool]


class _Plan:
    """Which analyzers to ask about a file, by its name, in registry order.

    An analyzer may offer `could_want(name, path)`: a test on the lower-case file name
    (and the path as a string) that is False only when `wants` would be. One whose gate is
    just "one of these suffixes or names" says so with `name_index()` -> (suffixes, names)
    and is found through a dictionary on the file's last extension and name instead of a
    call per file. Analyzers without a gate are asked about every file."""

    def __init__(self, analyzers: Sequence[FileAnalyzer]) -> None:
        self.analyzers = list(analyzers)
        self.gated: list[tuple[int, Gate | None]] = []
        self.exact: dict[str, list[int]] = {}  # extension or name -> sure to be admitted
        self.check: dict[str, list[int]] = {}  # last extension -> admitted if could_want
        for position, analyzer in enumerate(self.analyzers):
            index = getattr(analyzer, "name_index", None)
            spec = index() if callable(index) else None
            if spec is None or any(not s.startswith(".") for s in spec[0]):
                gate = getattr(analyzer, "could_want", None)
                self.gated.append((position, gate if callable(gate) else None))
                continue
            suffixes, names = spec
            for suffix in suffixes:
                last = suffix[suffix.rfind(".") :]
                table = self.exact if last == suffix else self.check
                table.setdefault(last, []).append(position)
            for name in names:
                self.exact.setdefault(name, []).append(position)
        self._picks: dict[tuple[str, str, tuple[int, ...]], list[FileAnalyzer]] = {}
        self._ungated = tuple(p for p, gate in self.gated if gate is None)
        self._conditional = len(self._ungated) < len(self.gated)

    def pick(self, name: str, path: str) -> list[FileAnalyzer]:
        dot = name.rfind(".")
        ext = name[dot:] if dot >= 0 else ""
        found = (
            tuple(p for p, gate in self.gated if gate is None or gate(name, path))
            if self._conditional
            else self._ungated
        )
        indexed = name in self.exact or ext in self.check
        key = (ext, name if indexed else "", found)
        picked = self._picks.get(key)
        if picked is None:
            positions = set(found)
            positions.update(self.exact.get(ext, ()))
            positions.update(self.exact.get(name, ()) if name != ext else ())
            positions.update(
                p
                for p in self.check.get(ext, ())
                if self.analyzers[p].could_want(name, path)  # type: ignore[attr-defined]
            )
            picked = [self.analyzers[p] for p in sorted(positions)]
            if indexed:
                return picked  # depends on the whole name: not remembered
            if len(self._picks) >= MAX_REMEMBERED_PICKS:  # odd trees: `app.log.1`, `.2`...
                self._picks.clear()
            self._picks[key] = picked
        return picked


_plan_cache: tuple[Sequence[FileAnalyzer], _Plan] | None = None


def _plan(analyzers: Sequence[FileAnalyzer]) -> _Plan:
    """The plan for the analyzer list of the running scan (built once per list)."""
    global _plan_cache
    if _plan_cache is None or _plan_cache[0] is not analyzers:
        _plan_cache = (analyzers, _Plan(analyzers))
    return _plan_cache[1]


def _scan_batch(
    analyzers: Sequence[FileAnalyzer],
    batch: list[FileEntry],
    target: str,
    options: ScanOptions,
    explicit: bool = False,
) -> list[Record]:
    out: list[Record] = []
    with budget_timer(options.file_timeout):
        for entry in batch:
            out.extend(analyze_file(analyzers, entry, target, options, explicit))
    return out


def _worker_main(
    conn: Connection,
    analyzers: list[FileAnalyzer],
    options: ScanOptions,
    target: str,
    inherited: list[Connection],
    parent: int,
    explicit: bool = False,
) -> None:
    """A worker process: scan each batch received, send its records back, until an empty
    message (or the scanning process going away) ends it.

    It closes the scanning process's ends of the pipes it inherited (its own and earlier
    workers'), so that the pipe reports the end of the scanning process, and asks the
    kernel to end it with the scanning process: a killed scan leaves no worker behind
    holding the caller's stderr."""
    for other in inherited:
        other.close()
    die_with(parent)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the scanning process's to handle
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # not the command line's handler: just end
    try:
        while data := conn.recv_bytes():
            batch = pickle.loads(data)
            records = _scan_batch(analyzers, batch, target, options, explicit)
            conn.send_bytes(pickle.dumps(records, pickle.HIGHEST_PROTOCOL))
    except (EOFError, OSError):
        return


def _batches(items: Iterator[WalkItem]) -> Iterator[list[FileEntry] | ScanError]:
    """Walk items grouped into batches of files; an error record passes on its own."""
    batch: list[FileEntry] = []
    for item in items:
        if isinstance(item, ScanError):
            if batch:
                yield batch
                batch = []
            yield item
        else:
            batch.append(item)
            if len(batch) >= BATCH_FILES:
                yield batch
                batch = []
    if batch:
        yield batch


class _Worker:
    """A worker process fed batches over a pipe; it returns their records in the order it
    received them. At most PIPE_BYTES of pickled batches are outstanding, so sending never
    blocks (the pipe holds them all) and the two sides cannot wait on each other."""

    def __init__(
        self,
        context: BaseContext,
        analyzers: list[FileAnalyzer],
        options: ScanOptions,
        target: str,
        siblings: Sequence[_Worker] = (),
        explicit: bool = False,
    ) -> None:
        self.conn, child = context.Pipe(duplex=True)
        forked = context.get_start_method() == "fork"
        inherited = [self.conn, *(w.conn for w in siblings)] if forked else []
        self.process = context.Process(  # type: ignore[attr-defined]
            target=_worker_main,
            args=(child, analyzers, options, target, inherited, os.getpid(), explicit),
            daemon=True,
        )
        self.process.start()
        child.close()
        self.sent: deque[int] = deque()  # pickled size of each outstanding batch, oldest first
        self.results: deque[list[Record]] = deque()
        self.alive = True

    def room(self, size: int) -> bool:
        return (
            self.alive
            and len(self.sent) < BATCHES_IN_FLIGHT_PER_WORKER
            and sum(self.sent) + size <= PIPE_BYTES
        )

    def send(self, data: bytes) -> None:
        self.sent.append(len(data))
        try:
            self.conn.send_bytes(data)
        except OSError:
            self.alive = False

    def collect(self, wait: bool = False) -> None:
        """Take in the results that have arrived (with wait, at least one, unless the
        worker has died)."""
        while self.alive and len(self.results) < len(self.sent) and (wait or self.conn.poll()):
            try:
                data = self.conn.recv_bytes()
            except (EOFError, OSError):  # it died: what it did not return is scanned here
                self.alive = False
                return
            self.results.append(pickle.loads(data))
            wait = False

    def has_result(self) -> bool:
        return bool(self.results) or not self.alive

    def oldest_result(self) -> list[Record] | None:
        """The records of the oldest outstanding batch; None when the worker died first."""
        if not self.results:
            self.collect(wait=True)
        self.sent.popleft()
        return self.results.popleft() if self.results else None

    def stop(self) -> None:
        if self.alive and not self.sent:  # idle: let it finish on its own
            with contextlib.suppress(OSError):
                self.conn.send_bytes(b"")
            self.process.join(timeout=5)
        if self.process.is_alive():  # busy (the scan was abandoned) or stuck
            self.process.terminate()
            self.process.join()
        self.conn.close()


def _process_context() -> BaseContext:
    return mp.get_context("fork" if "fork" in mp.get_all_start_methods() else "spawn")


def _worker_lost(target: str, relpath: str) -> ScanError:
    return ScanError(
        target=target,
        kind="analyzer-error",
        message="the process analysing this file ended without a result",
        path=relpath,
        texts={"message": text_key("file.worker-lost")},
    )


Pending = list[Record] | tuple[list[FileEntry], _Worker]
"""A batch in the queue: its records, or the worker scanning it."""


def _once(records: Iterator[Record]) -> Iterator[Record]:
    seen: set[str] = set()
    for record in records:
        if isinstance(record, Finding):
            if record.fingerprint in seen:
                continue
            seen.add(record.fingerprint)
        yield record


def worker_count(options: ScanOptions) -> int:
    """`--workers`, or for 0 one per CPU this process may use (its affinity mask and a
    container's CPU quota), at most MAX_AUTO_WORKERS."""
    if options.workers > 0:
        return options.workers
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:
        cpus = os.cpu_count() or 1
    quota = _cgroup_cpus()
    if quota is not None:
        cpus = min(cpus, quota)
    return max(1, min(cpus, MAX_AUTO_WORKERS))


def _cgroup_cpus() -> int | None:
    """CPUs a cgroup CPU quota allows (v2 `cpu.max`, v1 `cpu.cfs_quota_us`), rounded up;
    None without a quota. A CI container often sees every CPU of its host but may use two."""
    for quota_file, period_file in _CGROUP_QUOTA_FILES:
        try:
            with open(quota_file) as fh:
                fields = fh.read().split()
            if period_file is None:
                quota, period = fields[0], fields[1]
            else:
                with open(period_file) as fh:
                    quota, period = fields[0], fh.read().split()[0]
        except (OSError, IndexError):
            continue
        if quota in ("max", "-1"):
            return None
        try:
            return max(1, math.ceil(int(quota) / int(period)))
        except (ValueError, ZeroDivisionError):
            return None
    return None


def _target_error(record: Record) -> Record:
    """A single-file target that cannot be opened or is no regular file: the whole target
    is unscanned."""
    if isinstance(record, ScanError) and record.kind in ("unreadable", "not-a-file"):
        return replace(record, kind=TARGET_UNREADABLE)
    return record


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
                texts={"message": text_key("file.not-found")},
            )
            return
        if root.is_dir():
            items = (
                walk_files(root, target.raw, target.files, options.excludes)
                if target.files
                else walk(root, target.raw, options.excludes, target.covered)
            )
            walked = self.scan_tree(items, target.raw, options)
            # with a root, configurations' references are followed from a folder too: a file
            # both walked and referenced is reported once
            yield from _once(walked) if options.root is not None else walked
        else:
            entry = FileEntry(str(root), root.name, file_in_repository(root))
            if budget_runs_here(options.file_timeout):
                records = analyze_file(self.analyzers, entry, target.raw, options, explicit=True)
            else:
                records = self._isolated(entry, target.raw, options)
            yield from self._related(map(_target_error, records))

    def scan_tree(
        self, items: Iterable[WalkItem], target: str, options: ScanOptions
    ) -> Iterator[Record]:
        items = iter(items)
        workers = worker_count(options)
        if not budget_runs_here(options.file_timeout):
            parallel = self._parallel(items, target, options, max(workers, 2), here=False)
            return self._related(parallel)
        head = list(islice(items, SMALL_TREE)) if workers > 1 else []
        if workers <= 1 or len(head) < SMALL_TREE:
            return self._related(self._serial(chain(head, items), target, options))
        return self._related(self._parallel(chain(head, items), target, options, workers))

    def _related(self, records: Iterator[Record]) -> Iterator[Record]:
        """The records through every analyzer's pass for relations across files."""
        for analyzer in self.analyzers:
            records = analyzer.relate(records)
        return records

    def _progress(self, options: ScanOptions, target: str, before: int, after: int) -> None:
        if options.progress and before // PROGRESS_EVERY != after // PROGRESS_EVERY:
            options.progress(f"{target}: {after} files read")

    def _serial(
        self, items: Iterable[WalkItem], target: str, options: ScanOptions
    ) -> Iterator[Record]:
        files = 0
        for batch in _batches(iter(items)):
            if isinstance(batch, ScanError):
                yield batch
                continue
            yield from _scan_batch(self.analyzers, batch, target, options)
            files += len(batch)
            self._progress(options, target, files - len(batch), files)

    def _prepare(self) -> None:
        """Load the analyzers' data once, here: forked workers inherit it."""
        for analyzer in self.analyzers:
            prepare = getattr(analyzer, "prepare", None)
            if callable(prepare):
                prepare()

    def _isolated(self, entry: FileEntry, target: str, options: ScanOptions) -> list[Record]:
        """One file analysed in a worker process, where its time budget can end it."""
        self._prepare()
        worker_options = replace(options, progress=None)
        worker = _Worker(_process_context(), self.analyzers, worker_options, target, explicit=True)
        try:
            worker.send(pickle.dumps([entry], pickle.HIGHEST_PROTOCOL))
            records = worker.oldest_result()
        finally:
            worker.stop()
        return records if records is not None else [_worker_lost(target, entry.relpath)]

    def _parallel(
        self,
        items: Iterable[WalkItem],
        target: str,
        options: ScanOptions,
        workers: int,
        here: bool = True,
    ) -> Iterator[Record]:
        """`here`: this process scans a batch itself while every worker is busy (not where
        a file's time budget cannot run: then it waits for a worker)."""
        self._prepare()
        context = _process_context()
        worker_options = replace(options, progress=None)
        pool: list[_Worker] = []
        for _ in range(workers - 1):
            pool.append(_Worker(context, self.analyzers, worker_options, target, pool))
        queue: deque[Pending] = deque()
        window_limit = workers * WINDOW_BATCHES_PER_WORKER
        batches = _batches(iter(items))
        files = 0
        try:
            exhausted = False
            while True:
                for worker in pool:
                    worker.collect()
                while queue and (isinstance(queue[0], list) or queue[0][1].has_result()):
                    yield from self._records(queue.popleft(), target, options)
                if not exhausted and len(queue) < window_limit:
                    batch = next(batches, None)
                    if batch is None:
                        exhausted = True
                    elif isinstance(batch, ScanError):
                        queue.append([batch])
                    else:
                        pending = self._dispatch(batch, pool, target, options, here or not queue)
                        while pending is None:  # every worker is full: wait for the oldest
                            yield from self._records(queue.popleft(), target, options)
                            pending = self._dispatch(batch, pool, target, options, not queue)
                        queue.append(pending)
                        files += len(batch)
                        self._progress(options, target, files - len(batch), files)
                    continue
                if not queue:
                    break
                # results leave in walk order: wait for the head
                yield from self._records(queue.popleft(), target, options)
        finally:
            for worker in pool:
                worker.stop()

    def _dispatch(
        self,
        batch: list[FileEntry],
        pool: list[_Worker],
        target: str,
        options: ScanOptions,
        here: bool,
    ) -> Pending | None:
        """Send the batch to the least busy worker with room for it; when none has, scan
        it here, or with `here` false return None (the caller waits for a worker)."""
        data = pickle.dumps(batch, pickle.HIGHEST_PROTOCOL)
        free = [w for w in pool if w.room(len(data))]
        if not free:
            if not here and any(w.alive for w in pool):
                return None
            return _scan_batch(self.analyzers, batch, target, options)
        worker = min(free, key=lambda w: len(w.sent))
        worker.send(data)
        return batch, worker

    def _records(self, pending: Pending, target: str, options: ScanOptions) -> list[Record]:
        if isinstance(pending, list):
            return pending
        batch, worker = pending
        records = worker.oldest_result()
        if records is None:  # the worker died (out of memory, killed): scan its batch here
            return _scan_batch(self.analyzers, batch, target, options)
        return records
