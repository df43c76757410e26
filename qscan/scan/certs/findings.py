"""Build findings for certificates and keys (facts only; qscan.assess judges them)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from qscan.model import Finding, Location, Text, text_key
from qscan.scan.certs.algorithms import KeyInfo, SigInfo
from qscan.scan.certs.issuers import LINK_KEY, SIGNATURE_IDENTITY, Link
from qscan.scan.certs.x509 import CertInfo, verify_issued_by

EVIDENCE_MAX = 200
_SIGNER_PARAMS = ("bits", "curve")
_KEY_TRANSPORT_USAGE = "keyEncipherment"


def at(location: Location, component: str, line: int | None = None) -> Location:
    """A copy of location with another component (and line, if given)."""
    return Location(
        location.target,
        component,
        location.path,
        location.line if line is None else line,
        location.host,
        location.port,
        location.service,
        location.sni,
    )


def epoch_text(seconds: int) -> str:
    """A Unix time as an ISO date and time in UTC ("forever" for OpenSSH's 2**64 - 1; the
    number itself where no date can hold it)."""
    if seconds >= 2**63:
        return "forever"
    try:
        return dt.datetime.fromtimestamp(seconds, dt.UTC).isoformat()
    except (OverflowError, OSError, ValueError):
        return str(seconds)


def short(text: str) -> str:
    return text if len(text) <= EVIDENCE_MAX else text[: EVIDENCE_MAX - 1] + "…"


@lru_cache(maxsize=256)
def _components(prefix: str, chain_index: int | None) -> tuple[str, str, str, str]:
    """The components of a certificate's public key, signature, alternative public key and
    alternative signature findings."""
    chain = f" chain[{chain_index}]" if chain_index is not None else ""
    base = f"{prefix}certificate{chain}"
    return (
        f"{base} public key",
        f"{base} signature",
        f"{base} alternative public key",
        f"{base} alternative signature",
    )


def signer_params(
    signature: SigInfo, signer: KeyInfo | None, value_size: int = 0
) -> dict[str, Any]:
    """The signature's params plus the signing key's size or curve when it is known. An RSA
    signature is as long as the signer's modulus (RFC 8017 §8.2.1), so its size is known
    even when the issuer is not."""
    params = signature.params
    if signer is None and value_size and signature.algorithm == "RSA":
        return {**params, "bits": value_size * 8}
    if signer is None or signer.algorithm != signature.algorithm:
        return dict(params)
    extra = {k: signer.params[k] for k in _SIGNER_PARAMS if k in signer.params}
    return {**params, **extra}


def cert_findings(
    info: CertInfo,
    location: Location,
    *,
    prefix: str = "",
    chain_index: int | None = None,
    issuer: CertInfo | None = None,
    extra_context: dict[str, Any] | None = None,
) -> list[Finding]:
    """The findings of one certificate: its public key, its signature and, for catalyst
    certificates, the alternative key and signature. An issuer (one of the same chain or
    bundle) gives `issued_by`, with `issued_by_match` saying how the relation was
    established: signature (verified), key-id (authority key identifier = subject key
    identifier) or name; and its key gives the signature's size or curve."""
    key_component, signature_component, alt_key_component, alt_signature_component = _components(
        prefix, chain_index
    )
    context = info.context()
    if chain_index is not None:
        context["chain_index"] = chain_index
    signer: KeyInfo | None = None
    if issuer is not None:
        context["issued_by"] = issuer.sha256
        context["issued_by_match"] = _relation(info, issuer)
        signer = issuer.key
    elif info.self_issued:
        signer = info.key
    if extra_context:
        context.update(extra_context)
    subject = context["subject"] or "(empty subject)"
    said_subject: str | Text = context["subject"] or text_key("cert.empty-subject")
    key = info.key
    key_context = {**context, "role": "public key", "public_key_sha256": key.fingerprint}
    if key.algorithm == "RSA":
        usage = info.key_usage
        key_context["key_transport"] = usage is None or _KEY_TRANSPORT_USAGE in usage
    signature = info.signature
    findings = [
        Finding(
            key.algorithm,
            key.function,
            "certificate",
            at(location, key_component),
            key.params,
            short(f"{subject}: {key.label} public key"),
            key_context,
            f"{info.sha256}/public-key",
            texts={"evidence": text_key("cert.public-key", subject=said_subject, key=key.label)},
        ),
        Finding(
            signature.algorithm,
            "signature",
            "certificate",
            at(location, signature_component),
            signer_params(signature, signer, info.signature_size),
            short(f"{subject}: signed with {signature.label}"),
            {**context, "role": "signature"},
            info.sha256 + SIGNATURE_IDENTITY,
            texts={
                "evidence": text_key(
                    "cert.signature", subject=said_subject, signature=signature.label
                )
            },
        ),
    ]
    if info.alt_key is not None:
        alt = info.alt_key
        findings.append(
            Finding(
                algorithm=alt.algorithm,
                function=alt.function,
                asset="certificate",
                location=at(location, alt_key_component),
                params=alt.params,
                evidence=short(f"{subject}: alternative {alt.label} public key (2.5.29.72)"),
                context={
                    **context,
                    "role": "alternative public key",
                    "public_key_sha256": alt.fingerprint,
                },
                identity=f"{info.sha256}/alt-public-key",
                texts={
                    "evidence": text_key("cert.alt-public-key", subject=said_subject, key=alt.label)
                },
            )
        )
    if info.alt_signature is not None:
        alt_sig = info.alt_signature
        alt_signer = issuer.alt_key if issuer is not None else info.alt_key
        findings.append(
            Finding(
                algorithm=alt_sig.algorithm,
                function="signature",
                asset="certificate",
                location=at(location, alt_signature_component),
                params=signer_params(alt_sig, alt_signer),
                evidence=short(f"{subject}: alternative signature {alt_sig.label} (2.5.29.73)"),
                context={**context, "role": "alternative signature"},
                identity=f"{info.sha256}/alt-signature",
                texts={
                    "evidence": text_key(
                        "cert.alt-signature", subject=said_subject, signature=alt_sig.label
                    )
                },
            )
        )
    return findings


