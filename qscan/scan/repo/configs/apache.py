"""Apache httpd mod_ssl: SSLProtocol, SSLCipherSuite (the TLSv1.3 form too),
SSLOpenSSLConfCmd Curves|Groups|Ciphersuites|SignatureAlgorithms|MinProtocol, the
SSLProxy* equivalents, and SSLCertificateFile / SSLCertificateKeyFile (referenced files
are scanned). Directive names are case-insensitive; <VirtualHost> gives the scope.

Cipher strings list only what the server can negotiate (qscan.scan.repo.configs.negotiation):
SRP suites only where `SSLSRPVerifierFile` is set (in the same <VirtualHost> or an enclosing
scope); no NULL, anonymous or export suite (mod_ssl appends `:!aNULL:!eNULL:!EXP` to
SSLCipherSuite and SSLProxyCipherSuite); DHE suites always (mod_ssl has DH parameters of its
own); and only the suites the key types of the scope's SSLCertificateFile certificates
authenticate: those of the same <VirtualHost> and of the scopes enclosing it, all of the
file's for a server-wide SSLCipherSuite. A server-wide SSLCertificateFile in another file,
which mod_ssl adds to every virtual host, is not seen; `Include`d files are read for one.

`SSLProtocol all` means TLSv1 to TLSv1.3 here: mod_ssl includes SSLv3 only when OpenSSL
was built with it, and OpenSSL 1.1.0 and later build without SSLv3 by default.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace

from qscan.model import Text, text_key
from qscan.scan.interface import FileContext, Record
from qscan.scan.repo.configs.lines import logical_lines, words
from qscan.scan.repo.configs.negotiation import (
    ServerSetup,
    certificate_keys,
    server_facts,
    server_setup,
)
from qscan.scan.repo.configs.references import ReferencedFiles, sets
from qscan.scan.repo.configs.tls_settings import (
    TlsConfigAnalyzer,
    TlsFindings,
    enabled_versions,
    split_list,
    version_id,
    versions_between,
)

_SNIFF = re.compile(
    rb"(?im)^\s*(?:SSL(?:Engine|Protocol|CipherSuite|CertificateFile|OpenSSLConfCmd)|<VirtualHost)\b"
)
_FILES = (
    "sslcertificatefile",
    "sslcertificatekeyfile",
    "sslcertificatechainfile",
    "sslcacertificatefile",
    "sslproxymachinecertificatefile",
)
SUMMARY = "apache tls key exchange (configured)"
_CERTIFICATE = "sslcertificatefile"
_CIPHERS = "sslciphersuite"
_INCLUDES = ("include", "includeoptional")
_SRP = "sslsrpverifierfile"
"""mod_ssl's SRP verifier file (httpd 2.4.4+ built with SRP): without it no SRP suite can be
negotiated."""


class ApacheAnalyzer(TlsConfigAnalyzer):
    name = "apache"
    sniff = _SNIFF
    suffixes = (".conf", ".htaccess")
    filenames = frozenset({"httpd.conf", "apache2.conf", "ssl.conf", ".htaccess"})

    def analyze_text(self, text: str, ctx: FileContext) -> Iterator[Record]:
        out = TlsFindings(ctx)
        directives = list(self._directives(text, out))
        servers = _Servers(directives, ReferencedFiles(ctx))
        for parts, number, evidence, scope in directives:
            self._directive(parts[0].lower(), parts, number, evidence, scope, servers, out)
        return iter(out.records)

    @staticmethod
    def _directives(
        text: str, out: TlsFindings
    ) -> Iterator[tuple[list[str], int, str, tuple[str, ...]]]:
        """(words, line, text, enclosing sections) of every directive; unbalanced sections
        are reported."""
        scope: list[str] = []
        for line in logical_lines(text):
            stripped = line.text.strip()
            if stripped.startswith("</"):
                if scope:
                    scope.pop()
                else:
                    out.error(
                        "parse-error",
                        f"apache: {stripped} closes no open section",
                        line.number,
                        text_key("apache.closes-nothing", tag=stripped),
                    )
                continue
            if stripped.startswith("<"):
                section = stripped.strip("<>").split(None, 1)
                scope.append(" ".join(section))
                continue
            parts = words(stripped)
            if parts:
                yield parts, line.number, stripped, tuple(scope)
        if scope:
            out.error(
                "parse-error",
                f"apache: section <{scope[-1]}> is never closed",
                text=text_key("apache.never-closed", section=scope[-1]),
            )

    def _directive(
        self,
        name: str,
        parts: list[str],
        number: int,
        evidence: str,
        scope: tuple[str, ...],
        servers: _Servers,
        out: TlsFindings,
    ) -> None:
        args = parts[1:]
        if not args:
            return
        context = {"scope": scope[-1]} if scope else {}
        component = f"apache {parts[0]}"
        if name in ("sslprotocol", "sslproxyprotocol"):
            out.versions(enabled_versions(args), number, component, evidence, context)
        elif name in (_CIPHERS, "sslproxyciphersuite"):
            setup = servers.setup(scope) if name == _CIPHERS else servers.client
            if len(args) >= 2 and args[0].upper() in ("TLSV1.3", "SSL"):
                if args[0].upper() == "TLSV1.3":
                    out.suite_names(split_list(args[1]), number, component, evidence, context)
                else:
                    out.cipher_string(args[1], number, component, evidence, context, setup)
            else:
                out.cipher_string(args[0], number, component, evidence, context, setup)
        elif name in ("sslopensslconfcmd",) and len(args) >= 2:
            command, value = args[0].lower(), args[1]
            component = f"{component} {args[0]}"
            if command in ("curves", "groups"):
                out.groups(split_list(value), number, component, evidence, context, SUMMARY)
            elif command == "ciphersuites":
                out.suite_names(split_list(value), number, component, evidence, context)
            elif command == "cipherstring":
                # SSL_CONF takes this string as written: no suffix from mod_ssl
                setup = servers.setup(scope, suffix=False)
                out.cipher_string(value, number, component, evidence, context, setup)
            elif command in ("signaturealgorithms", "clientsignaturealgorithms"):
                out.sigalgs(split_list(value), number, component, evidence, context)
            elif command == "minprotocol":
                out.versions(
                    versions_between(version_id(value)), number, component, evidence, context
                )
        elif name in _FILES:
            out.records.extend(servers.files.report(args[0], number))


_Directive = tuple[list[str], int, str, tuple[str, ...]]


class _Servers:
    """The server set-up a cipher string of one file gets, by its scope (the sections
    enclosing it)."""

    def __init__(self, directives: list[_Directive], files: ReferencedFiles) -> None:
        self.directives = [
            (parts[0].lower(), parts[1:], scope) for parts, _, _, scope in directives
        ]
        self.files = files
        self.facts = server_facts("apache")
        self.client = ServerSetup(suffix=self.facts.cipher_string_suffix)

    def setup(self, scope: tuple[str, ...], *, suffix: bool = True) -> ServerSetup:
        reasons: list[Text] = []
        keys = self._certificate_keys(scope, reasons)
        found = server_setup(
            self.facts,
            dh_parameters=None,
            certificate_keys=keys,
            reasons=reasons,
            srp=any(name == _SRP for name, _, _ in self._applying(scope)),
        )
        return found if suffix else replace(found, suffix="")

    def _applying(self, scope: tuple[str, ...]) -> list[tuple[str, list[str], tuple[str, ...]]]:
        """The directives in force in `scope`: those of the scope and the scopes enclosing
        it; for the server-wide scope also those of the sections that inherit its cipher
        string (that set no SSLCipherSuite of their own)."""
        if scope:
            return [d for d in self.directives if scope[: len(d[2])] == d[2]]
        own = {where for name, _, where in self.directives if name == _CIPHERS and where}
        return [d for d in self.directives if not any(d[2][: len(where)] == where for where in own)]

    def _certificate_keys(self, scope: tuple[str, ...], reasons: list[Text]) -> set[str] | None:
        references: list[str] = []
        for name, args, _ in self._applying(scope):
            if args and name in _INCLUDES:
                texts, why = self.files.texts(args[0])
                if texts is None:
                    reasons.append(
                        text_key(
                            "narrowing.certificate", why=text_key("narrowing.include", why=why)
                        )
                    )
                    return None
                if sets(texts, ("SSLCertificateFile",), ignore_case=True):
                    included = text_key(
                        "narrowing.included-sets", path=args[0], directive="SSLCertificateFile"
                    )
                    reasons.append(text_key("narrowing.certificate", why=included))
                    return None
            elif args and name == _CERTIFICATE:
                references.append(args[0])
        keys = certificate_keys(self.files, references, reasons)
        if keys == set():
            reasons.append(text_key("narrowing.apache-no-certificate"))
            return None
        return keys
