"""A computation the parent can stop: run in a forked child, its result read back over a
pipe until a deadline, the child killed past it.

For work inside a library's native code that no signal handler can interrupt (opening a
PKCS#12 keystore whose encrypted contents may hide key bags with any iteration count:
their cost cannot be read before they are decrypted). Where `os.fork` does not exist the
work runs here, unbounded.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import select
import signal
import sys
import time
from collections.abc import Callable

CAN_FORK = hasattr(os, "fork")

_READ_BYTES = 1 << 16
_PR_SET_PDEATHSIG = 1  # linux/prctl.h


class ForkTimeout(Exception):
    """The child did not finish within its seconds; it has been killed."""


class ForkFailed(Exception):
    """The child ended without a result (it crashed or was killed from outside)."""


def call_forked(work: Callable[[], bytes], seconds: float) -> bytes:
    """`work()` computed in a child process: its bytes, or ForkTimeout after `seconds`
    (the child killed), or ForkFailed when it ended without a result. An exception in
    `work` ends the child without a result."""
    if not CAN_FORK:
        return work()
    read_end, write_end = os.pipe()
    parent = os.getpid()
    pid = os.fork()
    if pid == 0:  # the child: never returns into the caller's code
        status = 1
        try:
            signal.signal(signal.SIGTERM, signal.SIG_DFL)  # not the command line's handler
            signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
            die_with(parent)
            os.close(read_end)
            _write_all(write_end, work())
            status = 0
        finally:
            os._exit(status)
    os.close(write_end)
    try:
        out = _read_until(read_end, time.monotonic() + seconds)
    except BaseException:  # past the deadline, or the file's own budget ran out meanwhile
        _kill(pid)
        raise
    finally:
        os.close(read_end)
    _, status = os.waitpid(pid, 0)
    if status != 0:
        raise ForkFailed(f"the child process ended with status {status:#x}")
    return out


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]
    os.close(fd)


def _read_until(fd: int, deadline: float) -> bytes:
    chunks: list[bytes] = []
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            raise ForkTimeout
        ready, _, _ = select.select([fd], [], [], left)
        if not ready:
            raise ForkTimeout
        chunk = os.read(fd, _READ_BYTES)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)


def _kill(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)


def die_with(parent: int) -> None:
    """SIGTERM this process when `parent` ends (Linux PR_SET_PDEATHSIG): a killed scan
    leaves no child behind."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    if os.getppid() != parent:  # it ended before the request was made
        os._exit(0)
