"""The wall-clock budget of one file's analysis: a timer (SIGALRM) that interrupts the
analyzers when the file has taken too long, so that one pathological file ends as a
`timeout` record and the scan goes on.

The interruption is an exception raised between two Python steps; a C call (a key
derivation in OpenSSL) runs to its end first, which is why every such call has a ceiling of
its own (qscan.scan.limits), or runs in a child process (qscan.scan.forked). The timer is a
process-wide resource: it is armed only in the main thread of a process (the scanning
process and each worker); a scan from another thread (`scan_async`) hands its files to
worker processes (`budget_runs_here`, qscan.scan.files).

A run of files (a batch) installs the handler once and starts a timer that ticks every
tenth of the budget (at most every second), in `budget_timer`; each file's `file_budget`
only notes when its budget ends, and the tick that comes after that moment stops it. Setting
a timer and a handler for every file cost more than some analyzers (10 us a file, 0.2 s of
CPU on 20,000 files); a file's budget now ends up to a tenth of it late.
"""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from types import FrameType, TracebackType

from qscan.scan.limits import FILE_SECONDS_PER_MB

_TIMER = getattr(signal, "setitimer", None)
TICKS_PER_BUDGET = 10
MAX_TICK_SECONDS = 1.0

_ticking_in: int | None = None
"""The thread (always the main one) in which `budget_timer` runs its timer."""
_deadline: float | None = None
"""When the budget of the file being analysed ends (time.monotonic), if one is."""


class FileTimeout(BaseException):
    """The file's budget ran out. A BaseException, so that the analyzers' own `except
    Exception` clauses (a failed password attempt, an odd encoding) cannot swallow it."""


def budget_seconds(base: float, size: int) -> float:
    """`base` seconds plus FILE_SECONDS_PER_MB for each MiB of the file; 0 (no budget)
    when base is not positive."""
    if base <= 0:
        return 0.0
    return base + FILE_SECONDS_PER_MB * size / (1 << 20)


def _tick(signum: int, frame: FrameType | None) -> None:
    if _deadline is not None and time.monotonic() >= _deadline:
        raise FileTimeout


def budget_runs_here(seconds: float) -> bool:
    """Whether a budget of `seconds` can end a file's analysis in this thread: the timer
    signal reaches only a process's main thread (a thread, such as the one `scan_async`
    reads files in, must hand its files to a worker process instead)."""
    return seconds <= 0 or (
        _TIMER is not None and threading.current_thread() is threading.main_thread()
    )


@contextmanager
def budget_timer(base: float) -> Iterator[None]:
    """For the block, the SIGALRM handler and a timer ticking every tenth of `base` seconds
    (at most every second), in the main thread (elsewhere, or when base is not positive,
    nothing); then the previous handler again and no timer."""
    global _ticking_in, _deadline
    if base <= 0 or _TIMER is None or _ticking_in is not None or not budget_runs_here(base):
        yield
        return
    previous = signal.signal(signal.SIGALRM, _tick)
    tick = min(MAX_TICK_SECONDS, base / TICKS_PER_BUDGET)
    _ticking_in = threading.get_ident()
    _TIMER(signal.ITIMER_REAL, tick, tick)
    try:
        yield
    finally:
        _TIMER(signal.ITIMER_REAL, 0)
        _ticking_in = _deadline = None
        signal.signal(signal.SIGALRM, previous)


class file_budget:  # noqa: N801 - a context manager, named like contextlib's
    """Raise FileTimeout in the block once `seconds` have passed (no budget when seconds is
    0 or outside the main thread). Within `budget_timer` it only notes when the budget
    ends; outside, it runs a timer for the block itself."""

    __slots__ = ("seconds", "_own")

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._own: AbstractContextManager[None] | None = None

    def __enter__(self) -> None:
        global _deadline
        if self.seconds <= 0:
            return
        if _ticking_in != threading.get_ident():
            self._own = budget_timer(self.seconds)
            self._own.__enter__()
            if _ticking_in != threading.get_ident():
                return
        _deadline = time.monotonic() + self.seconds

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        global _deadline
        if _ticking_in == threading.get_ident():
            _deadline = None
        if self._own is not None:
            self._own.__exit__(kind, exc, tb)
