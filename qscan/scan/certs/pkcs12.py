"""PKCS#12 / PFX (RFC 7292): open with the empty password or a supplied one; a keystore
that stays locked is a finding and an error record, never a silent skip. The protection
algorithms (MAC, certificate and key encryption) are readable without the password."""

from __future__ import annotations

import pickle
import warnings
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12 as cpkcs12

from qscan.catalog import UNKNOWN
from qscan.model import Finding, text_key
from qscan.scan.certs import der
from qscan.scan.certs.algorithms import lookup
from qscan.scan.certs.findings import chain_findings
from qscan.scan.certs.keys import (
    PBMAC1,
    Attempts,
    PrivateKey,
    describe_spki,
    kdf_cost,
    protection_scheme,
)
from qscan.scan.certs.x509 import parse_certificate
from qscan.scan.forked import ForkFailed, ForkTimeout, call_forked
from qscan.scan.limits import NATIVE_CALL_SECONDS, PYASN1_MAX_BYTES, KdfBudget, KdfCost

if TYPE_CHECKING:
    from qscan.scan.certs.collect import Blob

DATA = "1.2.840.113549.1.7.1"
ENCRYPTED_DATA = "1.2.840.113549.1.7.6"
SHROUDED_KEY_BAG = "1.2.840.113549.1.12.10.1.2"
PREFIX = "pkcs12 "

# A BER-encoded store is read all the same; what it is made of is no news for stderr.
warnings.filterwarnings(
    "ignore", message="PKCS#12 bundle could not be parsed as DER", category=UserWarning
)


def looks_like(data: bytes) -> bool:
    """PFX ::= SEQUENCE { version INTEGER (3), authSafe ContentInfo, macData OPTIONAL },
    possibly with indefinite (BER) lengths."""
    if len(data) < 8 or data[0] != der.SEQUENCE:
        return False
    first = data[1]
    pos = 2 if first <= 0x80 else 2 + (first & 0x7F)
    return data[pos : pos + 3] == b"\x02\x01\x03"


@dataclass
class _Opened:
    """What an opened keystore holds, as plain bytes: each certificate's DER with its
    friendly name, and the public key (SubjectPublicKeyInfo) of its private key."""

    certificates: list[tuple[bytes, str | None]]
    key_spki: bytes | None


def _open(data: bytes, password: str | None) -> _Opened | None:
    """The keystore opened with one password; None when the password does not open it."""
    try:
        loaded = cpkcs12.load_pkcs12(data, None if password is None else password.encode())
    except (ValueError, TypeError):
        return None
    certs = ([loaded.cert] if loaded.cert is not None else []) + loaded.additional_certs
    return _Opened(
        certificates=[
            (
                c.certificate.public_bytes(serialization.Encoding.DER),
                c.friendly_name.decode("utf-8", "replace") if c.friendly_name else None,
            )
            for c in certs
        ],
        key_spki=loaded.key.public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        if loaded.key is not None
        else None,
    )


def _first_opening(data: bytes, passwords: list[str | None]) -> tuple[_Opened, str | None] | None:
    """The keystore opened with the first password that opens it, and that password."""
    for password in passwords:
        opened = _open(data, password)
        if opened is not None:
            return opened, password
    return None


def _first_opening_bounded(
    data: bytes, passwords: list[str | None]
) -> tuple[_Opened, str | None] | None:
    """`_first_opening` in a child process, killed after NATIVE_CALL_SECONDS (ForkTimeout):
    key bags inside an encrypted safe name iteration counts no one can read before the
    decryption, and the library's native code computes them without returning to Python.
    Only certificates and public keys come back."""

    def work() -> bytes:
        return pickle.dumps(_first_opening(data, passwords), pickle.HIGHEST_PROTOCOL)

    try:
        result = pickle.loads(call_forked(work, NATIVE_CALL_SECONDS))
    except ForkFailed:
        return None
    return result if isinstance(result, tuple) else None


