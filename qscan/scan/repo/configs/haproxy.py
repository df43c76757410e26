"""HAProxy: the global ssl-default-bind-* / ssl-default-server-* settings (ciphers,
ciphersuites, curves, sigalgs, options with ssl-min-ver / no-tlsv1x) and the same options on
each `bind` and `server` line; `crt` / `ca-file` files are scanned (below `crt-base` /
`ca-base` when relative).

A bind-side cipher string lists only what the frontends can negotiate
(qscan.scan.repo.configs.negotiation): DHE suites only with `ssl-dh-param-file`,
`tune.ssl.default-dh-param` or DH parameters in a crt file (HAProxy 2.6 and later; whether
the global section sets them is known only when the file has one), and only the suites the
key types of the `crt` files authenticate: the bind line's own for its `ciphers`, those of
every `ssl` bind line without `ciphers` for `ssl-default-bind-ciphers`."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from qscan.model import Text, text_key
from qscan.scan.interface import FileContext, Record
from qscan.scan.repo.configs.lines import logical_lines, strip_inline_comment, words
from qscan.scan.repo.configs.negotiation import (
    CLIENT,
    ServerSetup,
    certificate_file,
    certificate_keys,
    server_facts,
    server_setup,
)
from qscan.scan.repo.configs.references import ReferencedFiles
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
        lines = list(_lines(text))
        frontends = _Frontends(lines, ReferencedFiles(ctx))
        for section, parts, number, evidence in lines:
            keyword = parts[0].lower()
            scope = {"scope": section} if section else {}
            if keyword.startswith(("ssl-default-bind-", "ssl-default-server-")) and len(parts) >= 2:
                setting = keyword.rsplit("-", 1)[1]
                setup = frontends.default() if keyword.startswith("ssl-default-bind-") else CLIENT
                self._setting(
                    setting, parts[1:], number, f"haproxy {keyword}", evidence, scope, setup, out
                )
            elif keyword in ("bind", "server", "default-server"):
                self._options(keyword, parts[1:], number, evidence, scope, frontends, out)
        return iter(out.records)

    @staticmethod
    def _setting(
        setting: str,
        args: list[str],
        number: int,
        component: str,
        evidence: str,
        scope: dict,
        setup: ServerSetup,
        out: TlsFindings,
    ) -> None:
        value = args[0]
        if setting == "ciphers":
            out.cipher_string(value, number, component, evidence, scope, setup)
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
        frontends: _Frontends,
        out: TlsFindings,
    ) -> None:
        if "ssl" not in args and keyword == "bind":
            return
        label = args[0] if args else ""
        scope = {**scope, "scope": f"{scope.get('scope', '')} {keyword} {label}".strip()}
        for i, opt in enumerate(args[:-1]):
            value = args[i + 1]
            component = f"haproxy {keyword} {opt}"
            if opt == "ciphers":
                setup = frontends.bind(args) if keyword == "bind" else CLIENT
                out.cipher_string(value, number, component, evidence, scope, setup)
            elif opt == "ciphersuites":
                out.suite_names(split_list(value), number, component, evidence, scope)
            elif opt in ("curves", "ecdhe"):
                summary = SUMMARY if keyword == "bind" else None
                out.groups(split_list(value), number, component, evidence, scope, summary)
            elif opt == "sigalgs":
                out.sigalgs(split_list(value), number, component, evidence, scope)
            elif opt in ("crt", "ca-file"):
                out.records.extend(frontends.files.report(frontends.path(opt, value), number))
        versions = _versions(args)
        if versions is not None:
            out.versions(versions, number, f"haproxy {keyword} ssl-min-ver", evidence, scope)


_Line = tuple[str, list[str], int, str]
"""(section, words, line number, text) of one configuration line."""


def _lines(text: str) -> Iterator[_Line]:
    section = ""
    for line in logical_lines(text):
        parts = words(strip_inline_comment(line.text))
        if not parts:
            continue
        if parts[0].lower() in _SECTIONS:
            section = " ".join(parts[:2])
            continue
        yield section, parts, line.number, line.text.strip()


class _Frontends:
    """The server set-up of one file's bind lines."""

    def __init__(self, lines: list[_Line], files: ReferencedFiles) -> None:
        self.files = files
        self.facts = server_facts("haproxy")
        settings = {
            parts[0].lower(): parts[1:] for section, parts, _, _ in lines if section == "global"
        }
        self.bases = {
            "crt": (settings.get("crt-base") or [""])[0],
            "ca-file": (settings.get("ca-base") or [""])[0],
        }
        self.has_global = any(section == "global" for section, *_ in lines)
        self.dh_global = any(name in settings for name in self.facts.dh_settings)
        self.binds = [
            parts[1:]
            for _, parts, _, _ in lines
            if parts[0].lower() == "bind" and "ssl" in parts[1:]
        ]

    def path(self, option: str, value: str) -> str:
        base = self.bases.get(option, "")
        return value if not base or value.startswith("/") else f"{base.rstrip('/')}/{value}"

    def bind(self, args: list[str]) -> ServerSetup:
        """The set-up of one bind line (its own `ciphers`)."""
        return self._setup([args])

    def default(self) -> ServerSetup:
        """The set-up `ssl-default-bind-ciphers` meets: every ssl bind line without its own
        `ciphers`."""
        return self._setup([b for b in self.binds if "ciphers" not in b[:-1]])

    def _setup(self, binds: list[list[str]]) -> ServerSetup:
        reasons: list[Text] = []
        crts = [
            self.path("crt", b[i + 1]) for b in binds for i, o in enumerate(b[:-1]) if o == "crt"
        ]
        if any("crt-list" in b for b in binds):
            reasons.append(text_key("narrowing.haproxy-crt-list"))
            keys = None
        elif not crts:
            reasons.append(text_key("narrowing.haproxy-no-crt"))
            keys = None
        else:
            keys = certificate_keys(self.files, crts, reasons)
        return server_setup(
            self.facts,
            dh_parameters=self._dh_parameters(crts, keys is not None, reasons),
            certificate_keys=keys,
            reasons=reasons,
        )

    def _dh_parameters(self, crts: list[str], all_read: bool, reasons: list[Text]) -> bool | None:
        if self.dh_global:
            return True
        in_files = self.facts.dh_in_certificate_file and any(
            certificate_file(self.files.load(crt).records or []).dh_parameters for crt in crts
        )
        if in_files:
            return True
        if self.has_global and all_read:
            return False
        if not self.has_global:
            why = text_key("narrowing.haproxy-no-global")
        elif crts:
            why = text_key("narrowing.haproxy-crt-not-read")
        else:
            why = text_key("narrowing.haproxy-crt-not-named")
        reasons.append(text_key("narrowing.dh-parameters", why=why))
        return None
