"""Postfix main.cf: the TLS parameters of the SMTP server (smtpd_tls_*), client (smtp_tls_*,
lmtp_tls_*), postscreen / tlsproxy and the global tls_* settings: protocols (`!SSLv3`,
`>=TLSv1.2` forms), configured cipher lists (tls_high_cipherlist ...) with the
*_exclude_ciphers of the same file, curves and groups, fingerprint digests, and the
certificate, key and DH parameter files (scanned). Grade names alone (`high`) are not
expanded: their lists are Postfix build defaults, not configuration. The lists serve the
SMTP server and client alike, so they are not narrowed by certificate key type; DHE suites
stay (Postfix has DH parameters of its own, rules/tls/servers.yaml)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from qscan.catalog import catalog
from qscan.model import Finding, text_key
from qscan.scan.interface import FileContext, Record
from qscan.scan.repo.configs.lines import logical_lines
from qscan.scan.repo.configs.negotiation import server_facts, server_setup
from qscan.scan.repo.configs.references import referenced_file
from qscan.scan.repo.configs.tls_settings import (
    TlsConfigAnalyzer,
    TlsFindings,
    split_list,
    version_id,
)
from qscan.scan.repo.text import looks_binary

_ASSIGN = re.compile(r"^([A-Za-z0-9_]+)\s*=\s*(.*)$")
_PREFIXES = (
    "smtpd_tls_",
    "smtp_tls_",
    "lmtp_tls_",
    "postscreen_tls_",
    "tlsproxy_tls_",
    "tlsproxy_client_",
    "tls_",
)
# Postfix protocol names; SSLv2 is not implemented by any OpenSSL Postfix builds against.
_BASE = ("ssl3", "tls1.0", "tls1.1", "tls1.2", "tls1.3")
_FILE_SUFFIXES = (
    "cert_file",
    "key_file",
    "dcert_file",
    "dkey_file",
    "eccert_file",
    "eckey_file",
    "chain_files",
    "dh1024_param_file",
    "dh512_param_file",
    "CAfile",
)
SUMMARY = "postfix tls key exchange (configured)"
_CLIENT_TOO = text_key("narrowing.postfix-client")


def postfix_protocols(value: str) -> list[str]:
    """Enabled versions from `!SSLv2, !SSLv3`, `>=TLSv1.2`, `<=TLSv1.2` or a plain list."""
    tokens = [t for t in re.split(r"[\s,:]+", value) if t]
    include = [version_id(t) for t in tokens if t[0] not in "!<>"]
    enabled = [v for v in include if v] or list(_BASE)
    for token in tokens:
        if token.startswith("!"):
            vid = version_id(token[1:])
            enabled = [v for v in enabled if v != vid]
        elif token.startswith(">="):
            vid = version_id(token[2:])
            if vid in _BASE:
                enabled = [v for v in enabled if _BASE.index(v) >= _BASE.index(vid)]
        elif token.startswith("<="):
            vid = version_id(token[2:])
            if vid in _BASE:
                enabled = [v for v in enabled if _BASE.index(v) <= _BASE.index(vid)]
    return enabled


class PostfixAnalyzer(TlsConfigAnalyzer):
    name = "postfix"
    filenames = frozenset({"main.cf"})

    def wants(self, path: Path, head: bytes) -> bool:
        return path.name.lower() == "main.cf" and not looks_binary(head)

    def analyze_text(self, text: str, ctx: FileContext) -> Iterator[Record]:
        out = TlsFindings(ctx)
        settings: dict[str, tuple[int, str, str]] = {}
        for line in logical_lines(text, backslash=False, indent_continues=True):
            match = _ASSIGN.match(line.text.strip())
            if match is None:
                out.error(
                    "parse-error",
                    f"main.cf: not a 'name = value' line: {line.text[:60]!r}",
                    line.number,
                    text_key("config.not-assignment", file="main.cf", line=repr(line.text[:60])),
                )
                continue
            settings[match.group(1)] = (line.number, match.group(2).strip(), line.text.strip())
        for name, (number, value, evidence) in settings.items():
            if value and name.startswith(_PREFIXES):
                self._parameter(name, value, number, evidence, settings, out, ctx)
        return iter(out.records)

    @staticmethod
    def _parameter(
        name: str,
        value: str,
        number: int,
        evidence: str,
        settings: dict[str, tuple[int, str, str]],
        out: TlsFindings,
        ctx: FileContext,
    ) -> None:
        component = f"postfix {name}"
        if name.endswith("protocols"):
            out.versions(postfix_protocols(value), number, component, evidence)
        elif re.fullmatch(r"tls_(?:high|medium|low|export|null)_cipherlist", name):
            excluded = [
                split_list(settings[p][1])
                for p in ("smtpd_tls_exclude_ciphers", "smtp_tls_exclude_ciphers")
                if p in settings
            ]
            extra = "".join(f":!{x}" for names in excluded for x in names)
            setup = server_setup(
                server_facts("postfix"),
                dh_parameters=None,
                certificate_keys=None,
                reasons=[_CLIENT_TOO],
            )
            out.cipher_string(value + extra, number, component, evidence, None, setup)
        elif name in (
            "tls_eecdh_auto_curves",
            "tls_ffdhe_auto_groups",
            "tls_eecdh_strong_curve",
            "tls_eecdh_ultra_curve",
        ):
            summary = SUMMARY if name == "tls_eecdh_auto_curves" else None
            out.groups(split_list(value), number, component, evidence, None, summary)
        elif name.endswith("fingerprint_digest"):
            digest = catalog().canonical(value)
            if digest:
                out.add(
                    Finding(
                        algorithm=digest,
                        function="hash",
                        asset="algorithm",
                        location=out.location(number, component),
                        evidence=evidence,
                        context={"used_for": "certificate fingerprints"},
                        identity=name,
                    )
                )
        elif name.endswith(_FILE_SUFFIXES):
            for path in split_list(value):
                out.records.extend(referenced_file(path, ctx, number))
