"""What kind of material a file is (production, test, documentation, vendored), whether it
is a trust store, and whether a configuration file is in effect, from its path: the
patterns are data in rules/scopes.yaml."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from functools import cache, lru_cache

from qscan.model import PRODUCTION, SCOPES
from qscan.resources import load_yaml


@dataclass(frozen=True)
class PathPatterns:
    folders: frozenset[str]
    """Folder names, lower case."""
    files: re.Pattern[str] | None
    """One regular expression for the file name (the alternatives of the YAML list)."""

    @classmethod
    def from_yaml(cls, raw: dict[str, list[str]], flags: int = 0) -> PathPatterns:
        names = raw.get("files") or []
        return cls(
            folders=frozenset(str(f).lower() for f in raw.get("folders") or []),
            files=re.compile("|".join(f"(?:{n})" for n in names), flags) if names else None,
        )

    def in_folders(self, folders: tuple[str, ...]) -> bool:
        return any(f.lower() in self.folders for f in folders)

    def names(self, name: str) -> bool:
        return self.files is not None and self.files.search(name) is not None


@cache
def _scopes() -> tuple[tuple[str, PathPatterns], ...]:
    raw = load_yaml("scopes.yaml")["scopes"]
    unknown = set(raw) - set(SCOPES)
    if unknown:
        raise ValueError(f"rules/scopes.yaml: unknown scope(s) {sorted(unknown)}")
    return tuple((name, PathPatterns.from_yaml(patterns)) for name, patterns in raw.items())


@cache
def _trust_stores() -> PathPatterns:
    return PathPatterns.from_yaml(load_yaml("scopes.yaml")["trust_stores"], re.IGNORECASE)


def scope_of_path(relpath: str) -> str:
    """The scope of a file from its path relative to the scan target ("/"-separated): the
    first scope whose folders hold it or whose file patterns match its name. What its
    folder says is worked out once per folder (a folder's files come together)."""
    folder, _, name = relpath.rpartition("/")
    by_folder, scope = _scope_of_folder(folder)
    for named, patterns in _scopes()[:by_folder]:
        if patterns.names(name):
            return named
    return scope


@lru_cache(maxsize=4096)
def _scope_of_folder(folder: str) -> tuple[int, str]:
    """The rank and name of the first scope whose folders hold this folder's files;
    (number of scopes, production) when none does."""
    folders = tuple(folder.split("/")) if folder else ()
    scopes = _scopes()
    for rank, (scope, patterns) in enumerate(scopes):
        if patterns.in_folders(folders):
            return rank, scope
    return len(scopes), PRODUCTION


def is_trust_store(path: str) -> bool:
    """Whether the file at `path` (its full path, any separator) is a trust store."""
    cut = max(path.rfind("/"), path.rfind("\\"))
    name = path[cut + 1 :]
    return _trust_store_folder(path[:cut] if cut >= 0 else "") or _trust_stores().names(name)


@lru_cache(maxsize=4096)
def _trust_store_folder(folder: str) -> bool:
    return _trust_stores().in_folders(tuple(re.split(r"[\\/]", folder)) if folder else ())


@cache
def _linked_configs() -> dict[str, str]:
    """`available` folder name -> its `enabled` sibling."""
    pairs = load_yaml("scopes.yaml").get("linked_configs") or []
    return {str(p["available"]): str(p["enabled"]) for p in pairs}


def in_effect(path: str) -> bool | None:
    """False for a file in an `available` folder that no entry of its `enabled` sibling
    names or links to; None where the layout says nothing (no such folder or sibling)."""
    folder, name = os.path.split(path)
    enabled = _linked_configs().get(os.path.basename(folder))
    if enabled is None:
        return None
    enabled_folder = os.path.join(os.path.dirname(folder), enabled)
    try:
        changed = os.stat(enabled_folder).st_mtime_ns
    except OSError:
        return None
    names, targets = _enabled_entries(enabled_folder, changed)
    return name in names or os.path.realpath(path) in targets


@lru_cache(maxsize=256)
def _enabled_entries(folder: str, changed: int) -> tuple[frozenset[str], frozenset[str]]:
    """The names in an `enabled` folder and the real paths they resolve to, as of the
    folder's modification time `changed` (a link added or removed changes it)."""
    try:
        names = os.listdir(folder)
    except OSError:
        return frozenset(), frozenset()
    return frozenset(names), frozenset(os.path.realpath(os.path.join(folder, n)) for n in names)
