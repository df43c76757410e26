"""The wall-clock budget of one file's analysis: a timer (SIGALRM) that interrupts the
analyzers when the file has taken too long, so that one pathological file ends as a
`timeout` record and the scan goes on.

The interruption is an exception raised between two Python steps; a C call (a key
derivation in OpenSSL) runs to its end first, which is why every such call has a ceiling of
its own (qscan.scan.limits). The timer is a process-wide resource: it is armed only in the
main thread of a process (the scanning process and each worker); elsewhere (a library user
scanning from a thread) files run without a budget.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

from qscan.scan.limits import FILE_SECONDS_PER_MB


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
def file_budget(seconds: float) -> Iterator[None]:
    """Raise FileTimeout in the block once `seconds` have passed (no budget when seconds
    is 0 or outside the main thread)."""
    if (
        seconds <= 0
        or not hasattr(signal, "setitimer")
        or threading.current_thread() is not threading.main_thread()
    ):
        yield
        return
    previous = signal.signal(signal.SIGALRM, _expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
