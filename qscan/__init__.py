"""qscan: quantum-safe cryptography migration scanner. The library API (docs/library.md):

import qscan
inventory = qscan.scan(["certs/", "example.org:443"])
print(qscan.render(inventory, "md"))

The names below are imported on first use (PEP 562), so that importing one part of qscan
(the file scanners in a worker, `qscan.model` in a script) does not load all of it.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from qscan.version import __version__

if TYPE_CHECKING:
    from qscan.api import FORMATS, load_inventory, render, scan, scan_async, scan_options
    from qscan.assess.engine import assess
    from qscan.assess.issues import Issue, issues_of
    from qscan.assess.policy import PolicyError
    from qscan.model import Finding, Inventory, Location, ScanError, Verdict
    from qscan.scan.interface import ScanOptions
    from qscan.targets import Target, TargetError, parse_target

_HOMES = {
    "FORMATS": "qscan.api",
    "load_inventory": "qscan.api",
    "render": "qscan.api",
    "scan": "qscan.api",
    "scan_async": "qscan.api",
    "scan_options": "qscan.api",
    "assess": "qscan.assess.engine",
    "Issue": "qscan.assess.issues",
    "issues_of": "qscan.assess.issues",
    "PolicyError": "qscan.assess.policy",
    "Finding": "qscan.model",
    "Inventory": "qscan.model",
    "Location": "qscan.model",
    "ScanError": "qscan.model",
    "Verdict": "qscan.model",
    "ScanOptions": "qscan.scan.interface",
    "Target": "qscan.targets",
    "TargetError": "qscan.targets",
    "parse_target": "qscan.targets",
}

__all__ = [
    "FORMATS",
    "Finding",
    "Inventory",
    "Issue",
    "Location",
    "PolicyError",
    "ScanError",
    "ScanOptions",
    "Target",
    "TargetError",
    "Verdict",
    "__version__",
    "assess",
    "issues_of",
    "load_inventory",
    "parse_target",
    "render",
    "scan",
    "scan_async",
    "scan_options",
]


# Three subpackages share their names with functions of the library (qscan.scan,
# qscan.render, qscan.assess). The import system sets a subpackage as an attribute here
# when it is first imported, which would hide the function if that happened after this
# module: they are imported now, and their names left to the functions.
for _subpackage in ("assess", "render", "scan"):
    import_module(f"qscan.{_subpackage}")
    del globals()[_subpackage]


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'qscan' has no attribute {name!r}")
    value = getattr(import_module(home), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_HOMES})
