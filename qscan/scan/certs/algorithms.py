"""Turn AlgorithmIdentifiers and SubjectPublicKeyInfos into catalog algorithms and params.

Everything is read from the DER with qscan.scan.certs.der, so algorithms that cryptography
cannot load (SLH-DSA, composites, pre-standard OIDs, unknown OIDs) go the same way as RSA.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from qscan.catalog import UNKNOWN, catalog
from qscan.scan.certs import der

RSA_OIDS = frozenset({"1.2.840.113549.1.1.1", "1.2.840.113549.1.1.7", "1.2.840.113549.1.1.10"})
EC_OIDS = frozenset({"1.2.840.10045.2.1", "1.3.132.1.12", "1.3.132.1.13"})
DSA_OID = "1.2.840.10040.4.1"
DH_OIDS = frozenset({"1.2.840.10046.2.1", "1.2.840.113549.1.3.1"})
RSA_PSS_OID = "1.2.840.113549.1.1.10"
RSA_OAEP_OID = "1.2.840.113549.1.1.7"
SHA1_OID = "1.3.14.3.2.26"

# Families whose parameter set is the algorithm itself (FIPS 203/204/205, SP 800-208, round 3).
_PARAMETER_SET_FAMILIES = frozenset(
    {"ML-DSA", "ML-KEM", "SLH-DSA", "LMS", "XMSS", "Dilithium", "Kyber", "Falcon", "FrodoKEM"}
)
_FUNCTION_OF_PRIMITIVE = {
    "signature": "signature",
    "pke": "signature",
    "kem": "kem",
    "key-agree": "key-exchange",
}


@dataclass(slots=True)
class KeyInfo:
    """A public key as the inventory sees it (never any private material). Not frozen: one
    is built per certificate, and a frozen dataclass takes twice as long to build."""

    algorithm: str
    function: str
    params: dict[str, Any]
    label: str
    fingerprint: str | None = None
    """SHA-256 (hex) of the SubjectPublicKeyInfo DER, when the public key is known."""
    extra: dict[str, Any] | None = None
    """Format-specific facts (an SSH key's comment or certificate fields)."""


@dataclass(frozen=True, slots=True)
class SigInfo:
    algorithm: str
    params: dict[str, Any]
    label: str


@lru_cache(maxsize=1024)
def lookup(dotted: str) -> tuple[str, dict[str, Any], str]:
    """(canonical algorithm, catalog params, catalog kind) for an OID; unknown -> 'unknown'."""
    entry = catalog().oid(dotted)
    if entry is None:
        return UNKNOWN, {}, ""
    return entry.algorithm, dict(entry.params), entry.kind


@lru_cache(maxsize=256)
def _family_function(algorithm: str) -> tuple[str, str]:
    alg = catalog().get(algorithm)
    if alg is None:
        return "", "unknown"
    return alg.family, _FUNCTION_OF_PRIMITIVE.get(alg.primitive, "unknown")


def function_of(algorithm: str) -> str:
    return _family_function(algorithm)[1]


@lru_cache(maxsize=256)
def _curve(dotted: str) -> tuple[str, int | None]:
    curve = catalog().curve(dotted)
    return (curve.name, curve.size) if curve else (dotted, None)


def hash_name(dotted: str) -> str:
    algorithm, _, kind = lookup(dotted)
    return algorithm if kind == "hash" else dotted


def label(algorithm: str, params: dict[str, Any]) -> str:
    if "curve" in params:
        return f"{algorithm} {params['curve']}"
    if "bits" in params:
        return f"{algorithm}-{params['bits']}"
    if algorithm == UNKNOWN and "oid" in params:
        return f"unknown algorithm {params['oid']}"
    return algorithm


def describe_spki(spki: bytes) -> KeyInfo:
    """Describe a SubjectPublicKeyInfo (DER) by its algorithm OID and parameters."""
    _, start, end, _ = der.tlv(spki, 0)
    algid = der.tlv(spki, start, end)
    key = der.tlv(spki, algid[2], end) if algid[2] < end else None
    if key is None or key[2] != end or algid[0] != der.SEQUENCE or key[0] != der.BIT_STRING:
        raise der.DerError("not a SubjectPublicKeyInfo")
    return describe_algorithm(spki, algid, key, hashlib.sha256(spki).hexdigest())


def describe_certificate_spki(spki: bytes) -> KeyInfo:
    """describe_spki for the SubjectPublicKeyInfo of a certificate whose structure has
    already been checked (by cryptography, or encoded by pyasn1)."""
    start, end = der.span(spki, 0)
    key_pos = der.span(spki, start)[1]
    key_start, key_end = der.span(spki, key_pos)
    if key_end != end or spki[start] != der.SEQUENCE or spki[key_pos] != der.BIT_STRING:
        raise der.DerError("not a SubjectPublicKeyInfo")
    key = (der.BIT_STRING, key_start, key_end, key_pos)
    return describe_algorithm(
        spki, (der.SEQUENCE, 0, key_pos, start), key, hashlib.sha256(spki).hexdigest()
    )


def describe_algorithm(
    buf: bytes,
    algid: der.Item,
    public_key: der.Item | None = None,
    fingerprint: str | None = None,
) -> KeyInfo:
    """Describe a key's AlgorithmIdentifier; with the public key BIT STRING also the RSA
    modulus size and the size of explicit EC curves."""
    raw = buf[algid[3] : algid[2]]
    bits = None
    if public_key is not None:
        kind = _key_algorithm(raw)[3]
        if kind == "rsa":
            inner = der.tlv(buf, public_key[1] + 1, public_key[2])
            modulus = der.tlv(buf, inner[1], inner[2])
            bits = der.uint_bits(buf, modulus)
        elif kind == "ec-explicit":
            # explicit curve parameters: the field size still shows in the public point
            # (uncompressed 04 || X || Y)
            point = public_key[2] - public_key[1] - 1
            if point > 1 and buf[public_key[1] + 1] == 4:
                bits = (point - 1) // 2 * 8
    algorithm, function, params, text = _described(raw, bits)
    return KeyInfo(algorithm, function, dict(params), text, fingerprint)


@lru_cache(maxsize=1024)
def _described(raw: bytes, bits: int | None) -> tuple[str, str, dict[str, Any], str]:
    """(algorithm, function, params, label) of an AlgorithmIdentifier and the key size read
    from the key itself: the same few recur across an estate's certificates."""
    algorithm, function, base, _ = _key_algorithm(raw)
    params = dict(base)
    if bits is not None:
        params["bits"] = bits
    return algorithm, function, params, label(algorithm, params)


@lru_cache(maxsize=1024)
def _key_algorithm(raw: bytes) -> tuple[str, str, dict[str, Any], str]:
    """(algorithm, function, params known from the AlgorithmIdentifier alone, kind)."""
    _, start, end, _ = der.tlv(raw, 0)
    alg_parts = der.children(raw, start, end)
    dotted = der.oid_at(raw, alg_parts[0])
    algorithm, catalog_params, _ = lookup(dotted)
    params: dict[str, Any] = dict(catalog_params)
    params.pop("hash", None)
    kind = "other"
    function = function_of(algorithm)
    if dotted in RSA_OIDS:
        kind = "rsa"
        if dotted == RSA_OAEP_OID:
            # a key for RSAES-OAEP key transport only (RFC 4055 section 4): its hashes serve
            # OAEP and MGF1, where collisions do not matter, and no signature
            hashes = _rsa_hashes(raw, alg_parts[1] if len(alg_parts) > 1 else None)
            params["hash"], params["mgf_hash"] = hashes
            function = "encryption"
    elif dotted in EC_OIDS:
        if len(alg_parts) > 1 and alg_parts[1][0] == der.OID:
            name, size = _curve(der.oid_at(raw, alg_parts[1]))
            params["curve"] = name
            if size:
                params["bits"] = size
        else:
            params["curve"] = "explicit"
            kind = "ec-explicit"
    elif dotted == DSA_OID or dotted in DH_OIDS:
        if len(alg_parts) > 1 and alg_parts[1][0] == der.SEQUENCE:
            prime = der.children(raw, alg_parts[1][1], alg_parts[1][2])[0]
            params["bits"] = der.uint_bits(raw, prime)
    elif _family_function(algorithm)[0] in _PARAMETER_SET_FAMILIES:
        params.setdefault("parameter_set", algorithm)
    params["oid"] = dotted
    return algorithm, function, params, kind


def describe_sigalg(buf: bytes, item: der.Item) -> SigInfo:
    """Describe a signature AlgorithmIdentifier: algorithm, hash, padding, OID."""
    return sigalg_info(buf[item[3] : item[2]])


@lru_cache(maxsize=1024)
def sigalg_info(raw: bytes) -> SigInfo:
    """A signature AlgorithmIdentifier given as its DER encoding (they repeat: cached)."""
    _, start, end, _ = der.tlv(raw, 0)
    parts = der.children(raw, start, end)
    dotted = der.oid_at(raw, parts[0])
    algorithm, catalog_params, _ = lookup(dotted)
    params: dict[str, Any] = dict(catalog_params)
    if dotted == RSA_PSS_OID:
        params["hash"] = _rsa_hashes(raw, parts[1] if len(parts) > 1 else None)[0]
    elif _family_function(algorithm)[0] in _PARAMETER_SET_FAMILIES:
        params.setdefault("parameter_set", algorithm)
    params["oid"] = dotted
    return SigInfo(algorithm=algorithm, params=params, label=sig_label(algorithm, params))


def sig_label(algorithm: str, params: dict[str, Any]) -> str:
    parts = [algorithm if algorithm != UNKNOWN else f"unknown {params.get('oid', '')}".strip()]
    if params.get("padding") == "PSS":
        parts.append("PSS")
    if params.get("hash"):
        parts.append(f"with {params['hash']}")
    return " ".join(parts)


def _rsa_hashes(buf: bytes, item: der.Item | None) -> tuple[str, str]:
    """(hash, MGF1 hash) of RSASSA-PSS-params or RSAES-OAEP-params (RFC 4055): hashAlgorithm
    [0] and maskGenAlgorithm [1] (MGF1 with its hash) both default to SHA-1."""
    hashes = ["SHA-1", "SHA-1"]
    if item is None or item[0] != der.SEQUENCE:
        return hashes[0], hashes[1]
    for tag, start, end, _ in der.children(buf, item[1], item[2]):
        if tag not in (0xA0, 0xA1):
            continue
        alg = der.tlv(buf, start, end)
        parts = der.children(buf, alg[1], alg[2])
        if tag == 0xA1:  # MGF1: its parameters are the hash's AlgorithmIdentifier
            if len(parts) < 2 or parts[1][0] != der.SEQUENCE:
                continue
            parts = der.children(buf, parts[1][1], parts[1][2])
        hashes[tag - 0xA0] = hash_name(der.oid_at(buf, parts[0]))
    return hashes[0], hashes[1]


def rsa_spki(modulus: int, exponent: int) -> bytes:
    """SubjectPublicKeyInfo DER of an RSA public key (for fingerprints)."""
    key = der.encode(der.SEQUENCE, _der_int(modulus) + _der_int(exponent))
    alg = der.encode(der.SEQUENCE, der.encode_oid("1.2.840.113549.1.1.1") + b"\x05\x00")
    return der.encode(der.SEQUENCE, alg + der.encode(der.BIT_STRING, b"\x00" + key))


def _der_int(value: int) -> bytes:
    raw = value.to_bytes(value.bit_length() // 8 + 1, "big")
    return der.encode(der.INTEGER, raw)
