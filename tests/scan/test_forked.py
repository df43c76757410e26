"""A computation run in a forked child: its result comes back, a failure is ForkFailed,
and past its deadline the child is killed (no process is left behind)."""

import os
import time

import pytest

from qscan.scan.forked import ForkFailed, ForkTimeout, call_forked


def _no_children() -> bool:
    try:
        os.waitpid(-1, os.WNOHANG)
    except ChildProcessError:
        return True
    return False


def test_the_result_comes_back_whole() -> None:
    big = os.urandom(1 << 20)  # larger than a pipe holds at once
    assert call_forked(lambda: big, 10) == big
    assert _no_children()


def test_an_exception_in_the_child_is_a_failure() -> None:
    def boom() -> bytes:
        raise ValueError("no")

    with pytest.raises(ForkFailed):
        call_forked(boom, 10)
    assert _no_children()


def test_past_its_deadline_the_child_is_killed() -> None:
    def forever() -> bytes:
        while True:
            time.sleep(0.05)

    started = time.monotonic()
    with pytest.raises(ForkTimeout):
        call_forked(forever, 0.3)
    assert time.monotonic() - started < 3
    assert _no_children()
