"""OpenSSL configuration (openssl.cnf): the SSL_CONF commands of any section (CipherString,
Ciphersuites, Groups / Curves, MinProtocol / MaxProtocol, SignatureAlgorithms), and the key
generation defaults of `openssl req` / `openssl ca` (default_bits, default_md). A
CipherString serves every program that loads the file, client or server, so it is not
narrowed by DH parameters or certificate key type."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from qscan.catalog import catalog
from qscan.model import Finding, text_key
from qscan.scan.interface import FileContext, Record
from qscan.scan.repo.configs.lines import logical_lines
from qscan.scan.repo.configs.negotiation import ServerSetup
from qscan.scan.repo.configs.tls_settings import (
    TlsConfigAnalyzer,
    TlsFindings,
    split_list,
    version_id,
    versions_between,
)
from qscan.scan.repo.text import looks_binary

_SECTION = re.compile(r"^\[\s*([^\]]+?)\s*\]")
_ASSIGN = re.compile(r"^([A-Za-z0-9_.$-]+)\s*=\s*(.*)$")
_SNIFF = re.compile(
    rb"(?im)^\s*(?:\[\s*(?:req|ca|system_default_sect|ssl_sect|openssl_init|CA_default|v3_ca)\s*\]|openssl_conf\s*=|CipherString\s*=|MinProtocol\s*=)"
)
SUMMARY = "openssl.cnf tls key exchange (configured)"
_ANY_PROGRAM = ServerSetup(not_narrowed=(text_key("narrowing.openssl-cnf"),))


def _value(raw: str) -> str:
    value = re.sub(r"\s+#.*$", "", raw).strip()
    return value.strip("\"'")


class OpenSslCnfAnalyzer(TlsConfigAnalyzer):
    name = "openssl-cnf"
    suffixes = (".cnf",)
    filenames = frozenset({"openssl.cnf", "openssl.conf", "openssl-ca.cnf"})

    def wants(self, path: Path, head: bytes) -> bool:
        name = path.name.lower()
        if not (name.endswith(".cnf") or name in self.filenames):
            return False
        return not looks_binary(head) and bool(_SNIFF.search(head))

    def analyze_text(self, text: str, ctx: FileContext) -> Iterator[Record]:
        out = TlsFindings(ctx)
        section = "default"
        minimum: tuple[str | None, int, str] | None = None
        maximum: str | None = None
        for line in logical_lines(text):
            stripped = line.text.strip()
            header = _SECTION.match(stripped)
            if header:
                if minimum is not None:
                    self._versions(minimum, maximum, out)
                    minimum, maximum = None, None
                section = header.group(1)
                continue
            assign = _ASSIGN.match(stripped)
            if assign is None:
                if not stripped.startswith("."):
                    out.error(
                        "parse-error",
                        f"openssl.cnf: not a 'name = value' line: {stripped[:60]!r}",
                        line.number,
                        text_key(
                            "config.not-assignment", file="openssl.cnf", line=repr(stripped[:60])
                        ),
                    )
                continue
            key, value = assign.group(1), _value(assign.group(2))
            scope = {"scope": f"[{section}]"}
            component = f"openssl.cnf {key}"
            command = key.lower()
            if command == "cipherstring":
                out.cipher_string(value, line.number, component, stripped, scope, _ANY_PROGRAM)
            elif command == "ciphersuites":
                out.suite_names(split_list(value), line.number, component, stripped, scope)
            elif command in ("groups", "curves"):
                out.groups(split_list(value), line.number, component, stripped, scope, SUMMARY)
            elif command in ("signaturealgorithms", "clientsignaturealgorithms"):
                out.sigalgs(split_list(value), line.number, component, stripped, scope)
            elif command == "minprotocol":
                minimum = (version_id(value), line.number, stripped)
            elif command == "maxprotocol":
                maximum = version_id(value)
            elif command == "default_bits":
                self._default_bits(value, line.number, section, stripped, out)
            elif command == "default_md":
                self._default_md(value, line.number, section, stripped, out)
        if minimum is not None:
            self._versions(minimum, maximum, out)
        return iter(out.records)

    @staticmethod
    def _versions(
        minimum: tuple[str | None, int, str], maximum: str | None, out: TlsFindings
    ) -> None:
        low, number, evidence = minimum
        if low is None:
            out.error(
                "config-value",
                f"openssl.cnf MinProtocol: unknown version in {evidence!r}",
                number,
                text_key("openssl-cnf.unknown-version", evidence=repr(evidence)),
            )
            return
        out.versions(versions_between(low, maximum), number, "openssl.cnf MinProtocol", evidence)

    @staticmethod
    def _default_bits(
        value: str, number: int, section: str, evidence: str, out: TlsFindings
    ) -> None:
        if not value.isdigit():
            return
        out.add(
            Finding(
                algorithm="RSA",
                function="key-generation",
                asset="key",
                location=out.location(number, "openssl.cnf default_bits"),
                params={"bits": int(value)},
                evidence=evidence,
                context={"scope": f"[{section}]", "default": "openssl req -newkey rsa"},
                identity=f"[{section}] default_bits",
            )
        )

    @staticmethod
    def _default_md(value: str, number: int, section: str, evidence: str, out: TlsFindings) -> None:
        digest = catalog().canonical(value)
        if digest is None or value.lower() == "default":
            return
        out.add(
            Finding(
                algorithm=digest,
                function="hash",
                asset="algorithm",
                location=out.location(number, "openssl.cnf default_md"),
                params={},
                evidence=evidence,
                context={"scope": f"[{section}]", "used_for": "certificate and request signatures"},
                identity=f"[{section}] default_md",
            )
        )
