"""Canonical algorithm names, aliases, OIDs and curves, loaded from rules/catalog/."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import Any

from qscan.resources import load_yaml

UNKNOWN = "unknown"


@dataclass(frozen=True)
class Algorithm:
    name: str
    family: str
    primitive: str
    quantum: str
    classical_bits: int | str
    nist_level: int
    aliases: tuple[str, ...] = ()
    successor: str | None = None
    note: str | None = None
    components: tuple[str, ...] = ()
    parameter_set: str | None = None
    curve: str | None = None
    cryptographic: bool = True


@dataclass(frozen=True)
class OidEntry:
    oid: str
    name: str
    kind: str
    algorithm: str
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Curve:
    name: str
    oid: str
    bits: int
    size: int


class Catalog:
    def __init__(self, algorithms: dict[str, Any], oids: dict[str, Any]) -> None:
        self.algorithms: dict[str, Algorithm] = {}
        self._alias: dict[str, str] = {}
        for name, spec in algorithms["algorithms"].items():
            alg = Algorithm(
                name=name,
                family=spec["family"],
                primitive=spec["primitive"],
                quantum=spec["quantum"],
                classical_bits=spec["classical_bits"],
                nist_level=spec["nist_level"],
                aliases=tuple(spec.get("aliases", ())),
                successor=spec.get("successor"),
                note=spec.get("note"),
                components=tuple(spec.get("components", ())),
                parameter_set=spec.get("parameter_set"),
                curve=spec.get("curve"),
                cryptographic=spec.get("cryptographic", True),
            )
            self.algorithms[name] = alg
            for alias in alg.aliases:
                self._alias.setdefault(alias.lower(), name)
        # A canonical name always stands for itself, even where an older entry lists it
        # as an alias (EC, an elliptic-curve key of unknown use, was ECDSA's alias).
        self._alias.update({name.lower(): name for name in self.algorithms})
        self._rsa_strength = [(r["min_bits"], r["bits"]) for r in algorithms["rsa_strength"]]
        self.oids = {
            oid: OidEntry(
                oid=oid,
                name=spec["name"],
                kind=spec["kind"],
                algorithm=spec["algorithm"],
                params=dict(spec.get("params") or {}),
            )
            for oid, spec in oids["oids"].items()
        }
        self._oids_of: dict[tuple[str, str], list[OidEntry]] = {}
        for entry in self.oids.values():
            self._oids_of.setdefault((entry.algorithm, entry.kind), []).append(entry)
        self.arcs: dict[str, dict[str, Any]] = dict(oids.get("arcs") or {})
        self.curves: dict[str, Curve] = {}
        self._curve_alias: dict[str, str] = {}
        self._curve_oid: dict[str, str] = {}
        for name, spec in oids["curves"].items():
            curve = Curve(name=name, oid=str(spec["oid"]), bits=spec["bits"], size=spec["size"])
            self.curves[name] = curve
            self._curve_oid.setdefault(curve.oid, name)
            for alias in (name, *spec.get("aliases", ())):
                self._curve_alias.setdefault(alias.lower(), name)

    def canonical(self, name: str) -> str | None:
        """Canonical algorithm name for a name or alias (case-insensitive), else None."""
        return self._alias.get(name.strip().lower())

    def get(self, name: str) -> Algorithm | None:
        canonical = self.canonical(name)
        return self.algorithms.get(canonical) if canonical else None

    def oid(self, dotted: str) -> OidEntry | None:
        entry = self.oids.get(dotted)
        if entry is not None:
            return entry
        for prefix, spec in self.arcs.items():
            if dotted.startswith(prefix):
                return OidEntry(
                    oid=dotted, name=spec["note"], kind="public-key", algorithm=spec["algorithm"]
                )
        return None

    def oid_for(self, algorithm: str, kind: str, params: dict[str, Any]) -> OidEntry | None:
        """The OID of one kind (public-key, signature, hash, mac, cipher) that identifies a
        canonical algorithm with these params: of the entries whose own params all match,
        the most specific (sha256WithRSAEncryption for RSA with hash SHA-256 and padding
        PKCS1v15; aes256-GCM for AES-256 in GCM mode). A signature algorithm without any
        signature entry signs under its key's OID (Ed25519, ML-DSA, SLH-DSA: see oids.yaml)."""
        entries = self._oids_of.get((algorithm, kind))
        if entries is None and kind == "signature":
            entries = self._oids_of.get((algorithm, "public-key"))
        best: OidEntry | None = None
        for entry in entries or ():
            if all(params.get(k) == v for k, v in entry.params.items()) and (
                best is None or len(entry.params) > len(best.params)
            ):
                best = entry
        return best

    def curve(self, name_or_oid: str) -> Curve | None:
        key = self._curve_alias.get(name_or_oid.lower()) or self._curve_oid.get(name_or_oid)
        return self.curves.get(key) if key else None

    def classical_bits(self, algorithm: str, params: dict[str, Any]) -> int | None:
        """Classical security strength in bits, from the catalog, key size or curve."""
        alg = self.get(algorithm)
        if alg is None:
            return None
        if isinstance(alg.classical_bits, int):
            return alg.classical_bits
        if alg.classical_bits == "size" and isinstance(params.get("bits"), int):
            if alg.family in ("RSA", "DSA", "DH"):
                return next(b for size, b in self._rsa_strength if params["bits"] >= size)
            return None
        if alg.classical_bits == "curve" and params.get("curve"):
            curve = self.curve(str(params["curve"]))
            return curve.bits if curve else None
        return None


@cache
def catalog() -> Catalog:
    return Catalog(load_yaml("catalog/algorithms.yaml"), load_yaml("catalog/oids.yaml"))
