"""nginx: ssl_protocols, ssl_ciphers, ssl_ecdh_curve, ssl_conf_command (Groups, Curves,
Ciphersuites, SignatureAlgorithms, MinProtocol, CipherString), ssl_certificate and friends
(the referenced files are scanned), for the server side (ssl_*) and the upstream side
(proxy_ssl_*, grpc_ssl_*, uwsgi_ssl_*)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from qscan.scan.interface import FileContext, Record
from qscan.scan.repo.configs.blocks import Directive, parse_blocks, walk
from qscan.scan.repo.configs.references import referenced_file
from qscan.scan.repo.configs.tls_settings import (
    TlsConfigAnalyzer,
    TlsFindings,
    split_list,
    version_id,
    versions_between,
)
from qscan.scan.repo.text import looks_binary

_SNIFF = re.compile(
    rb"(?m)^\s*(?:ssl_\w+|server_name|proxy_pass|worker_processes|listen\s+[^\n]*;|(?:http|server|events|stream|upstream)\s*\{)"
)
_PREFIXES = ("ssl_", "proxy_ssl_", "grpc_ssl_", "uwsgi_ssl_")
_FILES = ("certificate", "certificate_key", "trusted_certificate", "client_certificate", "dhparam")
SUMMARY = "nginx tls key exchange (configured)"


def _split(name: str) -> tuple[str, str] | None:
    for prefix in _PREFIXES:
        if name.startswith(prefix):
            return prefix, name[len(prefix) :]
    return None


def _scope(directive: Directive) -> dict[str, str]:
    for parent in reversed(directive.parents):
        if parent.name == "server" and parent.block is not None:
            names = next((d.args for d in parent.block if d.name == "server_name" and d.args), None)
            listen = next((d.args for d in parent.block if d.name == "listen" and d.args), None)
            label = (names or listen or ["?"])[0]
            return {"scope": f"server {label}"}
        if parent.name in ("http", "stream", "mail"):
            return {"scope": parent.name}
    return {}


class NginxAnalyzer(TlsConfigAnalyzer):
    name = "nginx"
    suffixes = (".conf", ".nginx", ".vhost", ".conf.template")
    filenames = frozenset({"nginx.conf"})

    def could_want(self, name: str, path: str) -> bool:
        return (
            name.endswith(self.suffixes)
            or name in self.filenames
            or "sites-" in path
            or "nginx" in path
        )

    def wants(self, path: Path, head: bytes) -> bool:
        in_sites = any(
            p in ("sites-available", "sites-enabled", "nginx") for p in path.parts[-3:-1]
        )
        if not (self.wants_name(path) or in_sites):
            return False
        return not looks_binary(head) and b";" in head and bool(_SNIFF.search(head))

    def analyze_text(self, text: str, ctx: FileContext) -> Iterator[Record]:
        directives, problems = parse_blocks(text)
        out = TlsFindings(ctx)
        for line, problem in problems:
            out.error("parse-error", f"nginx: {problem}", line)
        for directive in walk(directives):
            self._directive(directive, out, ctx)
        return iter(out.records)

    def _directive(self, d: Directive, out: TlsFindings, ctx: FileContext) -> None:
        split = _split(d.name)
        if split is None or not d.args:
            return
        prefix, key = split
        component = f"nginx {d.name}"
        evidence = d.text()
        scope = _scope(d)
        if key == "protocols":
            out.versions(
                [v for v in (version_id(a) for a in d.args) if v],
                d.line,
                component,
                evidence,
                scope,
            )
        elif key == "ciphers":
            out.cipher_string(d.args[0], d.line, component, evidence, scope)
        elif key == "ecdh_curve":
            summary = SUMMARY if prefix == "ssl_" else None
            out.groups(split_list(d.args[0]), d.line, component, evidence, scope, summary)
        elif key == "conf_command" and len(d.args) >= 2:
            self._conf_command(d, prefix, out, component, evidence, scope)
        elif key in _FILES:
            for record in referenced_file(d.args[0], ctx, d.line):
                out.records.append(record)

    @staticmethod
    def _conf_command(
        d: Directive, prefix: str, out: TlsFindings, component: str, evidence: str, scope: dict
    ) -> None:
        command, value = d.args[0].lower(), d.args[1]
        component = f"{component} {d.args[0]}"
        if command in ("groups", "curves"):
            summary = SUMMARY if prefix == "ssl_" else None
            out.groups(split_list(value), d.line, component, evidence, scope, summary)
        elif command == "ciphersuites":
            out.suite_names(split_list(value), d.line, component, evidence, scope)
        elif command == "cipherstring":
            out.cipher_string(value, d.line, component, evidence, scope)
        elif command in ("signaturealgorithms", "clientsignaturealgorithms"):
            out.sigalgs(split_list(value), d.line, component, evidence, scope)
        elif command == "minprotocol":
            out.versions(versions_between(version_id(value)), d.line, component, evidence, scope)
