"""Recognise certificate, key and keystore content in a blob and turn it into records."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator

from qscan.model import Finding, text_key
from qscan.scan.certs import der, jks, pgpkeys, pkcs7, pkcs12, ssh
from qscan.scan.certs.algorithms import describe_sigalg, describe_spki
from qscan.scan.certs.collect import Blob, claims_crypto
from qscan.scan.certs.findings import short, signer_params
from qscan.scan.certs.keys import (
    PrivateKey,
    encrypted_pkcs8,
    legacy_encrypted_pem,
    plain_private_key,
    public_key,
)
from qscan.scan.certs.names import render_name
from qscan.scan.certs.openpgp import starts_keyring
from qscan.scan.certs.pem import PemBlock, blocks
from qscan.scan.certs.x509 import CertificateError, parse_certificate
from qscan.scan.interface import FileContext, Record

_CERT_LABELS = frozenset({"CERTIFICATE", "X509 CERTIFICATE", "TRUSTED CERTIFICATE"})
_CSR_LABELS = frozenset({"CERTIFICATE REQUEST", "NEW CERTIFICATE REQUEST"})
_PKCS7_LABELS = frozenset({"PKCS7", "CMS", "PKCS #7 SIGNED DATA"})
_PLAIN_KEY_FORMATS = {
    "PRIVATE KEY": "PKCS#8",
    "RSA PRIVATE KEY": "PKCS#1",
    "EC PRIVATE KEY": "SEC1",
    "DSA PRIVATE KEY": "DSA (OpenSSL)",
}


def analyze_blob(
    data: bytes, ctx: FileContext, line_offset: int = 0, link: bool = False
) -> Iterator[Record]:
    blob = Blob(ctx, line_offset, link)
    if not data.strip():
        return
    if jks.is_keystore(data):
        blob.recognised = True
        jks.analyze(data, blob)
    elif b"-----BEGIN " in data:
        blob.text = True
        for block in blocks(data):
            _pem_block(block, data, blob)
        blob.flush_certs()
        if ssh.has_key_lines(data):
            ssh.analyze_lines(data, blob)
    elif data[:1] == b"\x30":
        _der(data, blob)
    elif starts_keyring(data):
        pgpkeys.analyze_binary(data, blob)
    elif data.startswith(b"PuTTY-User-Key-File-"):
        blob.recognised = True
        ssh.analyze_ppk(data, blob)
    elif b"---- BEGIN SSH2 PUBLIC KEY ----" in data:
        blob.recognised = blob.text = True
        ssh.analyze_rfc4716(data, blob)
    elif ssh.has_key_lines(data):
        blob.text = True
        ssh.analyze_lines(data, blob)
    blob.flush_certs()
    if not blob.records and not blob.recognised and claims_crypto(ctx.relpath):
        if _prose(data):
            blob.note(
                "no-key-material",
                "the file name promises a certificate, key or keystore, but the file is plain "
                "text without any encoded data (a placeholder or a note)",
                text=text_key("file.no-key-material"),
            )
        else:
            blob.error(
                "unrecognised",
                "the file name promises a certificate, key or keystore, but the content is "
                "none of PEM, DER, PKCS#7/#12, JKS/JCEKS or an SSH/PuTTY key",
                text=text_key("file.unrecognised"),
            )
    yield from blob.records


_ENCODED_RUN = re.compile(r"[A-Za-z0-9+/=]{40,}|(?:[0-9A-Fa-f]{2}[:\s]?){32,}")


def _prose(data: bytes) -> bool:
    """Plain text with no run of base64 or hex long enough to hold a key (Debian's
    /etc/postgresql-common/root.crt explains in words where certificates would go)."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return all(c.isprintable() or c.isspace() for c in text) and not _ENCODED_RUN.search(text)


