"""qscan: quantum-safe cryptography migration scanner. The library API (docs/library.md):

import qscan
inventory = qscan.scan(["certs/", "example.org:443"])
print(qscan.render(inventory, "md"))
"""

from qscan.api import FORMATS, load_inventory, render, scan, scan_async, scan_options
from qscan.assess.engine import assess
from qscan.assess.issues import Issue, issues_of
from qscan.assess.policy import PolicyError
from qscan.model import Finding, Inventory, Location, ScanError, Verdict
from qscan.scan.interface import ScanOptions
from qscan.targets import Target, TargetError, parse_target
from qscan.version import __version__

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
