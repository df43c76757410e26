"""Which of the suites a cipher string names a peer can agree on (docs/repository-scanner.md).

OpenSSL picks a PSK suite only with a PSK callback (no configuration format here sets one),
an SRP suite only with an SRP verifier, an anonymous one only at security level 0. A server
also needs a certificate whose key serves the suite's authentication, and for DHE suites
DH parameters where its program has none of its own: these facts are data, per server
program and per certificate key, in rules/tls/servers.yaml, and what one configuration
supplies is a `ServerSetup`. Where the file cannot tell (a certificate outside the scan, a
server block whose http block lives in another file), the suites stay listed and the
setup carries the reason, which the findings record as `context.not_narrowed`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache

from qscan.i18n import english
from qscan.model import Finding, Text, text_key
from qscan.protocols import tls
from qscan.resources import load_yaml
from qscan.scan.interface import Record
from qscan.scan.repo.configs.references import ReferencedFiles

_PSK_KX = frozenset({"PSK", "DHE_PSK", "ECDHE_PSK", "RSA_PSK"})
_FINITE_FIELD_EPHEMERAL = frozenset({"DHE", "DHE_PSK"})
_RSA_KEY_TRANSPORT = frozenset({"RSA", "RSA_PSK"})
_DH_PARAMETERS = "DH parameters"
"""Component of the certificate scanner's finding for a DH PARAMETERS block."""
_CERTIFICATE_KEY = "public key"
"""context.role of a certificate's public-key finding."""


@dataclass(frozen=True)
class ServerFacts:
    """One server program's facts from rules/tls/servers.yaml."""

    name: str
    dhe_needs_parameters: bool = False
    dh_settings: tuple[str, ...] = ()
    dh_in_certificate_file: bool = False
    cipher_string_suffix: str = ""


@cache
def server_facts(name: str) -> ServerFacts:
    entry = load_yaml("tls/servers.yaml")["servers"][name]
    return ServerFacts(
        name=name,
        dhe_needs_parameters=bool(entry.get("dhe_needs_parameters", False)),
        dh_settings=tuple(entry.get("dh_settings", ())),
        dh_in_certificate_file=bool(entry.get("dh_in_certificate_file", False)),
        cipher_string_suffix=entry.get("cipher_string_suffix", ""),
    )


@cache
def _key_serves() -> dict[str, frozenset[str]]:
    data = load_yaml("tls/servers.yaml")["certificate_keys"]
    return {key: frozenset(serves) for key, serves in data.items()}


@cache
def _certificate_authentications() -> frozenset[str]:
    """Suite authentications (`au` of the suite table) that a certificate serves."""
    return frozenset(m[1:] for serves in _key_serves().values() for m in serves if m[0] == "a")


@dataclass(frozen=True)
class ServerSetup:
    """What one configuration gives its server besides the cipher string. `dh_parameters`
    and `certificate_keys` are None where the file cannot tell; `not_narrowed` says why.
    The default is a client's side, or a list whose server is not known."""

    srp: bool = False
    dh_parameters: bool | None = None
    certificate_keys: frozenset[str] | None = None
    """Key kinds of the server's certificates (RSA, RSA-PSS, ECDSA, Ed25519, DSA, ...)."""
    not_narrowed: tuple[Text, ...] = field(default=(), compare=False)
    """Why the list is not narrowed (no part of equality or hash: the expansion of a cipher
    string is cached by setup, and does not depend on it)."""
    suffix: str = ""
    """What the server appends to the cipher string (rules/tls/servers.yaml)."""

    def context(self) -> dict[str, object]:
        """What a suite finding records about the narrowing (reasons in English)."""
        found: dict[str, object] = {}
        if self.certificate_keys is not None:
            found["certificate_keys"] = sorted(self.certificate_keys)
        if self.not_narrowed:
            found["not_narrowed"] = [english(reason) for reason in self.not_narrowed]
        return found

    def texts(self) -> dict[str, Text]:
        """The reasons as message keys, for the reports' languages."""
        if not self.not_narrowed:
            return {}
        reasons = list(self.not_narrowed)
        return {"context.not_narrowed": text_key("narrowing.reasons", reasons=reasons)}