def _pem_block(block: PemBlock, data: bytes, blob: Blob) -> None:
    label, line = block.label, block.line
    blob.recognised = True
    if block.armored:
        pgpkeys.analyze_armored(data[block.span[0] : block.span[1]], label, blob, line)
        return
    if block.error is not None or block.der is None:
        blob.error(
            "corrupt-pem",
            f"PEM block {label!r}: {block.error}",
            line,
            text_key("pem.block", label=repr(label), detail=block.error_text or block.error),
        )
        return
    raw = block.der
    try:
        if label in _CERT_LABELS:
            blob.certs.append((parse_certificate(raw), line))
        elif label in _CSR_LABELS:
            _csr(raw, blob, line)
        elif label in _PKCS7_LABELS:
            for info in pkcs7.certificates(raw):
                blob.certs.append((info, line))
        elif label == "ENCRYPTED PRIVATE KEY":
            pk = encrypted_pkcs8(raw, blob.ctx.options.passwords, blob.ctx.kdf)
            _private_key(blob, line, label, pk, _opaque(pk, raw))
        elif label in _PLAIN_KEY_FORMATS and "ENCRYPTED" in block.headers.get("Proc-Type", ""):
            pem_text = data[block.span[0] : block.span[1]]
            pk = legacy_encrypted_pem(label, pem_text, block.headers, blob.ctx.options.passwords)
            _private_key(blob, line, label, pk, _opaque(pk, raw))
        elif label in _PLAIN_KEY_FORMATS:
            pk = plain_private_key(raw, _PLAIN_KEY_FORMATS[label])
            _private_key(blob, line, label, pk)
        elif label == "OPENSSH PRIVATE KEY":
            ssh.openssh_private_key(raw, blob, line)
        elif label == "PUBLIC KEY":
            _public_key(raw, "SubjectPublicKeyInfo", blob, line, label)
        elif label == "RSA PUBLIC KEY":
            _public_key(raw, "PKCS#1 public", blob, line, label)
        elif label in ("DH PARAMETERS", "X9.42 DH PARAMETERS"):
            _dh_params(raw, blob, line)
        elif label == "PKCS12":
            pkcs12.analyze(raw, blob, line)
        elif label == "X509 CRL":
            _crl(raw, blob, line)
    except (CertificateError, der.DerError, ValueError, IndexError) as exc:
        blob.error(
            "corrupt-pem",
            f"PEM block {label!r} does not parse: {_reason(exc)}",
            line,
            text_key("pem.unparseable", label=repr(label), detail=_reason(exc)),
        )


def _reason(exc: Exception) -> str:
    return str(exc) or type(exc).__name__


def _opaque(pk: PrivateKey, encrypted: bytes) -> str | None:
    """Identity of a key whose public part stays hidden (encrypted, no password): a digest
    of its encrypted encoding, stable when the file's lines move."""
    return None if pk.key.fingerprint else f"encrypted/{hashlib.sha256(encrypted).hexdigest()}"


def _private_key(
    blob: Blob, line: int | None, label: str, pk: PrivateKey, identity: str | None = None
) -> None:
    """A private key with its evidence: the label (PEM) or "DER private key", format,
    state, the key and its public key's fingerprint."""
    state = "encrypted" if pk.encrypted else "unencrypted"
    args = {"label": label, "format": pk.fmt, "state": state, "key": pk.key.label}
    evidence = f"{label} ({pk.fmt}, {state}): {pk.key.label}"
    text = text_key("key.private", **args)
    if pk.key.fingerprint:
        evidence += f", public key SHA-256 {pk.key.fingerprint[:16]}…"
        text = text_key("key.private-fingerprint", **args, fingerprint=pk.key.fingerprint[:16])
    blob.private_key(pk, line, "private key", evidence, identity, text)


def _public_key(raw: bytes, fmt: str, blob: Blob, line: int | None, label: str) -> None:
    key = public_key(raw, fmt)
    blob.add(
        [
            Finding(
                algorithm=key.algorithm,
                function=key.function,
                asset="key",
                location=blob.location(line, "public key"),
                params=key.params,
                evidence=short(f"{label} ({fmt}): {key.label}"),
                context={"format": fmt, "public_key_sha256": key.fingerprint},
                identity=f"{key.fingerprint}/public-key",
                texts={"evidence": text_key("key.public", label=label, format=fmt, key=key.label)},
            )
        ]
    )


