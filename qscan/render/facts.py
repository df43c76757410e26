"""Small readings of one finding that every view shares: its status, its severity and the
label of its algorithm with its size."""

from __future__ import annotations

from qscan.model import Finding


def status_of(finding: Finding) -> str:
    return finding.verdict.status if finding.verdict else "unknown"


def severity_of(finding: Finding) -> str:
    return finding.verdict.severity if finding.verdict else "info"


def key_label(finding: Finding) -> str:
    """An algorithm with its size: `RSA-2048`, `ECDSA-P-384`, `ML-DSA-65`, `Ed25519`."""
    params = finding.params
    extra = params.get("curve") or params.get("bits") or params.get("parameter_set")
    return f"{finding.algorithm}-{extra}" if extra else finding.algorithm
