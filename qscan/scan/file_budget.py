"""The wall-clock budget of one file's analysis: a timer (SIGALRM) that interrupts the
analyzers when the file has taken too long, so that one pathological file ends as a
`timeout` record and the scan goes on.

The interruption is an exception raised between two Python steps; a C call (a key
derivation in OpenSSL) runs to its end first, which is why every such call has a ceiling of
its own (qscan.scan.limits). The timer is a process-wide resource: it is armed only in the
main thread of a process (the scanning process and each worker); elsewhere (a library user
scanning from a thread) files run without a budget.

A run of files (a batch) installs the signal handler once, in `budget_timer`; each file's
`file_budget` then only sets and clears the timer. Installing and restoring a handler for
every file cost more than some analyzers (10 us a file, 0.2 s of CPU on 20,000 files).
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from types import FrameType, TracebackType

from qscan.scan.limits import FILE_SECONDS_PER_MB

_TIMER = getattr(signal, "setitimer", None)
_installed_in: int | None = None
"""The thread (always the main one) in which `budget_timer` has installed the handler."""


class FileTimeout(BaseException):
    """The file's budget ran out. A BaseException, so that the analyzers' own `except
    Exception` clauses (a failed password attempt, an odd encoding) cannot swallow it."""


def budget_seconds(base: float, size: int) -> float:
    """`base` seconds plus FILE_SECONDS_PER_MB for each MiB of the file; 0 (no budget)
    when base is not positive."""
    if base <= 0:
        return 0.0
    return base + FILE_SECONDS_PER_MB * size / (1 << 20)


def _expire(signum: int, frame: FrameType | None) -> None:
    raise FileTimeout


@contextmanager
def budget_timer() -> Iterator[None]:
    """The SIGALRM handler installed for the block (in the main thread; elsewhere nothing),
    and the previous one restored after it, with the timer cleared."""
    global _installed_in
    if (
        _TIMER is None
        or _installed_in is not None
        or threading.current_thread() is not threading.main_thread()
    ):
        yield
        return
    previous = signal.signal(signal.SIGALRM, _expire)
    _installed_in = threading.get_ident()
    try:
        yield
    finally:
        _TIMER(signal.ITIMER_REAL, 0)
        _installed_in = None
        signal.signal(signal.SIGALRM, previous)


class file_budget:  # noqa: N801 - a context manager, named like contextlib's
    """Raise FileTimeout in the block once `seconds` have passed (no budget when seconds is
    0 or outside the main thread). Within `budget_timer` it only sets and clears the timer;
    outside, it installs the handler for the block itself."""

    __slots__ = ("seconds", "_own")

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._own: AbstractContextManager[None] | None = None

    def __enter__(self) -> None:
        if self.seconds <= 0 or _TIMER is None:
            return
        if _installed_in != threading.get_ident():
            self._own = budget_timer()
            self._own.__enter__()
        if _installed_in == threading.get_ident():
            _TIMER(signal.ITIMER_REAL, self.seconds)

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        timer = _TIMER
        if timer is not None and self.seconds > 0 and _installed_in == threading.get_ident():
            timer(signal.ITIMER_REAL, 0)
        if self._own is not None:
            self._own.__exit__(kind, exc, tb)
