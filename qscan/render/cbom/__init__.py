"""CycloneDX 1.6 CBOM (cryptography bill of materials) of an assessed inventory.

Components, all `cryptographic-asset` (see the modules for what makes each one):
- algorithm (`algorithms`): one per algorithm and parameter set, with the catalogue's
  canonical name, OID of the right kind, primitive, crypto functions and security levels;
- certificate and related-crypto-material (`material`): certificates with their signature
  algorithm and subject public key, and keys with their algorithm; never a key value;
- protocol (`protocols`): TLS or SSH per endpoint and per configuration file and scope, with
  versions, cipher suites and references to what they offer.
Every component lists where it was seen (`evidence.occurrences`), and qscan's verdicts on it
as `qscan:*` properties. Dependencies: the scan depends on what it found outside protocols
and on the protocols; a certificate on its signature algorithm, public key and issuer; a key
on its algorithm; a protocol on its certificates and keys, and it `provides` its algorithms.
"""

from __future__ import annotations

from typing import Any

from qscan.model import Inventory
from qscan.render.cbom.document import build, dump
from qscan.render.interface import RenderOptions


def build_cbom(inventory: Inventory) -> dict[str, Any]:
    return build(inventory)


def render(inventory: Inventory, options: RenderOptions) -> str:
    return dump(build(inventory))
