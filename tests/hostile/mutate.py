"""A seeded mutation loop: valid samples, bent in the ways parsers break (flipped bits,
length fields set to their extremes, repeated and removed chunks, truncation, splices),
fed to a parser for a fixed number of inputs or a fixed time, whichever ends first. The
mutations are deterministic for a seed (the samples hold fresh keys each run), and an
input that breaks the parser is saved to a file the failure names."""

from __future__ import annotations

import os
import random
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

INTERESTING_BYTES = (0x00, 0x01, 0x7F, 0x80, 0x81, 0x82, 0x83, 0x84, 0xFF)
INTERESTING_WORDS = (0, 1, 0x7F, 0x80, 0xFFFF, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF)


def mutate(rng: random.Random, data: bytes, seeds: Sequence[bytes]) -> bytes:
    buf = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        if not buf:
            buf += rng.choice(seeds)
        choice = rng.randrange(8)
        pos = rng.randrange(len(buf))
        if choice == 0:  # flip bits
            buf[pos] ^= 1 << rng.randrange(8)
        elif choice == 1:  # an interesting byte (a length's first byte, a tag)
            buf[pos] = rng.choice(INTERESTING_BYTES)
        elif choice == 2:  # an interesting 32-bit length or count
            word = rng.choice(INTERESTING_WORDS).to_bytes(4, "big")
            buf[pos : pos + 4] = word
        elif choice == 3:  # remove a chunk
            del buf[pos : pos + rng.randint(1, 64)]
        elif choice == 4:  # repeat a chunk
            chunk = bytes(buf[pos : pos + rng.randint(1, 32)])
            buf[pos:pos] = chunk * rng.randint(2, 200)
        elif choice == 5:  # truncate
            del buf[pos:]
        elif choice == 6:  # splice in part of another sample
            other = rng.choice(seeds)
            start = rng.randrange(len(other))
            buf[pos:pos] = other[start : start + rng.randint(1, 256)]
        else:  # random bytes
            buf[pos : pos + 8] = rng.randbytes(rng.randint(1, 8))
    return bytes(buf)


@dataclass(frozen=True)
class Report:
    inputs: int
    slowest: float
    slowest_input: bytes


def fuzz(
    parse: Callable[[bytes], object],
    seeds: Sequence[bytes],
    *,
    seed: int = 16,
    inputs: int = 5000,
    seconds: float = 2.0,
) -> Report:
    """Feed mutated seeds to `parse` (which must only raise what it is allowed to: it
    catches its own declared errors); the slowest input is reported for the caller's
    assertion."""
    rng = random.Random(seed)
    deadline = time.monotonic() + seconds
    slowest, slowest_input = 0.0, b""
    done = 0
    for done in range(1, inputs + 1):
        data = mutate(rng, rng.choice(seeds), seeds)
        started = time.monotonic()
        try:
            parse(data)
        except Exception as exc:
            fd, saved = tempfile.mkstemp(prefix="qscan-fuzz-", suffix=".bin")
            with os.fdopen(fd, "wb") as out:
                out.write(data)
            raise AssertionError(f"input {done} (saved in {saved}) raised {exc!r}") from exc
        took = time.monotonic() - started
        if took > slowest:
            slowest, slowest_input = took, data
        if started > deadline:
            break
    return Report(done, slowest, slowest_input)
