"""Apache httpd mod_ssl: SSLProtocol, SSLCipherSuite (the TLSv1.3 form too),
SSLOpenSSLConfCmd Curves|Groups|Ciphersuites|SignatureAlgorithms|MinProtocol, the
SSLProxy* equivalents, and SSLCertificateFile / SSLCertificateKeyFile (referenced files
are scanned). Directive names are case-insensitive; <VirtualHost> gives the scope.

Cipher strings list SRP suites only where `SSLSRPVerifierFile` is set (in the same
<VirtualHost> or an enclosing scope); see tls_settings.

`SSLProtocol all` means TLSv1 to TLSv1.3 here: mod_ssl includes SSLv3 only when OpenSSL
was built with it, and OpenSSL 1.1.0 and later build without SSLv3 by default.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from qscan.model import text_key
from qscan.scan.interface import FileContext, Record
from qscan.scan.repo.configs.lines import logical_lines, words
from qscan.scan.repo.configs.references import referenced_file
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
        srp_scopes = {scope for parts, _, _, scope in directives if parts[0].lower() == _SRP}
        for parts, number, evidence, scope in directives:
            # a verifier file set in a scope or one enclosing it enables SRP suites there
            srp = any(scope[: len(s)] == s for s in srp_scopes)
            self._directive(parts[0].lower(), parts, number, evidence, scope, srp, out, ctx)
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
        srp: bool,
        out: TlsFindings,
        ctx: FileContext,
    ) -> None:
        args = parts[1:]
        if not args:
            return
        context = {"scope": scope[-1]} if scope else {}
        component = f"apache {parts[0]}"
        if name in ("sslprotocol", "sslproxyprotocol"):
            out.versions(enabled_versions(args), number, component, evidence, context)
        elif name in ("sslciphersuite", "sslproxyciphersuite"):
            if len(args) >= 2 and args[0].upper() in ("TLSV1.3", "SSL"):
                if args[0].upper() == "TLSV1.3":
                    out.suite_names(split_list(args[1]), number, component, evidence, context)
                else:
                    out.cipher_string(args[1], number, component, evidence, context, srp)
            else:
                out.cipher_string(args[0], number, component, evidence, context, srp)
        elif name in ("sslopensslconfcmd",) and len(args) >= 2:
            command, value = args[0].lower(), args[1]
            component = f"{component} {args[0]}"
            if command in ("curves", "groups"):
                out.groups(split_list(value), number, component, evidence, context, SUMMARY)
            elif command == "ciphersuites":
                out.suite_names(split_list(value), number, component, evidence, context)
            elif command == "cipherstring":
                out.cipher_string(value, number, component, evidence, context, srp)
            elif command in ("signaturealgorithms", "clientsignaturealgorithms"):
                out.sigalgs(split_list(value), number, component, evidence, context)
            elif command == "minprotocol":
                out.versions(
                    versions_between(version_id(value)), number, component, evidence, context
                )
        elif name in _FILES:
            out.records.extend(referenced_file(args[0], ctx, number))
