"""qscan: quantum-safe cryptography migration scanner."""

from qscan.version import __version__

__all__ = ["__version__"]