def analyze(data: bytes, blob: Blob, line: int | None) -> None:
    layout = _layout(data)
    blob.add(_protection_findings(layout.protection, blob, line))
    refused = _refusal(layout, blob.ctx.kdf)
    loaded: _Opened | None = None
    used: str | None = None
    if refused is None:
        attempts = Attempts(blob.ctx.kdf, layout.attempt)
        passwords = list(attempts.over((None, "", *blob.ctx.options.passwords)))
        opener = _first_opening_bounded if layout.hidden else _first_opening
        try:
            found = opener(data, passwords)
        except ForkTimeout:
            found = None
            refused = (
                f"opening it took longer than {NATIVE_CALL_SECONDS:.0f} s (its encrypted "
                "contents may hold keys with any iteration count); stopped"
            )
        if found is not None:
            loaded, used = found
        refused = refused or attempts.refused
    if loaded is None:
        problem = None if refused else _structure_problem(data)
        if problem:
            blob.error(
                "unparseable",
                f"PKCS#12 file does not parse: {problem}",
                line,
                text_key("pkcs12.unparseable", detail=problem),
            )
        else:
            _locked(blob, line, layout.protection, refused)
        return
    opened_with = "no password" if not used else "a password from --password-file"
    extra: dict[str, Any] = {"container": "PKCS#12", "opened_with": opened_with}
    infos = [parse_certificate(cert) for cert, _ in loaded.certificates]
    names = [name for _, name in loaded.certificates]
    if infos:
        location = blob.location(line)
        findings = chain_findings(
            infos, location, prefix=PREFIX, extra_context=extra, link=blob.link
        )
        blob.add(_with_names(findings, infos, names))
    if loaded.key_spki is not None:
        key = describe_spki(loaded.key_spki)
        context = {**extra, "protection": layout.protection.get("keys", ("none", ""))[0]}
        pk = PrivateKey(key, bool(used), "PKCS#12", context)
        state = "password-protected" if used else "no password"
        blob.private_key(
            pk,
            line,
            f"{PREFIX}private key",
            f"PKCS#12 private key ({state}): {key.label}",
            text=text_key("pkcs12.private-key", state=state, key=key.label),
        )


def _structure_problem(data: bytes) -> str | None:
    """Why data is not a well-formed PFX (then a failed open is corruption, not a lock)."""
    from pyasn1.codec.ber import decoder
    from pyasn1_modules import rfc7292

    if len(data) > PYASN1_MAX_BYTES:
        return None
    try:
        _, rest = decoder.decode(data, asn1Spec=rfc7292.PFX())
    except Exception as exc:  # pyasn1 fails on hostile input in many ways (AttributeError...)
        return str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return f"{len(rest)} unexpected bytes after the PFX" if rest.strip(b"\x00") else None


def _with_names(
    findings: list[Finding], infos: list[Any], names: list[str | None]
) -> list[Finding]:
    by_sha = {info.sha256: name for info, name in zip(infos, names, strict=True) if name}
    for finding in findings:
        name = by_sha.get(finding.context.get("sha256", ""))
        if name:
            finding.context["friendly_name"] = name
    return findings


def _locked(
    blob: Blob, line: int | None, protection: dict[str, tuple[str, str]], refused: str | None
) -> None:
    tried = 2 + len(blob.ctx.options.passwords)
    context: dict[str, Any] = {
        "locked": True,
        "format": "PKCS#12",
        "passwords_tried": tried,
        **{f"{role}_protection": text for role, (text, _) in protection.items()},
    }
    if refused:
        context["locked_reason"] = refused
    blob.add(
        [
            Finding(
                algorithm=UNKNOWN,
                function="key-storage",
                asset="keystore",
                location=blob.location(line, "pkcs12 keystore"),
                params={},
                evidence="PKCS#12 keystore: locked, contents not inventoried",
                context=context,
                identity="pkcs12/locked",
                texts={"evidence": text_key("pkcs12.locked-evidence")},
            )
        ]
    )
    if refused:
        blob.error(
            "locked-keystore",
            f"PKCS#12 keystore stays locked: {refused}",
            line,
            text_key("pkcs12.refused", reason=refused),
        )
        return
    blob.error(
        "locked-keystore",
        f"PKCS#12 keystore could not be opened with the empty password or {tried - 2} supplied "
        "password(s); its contents are not inventoried (use --password-file or QSCAN_PASSWORDS)",
        line,
        text_key("pkcs12.locked", n=tried - 2),
    )


@dataclass
class _Layout:
    """What a DER PFX shows without the password: role -> (scheme text, OID of the
    algorithm doing the work) for its MAC and its certificate and key encryption, and what
    opening it costs: `attempt` per password tried (the MAC; without one, the first
    decryption), `rest` the other decryptions once a password works."""

    protection: dict[str, tuple[str, str]] = field(default_factory=dict)
    attempt: KdfCost = KdfCost(1, "PKCS#12")
    rest: list[KdfCost] = field(default_factory=list)
    hidden: bool = False
    """An encrypted safe: what it holds (key bags and their iteration counts) shows only
    once it is decrypted."""