def _csr(raw: bytes, blob: Blob, line: int | None) -> None:
    """PKCS#10 CertificationRequest: subject, public key and the (self-)signature."""
    _, start, end, _ = der.tlv(raw, 0)
    info_item, sig_item, _value = der.children(raw, start, end)
    fields = der.children(raw, info_item[1], info_item[2])
    subject = render_name(der.element(raw, fields[1]))
    key = describe_spki(der.element(raw, fields[2]))
    sig = describe_sigalg(raw, sig_item)
    context = {"subject": subject, "public_key_sha256": key.fingerprint}
    blob.add(
        [
            Finding(
                algorithm=key.algorithm,
                function=key.function,
                asset="key",
                location=blob.location(line, "certificate request public key"),
                params=key.params,
                evidence=short(f"CSR {subject}: {key.label} public key"),
                context=context,
                identity=f"{key.fingerprint}/csr-public-key",
                texts={"evidence": text_key("csr.public-key", subject=subject, key=key.label)},
            ),
            Finding(
                algorithm=sig.algorithm,
                function="signature",
                asset="key",
                location=blob.location(line, "certificate request signature"),
                params=signer_params(sig, key),
                evidence=short(f"CSR {subject}: signed with {sig.label}"),
                context=context,
                identity=f"{key.fingerprint}/csr-signature",
                texts={"evidence": text_key("csr.signature", subject=subject, signature=sig.label)},
            ),
        ]
    )


def _crl(raw: bytes, blob: Blob, line: int | None) -> None:
    """A CRL is signed by its issuer's key: that signature is a use of its own."""
    _, start, end, _ = der.tlv(raw, 0)
    tbs, sig_item, value = der.children(raw, start, end)
    fields = der.children(raw, tbs[1], tbs[2])
    i = 1 if fields[0][0] == der.INTEGER else 0
    issuer = render_name(der.element(raw, fields[i + 1]))
    sig = describe_sigalg(raw, sig_item)
    params = dict(sig.params)
    if sig.algorithm == "RSA":
        params["bits"] = (value[2] - value[1] - 1) * 8
    identity = hashlib.sha256(raw).hexdigest()
    blob.add(
        [
            Finding(
                algorithm=sig.algorithm,
                function="signature",
                asset="certificate",
                location=blob.location(line, "crl signature"),
                params=params,
                evidence=short(f"CRL of {issuer}: signed with {sig.label}"),
                context={"issuer": issuer, "sha256": identity},
                identity=f"{identity}/crl-signature",
                texts={"evidence": text_key("crl.signature", issuer=issuer, signature=sig.label)},
            )
        ]
    )


def _dh_params(raw: bytes, blob: Blob, line: int | None) -> None:
    _, start, end, _ = der.tlv(raw, 0)
    prime = der.children(raw, start, end)[0]
    bits = der.uint_bits(raw, prime)
    blob.add(
        [
            Finding(
                algorithm="DH",
                function="key-exchange",
                asset="algorithm",
                location=blob.location(line, "DH parameters"),
                params={"bits": bits},
                evidence=f"DH PARAMETERS: {bits}-bit prime",
                identity=f"dh-parameters/{bits}/{der.content(raw, prime)[-8:].hex()}",
                texts={"evidence": text_key("dh.parameters", bits=bits)},
            )
        ]
    )


# --- DER ---------------------------------------------------------------------------------


def _der(data: bytes, blob: Blob) -> None:
    """One DER object, or several concatenated ones (some .crt files hold a chain)."""
    if pkcs12.looks_like(data):
        blob.recognised = True
        pkcs12.analyze(data, blob, None)
        return
    pos = 0
    while pos < len(data):
        if data[pos:].strip(b"\r\n\t \x00") == b"":
            return
        try:
            item = der.tlv(data, pos)
            _der_object(data if pos == 0 and item[2] == len(data) else data[pos : item[2]], blob)
        except (CertificateError, der.DerError, ValueError, IndexError) as exc:
            if pos == 0 and not claims_crypto(blob.ctx.relpath):
                return
            blob.error(
                "unparseable",
                f"DER content at byte {pos} does not parse: {_reason(exc)}",
                text=text_key("der.unparseable", position=pos, detail=_reason(exc)),
            )
            return
        pos = item[2]


