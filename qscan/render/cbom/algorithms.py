"""Algorithm components: what an algorithm use is, named and identified from the catalogue.

A component is one algorithm with one parameter set: its canonical catalogue name (aliases
resolved), the parameter set, curve, mode, the hash of a signature and the padding. Two uses
that agree on these are one component, whatever their findings called them; uses that differ
in any of them (RSA-2048 and RSA-4096 signatures with SHA-256) are two. The component's OID
is the catalogue's OID of the right kind for that algorithm and parameters (a MAC OID for
HMAC, never its hash's), and its security levels come from the catalogue.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, NamedTuple

from qscan.catalog import UNKNOWN, Algorithm, Catalog, OidEntry

# CycloneDX 1.6 cryptoProperties.algorithmProperties enums.
PRIMITIVES = frozenset(
    {
        "drbg",
        "mac",
        "block-cipher",
        "stream-cipher",
        "signature",
        "hash",
        "pke",
        "xof",
        "kdf",
        "key-agree",
        "kem",
        "ae",
        "combiner",
        "other",
        "unknown",
    }
)
_CDX_MODES = frozenset({"CBC", "ECB", "CCM", "GCM", "CFB", "OFB", "CTR"})
_CDX_PADDINGS = {"PKCS1v15": "pkcs1v15", "OAEP": "oaep", "PKCS5": "pkcs5", "PKCS7": "pkcs7"}
_AE_MODES = frozenset({"GCM", "CCM", "CCM-8", "OCB", "SIV", "GCM-SIV", "EAX", "MGM"})
_CIPHERS = frozenset({"block-cipher", "stream-cipher", "ae"})
_SIGNERS = frozenset({"pke", "signature"})
_OID_KIND = {
    "pke": "public-key",
    "key-agree": "public-key",
    "kem": "public-key",
    "signature": "public-key",
    "hash": "hash",
    "xof": "hash",
    "mac": "mac",
    "block-cipher": "cipher",
    "stream-cipher": "cipher",
    "ae": "cipher",
    "kdf": "kdf",
    "drbg": "drbg",
}
_FUNCTIONS = {
    "key-generation": ("keygen",),
    "signature": ("sign", "verify"),
    "encryption": ("encrypt", "decrypt"),
    "kem": ("encapsulate", "decapsulate"),
    "hash": ("digest",),
    "mac": ("tag",),
    "kdf": ("keyderive",),
    "random": ("generate",),
}
_KEY_EXCHANGE = {
    "kem": ("encapsulate", "decapsulate"),
    "pke": ("encrypt", "decrypt"),
}
_IDENTIFIERS = ("oid", "ssh_name", "name", "group", "codepoint")
_PARAMS = ("oid", "bits", "curve", "mode", "hash", "padding", "parameter_set", *_IDENTIFIERS[1:])


class AlgorithmKey(NamedTuple):
    """What makes two algorithm uses the same component."""

    name: str
    parameter_set: str | None
    curve: str | None
    mode: str | None
    hash: str | None
    padding: str | None
    ident: str | None
    """What identifies an algorithm the catalogue does not pin down by name: the OID of an
    unknown or arc-only algorithm or of one parameter set of a composite, or an unknown
    SSH / library name."""


@dataclass(frozen=True, slots=True)
class AlgorithmSpec:
    key: AlgorithmKey
    ref: str
    name: str
    primitive: str
    oid: str | None
    classical: int | None
    nist: int | None

    def functions(self, function: str) -> tuple[str, ...]:
        """The CycloneDX cryptoFunctions of one use of this algorithm."""
        if function == "key-exchange":
            return _KEY_EXCHANGE.get(self.primitive, ("keyderive",))
        return _FUNCTIONS.get(function, ())

    def properties(self, functions: set[str]) -> dict[str, Any]:
        key = self.key
        values = {
            "primitive": self.primitive,
            "parameterSetIdentifier": key.parameter_set,
            "curve": key.curve,
            "mode": _mode_enum(key.mode) if key.mode else None,
            "padding": _CDX_PADDINGS.get(key.padding, "other") if key.padding else None,
            "cryptoFunctions": sorted(functions) or None,
            "classicalSecurityLevel": self.classical,
            "nistQuantumSecurityLevel": self.nist,
        }
        return {name: value for name, value in values.items() if value is not None}


def _mode_enum(mode: str) -> str:
    """The CycloneDX mode: cbc, gcm, ... (CCM-8 is ccm); other for MGM, CNT, XTS ..."""
    if mode in _CDX_MODES:
        return mode.lower()
    return "ccm" if mode.startswith("CCM") else "other"


def _mode(value: Any) -> str | None:
    text = str(value).strip().upper().replace("_", "-") if value else ""
    if text in ("", "AEAD", "NONE"):
        return None
    return "CCM-8" if text == "CCM8" else text


def _padding(value: Any) -> str | None:
    text = str(value).strip().upper().replace("_", "").replace(" ", "") if value else ""
    if text in ("", "NONE", "NOPADDING"):
        return None
    if text.startswith("PKCS1"):
        return "PKCS1v15"
    for name in ("OAEP", "PSS", "PKCS5", "PKCS7"):
        if text.startswith(name):
            return name
    return str(value)


class Algorithms:
    """Resolves algorithm uses to components; one resolution per distinct use."""

    def __init__(self, cat: Catalog) -> None:
        self.cat = cat
        self._uses: dict[tuple[Any, ...], AlgorithmSpec | None] = {}
        self._specs: dict[AlgorithmKey, AlgorithmSpec] = {}
        self._refs: dict[str, AlgorithmKey] = {}

    def spec(self, algorithm: str, function: str, params: dict[str, Any]) -> AlgorithmSpec | None:
        """The component of one use, or None for what is no algorithm: a protocol version,
        compression, the NULL cipher (catalogue `cryptographic: false`), or an unknown
        algorithm that nothing identifies."""
        use = (algorithm, function, *map(params.get, _PARAMS))
        try:
            return self._uses[use]
        except KeyError:
            pass
        except TypeError:  # an unhashable parameter value
            return self._resolve(algorithm, function, params)
        spec = self._uses[use] = self._resolve(algorithm, function, params)
        return spec

    def _resolve(
        self, algorithm: str, function: str, params: dict[str, Any]
    ) -> AlgorithmSpec | None:
        cat = self.cat
        name = cat.canonical(algorithm) or algorithm
        ident: str | None = None
        parameter_set: str | None = None
        exact = None
        oid = str(params["oid"]) if params.get("oid") else None
        if oid is not None:
            entry = cat.oid(oid)
            if entry is not None and name in (UNKNOWN, entry.algorithm):
                name = entry.algorithm
                exact = cat.oids.get(oid)
                if exact is None or "parameter_set" in exact.params:
                    ident = oid
                    parameter_set = entry.params.get("parameter_set")
        alg = cat.algorithms.get(name)
        if alg is None and name == UNKNOWN:
            ident = next((str(params[k]) for k in _IDENTIFIERS if params.get(k)), None)
            if ident is None:
                return None
        if alg is not None and not alg.cryptographic:
            return None
        key = self._key(alg, name, function, params, parameter_set, ident)
        spec = self._specs.get(key)
        if spec is None:
            spec = self._specs[key] = self._spec(key, alg, exact)
        return spec

    def _key(
        self,
        alg: Algorithm | None,
        name: str,
        function: str,
        params: dict[str, Any],
        parameter_set: str | None,
        ident: str | None,
    ) -> AlgorithmKey:
        primitive = alg.primitive if alg else "unknown"
        curve = alg.curve if alg else None
        if curve is None and params.get("curve"):
            known = self.cat.curve(str(params["curve"]))
            curve = known.name if known else str(params["curve"])
        bits = params.get("bits")
        parameter_set = (alg.parameter_set if alg else None) or parameter_set
        if parameter_set is None and params.get("parameter_set"):
            parameter_set = str(params["parameter_set"])
        if parameter_set is None and isinstance(bits, int) and curve is None and _sized(alg):
            parameter_set = str(bits)
        mode = _mode(params.get("mode")) if primitive in _CIPHERS else None
        hash_name = None
        if function == "signature" and params.get("hash") and primitive in _SIGNERS:
            hash_name = self.cat.canonical(str(params["hash"])) or str(params["hash"])
        padding = _padding(params.get("padding")) if primitive in ("pke", "block-cipher") else None
        if padding is None and hash_name and alg is not None and alg.family == "RSA":
            padding = "PKCS1v15"  # "SHA256withRSA", rsa-sha2-256: PKCS #1 v1.5 (RFC 8017, 8332)
        return AlgorithmKey(name, parameter_set, curve, mode, hash_name, padding, ident)

    def _spec(
        self, key: AlgorithmKey, alg: Algorithm | None, exact: OidEntry | None
    ) -> AlgorithmSpec:
        """The component of a key. An algorithm known only by its OID's arc (an OQS test-arc
        OID) has no defined security levels: the catalogue's family entry says nothing about
        this member."""
        cat = self.cat
        primitive = alg.primitive if alg else "unknown"
        if primitive == "pke" and key.hash:
            primitive = "signature"
        elif primitive == "block-cipher" and key.mode in _AE_MODES:
            primitive = "ae"
        elif primitive not in PRIMITIVES:
            primitive = "other"
        name = _name(key, alg)
        ref = f"crypto/algorithm/{name}"
        if self._refs.setdefault(ref, key) != key:
            ref = f"{ref}#{len(self._refs)}"
            self._refs[ref] = key
        oid = key.ident if key.ident and re.fullmatch(r"\d+(\.\d+)+", key.ident) else None
        if oid is None and alg is not None:
            kind = "signature" if key.hash else _OID_KIND.get(alg.primitive)
            lookup: dict[str, Any] = {"hash": key.hash, "padding": key.padding, "mode": key.mode}
            if key.parameter_set and key.parameter_set.isdigit():
                lookup["bits"] = int(key.parameter_set)
            entry = cat.oid_for(key.name, kind, lookup) if kind else None
            oid = entry.oid if entry else None
        arc_only = key.ident is not None and exact is None
        return AlgorithmSpec(
            key=key,
            ref=ref,
            name=name,
            primitive=primitive,
            oid=oid,
            classical=None if arc_only else self._classical(key),
            nist=None if arc_only else _nist(cat, alg, exact.params if exact else {}),
        )

    def _classical(self, key: AlgorithmKey) -> int | None:
        """The catalogue's classical strength; a signature is no stronger than its hash's
        collision resistance (SP 800-57 Part 1 Rev. 5 §5.6.1.2)."""
        params: dict[str, Any] = {"curve": key.curve}
        if key.parameter_set and key.parameter_set.isdigit():
            params["bits"] = int(key.parameter_set)
        bits = self.cat.classical_bits(key.name, params)
        if bits is not None and key.hash:
            hash_bits = self.cat.classical_bits(key.hash, {})
            if hash_bits is not None:
                bits = min(bits, hash_bits)
        return bits


def _sized(alg: Algorithm | None) -> bool:
    """Whether a key size is this algorithm's parameter set: for RSA, DSA, DH and curves
    (their strength follows it), ciphers whose name does not say it (RC4-40, 3DES-112), and
    unknown algorithms; a hash or MAC name says its size."""
    return alg is None or alg.classical_bits in ("size", "curve") or alg.primitive in _CIPHERS


def _name(key: AlgorithmKey, alg: Algorithm | None) -> str:
    """The canonical name, then what sets this component apart: the parameter set and curve
    when the name does not already say them, mode, hash, a padding other than the PKCS #1
    v1.5 of a hashed RSA signature, and the identifier of what the catalogue does not name
    (unless a parameter set names it: a composite's OID is its parameter set's)."""
    parts = [key.name]
    if key.parameter_set and not (alg and alg.parameter_set):
        parts.append(key.parameter_set)
    if key.curve and not (alg and alg.curve):
        parts.append(key.curve)
    parts += [p for p in (key.mode, key.hash) if p]
    if key.padding and not (key.padding == "PKCS1v15" and key.hash):
        parts.append(key.padding)
    if key.ident and not key.parameter_set:
        parts.append(key.ident)
    return "-".join(parts)


def _nist(cat: Catalog, alg: Algorithm | None, oid_params: dict[str, Any]) -> int | None:
    """The NIST security category; a composite has its post-quantum part's."""
    if alg is None:
        return None
    pq = cat.get(str(oid_params["pq"])) if oid_params.get("pq") else None
    return pq.nist_level if pq is not None else alg.nist_level
