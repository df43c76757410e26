"""Certificates and keys: one component per certificate (by its SHA-256) and per key (by its
public-key fingerprint where the scanner gave one), wherever it was found. A certificate
references its signature algorithm, made with the signer's key size or curve when the
scanner resolved the issuer, and its subject public key, which references its algorithm.
No key value is ever written."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field
from typing import Any

from qscan.model import Finding
from qscan.render.cbom.evidence import Evidence, Place, component

_SUBJECT_CN = re.compile(r"CN=([^,]+)")
_KEY_IDS = ("public_key_sha256", "ssh_fingerprint", "fingerprint_sha256")
_PROPERTIES = ("sha256", "serial", "is_ca", "self_signed", "issued_by")


def certificate_id(f: Finding) -> str | None:
    """The certificate a finding is about (its SHA-256), or None when it is none."""
    if f.asset != "certificate":
        return None
    sha = f.context.get("sha256")
    if sha:
        return str(sha)
    subject = f.context.get("subject")
    return "subject-" + hashlib.sha256(str(subject).encode()).hexdigest() if subject else None


_ROLES = (
    (" alternative signature", "alternative signature"),
    (" alternative public key", "alternative key"),
    (" signature", "signature"),
    (" public key", "key"),
)


def certificate_role(place: Place, check: str | None = None) -> tuple[str, Place]:
    """What a certificate finding is about (key, signature, alternative key or alternative
    signature of a catalyst certificate, or a `check` of the whole certificate such as
    "expired") and the certificate's own place: the component without that part
    ("certificate chain[1] signature" -> "certificate chain[1]")."""
    location, line, component = place
    if check and component.endswith(f" {check}"):
        return "check", (location, line, component[: -len(check) - 1])
    for suffix, role in _ROLES:
        if component.endswith(suffix):
            return role, (location, line, component[: -len(suffix)])
    return "key", place


def key_fingerprint(f: Finding) -> str | None:
    """The public-key fingerprint the scanner gave the key (SHA-256 of the key, or the SSH
    SHA256: form), if any."""
    return next((str(f.context[n]) for n in _KEY_IDS if f.context.get(n)), None)


def key_ref(f: Finding, place: Place, private: bool) -> str:
    """The bom-ref of the key a finding is about: by its fingerprint, else by where it was
    found (a private key file's two findings are one key)."""
    kind = "private" if private else "public"
    return f"crypto/key/{kind}/{key_fingerprint(f) or f'{place[0]}:{place[1]}'}"


def is_private(f: Finding) -> bool:
    role = f.context.get("role")
    if role is not None:
        return f.function == "key-storage" or role == "private key"
    return f.function == "key-storage" or "private" in f.location.component.lower()


def _timestamp(value: Any) -> str | None:
    if not value:
        return None
    try:
        parsed = dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.UTC)
    return parsed.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class CertificateAsset:
    ref: str
    context: dict[str, Any] = field(default_factory=dict)
    signature: str | None = None
    key: str | None = None
    alternatives: set[str] = field(default_factory=set)
    evidence: Evidence = field(default_factory=Evidence)

    def add_context(self, context: dict[str, Any]) -> None:
        for name, value in context.items():
            if value not in (None, "") and name not in self.context:
                self.context[name] = value

    def depends(self, known: set[str]) -> set[str]:
        refs = {r for r in (self.signature, self.key) if r} | self.alternatives
        issuer = f"crypto/certificate/{self.context.get('issued_by')}"
        if issuer in known and issuer != self.ref:
            refs.add(issuer)
        return refs

    def component(self) -> dict[str, Any]:
        ctx = self.context
        subject = str(ctx.get("subject") or "")
        props: dict[str, Any] = {"subjectName": subject} if subject else {}
        if ctx.get("issuer"):
            props["issuerName"] = str(ctx["issuer"])
        for name, source in (("notValidBefore", "not_before"), ("notValidAfter", "not_after")):
            stamp = _timestamp(ctx.get(source))
            if stamp:
                props[name] = stamp
        if self.signature:
            props["signatureAlgorithmRef"] = self.signature
        if self.key:
            props["subjectPublicKeyRef"] = self.key
        props["certificateFormat"] = "X.509"
        cn = _SUBJECT_CN.search(subject)
        return component(
            self.ref,
            cn.group(1) if cn else subject or self.ref.rsplit("/", 1)[-1],
            {"assetType": "certificate", "certificateProperties": props},
            self.evidence,
            [{"name": f"qscan:{n}", "value": _text(ctx[n])} for n in _PROPERTIES if n in ctx],
        )


def _text(value: Any) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


@dataclass
class KeyAsset:
    ref: str
    kind: str
    """private-key or public-key"""
    name: str
    algorithm: str | None
    fingerprint: str | None
    size: int | None = None
    format: str | None = None
    evidence: Evidence = field(default_factory=Evidence)

    def component(self) -> dict[str, Any]:
        values = {
            "type": self.kind,
            "id": self.fingerprint,
            "algorithmRef": self.algorithm,
            "size": self.size,
            "format": self.format,
        }
        props = {name: value for name, value in values.items() if value}
        crypto = {"assetType": "related-crypto-material", "relatedCryptoMaterialProperties": props}
        return component(self.ref, self.name, crypto, self.evidence)
