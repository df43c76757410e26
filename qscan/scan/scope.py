"""What kind of material a file is (production, test, documentation, vendored) and whether
it is a trust store, from its path: the patterns are data in rules/scopes.yaml."""

from __future__ import annotations

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

    def matches(self, folders: tuple[str, ...], name: str) -> bool:
        if any(f.lower() in self.folders for f in folders):
            return True
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
    """The scope of a file from its path relative to the scan target ("/"-separated)."""
    folder, _, name = relpath.rpartition("/")
    return _scope_in(folder, name)


@lru_cache(maxsize=4096)
def _scope_in(folder: str, name: str) -> str:
    folders = tuple(folder.split("/")) if folder else ()
    for scope, patterns in _scopes():
        if patterns.matches(folders, name):
            return scope
    return PRODUCTION


def is_trust_store(path: str) -> bool:
    """Whether the file at `path` (its full path, any separator) is a trust store."""
    parts = re.split(r"[\\/]", path)
    return _trust_stores().matches(tuple(parts[:-1]), parts[-1])
