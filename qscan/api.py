"""The library API: what `import qscan` offers (docs/library.md).

    inventory = qscan.scan(["certs/", "example.org:443"], timeout=5)
    html = qscan.render(inventory, "html")

Every function returns or takes the assessed `Inventory`; its `to_json()` is the JSON
inventory the CLI writes.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from qscan import pipeline
from qscan.assess.policy import get_policy
from qscan.assess.scenario import Scenario, get_scenario
from qscan.model import DEFAULT_POLICY, Inventory
from qscan.render import RENDERERS, RenderOptions
from qscan.scan.interface import ScanOptions
from qscan.targets import Target, parse_target

FORMATS = tuple(sorted(RENDERERS))

TargetSpec = str | Path | Target


def scan_options(**options: Any) -> ScanOptions:
    """ScanOptions from keyword arguments (timeout=5, passwords=("changeit",), ...)."""
    known = {f.name for f in dataclasses.fields(ScanOptions)}
    unknown = sorted(set(options) - known)
    if unknown:
        raise TypeError(f"unknown scan option(s) {', '.join(unknown)}; known: {sorted(known)}")
    return ScanOptions(**options)


def targets_of(targets: TargetSpec | Iterable[TargetSpec], sni: str | None = None) -> list[Target]:
    """Targets from strings as the CLI takes them (paths, host:port, tls://, ssh://, ...),
    paths, or Target objects; one string or path is one target."""
    items = [targets] if isinstance(targets, str | Path | Target) else list(targets)
    return [t if isinstance(t, Target) else parse_target(str(t), sni=sni) for t in items]


def _scenario(scenario: str | Scenario | None) -> Scenario:
    return scenario if isinstance(scenario, Scenario) else get_scenario(scenario)


def scan(
    targets: TargetSpec | Iterable[TargetSpec],
    *,
    policy: str = DEFAULT_POLICY,
    scenario: str | Scenario | None = None,
    **options: Any,
) -> Inventory:
    """Scan and assess; `options` are ScanOptions fields. Starts its own event loop for
    endpoints: inside a running loop, await `scan_async` instead."""
    opts = scan_options(**options)
    get_policy(policy)
    return pipeline.scan(targets_of(targets, opts.sni), opts, policy, _scenario(scenario))


async def scan_async(
    targets: TargetSpec | Iterable[TargetSpec],
    *,
    policy: str = DEFAULT_POLICY,
    scenario: str | Scenario | None = None,
    **options: Any,
) -> Inventory:
    """`scan` on the caller's event loop (files are read in a worker thread)."""
    opts = scan_options(**options)
    get_policy(policy)
    return await pipeline.scan_async(
        targets_of(targets, opts.sni), opts, policy, _scenario(scenario)
    )


def render(inventory: Inventory, format: str = "json", *, lang: str = "en") -> str:
    """The inventory in one output format (see FORMATS); every format is text."""
    if format not in RENDERERS:
        raise ValueError(f"unknown format {format!r}; one of {', '.join(FORMATS)}")
    return RENDERERS[format](inventory, RenderOptions(lang=lang))


def load_inventory(path: str | Path) -> Inventory:
    """A saved JSON inventory. Raises ValueError (also for JSON syntax errors), KeyError or
    TypeError when the file is not one."""
    return Inventory.from_json(Path(path).read_text(encoding="utf-8"))
