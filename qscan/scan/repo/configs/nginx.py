"""nginx: ssl_protocols, ssl_ciphers, ssl_ecdh_curve, ssl_conf_command (Groups, Curves,
Ciphersuites, SignatureAlgorithms, MinProtocol, CipherString), ssl_certificate and friends
(the referenced files are scanned), for the server side (ssl_*) and the upstream side
(proxy_ssl_*, grpc_ssl_*, uwsgi_ssl_*).

A server-side cipher string lists only what its servers can negotiate: DHE suites only
where `ssl_dhparam` is set, and only suites the key types of their `ssl_certificate` files
authenticate (qscan.scan.repo.configs.negotiation). Both settings are inherited from the
http (stream, mail) block unless the server sets its own; `include`d files are read for
them. What the file cannot show (a server block whose http block is in another file, a
certificate outside the scan) leaves the suites listed, with the reason in the findings."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from qscan.model import Text, text_key
from qscan.scan.interface import FileContext, Record
from qscan.scan.repo.configs.blocks import Directive, parse_blocks, walk
from qscan.scan.repo.configs.negotiation import (
    CLIENT,
    ServerSetup,
    certificate_keys,
    server_facts,
    server_setup,
)
from qscan.scan.repo.configs.references import ReferencedFiles, sets
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
_CERTIFICATE = "ssl_certificate"
_CIPHERS = "ssl_ciphers"
_TOP_BLOCKS = ("http", "stream", "mail")


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
        servers = _Servers(directives, ReferencedFiles(ctx))
        for directive in walk(directives):
            self._directive(directive, out, servers)
        return iter(out.records)

    def _directive(self, d: Directive, out: TlsFindings, servers: _Servers) -> None:
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
            setup = servers.setup(d) if prefix == "ssl_" else CLIENT
            out.cipher_string(d.args[0], d.line, component, evidence, scope, setup)
        elif key == "ecdh_curve":
            summary = SUMMARY if prefix == "ssl_" else None
            out.groups(split_list(d.args[0]), d.line, component, evidence, scope, summary)
        elif key == "conf_command" and len(d.args) >= 2:
            self._conf_command(d, prefix, out, component, evidence, scope, servers)
        elif key in _FILES:
            out.records.extend(servers.files.report(d.args[0], d.line))

    @staticmethod
    def _conf_command(
        d: Directive,
        prefix: str,
        out: TlsFindings,
        component: str,
        evidence: str,
        scope: dict,
        servers: _Servers,
    ) -> None:
        command, value = d.args[0].lower(), d.args[1]
        component = f"{component} {d.args[0]}"
        if command in ("groups", "curves"):
            summary = SUMMARY if prefix == "ssl_" else None
            out.groups(split_list(value), d.line, component, evidence, scope, summary)
        elif command == "ciphersuites":
            out.suite_names(split_list(value), d.line, component, evidence, scope)
        elif command == "cipherstring":
            setup = servers.setup(d) if prefix == "ssl_" else CLIENT
            out.cipher_string(value, d.line, component, evidence, scope, setup)
        elif command in ("signaturealgorithms", "clientsignaturealgorithms"):
            out.sigalgs(split_list(value), d.line, component, evidence, scope)
        elif command == "minprotocol":
            out.versions(versions_between(version_id(value)), d.line, component, evidence, scope)


class _Servers:
    """The TLS servers a server-side cipher string of one file applies to: a server block's
    string to that server; an http (stream, mail) block's or a top-level string to the
    servers at that level that set none of their own, and to those of included files."""

    def __init__(self, top: list[Directive], files: ReferencedFiles) -> None:
        self.top = top
        self.files = files
        self.facts = server_facts("nginx")

    def setup(self, d: Directive) -> ServerSetup:
        contexts = self._contexts(d)
        reasons: list[Text] = []
        dh = self._dh_parameters(contexts, reasons)
        keys = self._certificate_keys(contexts, reasons)
        return server_setup(
            self.facts,
            dh_parameters=dh,
            certificate_keys=keys,
            reasons=reasons,
        )

    def _contexts(self, d: Directive) -> list[tuple[Directive, ...]]:
        """The block chains (outermost first) whose settings decide the servers `d` applies
        to; () is the file's top level."""
        chain = d.parents
        if chain and chain[-1].name == "server":
            return [chain]
        level = chain[-1].block or [] if chain else self.top
        servers = [
            (*chain, c)
            for c in level
            if c.name == "server" and not any(x.name == _CIPHERS for x in c.block or [])
        ]
        return [chain, *servers]

    def _dh_parameters(
        self, contexts: list[tuple[Directive, ...]], reasons: list[Text]
    ) -> bool | None:
        known = True
        for chain in contexts:
            found, why = self._effective(chain, self.facts.dh_settings, whole=False)
            if found:
                return True
            if found is None:
                known = False
                reasons.append(text_key("narrowing.dh-parameters", why=why))
        return False if known else None

    def _certificate_keys(
        self, contexts: list[tuple[Directive, ...]], reasons: list[Text]
    ) -> set[str] | None:
        references: list[str] = []
        for chain in contexts:
            found, why = self._effective(chain, (_CERTIFICATE,), whole=True)
            if found is None:
                reasons.append(text_key("narrowing.certificate", why=why))
                return None
            references += [d.args[0] for d in found]
        keys = certificate_keys(self.files, references, reasons)
        if keys == set():
            reasons.append(text_key("narrowing.nginx-no-certificate", directive=_CERTIFICATE))
            return None
        return keys

    def _effective(
        self, chain: tuple[Directive, ...], names: tuple[str, ...], *, whole: bool
    ) -> tuple[list[Directive] | None, Text | None]:
        """The directives named `names` in force at the innermost block of `chain` (the
        nearest level that sets any; []: none), or None and why the file cannot tell. Where
        `whole`, the complete set is needed (certificates: an included file that sets one
        makes it unknown); otherwise one occurrence, in an included file too, is enough."""
        rooted = bool(chain) and chain[0].name in _TOP_BLOCKS
        levels = [b.block or [] for b in reversed(chain)]
        if not rooted:
            levels.append(self.top)
        for number, level in enumerate(levels):
            found = [c for c in level if c.name in names and c.args]
            unknown: Text | None = None
            for include in (c for c in level if c.name == "include" and c.args):
                texts, why = self.files.texts(include.args[0])
                if texts is None:
                    unknown = unknown or text_key("narrowing.include", why=why)
                elif sets(texts, names) and whole:
                    unknown = unknown or text_key(
                        "narrowing.included-sets", path=include.args[0], directive=names[0]
                    )
                elif sets(texts, names):
                    found.append(include)
            shared = not rooted and number == len(levels) - 1
            if whole and found and shared:
                unknown = unknown or text_key("narrowing.also-set-elsewhere", directive=names[0])
            if found and not (whole and unknown):
                return found, None
            if unknown:
                return None, unknown
        if rooted:
            return [], None
        return None, text_key("narrowing.set-elsewhere", directives=" or ".join(names))
