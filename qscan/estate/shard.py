"""--shard K/N: a deterministic partition of an estate's targets, so that N machines can
scan one estate in parallel and their inventories merge."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable

from qscan.estate.file import EstateTarget


def parse_shard(text: str) -> tuple[int, int]:
    """'K/N' with 1 <= K <= N."""
    match = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+)\s*", text)
    if not match:
        raise ValueError(f"--shard must look like K/N (e.g. 2/8), not {text!r}")
    index, count = int(match[1]), int(match[2])
    if count < 1 or not 1 <= index <= count:
        raise ValueError(f"--shard {text}: K must be between 1 and N")
    return index, count


def shard_index(value: str, count: int) -> int:
    """The 1-based shard a target belongs to: a stable hash of the target string, the same
    on every machine and Python version."""
    digest = hashlib.sha256(value.strip().encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") % count + 1


def select_shard(
    targets: Iterable[EstateTarget], shard: tuple[int, int] | None
) -> list[EstateTarget]:
    if shard is None:
        return list(targets)
    index, count = shard
    return [t for t in targets if shard_index(t.value, count) == index]
