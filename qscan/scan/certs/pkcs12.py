"""PKCS#12 / PFX (RFC 7292): open with the empty password or a supplied one; a keystore
that stays locked is a finding and an error record, never a silent skip. The protection
algorithms (MAC, certificate and key encryption) are readable without the password."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12 as cpkcs12

from qscan.catalog import UNKNOWN
from qscan.model import Finding
from qscan.scan.certs import der
from qscan.scan.certs.algorithms import lookup
from qscan.scan.certs.findings import chain_findings
from qscan.scan.certs.keys import PrivateKey, key_from_object, protection_scheme
from qscan.scan.certs.x509 import parse_certificate

if TYPE_CHECKING:
    from qscan.scan.certs.collect import Blob

DATA = "1.2.840.113549.1.7.1"
ENCRYPTED_DATA = "1.2.840.113549.1.7.6"
SHROUDED_KEY_BAG = "1.2.840.113549.1.12.10.1.2"
PREFIX = "pkcs12 "


def looks_like(data: bytes) -> bool:
    """PFX ::= SEQUENCE { version INTEGER (3), authSafe ContentInfo, macData OPTIONAL },
    possibly with indefinite (BER) lengths."""
    if len(data) < 8 or data[0] != der.SEQUENCE:
        return False
    first = data[1]
    pos = 2 if first <= 0x80 else 2 + (first & 0x7F)
    return data[pos : pos + 3] == b"\x02\x01\x03"


def analyze(data: bytes, blob: Blob, line: int | None) -> None:
    protection = _protection(data)
    blob.add(_protection_findings(protection, blob, line))
    loaded = None
    used: str | None = None
    for password in (None, "", *blob.ctx.options.passwords):
        try:
            loaded = cpkcs12.load_pkcs12(data, None if password is None else password.encode())
        except (ValueError, TypeError):
            continue
        used = password
        break
    if loaded is None:
        problem = _structure_problem(data)
        if problem:
            blob.error("unparseable", f"PKCS#12 file does not parse: {problem}", line)
        else:
            _locked(blob, line, protection)
        return
    opened_with = "no password" if not used else "a password from --password-file"
    extra: dict[str, Any] = {"container": "PKCS#12", "opened_with": opened_with}
    certs = []
    if loaded.cert is not None:
        certs.append(loaded.cert)
    certs += loaded.additional_certs
    infos = [
        parse_certificate(c.certificate.public_bytes(serialization.Encoding.DER)) for c in certs
    ]
    names = [c.friendly_name.decode("utf-8", "replace") if c.friendly_name else None for c in certs]
    if infos:
        location = blob.location(line)
        findings = chain_findings(
            infos, location, prefix=PREFIX, extra_context=extra, link=blob.link
        )
        blob.add(_with_names(findings, infos, names))
    if loaded.key is not None:
        key = key_from_object(loaded.key)
        context = {**extra, "protection": protection.get("keys", ("none", ""))[0]}
        pk = PrivateKey(key, bool(used), "PKCS#12", context)
        state = "password-protected" if used else "no password"
        blob.private_key(
            pk, line, f"{PREFIX}private key", f"PKCS#12 private key ({state}): {key.label}"
        )


def _structure_problem(data: bytes) -> str | None:
    """Why data is not a well-formed PFX (then a failed open is corruption, not a lock)."""
    from pyasn1.codec.ber import decoder
    from pyasn1.error import PyAsn1Error
    from pyasn1_modules import rfc7292

    try:
        _, rest = decoder.decode(data, asn1Spec=rfc7292.PFX())
    except (PyAsn1Error, ValueError, IndexError) as exc:
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


def _locked(blob: Blob, line: int | None, protection: dict[str, tuple[str, str]]) -> None:
    tried = 2 + len(blob.ctx.options.passwords)
    blob.add(
        [
            Finding(
                algorithm=UNKNOWN,
                function="key-storage",
                asset="keystore",
                location=blob.location(line, "pkcs12 keystore"),
                params={},
                evidence="PKCS#12 keystore: locked, contents not inventoried",
                context={
                    "locked": True,
                    "format": "PKCS#12",
                    "passwords_tried": tried,
                    **{f"{role}_protection": text for role, (text, _) in protection.items()},
                },
                identity="pkcs12/locked",
            )
        ]
    )
    blob.error(
        "locked-keystore",
        f"PKCS#12 keystore could not be opened with the empty password or {tried - 2} supplied "
        "password(s); its contents are not inventoried (use --password-file or QSCAN_PASSWORDS)",
        line,
    )


def _protection(data: bytes) -> dict[str, tuple[str, str]]:
    """role -> (scheme text, OID of the algorithm doing the work) for the MAC and the
    certificate and key encryption of a DER PFX; empty when they cannot be read."""
    out: dict[str, tuple[str, str]] = {}
    try:
        _, start, end, _ = der.tlv(data, 0)
        parts = der.children(data, start, end)
        if len(parts) > 2:
            digest_info = der.children(data, parts[2][1], parts[2][2])[0]
            algid = der.children(data, digest_info[1], digest_info[2])[0]
            dotted = der.oid_at(data, der.children(data, algid[1], algid[2])[0])
            out["mac"] = (f"HMAC with {lookup(dotted)[0]}", dotted)
        auth = der.children(data, parts[1][1], parts[1][2])
        octets = der.tlv(data, auth[1][1], auth[1][2])
        safe = der.tlv(data, octets[1], octets[2])
        for info in der.children(data, safe[1], safe[2]):
            content_type, body = der.children(data, info[1], info[2])[:2]
            kind = der.oid_at(data, content_type)
            if kind == ENCRYPTED_DATA:
                enc = der.tlv(data, body[1], body[2])
                eci = der.children(data, enc[1], enc[2])[1]
                algid = der.children(data, eci[1], eci[2])[1]
                out["certificates"] = protection_scheme(data, algid)
            elif kind == DATA:
                octets = der.tlv(data, body[1], body[2])
                bags = der.tlv(data, octets[1], octets[2])
                for bag in der.children(data, bags[1], bags[2]):
                    bag_parts = der.children(data, bag[1], bag[2])
                    if der.oid_at(data, bag_parts[0]) == SHROUDED_KEY_BAG:
                        epki = der.tlv(data, bag_parts[1][1], bag_parts[1][2])
                        algid = der.children(data, epki[1], epki[2])[0]
                        out["keys"] = protection_scheme(data, algid)
    except (der.DerError, IndexError, ValueError):
        pass
    return out


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
