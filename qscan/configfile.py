"""Configuration files given by the user (waivers, baselines, estates, policies, rule
packs, password and targets files): read with limits on size and nesting, YAML without
aliases (an alias bomb cannot expand) and without implicit dates (an impossible date is a
validation error with its line, not a crash), every problem a ConfigError that names the
file and, where there is one, the line."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

MAX_CONFIG_BYTES = 64 * 1024 * 1024
"""A baseline of a large estate is a few MB; nothing configured by hand comes close."""
MAX_DEPTH = 64
"""Nesting of mappings and lists (the deepest qscan format needs 5)."""

_TIMESTAMP = "tag:yaml.org,2002:timestamp"


class ConfigError(ValueError):
    """A configuration file that cannot be used, said in one line: file[:line]: problem."""

    def __init__(self, source: str, message: str, line: int | None = None) -> None:
        self.source = source
        self.line = line
        self.message = message
        super().__init__(str(self))

    def __str__(self) -> str:
        where = f"{self.source}:{self.line}" if self.line else self.source
        return f"{where}: {self.message}"


def read_text(path: Path, what: str, limit: int = MAX_CONFIG_BYTES) -> str:
    """The UTF-8 text of a file (a BOM is dropped); ConfigError when it cannot be read, is
    not a regular file, is larger than `limit` or is not UTF-8."""
    source = str(path)
    try:
        with open(path, "rb") as fh:
            data = fh.read(limit + 1)
    except IsADirectoryError:
        raise ConfigError(source, f"the {what} is a folder, not a file") from None
    except OSError as exc:
        raise ConfigError(source, f"cannot read the {what}: {exc.strerror or exc}") from None
    if len(data) > limit:
        raise ConfigError(source, f"the {what} is larger than {limit // (1 << 20)} MiB")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise ConfigError(source, f"the {what} is not UTF-8 text", line) from None


if TYPE_CHECKING:
    _SafeLoader = yaml.SafeLoader
else:  # libyaml's loader when PyYAML has it (about 8x faster)
    _SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _NodeError(Exception):
    def __init__(self, node: yaml.Node, exc: Exception) -> None:
        super().__init__(str(exc))
        self.node = node


class _Loader(_SafeLoader):
    """The safe loader with YAML 1.1's implicit types except timestamps (dates stay
    strings, checked by the format that expects them), and the node of a value that
    cannot be built kept for its line."""

    yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag != _TIMESTAMP]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        try:
            return super().construct_object(node, deep)
        except (ValueError, TypeError, OverflowError) as exc:  # an explicit !!tag's value
            raise _NodeError(node, exc) from None


def _line(mark: Any) -> int | None:
    return mark.line + 1 if mark is not None else None


def _check_events(text: str, source: str) -> None:
    """Aliases are refused (they are how a small file expands without end) and nesting
    is bounded, before anything is built."""
    depth = 0
    for event in yaml.parse(text, Loader=_Loader):
        if isinstance(event, yaml.AliasEvent):
            raise ConfigError(
                source, "YAML aliases (*name) are not accepted here", _line(event.start_mark)
            )
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                raise ConfigError(
                    source, f"nested deeper than {MAX_DEPTH} levels", _line(event.start_mark)
                )
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1


def parse_yaml(text: str, source: str) -> tuple[Any, yaml.Node | None]:
    """The data of a YAML document and its node tree (for the lines of later problems)."""
    try:
        _check_events(text, source)
        loader = _Loader(text)
        try:
            root = loader.get_single_node()
            return (loader.construct_document(root) if root is not None else None), root
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        problem = exc.problem or str(exc)
        if exc.context and exc.context_mark is not None:
            problem += f" ({exc.context} started on line {exc.context_mark.line + 1})"
        raise ConfigError(source, f"not valid YAML: {problem}", _line(exc.problem_mark)) from None
    except yaml.YAMLError as exc:
        raise ConfigError(source, f"not valid YAML: {exc}") from None
    except _NodeError as exc:
        raise ConfigError(source, f"unreadable value: {exc}", _line(exc.node.start_mark)) from None


def load_yaml(path: Path, what: str) -> tuple[Any, yaml.Node | None]:
    return parse_yaml(read_text(path, what), str(path))


def load_json(path: Path, what: str) -> Any:
    source = str(path)
    text = read_text(path, what)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ConfigError(source, f"not JSON: {exc.msg}", exc.lineno) from None
    except RecursionError:
        raise ConfigError(source, "JSON nested too deeply") from None
    if _depth(data) > MAX_DEPTH:
        raise ConfigError(source, f"JSON nested deeper than {MAX_DEPTH} levels")
    return data


def _depth(value: Any) -> int:
    deepest, level = 0, [(value, 1)]
    while level:
        item, depth = level.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, depth)
            children = item.values() if isinstance(item, dict) else item
            level.extend((child, depth + 1) for child in children)
    return deepest


def node_at(root: yaml.Node, path: Sequence[Any]) -> tuple[yaml.Node, yaml.Node | None]:
    """The node at a JSON-pointer-like path (and the key node of its last step, if any);
    the deepest node on the path that exists."""
    node, key_node = root, None
    for step in path:
        if isinstance(node, yaml.MappingNode):
            match = next(((k, v) for k, v in node.value if k.value == str(step)), None)
            if match is None:
                break
            key_node, node = match
        elif isinstance(node, yaml.SequenceNode) and isinstance(step, int):
            if step >= len(node.value):
                break
            key_node, node = None, node.value[step]
        else:
            break
    return node, key_node


def line_of(root: yaml.Node | None, path: Sequence[Any]) -> int | None:
    if root is None:
        return None
    node, key_node = node_at(root, path)
    return (key_node or node).start_mark.line + 1
