"""qscan: quantum-safe cryptography migration scanner."""

__version__ = "0.1.0"
