"""Where a stored private key sits: the permission bits of its file, whether users other than
the owner may read it, and whether the file is in a version-controlled checkout. Facts only:
the hygiene rules (QS500, QS502) judge them. They are gathered once per file (its fstat and
its walk entry) and written into every key-storage finding of the file.

The permission bits are read, never tried: a scan run as root can open any file, so whether
*others* could read it is a question for the mode, not for access(2)."""

from __future__ import annotations

import stat
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from qscan.model import Finding

KEY_STORAGE = "key-storage"
_OTHERS_READ = stat.S_IRGRP | stat.S_IROTH


@dataclass(frozen=True)
class StorageFacts:
    mode: int
    """st_mode of the file (its permission bits are what counts)."""
    in_repository: bool
    """The file is in a git checkout, tracked or untracked and not ignored."""

    def context(self) -> dict[str, Any]:
        return {
            "file_mode": f"{stat.S_IMODE(self.mode):04o}",
            "readable_by_others": bool(self.mode & _OTHERS_READ),
            "in_repository": self.in_repository,
        }

    def mark(self, records: Iterable[object]) -> None:
        """Write the facts into the key-storage findings among records that have none yet (a
        key read from a file another file references keeps the facts of its own file)."""
        facts: dict[str, Any] | None = None
        for record in records:
            if isinstance(record, Finding) and record.function == KEY_STORAGE:
                facts = facts or self.context()
                for key, value in facts.items():
                    record.context.setdefault(key, value)
