"""Apache Tomcat server.xml: TLS connectors (Tomcat 8.5+ <SSLHostConfig> and the older
attributes on <Connector>): protocols, ciphers (OpenSSL syntax or JSSE suite names),
and the keystore / certificate files they use, which are scanned (with the keystore
password the connector gives, so that its contents can be inventoried).

Cipher strings keep DHE suites (JSSE has DH parameters of its own, rules/tls/servers.yaml)
and are not narrowed by certificate key type: the keystores are not read for it.

Read with expat, entity declarations refused (no entity expansion, no external entities).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from xml.parsers import expat

from qscan.model import text_key
from qscan.scan.interface import FileContext, Record
from qscan.scan.repo.configs.negotiation import server_facts, server_setup
from qscan.scan.repo.configs.references import referenced_file
from qscan.scan.repo.configs.tls_settings import (
    TlsConfigAnalyzer,
    TlsFindings,
    enabled_versions,
    split_list,
)
from qscan.scan.repo.text import looks_binary

_PROTOCOL_ATTRS = ("protocols", "sslEnabledProtocols", "sslProtocol")
_CIPHER_ATTRS = ("ciphers",)
_FILE_ATTRS = (
    "certificateKeystoreFile",
    "keystoreFile",
    "certificateFile",
    "certificateChainFile",
    "truststoreFile",
    "SSLCertificateFile",
)
_PASSWORD_ATTRS = ("certificateKeystorePassword", "keystorePass")


class _Refused(Exception):
    pass


def tomcat_protocols(value: str) -> list[str]:
    """Tomcat's protocols syntax: `TLSv1.2+TLSv1.3`, `all-TLSv1`, `+TLSv1.2, -SSLv2Hello`."""
    return enabled_versions(re.findall(r"[+-]?[A-Za-z0-9.]+", value))


class TomcatAnalyzer(TlsConfigAnalyzer):
    name = "tomcat"
    suffixes = (".xml",)

    def wants(self, path: Path, head: bytes) -> bool:
        return (
            path.name.lower().endswith(".xml")
            and not looks_binary(head)
            and (b"<Server" in head or b"<Connector" in head or b"<SSLHostConfig" in head)
        )

    def analyze(self, data: bytes, ctx: FileContext) -> Iterator[Record]:
        out = TlsFindings(ctx)
        parser = expat.ParserCreate()
        stack: list[str] = []

        def refuse(*_args: object) -> None:
            raise _Refused("entity declarations are not accepted")

        def start(name: str, attrs: dict[str, str]) -> None:
            line = parser.CurrentLineNumber
            stack.append(name)
            if name in ("Connector", "SSLHostConfig", "Certificate"):
                self._element(name, attrs, line, stack, out, ctx)

        def end(_name: str) -> None:
            if stack:
                stack.pop()

        parser.StartElementHandler = start
        parser.EndElementHandler = end
        parser.EntityDeclHandler = refuse
        parser.ExternalEntityRefHandler = refuse  # type: ignore[assignment]
        try:
            parser.Parse(data, True)
        except _Refused as exc:
            out.error("parse-error", f"server.xml: {exc}")
        except expat.ExpatError as exc:
            out.error(
                "parse-error",
                f"server.xml: {expat.errors.messages.get(exc.code, str(exc))}",
                exc.lineno,
            )
        return iter(out.records)

    def analyze_text(self, text: str, ctx: FileContext) -> Iterator[Record]:
        return self.analyze(text.encode("utf-8"), ctx)

    @staticmethod
    def _element(
        name: str,
        attrs: dict[str, str],
        line: int,
        stack: list[str],
        out: TlsFindings,
        ctx: FileContext,
    ) -> None:
        scope = {
            "scope": " ".join(f"{k}={attrs[k]}" for k in ("port", "hostName", "type") if k in attrs)
            or name
        }
        evidence = (
            f"<{name} "
            + " ".join(
                f'{k}="{v}"'
                for k, v in attrs.items()
                if k in (*_PROTOCOL_ATTRS, *_CIPHER_ATTRS, "port", "type")
            )
            + ">"
        )
        if (
            name == "Connector"
            and attrs.get("SSLEnabled", "").lower() != "true"
            and "sslProtocol" not in attrs
        ):
            return
        for attr in _PROTOCOL_ATTRS:
            if attr in attrs:
                versions = tomcat_protocols(attrs[attr])
                if versions:
                    out.versions(versions, line, f"tomcat {name} {attr}", evidence, scope)
                break
        if "ciphers" in attrs:
            value = attrs["ciphers"]
            names = [n for n in re.split(r"[,\s]+", value) if n]
            component = f"tomcat {name} ciphers"
            if names and all(n.upper().startswith(("TLS_", "SSL_")) for n in names):
                out.suite_names(names, line, component, evidence, scope)
            else:
                setup = server_setup(
                    server_facts("tomcat"),
                    dh_parameters=None,
                    certificate_keys=None,
                    reasons=[text_key("narrowing.tomcat-keystores")],
                )
                out.cipher_string(value, line, component, evidence, scope, setup)
        if "groups" in attrs:
            out.groups(
                split_list(attrs["groups"]),
                line,
                f"tomcat {name} groups",
                evidence,
                scope,
                "tomcat tls key exchange (configured)",
            )
        passwords = tuple(attrs[p] for p in _PASSWORD_ATTRS if attrs.get(p))
        for attr in _FILE_ATTRS:
            if attr in attrs:
                out.records.extend(referenced_file(attrs[attr], ctx, line, passwords))
