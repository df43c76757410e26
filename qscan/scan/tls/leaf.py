"""What a client checks about the server's leaf certificate before any algorithm matters:
its validity at the time of the scan, whether it is self-signed, and whether it names the
server (RFC 9525). One finding per problem observed, none for a certificate that passes;
the rules (rules/packs/tls.yaml) say how bad each is."""

from __future__ import annotations

import datetime as dt
import ipaddress
from dataclasses import replace
from typing import Any

from cryptography import x509
from cryptography.x509.oid import NameOID

from qscan.model import CERTIFICATE_CHECK, Finding, Location, text_key

CHECKS = ("expired", "not yet valid", "self-signed", "name mismatch")
_COMPONENT = "tls server certificate chain[0] {check}"


def leaf_checks(
    leaf_der: bytes, leaf_key: Finding, *, host: str | None, sni: str | None, now: dt.datetime
) -> list[Finding]:
    """The problems of the leaf certificate (`leaf_key` is its public-key finding, whose
    algorithm and certificate facts the findings repeat). The server name is checked only
    when one was sent (SNI): scanned by IP address alone, the name clients use is unknown."""
    ctx = leaf_key.context
    facts: dict[str, dict[str, Any]] = {}
    stamp = now.isoformat(timespec="seconds")
    if str(ctx.get("not_after", "")) < stamp:
        facts["expired"] = {"scanned_at": stamp}
    if str(ctx.get("not_before", "")) > stamp:
        facts["not yet valid"] = {"scanned_at": stamp}
    if ctx.get("self_signed"):
        facts["self-signed"] = {"loopback": is_loopback(host)}
    if sni:
        names = server_names(leaf_der)
        if not matches(sni, names):
            facts["name mismatch"] = {"server_name": sni, "certificate_names": names[:20]}
    return [_finding(leaf_key, check, extra) for check, extra in facts.items()]


def _finding(leaf_key: Finding, check: str, extra: dict[str, Any]) -> Finding:
    ctx = leaf_key.context
    keep = ("subject", "issuer", "not_before", "not_after", "self_signed", "is_ca", "sha256")
    context = {k: ctx[k] for k in keep if k in ctx}
    location: Location = replace(leaf_key.location, component=_COMPONENT.format(check=check))
    names = ", ".join(extra.get("certificate_names", []))
    evidence = {
        "expired": f"not valid after {ctx.get('not_after')}",
        "not yet valid": f"not valid before {ctx.get('not_before')}",
        "self-signed": f"issuer = subject ({ctx.get('subject')})",
        "name mismatch": f"names {names or 'none'}; server name {extra.get('server_name')}",
    }[check]
    said = {
        "expired": text_key("check.expired", date=str(ctx.get("not_after"))),
        "not yet valid": text_key("check.not-yet-valid", date=str(ctx.get("not_before"))),
        "self-signed": text_key("check.self-signed", subject=str(ctx.get("subject"))),
        "name mismatch": text_key(
            "check.name-mismatch",
            names=names or text_key("check.no-names"),
            server=str(extra.get("server_name")),
        ),
    }[check]
    return Finding(
        algorithm=leaf_key.algorithm,
        function="signature",
        asset="certificate",
        location=location,
        params=dict(leaf_key.params),
        evidence=evidence[:200],
        context={**context, **extra, "role": CERTIFICATE_CHECK, "check": check},
        identity=f"{ctx.get('sha256')}/{check}",
        texts={"evidence": said},
    )


def is_loopback(host: str | None) -> bool:
    """localhost, 127.0.0.0/8 or ::1: a server only this machine reaches."""
    if not host:
        return False
    if host.rstrip(".").lower() == "localhost" or host.lower().endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def server_names(leaf_der: bytes) -> list[str]:
    """The DNS names and IP addresses the certificate is for: its subjectAltName, or its
    subject common names when it has no subjectAltName (RFC 9525 section 6.3 leaves the CN
    to certificates without one)."""
    cert = x509.load_der_x509_certificate(leaf_der)
    try:
        san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except (x509.ExtensionNotFound, ValueError):
        return [str(a.value) for a in cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)]
    dns = san.get_values_for_type(x509.DNSName)
    ips = [str(ip) for ip in san.get_values_for_type(x509.IPAddress)]
    return [*dns, *ips]


def matches(server: str, names: list[str]) -> bool:
    """RFC 9525 section 6.3: exact, case-insensitive DNS names; a wildcard only as the
    whole left-most label, matching exactly one label; IP addresses compared as addresses."""
    host = server.rstrip(".").lower()
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        address = None
    for name in names:
        candidate = name.rstrip(".").lower()
        if address is not None:
            try:
                if ipaddress.ip_address(candidate) == address:
                    return True
            except ValueError:
                continue
            continue
        if candidate == host:
            return True
        if candidate.startswith("*.") and "." in host:
            label, rest = host.split(".", 1)
            if label and rest == candidate[2:]:
                return True
    return False