def _layout(data: bytes) -> _Layout:
    layout = _Layout()
    out = layout.protection
    costs: list[KdfCost] = []
    mac: KdfCost | None = None
    try:
        _, start, end, _ = der.tlv(data, 0)
        parts = der.children(data, start, end)
        if len(parts) > 2:
            mac_parts = der.children(data, parts[2][1], parts[2][2])
            algid = der.children(data, mac_parts[0][1], mac_parts[0][2])[0]
            dotted = der.oid_at(data, der.children(data, algid[1], algid[2])[0])
            out["mac"] = (f"HMAC with {lookup(dotted)[0]}", dotted)
            mac = _mac_cost(data, dotted, algid, mac_parts)
        auth = der.children(data, parts[1][1], parts[1][2])
        octets = der.tlv(data, auth[1][1], auth[1][2])
        safe = der.tlv(data, octets[1], octets[2])
        for info in der.children(data, safe[1], safe[2]):
            content_type, body = der.children(data, info[1], info[2])[:2]
            kind = der.oid_at(data, content_type)
            if kind == ENCRYPTED_DATA:
                layout.hidden = True
                enc = der.tlv(data, body[1], body[2])
                eci = der.children(data, enc[1], enc[2])[1]
                algid = der.children(data, eci[1], eci[2])[1]
                out["certificates"] = protection_scheme(data, algid)
                costs.append(kdf_cost(data, algid))
            elif kind == DATA:
                octets = der.tlv(data, body[1], body[2])
                bags = der.tlv(data, octets[1], octets[2])
                for bag in der.children(data, bags[1], bags[2]):
                    bag_parts = der.children(data, bag[1], bag[2])
                    if der.oid_at(data, bag_parts[0]) == SHROUDED_KEY_BAG:
                        epki = der.tlv(data, bag_parts[1][1], bag_parts[1][2])
                        algid = der.children(data, epki[1], epki[2])[0]
                        out["keys"] = protection_scheme(data, algid)
                        costs.append(kdf_cost(data, algid))
    except (der.DerError, IndexError, ValueError):
        pass
    if mac is not None:
        layout.attempt, layout.rest = mac, costs
    elif costs:
        layout.attempt, layout.rest = costs[0], costs[1:]
    return layout


def _mac_cost(data: bytes, dotted: str, algid: der.Item, mac_parts: list[der.Item]) -> KdfCost:
    """MacData ::= SEQUENCE {mac DigestInfo, macSalt, iterations INTEGER DEFAULT 1}; a PBMAC1
    MAC (RFC 9579) names its PBKDF2 instead. OpenSSL may compute the MAC twice for an
    empty password (as NULL, then as "")."""
    if dotted == PBMAC1:
        cost = kdf_cost(data, algid)
        return replace(cost, what=f"the PKCS#12 MAC ({cost.what})", weight=2)
    iterations = 1
    if len(mac_parts) > 2 and mac_parts[2][0] == der.INTEGER:
        iterations = der.small_int(data, mac_parts[2])
    return KdfCost(iterations, "the PKCS#12 MAC", weight=2)


def _refusal(layout: _Layout, budget: KdfBudget) -> str | None:
    """Why the keystore is not even tried: a derivation above its ceiling, or decryptions
    that, once a password works, would pass the file's budget."""
    for cost in (layout.attempt, *layout.rest):
        if max(cost.iterations, 1) > cost.ceiling:
            return budget.spend(cost)
    rest = sum(max(c.iterations, 1) * c.weight for c in layout.rest)
    if rest:
        return budget.spend(KdfCost(rest, "decrypting the keystore's contents", rest))
    return None


def _protection_findings(
    protection: dict[str, tuple[str, str]], blob: Blob, line: int | None
) -> list[Finding]:
    """The algorithms that protect the container are crypto uses of their own (legacy
    PKCS#12 files use RC2-40 and 3DES with a SHA-1 MAC)."""
    out = []
    for role, (text, dotted) in protection.items():
        algorithm, params, kind = lookup(dotted)
        if kind == "hash":
            algorithm = _HMAC.get(algorithm, UNKNOWN)
            params = {"hash": lookup(dotted)[0]}
        if algorithm == UNKNOWN:
            continue
        out.append(
            Finding(
                algorithm=algorithm,
                function="mac" if role == "mac" else "encryption",
                asset="keystore",
                location=blob.location(line, f"pkcs12 {role} protection"),
                params={**params, "oid": dotted},
                evidence=f"PKCS#12 {role} protected with {text}",
                context={"format": "PKCS#12", "scheme": text},
                identity=f"pkcs12/{role}/{text}",
                texts={"evidence": text_key(f"pkcs12.{role}-protection", scheme=text)},
            )
        )
    return out


_HMAC = {
    "SHA-1": "HMAC-SHA1",
    "SHA-256": "HMAC-SHA256",
    "SHA-384": "HMAC-SHA384",
    "SHA-512": "HMAC-SHA512",
    "MD5": "HMAC-MD5",
}
