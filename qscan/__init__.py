"""qscan: quantum-safe cryptography migration scanner."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("qscan")
except PackageNotFoundError:
    __version__ = "0.0.0+unknown"