def _der_object(obj: bytes, blob: Blob) -> None:
    try:  # certificates first: by far the most common DER content
        blob.certs.append((parse_certificate(obj), None))
        return
    except CertificateError:
        kind = classify(obj)
        if kind == "certificate":
            raise
    if kind == "pkcs7":
        blob.certs.extend((info, None) for info in pkcs7.certificates(obj))
    elif kind == "csr":
        _csr(obj, blob, None)
    elif kind == "spki":
        _public_key(obj, "SubjectPublicKeyInfo", blob, None, "DER public key")
    elif kind == "rsa-public":
        _public_key(obj, "PKCS#1 public", blob, None, "DER RSA public key")
    elif kind == "encrypted-pkcs8":
        pk = encrypted_pkcs8(obj, blob.ctx.options.passwords, blob.ctx.kdf)
        _private_key(blob, None, "DER private key", pk, _opaque(pk, obj))
    elif kind in ("PKCS#8", "PKCS#1", "SEC1", "DSA (OpenSSL)"):
        pk = plain_private_key(obj, kind)
        _private_key(blob, None, "DER private key", pk)
    elif kind == "dh-params":
        _dh_params(obj, blob, None)
    elif kind == "crl":
        _crl(obj, blob, None)
    else:
        raise der.DerError("not a certificate, key, CSR or PKCS#7/#12 structure")


def classify(obj: bytes) -> str:
    """Tell DER structures apart by their shape."""
    _, start, end, _ = der.tlv(obj, 0)
    parts = der.children(obj, start, end)
    tags = [p[0] for p in parts]
    if tags == [der.SEQUENCE, der.SEQUENCE, der.BIT_STRING]:
        inner = der.children(obj, parts[0][1], parts[0][2])
        inner_tags = [p[0] for p in inner]
        # TBSCertificate: [0] version, or (v1) serial, signature, issuer, validity SEQUENCE
        if len(inner) >= 6 and (inner_tags[0] == 0xA0 or inner_tags[3] == der.SEQUENCE):
            return "certificate"
        times = (der.UTC_TIME, der.GENERALIZED_TIME)
        if any(
            inner_tags[i : i + 3] == [der.SEQUENCE, der.SEQUENCE, t] for i in (0, 1) for t in times
        ):
            return "crl"  # TBSCertList: [version], signature, issuer, thisUpdate
        if len(inner) >= 3 and inner_tags[:3] == [der.INTEGER, der.SEQUENCE, der.SEQUENCE]:
            return "csr"  # CertificationRequestInfo: version, subject, subjectPKInfo
        return "signed"
    if tags == [der.SEQUENCE, der.BIT_STRING]:
        return "spki"
    if tags == [der.SEQUENCE, der.OCTET_STRING]:
        return "encrypted-pkcs8"
    if tags and tags[0] == der.OID and der.oid_at(obj, parts[0]) == pkcs7.SIGNED_DATA:
        return "pkcs7"
    if len(tags) >= 3 and tags[:3] == [der.INTEGER, der.SEQUENCE, der.OCTET_STRING]:
        return "PKCS#8"
    if len(tags) >= 2 and tags[:2] == [der.INTEGER, der.OCTET_STRING]:
        return "SEC1"
    if tags and all(t == der.INTEGER for t in tags):
        if len(tags) == 9:
            return "PKCS#1"
        if len(tags) == 6:
            return "DSA (OpenSSL)"
        if len(tags) == 2:
            g = der.content(obj, parts[1])
            return "dh-params" if g in (b"\x02", b"\x05") else "rsa-public"
        if len(tags) == 3:
            return "dh-params"
    return "unknown"