def _relation(info: CertInfo, issuer: CertInfo) -> str:
    verified = verify_issued_by(info, issuer)
    if verified is not None:
        return "signature" if verified else "name only (signature does not verify)"
    if info.aki is not None and info.aki == issuer.ski:
        return "key-id"
    return "name"


def find_issuer(info: CertInfo, candidates: Sequence[CertInfo]) -> CertInfo | None:
    """The certificate among candidates that issued info (name match, then key identifier
    match or a verified signature); None for self-issued certificates."""
    if info.self_issued:
        return None
    matches = [c for c in candidates if c.subject_der == info.issuer_der and c is not info]
    if len(matches) <= 1:
        return matches[0] if matches else None
    if info.aki is not None:
        by_key_id = [c for c in matches if c.ski == info.aki]
        if by_key_id:
            return by_key_id[0]
    verified = [c for c in matches if verify_issued_by(info, c)]
    return verified[0] if verified else matches[0]


def chain_findings(
    infos: Sequence[CertInfo],
    location: Location,
    *,
    prefix: str = "",
    lines: Sequence[int | None] | None = None,
    extra_context: dict[str, Any] | None = None,
    link: bool = False,
) -> list[Finding]:
    """Findings of a bundle or chain (a single certificate has no chain index). Issuers
    are looked up in the bundle (signatures verified); with link, every certificate's
    findings also carry its Link, for the relations across files (see issuers)."""
    out: list[Finding] = []
    indexed = len(infos) > 1
    for i, info in enumerate(infos):
        line = None if lines is None else lines[i]
        loc = location if line is None else at(location, location.component, line)
        context = extra_context
        if link:
            context = {**(extra_context or {}), LINK_KEY: _link(info)}
        out += cert_findings(
            info,
            loc,
            prefix=prefix,
            chain_index=i if indexed else None,
            issuer=find_issuer(info, infos) if indexed else None,
            extra_context=context,
        )
    return out


_ISSUER_NAMES: dict[bytes, bytes] = {}
_ISSUER_NAMES_MAX = 4096


def _link(info: CertInfo) -> Link:
    """A certificate's Link. Issuer names repeat: one object per name, so that a batch of
    findings sent from a worker carries each name once; a certificate that cannot issue
    leaves out what only issuers need."""
    issuer = _ISSUER_NAMES.get(info.issuer_der)
    if issuer is None:
        if len(_ISSUER_NAMES) >= _ISSUER_NAMES_MAX:
            _ISSUER_NAMES.clear()
        issuer = _ISSUER_NAMES[info.issuer_der] = info.issuer_der
    if not (info.is_ca or info.self_issued):
        return Link(info.sha256, b"", issuer, None, info.aki, False, False, "", ())
    key = info.key
    return Link(
        info.sha256,
        info.subject_der,
        issuer,
        info.ski,
        info.aki,
        True,
        info.self_issued,
        key.algorithm,
        tuple((k, key.params[k]) for k in _SIGNER_PARAMS if k in key.params),
    )


def key_findings(
    key: KeyInfo,
    location: Location,
    *,
    component: str,
    evidence: str,
    encrypted: bool | None,
    identity: str,
    context: dict[str, Any] | None = None,
    text: Text | None = None,
) -> list[Finding]:
    """A private key found at rest: its algorithm, and the hygiene finding that the key
    is stored there (QS500/QS501 judge `encrypted`); `text` is the evidence's message key."""
    texts = None if text is None else {"evidence": text}
    ctx: dict[str, Any] = dict(context or {})
    if key.fingerprint:
        ctx["public_key_sha256"] = key.fingerprint
    findings = [
        Finding(
            algorithm=key.algorithm,
            function=key.function,
            asset="key",
            location=at(location, component),
            params=key.params,
            evidence=short(evidence),
            context={**ctx, "role": "private key"},
            identity=f"{identity}/key",
            texts=texts,
        )
    ]
    if encrypted is not None:
        findings.append(
            Finding(
                algorithm=key.algorithm,
                function="key-storage",
                asset="key",
                location=at(location, "private key file"),
                params=key.params,
                evidence=short(evidence),
                context={**ctx, "encrypted": encrypted, "stored_in": component},
                identity=f"{identity}/storage",
                texts=texts,
            )
        )
    return findings
