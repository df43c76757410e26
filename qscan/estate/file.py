"""Loading the estate file: the schema (qscan/schemas/estate.schema.json), the rules it
cannot express, and every problem reported with the line it is on."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from qscan.configfile import ConfigError, line_of, node_at, parse_yaml, read_text
from qscan.targets import TargetError, parse_target

if TYPE_CHECKING:
    import jsonschema

SCHEMA_PATH = Path(__file__).resolve().parents[1] / "schemas" / "estate.schema.json"
TARGET_KINDS = {"endpoints": "endpoint", "paths": "path", "repositories": "repository"}
ATTRIBUTES = (
    "owner",
    "contact",
    "exposure",
    "classification",
    "confidentiality_years",
    "migration_years",
    "signature_lifetime_years",
    "criticality",
    "cnsa_category",
    "eu_risk",
    "scope",
)
_REMOTE_REPO = re.compile(r"^(?:[a-z][a-z0-9+.-]*://|[\w.-]+@[\w.-]+:)", re.IGNORECASE)
_QUOTED = re.compile(r"'([^']+)'")


class EstateError(ValueError):
    """An estate file that cannot be used; `problems` are (line or None, message) pairs."""

    def __init__(self, source: str, problems: Sequence[tuple[int | None, str]]) -> None:
        self.source = source
        self.problems = sorted(problems, key=lambda p: (p[0] or 0, p[1]))
        super().__init__(str(self))

    def __str__(self) -> str:
        return "\n".join(
            f"{self.source}:{line}: {message}" if line else f"{self.source}: {message}"
            for line, message in self.problems
        )


@dataclass(frozen=True)
class EstateTarget:
    kind: str  # endpoint | path | repository
    value: str  # as written in the estate file
    system: str
    line: int

    @property
    def remote(self) -> bool:
        return self.kind == "repository" and bool(_REMOTE_REPO.match(self.value))


@dataclass(frozen=True)
class System:
    name: str
    attributes: dict[str, Any]
    targets: tuple[EstateTarget, ...]
    line: int

    @property
    def owner(self) -> str | None:
        return self.attributes.get("owner")

    def to_dict(self) -> dict[str, Any]:
        grouped: dict[str, list[str]] = {}
        for plural, kind in TARGET_KINDS.items():
            values = [t.value for t in self.targets if t.kind == kind]
            if values:
                grouped[plural] = values
        return {"name": self.name, **self.attributes, "targets": grouped}


@dataclass(frozen=True)
class Estate:
    organisation: dict[str, str]
    systems: tuple[System, ...]
    source: str = "estate.yaml"
    base_dir: Path = field(default_factory=Path.cwd)

    @property
    def id(self) -> str:
        return self.organisation["id"]

    def targets(self) -> list[EstateTarget]:
        return [t for s in self.systems for t in s.targets]

    def system(self, name: str) -> System | None:
        return next((s for s in self.systems if s.name == name), None)

    def to_dict(self, shard: tuple[int, int] | None = None) -> dict[str, Any]:
        out: dict[str, Any] = {
            "organisation": dict(self.organisation),
            "file": self.source,
            "systems": [s.to_dict() for s in self.systems],
        }
        if shard is not None:
            out["shard"] = {"index": shard[0], "count": shard[1]}
        return out


@cache
def estate_schema() -> dict[str, Any]:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def load_estate(path: Path) -> Estate:
    try:
        text = read_text(path, "estate file")
    except ConfigError as exc:
        raise EstateError(exc.source, [(exc.line, exc.message)]) from None
    return parse_estate(text, source=str(path), base_dir=path.resolve().parent)


def parse_estate(text: str, source: str = "estate.yaml", base_dir: Path | None = None) -> Estate:
    try:
        data, root = parse_yaml(text, source)
    except ConfigError as exc:
        raise EstateError(source, [(exc.line, exc.message)]) from None
    if root is None or not isinstance(data, dict):
        raise EstateError(
            source, [(1, "the estate file must be a mapping with organisation and systems")]
        )
    problems: list[tuple[int | None, str]] = list(_duplicate_keys(root))
    import jsonschema  # imported here: its format checkers take ~1 s to load

    validator = jsonschema.Draft202012Validator(estate_schema())
    for error in validator.iter_errors(data):
        problems.append((_error_line(root, error), _error_message(error)))
    if problems:
        raise EstateError(source, problems)
    estate = _build(data, root, source, base_dir or Path.cwd())
    problems = _check(estate)
    if problems:
        raise EstateError(source, problems)
    return estate


def _build(data: dict[str, Any], root: yaml.Node, source: str, base_dir: Path) -> Estate:
    defaults = data.get("defaults") or {}
    systems = []
    for index, raw in enumerate(data["systems"]):
        attributes = {k: raw.get(k, defaults.get(k)) for k in ATTRIBUTES}
        attributes = {k: v for k, v in attributes.items() if v is not None}
        if raw.get("description"):
            attributes["description"] = raw["description"]
        targets = []
        for plural, kind in TARGET_KINDS.items():
            for i, value in enumerate(raw["targets"].get(plural) or []):
                line = _line_of(root, ["systems", index, "targets", plural, i])
                targets.append(EstateTarget(kind, value.strip(), raw["name"], line))
        systems.append(
            System(
                name=raw["name"],
                attributes=attributes,
                targets=tuple(targets),
                line=_line_of(root, ["systems", index]),
            )
        )
    organisation = {k: str(v) for k, v in data["organisation"].items()}
    return Estate(organisation, tuple(systems), source, base_dir)


def _check(estate: Estate) -> list[tuple[int | None, str]]:
    """What the schema cannot say: unique names, an owner, endpoints that parse, no target
    owned by two systems."""
    problems: list[tuple[int | None, str]] = []
    seen_names: dict[str, int] = {}
    for system in estate.systems:
        if system.name in seen_names:
            problems.append(
                (
                    system.line,
                    f"system {system.name!r} is listed twice (first on line {seen_names[system.name]})",
                )
            )
        seen_names.setdefault(system.name, system.line)
        if not system.owner:
            problems.append(
                (system.line, f"system {system.name!r} has no owner (set owner, or defaults.owner)")
            )
        if not system.targets:
            problems.append((system.line, f"system {system.name!r} lists no targets"))
    owners: dict[str, EstateTarget] = {}
    for target in estate.targets():
        if target.kind == "endpoint":
            try:
                parsed = parse_target(target.value)
            except TargetError as exc:
                problems.append((target.line, f"endpoint {target.value!r}: {exc}"))
                continue
            if parsed.kind == "path":
                problems.append(
                    (
                        target.line,
                        f"endpoint {target.value!r} looks like a path; list it under paths",
                    )
                )
                continue
        key = _identity(target, estate.base_dir)
        first = owners.get(key)
        if first is not None:
            problems.append(
                (
                    target.line,
                    f"target {target.value!r} of system {target.system!r} is already listed on "
                    f"line {first.line} (system {first.system!r}); list each target once, "
                    "under the system that owns it",
                )
            )
        else:
            owners[key] = target
    return problems


def _identity(target: EstateTarget, base_dir: Path) -> str:
    if target.kind == "endpoint":
        t = parse_target(target.value)
        return f"{t.kind}://{t.host}:{t.port}/{t.scheme}"
    if target.remote:
        return f"remote:{target.value}"
    return f"path:{(base_dir / target.value).resolve()}"


def _duplicate_keys(node: yaml.Node) -> Iterable[tuple[int, str]]:
    if isinstance(node, yaml.MappingNode):
        seen: set[Any] = set()
        for key, value in node.value:
            if key.value in seen:
                yield key.start_mark.line + 1, f"duplicate key {key.value!r}"
            seen.add(key.value)
            yield from _duplicate_keys(value)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            yield from _duplicate_keys(item)


def _line_of(root: yaml.Node, path: Sequence[Any]) -> int:
    return line_of(root, path) or 1


def _error_line(root: yaml.Node, error: jsonschema.ValidationError) -> int:
    node, key_node = node_at(root, list(error.absolute_path))
    if error.validator in ("additionalProperties", "unevaluatedProperties") and isinstance(
        node, yaml.MappingNode
    ):
        unexpected = set(_QUOTED.findall(error.message))
        for key, _ in node.value:
            if key.value in unexpected:
                return key.start_mark.line + 1
    return (key_node or node).start_mark.line + 1


def _error_message(error: jsonschema.ValidationError) -> str:
    where = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error.absolute_path)
    where = where.lstrip(".") or "(top level)"
    message = error.message
    if error.validator in ("additionalProperties", "unevaluatedProperties"):
        names = ", ".join(sorted(set(_QUOTED.findall(message))))
        message = f"unknown key(s) {names}"
    return f"{where}: {message}"
