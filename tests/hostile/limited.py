"""Run a function in a forked child under a hard wall-clock limit and an address-space
limit (RLIMIT_AS), so that a hang or a memory blow-up fails one test quickly instead of
taking the machine or the suite with it."""

from __future__ import annotations

import multiprocessing as mp
import resource
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

SECONDS = 20.0
MEMORY = 2 << 30


@dataclass(frozen=True)
class Outcome:
    value: Any
    seconds: float
    peak_rss_mb: int


def _child(conn: Any, memory: int, fn: Callable[..., Any], args: tuple[Any, ...]) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    try:
        value = fn(*args)
    except BaseException as exc:  # reported to the parent, which fails the test
        conn.send(("error", f"{type(exc).__name__}: {exc}"))
        return
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    conn.send(("ok", (value, rss)))


def run_limited(
    fn: Callable[..., Any], *args: Any, seconds: float = SECONDS, memory: int = MEMORY
) -> Outcome:
    """fn(*args) in a child process; AssertionError when it exceeds `seconds`, raises, or
    dies (the address-space limit turns a blow-up into a MemoryError in the child)."""
    context = mp.get_context("fork")
    parent, child = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(child, memory, fn, args), daemon=True)
    started = time.monotonic()
    process.start()
    child.close()
    try:
        if not parent.poll(seconds):
            raise AssertionError(f"{fn.__name__}{args!r} still running after {seconds:g}s")
        status, payload = parent.recv()
    except EOFError:
        process.join(1)
        raise AssertionError(f"{fn.__name__}{args!r} died: exit {process.exitcode}") from None
    finally:
        elapsed = time.monotonic() - started
        if process.is_alive():
            process.kill()
        process.join()
        parent.close()
    if status != "ok":
        raise AssertionError(f"{fn.__name__}{args!r} raised {payload}")
    value, rss = payload
    return Outcome(value, elapsed, rss)