CLIENT = ServerSetup()


def server_setup(
    facts: ServerFacts,
    *,
    dh_parameters: bool | None,
    certificate_keys: Iterable[str] | None,
    reasons: Iterable[Text] = (),
    srp: bool = False,
) -> ServerSetup:
    """The setup of one server of program `facts`: `dh_parameters` is what the file shows
    (None: cannot tell), and matters only where the program needs them; `reasons` explain
    what is None."""
    dh = dh_parameters if facts.dhe_needs_parameters else True
    keys = frozenset(certificate_keys) if certificate_keys is not None else None
    return ServerSetup(
        srp=srp,
        dh_parameters=dh,
        certificate_keys=keys,
        not_narrowed=_distinct(reasons),
        suffix=facts.cipher_string_suffix,
    )


def _distinct(reasons: Iterable[Text]) -> tuple[Text, ...]:
    seen: dict[str, Text] = {}
    for reason in reasons:
        seen.setdefault(json.dumps(reason, sort_keys=True), reason)
    return tuple(seen.values())


def negotiable(suite: tls.Suite, setup: ServerSetup, level_zero: bool) -> bool:
    """Whether a peer with this setup can agree on the suite; `level_zero`: the string sets
    @SECLEVEL=0, without which OpenSSL refuses anonymous suites."""
    if suite.kx in _PSK_KX or suite.au == "PSK":
        return False
    if (suite.kx == "SRP" or suite.au == "SRP") and not setup.srp:
        return False
    if suite.anon and not level_zero:
        return False
    if suite.kx in _FINITE_FIELD_EPHEMERAL and setup.dh_parameters is False:
        return False
    if setup.certificate_keys is not None:
        return _authenticated(suite, setup.certificate_keys)
    return True


def _authenticated(suite: tls.Suite, keys: frozenset[str]) -> bool:
    serves: set[str] = set()
    for key in keys:
        serves |= _key_serves().get(key, frozenset())
    if suite.au in _certificate_authentications() and f"a{suite.au}" not in serves:
        return False
    return suite.kx not in _RSA_KEY_TRANSPORT or "kRSA" in serves


@dataclass(frozen=True)
class CertificateFile:
    """What a server certificate file holds for the negotiation: the kind of its first
    certificate's key (None: no certificate in it) and whether it holds DH parameters."""

    key: str | None
    dh_parameters: bool


def certificate_file(records: Iterable[Record]) -> CertificateFile:
    """Read from the certificate scanner's findings for the file: the server certificate
    is the file's first one (nginx, Apache and HAProxy take the leaf first, then its chain)."""
    first: Finding | None = None
    dh = False
    for record in records:
        if not isinstance(record, Finding):
            continue
        if record.location.component.endswith(_DH_PARAMETERS):
            dh = True
        elif _certificate_key(record) and (
            first is None or (record.location.line or 0) < (first.location.line or 0)
        ):
            first = record
    return CertificateFile(key_kind(first) if first is not None else None, dh)


def _certificate_key(finding: Finding) -> bool:
    return finding.asset == "certificate" and finding.context.get("role") == _CERTIFICATE_KEY


def key_kind(finding: Finding) -> str:
    """RSA-PSS for an RSASSA-PSS key (which OpenSSL does not use for key transport), else
    the key's algorithm."""
    if finding.algorithm == "RSA" and finding.params.get("padding") == "PSS":
        return "RSA-PSS"
    return finding.algorithm


def certificate_keys(
    files: ReferencedFiles, references: Iterable[str], reasons: list[Text]
) -> set[str] | None:
    """The key kinds of the server certificates in the named files; None when there is none
    or one cannot be read, with the reason appended to `reasons`."""
    keys: set[str] = set()
    for reference in references:
        loaded = files.load(reference)
        if loaded.records is None:
            reasons.append(text_key("narrowing.certificate", why=loaded.reason))
            return None
        key = certificate_file(loaded.records).key
        if key is None:
            reasons.append(text_key("narrowing.no-certificate", path=loaded.reference.relpath))
            return None
        keys.add(key)
    return keys
