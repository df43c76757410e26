"""The estate file: one organisation, its systems and their targets (docs/estate.md)."""

from qscan.estate.attribute import attribute
from qscan.estate.file import Estate, EstateError, EstateTarget, System, load_estate, parse_estate
from qscan.estate.shard import parse_shard, select_shard, shard_index

__all__ = [
    "Estate",
    "EstateError",
    "EstateTarget",
    "System",
    "attribute",
    "load_estate",
    "parse_estate",
    "parse_shard",
    "select_shard",
    "shard_index",
]
