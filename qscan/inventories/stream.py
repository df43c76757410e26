"""Read large JSON inventories without loading them: the header (every top-level field
except the finding, error, issue and note arrays) and their items one at a time."""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import ijson

from qscan.model import SCHEMA_ID

STREAMED = frozenset({"findings", "errors", "issues", "notes"})
_SCALARS = frozenset({"string", "number", "boolean", "null", "end_map", "end_array"})
BUF = 1 << 16


class InventoryFormatError(ValueError):
    """A file that is not a readable qscan inventory."""


def read_header(
    path: Path, skip: frozenset[str] = STREAMED, until: frozenset[str] = frozenset()
) -> dict[str, Any]:
    """Every top-level field except the skipped (large) ones, in one streaming pass; stops
    early at the first top-level key in `until` (a merged inventory puts its organisations
    and aggregates before the findings)."""
    header: dict[str, Any] = {}
    key: str | None = None
    builder: ijson.ObjectBuilder | None = None
    try:
        with open(path, "rb") as fh:
            events = ijson.parse(fh, use_float=True, buf_size=BUF)
            first = next(events, None)
            if first is None or first[1] != "start_map":
                raise InventoryFormatError(f"{path}: not a JSON object")
            for prefix, event, value in events:
                if prefix == "":
                    if event == "map_key":
                        if value in until:
                            break
                        key = value
                        builder = None if key in skip else ijson.ObjectBuilder()
                    continue
                if builder is None:
                    continue
                builder.event(event, value)
                if key is not None and prefix == key and event in _SCALARS:
                    header[key] = builder.value
                    builder = None
    except OSError as exc:
        raise InventoryFormatError(f"{path}: {exc.strerror or exc}") from exc
    except (ijson.JSONError, ijson.IncompleteJSONError) as exc:
        raise InventoryFormatError(f"{path}: not valid JSON ({exc})") from exc
    if header.get("schema") != SCHEMA_ID:
        raise InventoryFormatError(
            f"{path}: not a qscan inventory (schema {header.get('schema')!r}, expected {SCHEMA_ID!r})"
        )
    return header


def iter_array(path: Path, name: str) -> Iterator[dict[str, Any]]:
    """The items of one top-level array (`findings`, `errors`, `issues`, `notes`), one at a
    time."""
    try:
        with open(path, "rb") as fh:
            for item in ijson.items(fh, f"{name}.item", use_float=True, buf_size=BUF):
                if not isinstance(item, dict):
                    raise InventoryFormatError(f"{path}: an item of {name} is not an object")
                yield item
    except OSError as exc:
        raise InventoryFormatError(f"{path}: {exc.strerror or exc}") from exc
    except (ijson.JSONError, ijson.IncompleteJSONError) as exc:
        raise InventoryFormatError(f"{path}: not valid JSON ({exc})") from exc


def iter_findings(path: Path) -> Iterator[dict[str, Any]]:
    for finding in iter_array(path, "findings"):
        if not isinstance(finding.get("fingerprint"), str):
            raise InventoryFormatError(f"{path}: a finding has no fingerprint")
        yield finding


def iter_errors(path: Path) -> Iterator[dict[str, Any]]:
    return iter_array(path, "errors")


_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), default=str)


def dump(value: Any) -> str:
    """Compact JSON for one item of a streamed array."""
    return _ENCODER.encode(value)


class Spool:
    """The items of one JSON array, written to a temporary file as they come and copied
    into the output at the end (a context manager; the file is removed on exit)."""

    def __init__(self, directory: Path | None = None) -> None:
        # Closed by __exit__: a Spool is the context manager that owns the file.
        self.file: IO[str] = tempfile.TemporaryFile(  # noqa: SIM115
            "w+", encoding="utf-8", dir=directory
        )
        self.count = 0

    def __enter__(self) -> Spool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.file.close()

    def add(self, item: Any) -> None:
        self.file.write(("\n" if self.count == 0 else ",\n") + dump(item))
        self.count += 1

    def copy_array(self, out: IO[str], key: str) -> None:
        """Write `"key":[items]` to `out`."""
        out.write(f"{json.dumps(key)}:[")
        self.file.seek(0)
        shutil.copyfileobj(self.file, out, 1 << 20)
        out.write("\n]" if self.count else "]")
