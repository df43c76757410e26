"""The records of one blob (a file, or a snippet embedded in one) while it is being read:
the dispatcher (blob.py) and the readers of each format (jks, pkcs12, ssh) add to it."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from qscan.model import Finding, Text, text_key
from qscan.scan.certs.findings import chain_findings, key_findings
from qscan.scan.certs.keys import PrivateKey
from qscan.scan.certs.x509 import CertInfo
from qscan.scan.records import FileRecords

# Not .key or .pub: Keynote documents and GnuPG exports use them too.
CRYPTO_SUFFIXES = (
    ".der", ".cer", ".crt", ".pem", ".p12", ".pfx", ".p7b", ".p7c", ".p8", ".pk8",
    ".csr", ".req", ".crl", ".jks", ".jceks", ".keystore", ".truststore", ".ppk", ".spki",
)  # fmt: skip
OPENPGP_SUFFIXES = (".asc", ".gpg", ".pgp")
"""OpenPGP keys and keyrings (GnuPG also gives encrypted files and signatures these names:
content that is no key is passed over, not an error)."""
_KEY_FILE_NAMES = re.compile(
    r"(?:authorized_keys2?|known_hosts|ssh_known_hosts|id_[a-z0-9_]+|ssh_host_[a-z0-9_]+_key)"
)
FRAGMENT_KINDS = frozenset({"corrupt-pem", "unparseable"})


def claims_crypto(relpath: str) -> bool:
    """A name that promises certificate or key content: unreadable content is an error then,
    while other files that merely start like DER are left alone."""
    return relpath.lower().endswith(CRYPTO_SUFFIXES)


def holds_key_material(relpath: str) -> bool:
    """A file whose name says it is a certificate, key, keystore or SSH key file (and not
    source code, documentation or configuration that shows one)."""
    name = relpath.rsplit("/", 1)[-1].lower()
    return name.endswith((*CRYPTO_SUFFIXES, *OPENPGP_SUFFIXES, ".key", ".pub")) or bool(
        _KEY_FILE_NAMES.fullmatch(name)
    )


@dataclass
class Blob(FileRecords):
    """What one file (or embedded snippet) yields while it is being read."""

    link: bool = False
    """Certificates carry their Link, for relations across files (the file analyzer's)."""
    certs: list[tuple[CertInfo, int | None]] = field(default_factory=list)
    recognised: bool = False
    """Content of a known kind that yields nothing (EC PARAMETERS, a CRL, a comment-only
    authorized_keys) is not an error."""
    text: bool = False
    """The content is text (PEM blocks, SSH key lines), not a binary key or keystore file."""

    def error(
        self, kind: str, message: str, line: int | None = None, text: Text | None = None
    ) -> None:
        """A PEM block or SSH key line that does not parse, in text whose file name promises
        no key material (source code, documentation, configuration), is a fragment, often
        shortened on purpose: a note. In a key, certificate or keystore file it is an error."""
        if self.text and kind in FRAGMENT_KINDS and not holds_key_material(self.ctx.relpath):
            self.note(kind, message, line, text)
        else:
            super().error(kind, message, line, text)

    def add(self, findings: list[Finding]) -> None:
        self.records.extend(findings)

    def private_key(
        self,
        pk: PrivateKey,
        line: int | None,
        component: str,
        evidence: str,
        identity: str | None = None,
        text: Text | None = None,
    ) -> None:
        """A private key and its storage; `text` is the evidence's message key."""
        key = pk.key
        ident = identity or key.fingerprint or f"{component}@{line}"
        context = {"format": pk.fmt, **pk.context}
        reason = pk.context.get("locked_reason")
        if reason:
            self.error(
                "locked-keystore",
                f"{pk.fmt} {component} stays locked: {reason}",
                line,
                text_key("key.locked", format=pk.fmt, component=component, reason=reason),
            )
        self.add(
            key_findings(
                key,
                self.location(line),
                component=component,
                evidence=evidence,
                encrypted=pk.encrypted,
                identity=ident,
                context=context,
                text=text,
            )
        )

    def flush_certs(self) -> None:
        if not self.certs:
            return
        infos = [c for c, _ in self.certs]
        lines = [None if line is None else line + self.line_offset for _, line in self.certs]
        self.add(chain_findings(infos, self.location(), lines=lines, link=self.link))
        self.certs.clear()
