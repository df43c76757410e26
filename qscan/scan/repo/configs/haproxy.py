"""HAProxy: the global ssl-default-bind-* / ssl-default-server-* settings (ciphers,
ciphersuites, curves, sigalgs, options with ssl-min-ver / no-tlsv1x) and the same options on
each `bind` and `server` line; `crt` / `ca-file` files are scanned."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from qscan.scan.interface import FileContext, Record
from qscan.scan.repo.configs.lines import logical_lines, strip_inline_comment, words
from qscan.scan.repo.configs.references import referenced_file
from qscan.scan.repo.configs.tls_settings import (
    ALL_VERSIONS,
    TlsConfigAnalyzer,
    TlsFindings,
    split_list,
    version_id,
    versions_between,
)
from qscan.scan.repo.text import looks_binary

_SNIFF = re.compile(
    rb"(?m)^\s*(?:global|defaults|frontend|backend|listen)\b|ssl-default-(?:bind|server)-"
)
_SECTIONS = (
    "global",
    "defaults",
    "frontend",
    "backend",
    "listen",
    "peers",
    "resolvers",
    "userlist",
    "program",
    "http-errors",
    "ring",
    "cache",
    "mailers",
)
_NO_VERSION = {
    "no-sslv3": "ssl3",
    "no-tlsv10": "tls1.0",
    "no-tlsv11": "tls1.1",
    "no-tlsv12": "tls1.2",
    "no-tlsv13": "tls1.3",
}
_FORCE = {
    "force-sslv3": "ssl3",
    "force-tlsv10": "tls1.0",
    "force-tlsv11": "tls1.1",
    "force-tlsv12": "tls1.2",
    "force-tlsv13": "tls1.3",
}
SUMMARY = "haproxy tls key exchange (configured)"
# HAProxy's own default minimum since 2.2 is TLSv1.2 (ssl-min-ver in the management guide).
_DEFAULT_MIN = "tls1.2"


def _versions(options: list[str]) -> list[str] | None:
    """Enabled versions from ssl-min-ver / ssl-max-ver / no-* / force-* options, or None
    when the options say nothing about versions."""
    low = high = None
    disabled: set[str] = set()
    said = False
    for i, opt in enumerate(options):
        if opt in ("ssl-min-ver", "ssl-max-ver") and i + 1 < len(options):
            said = True
            vid = version_id(options[i + 1])
            low, high = (vid, high) if opt == "ssl-min-ver" else (low, vid)
        elif opt in _NO_VERSION:
            said = True
            disabled.add(_NO_VERSION[opt])
        elif opt in _FORCE:
            return [_FORCE[opt]]
    if not said:
        return None
    enabled = versions_between(low or _DEFAULT_MIN, high)
    return [v for v in enabled if v not in disabled and v in ALL_VERSIONS and v != "ssl2"]


class HaproxyAnalyzer(TlsConfigAnalyzer):
    name = "haproxy"
    suffixes = (".cfg",)
    filenames = frozenset({"haproxy.cfg"})

    def could_want(self, name: str, path: str) -> bool:
        return name.endswith(".cfg") or "haproxy" in name

    def wants(self, path: Path, head: bytes) -> bool:
        name = path.name.lower()
        if not (name.endswith(".cfg") or "haproxy" in name):
            return False
        return (
            not looks_binary(head)
            and bool(_SNIFF.search(head))
            and (
                b"haproxy" in head.lower()
                or b"bind " in head
                or b"ssl-default" in head
                or name == "haproxy.cfg"
            )
        )

    def analyze_text(self, text: str, ctx: FileContext) -> Iterator[Record]:
        out = TlsFindings(ctx)
        section = ""
        for line in logical_lines(text):
            parts = words(strip_inline_comment(line.text))
            if not parts:
                continue
            keyword = parts[0].lower()
            if keyword in _SECTIONS:
                section = " ".join(parts[:2])
                continue
            scope = {"scope": section} if section else {}
            evidence = line.text.strip()
            if keyword.startswith(("ssl-default-bind-", "ssl-default-server-")) and len(parts) >= 2:
                setting = keyword.rsplit("-", 1)[1]
                self._setting(
                    setting, parts[1:], line.number, f"haproxy {keyword}", evidence, scope, out
                )
            elif keyword in ("bind", "server", "default-server"):
                self._options(keyword, parts[1:], line.number, evidence, scope, out, ctx)
        return iter(out.records)

    @staticmethod
    def _setting(
        setting: str,
        args: list[str],
        number: int,
        component: str,
        evidence: str,
        scope: dict,
        out: TlsFindings,
    ) -> None:
        value = args[0]
        if setting == "ciphers":
            out.cipher_string(value, number, component, evidence, scope)
        elif setting == "ciphersuites":
            out.suite_names(split_list(value), number, component, evidence, scope)
        elif setting == "curves":
            summary = SUMMARY if "bind" in component else None
            out.groups(split_list(value), number, component, evidence, scope, summary)
        elif setting == "sigalgs":
            out.sigalgs(split_list(value), number, component, evidence, scope)
        elif setting == "options":
            versions = _versions(args)
            if versions is not None:
                out.versions(versions, number, component, evidence, scope)

    def _options(
        self,
        keyword: str,
        args: list[str],
        number: int,
        evidence: str,
        scope: dict,
        out: TlsFindings,
        ctx: FileContext,
    ) -> None:
        if "ssl" not in args and keyword == "bind":
            return
        label = args[0] if args else ""
        scope = {**scope, "scope": f"{scope.get('scope', '')} {keyword} {label}".strip()}
        for i, opt in enumerate(args[:-1]):
            value = args[i + 1]
            component = f"haproxy {keyword} {opt}"
            if opt == "ciphers":
                out.cipher_string(value, number, component, evidence, scope)
            elif opt == "ciphersuites":
                out.suite_names(split_list(value), number, component, evidence, scope)
            elif opt in ("curves", "ecdhe"):
                summary = SUMMARY if keyword == "bind" else None
                out.groups(split_list(value), number, component, evidence, scope, summary)
            elif opt == "sigalgs":
                out.sigalgs(split_list(value), number, component, evidence, scope)
            elif opt in ("crt", "ca-file"):
                out.records.extend(referenced_file(value, ctx, number))
        versions = _versions(args)
        if versions is not None:
            out.versions(versions, number, f"haproxy {keyword} ssl-min-ver", evidence, scope)
