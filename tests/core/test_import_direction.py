"""The data flow runs one way (docs/DESIGN: targets -> scan -> assess -> render): every
`import` inside qscan/, also the ones inside functions and under TYPE_CHECKING, goes to the
same stage or to a stage listed as below it."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "qscan"

GROUND = {
    "version",
    "model",
    "targets",
    "catalog",
    "resources",
    "configfile",
    "i18n",
    "protocols",
}

MAY_IMPORT = {
    "ground": {"ground"},
    "scan": {"ground", "scan"},
    "assess": {"ground", "assess"},
    "estate": {"ground", "estate"},
    "inventories": {"ground", "assess", "inventories"},
    "render": {"ground", "assess", "inventories", "render"},
    "pipeline": {"ground", "scan", "assess", "estate", "pipeline"},
    "library": {"ground", "scan", "assess", "inventories", "render", "pipeline", "library"},
    "cli": {
        "ground",
        "scan",
        "assess",
        "estate",
        "inventories",
        "render",
        "pipeline",
        "library",
        "cli",
    },
    "main": {"cli"},
}


def stage(module: str) -> str:
    parts = module.split(".")
    if parts == ["qscan"] or parts[1] == "api":
        return "library"
    if parts[1] == "__main__":
        return "main"
    return "ground" if parts[1] in GROUND else parts[1]


def module_name(path: Path) -> str:
    rel = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported(tree: ast.AST, module: str, is_package: bool) -> set[str]:
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = module.split(".")
                anchor = anchor if is_package else anchor[:-1]
                anchor = anchor[: len(anchor) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            names.add(base)
    return {n for n in names if n == "qscan" or n.startswith("qscan.")}


def violations() -> list[str]:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        module = module_name(path)
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for target in sorted(imported(tree, module, path.name == "__init__.py")):
            if stage(target) not in MAY_IMPORT[stage(module)]:
                found.append(f"{module} ({stage(module)}) imports {target} ({stage(target)})")
    return found


def test_every_import_goes_down_the_data_flow() -> None:
    assert violations() == []


def test_every_module_belongs_to_a_stage() -> None:
    for path in PACKAGE.rglob("*.py"):
        assert stage(module_name(path)) in MAY_IMPORT, path
