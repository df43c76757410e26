"""Java security properties (java.security, and `-Djava.security.properties` overrides):
jdk.tls.disabledAlgorithms, jdk.certpath.disabledAlgorithms, jdk.jar.disabledAlgorithms
and jdk.tls.namedGroups.

A disabledAlgorithms list says what is refused; what matters for the inventory is what it
still lets through: the smallest key size accepted (`RSA keySize < 1024` accepts RSA-1024),
protocol versions that are not disabled, and SHA-1 / MD5 signatures a certificate path
list does not refuse."""

from __future__ import annotations

import re
from collections.abc import Iterator

from qscan.model import Finding, text_key
from qscan.scan.interface import FileContext, Record
from qscan.scan.repo.configs.tls_settings import TlsConfigAnalyzer, TlsFindings, split_list

_PROPERTY = re.compile(r"^([A-Za-z0-9_.\-]+)\s*[=:]\s*(.*)$")
_KEYSIZE = re.compile(
    r"^(RSA|RSASSA-PSS|DSA|DH|DiffieHellman|EC|ECDSA|ECDH|XDH|EdDSA)\s+keySize\s*(<|<=)\s*(\d+)",
    re.I,
)
_SNIFF = re.compile(rb"jdk\.(?:tls|certpath|jar)\.(?:disabledAlgorithms|namedGroups)")
_KEY_ALGORITHMS = {
    "rsa": "RSA",
    "rsassa-pss": "RSA",
    "dsa": "DSA",
    "dh": "DH",
    "diffiehellman": "DH",
    "ec": "ECDSA",
    "ecdsa": "ECDSA",
    "ecdh": "ECDH",
}
# Versions a JDK implements and a tls disabledAlgorithms list may leave enabled.
_JDK_VERSIONS = {"SSLv3": "ssl3", "TLSv1": "tls1.0", "TLSv1.1": "tls1.1"}
SUMMARY = "java tls key exchange (configured)"
_NIST_CURVES = {192: "P-192", 224: "P-224", 256: "P-256", 384: "P-384", 521: "P-521"}


def _properties(text: str) -> Iterator[tuple[int, str, str, list[tuple[int, int]]]]:
    """(line, key, value, [(offset in value, line)]) of a .properties file: a trailing `\\`
    continues a line, # and ! start comments. The offsets map each part of a continued
    value back to its physical line."""
    parts: list[tuple[int, str]] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not parts and (not line or line[0] in "#!"):
            continue
        continued = line.endswith("\\") and not line.endswith("\\\\")
        parts.append((number, line[:-1] if continued else line))
        if continued:
            continue
        joined = ""
        offsets: list[tuple[int, int]] = []
        for part_line, part in parts:
            offsets.append((len(joined), part_line))
            joined += part
        parts = []
        match = _PROPERTY.match(joined)
        if match:
            shift = match.start(2)
            spans = [(max(0, off - shift), ln) for off, ln in offsets]
            yield offsets[0][1], match.group(1), match.group(2).strip(), spans


def _line_of(spans: list[tuple[int, int]], value: str, entry: str, default: int) -> int:
    at = value.find(entry)
    line = default
    for offset, number in spans:
        if at >= offset:
            line = number
    return line


def _entries(value: str) -> list[str]:
    return [e.strip() for e in value.split(",") if e.strip()]


class JavaSecurityAnalyzer(TlsConfigAnalyzer):
    name = "java-security"
    sniff = _SNIFF
    suffixes = (".security", ".properties")
    filenames = frozenset({"java.security"})

    def analyze_text(self, text: str, ctx: FileContext) -> Iterator[Record]:
        out = TlsFindings(ctx)
        for line, key, value, spans in _properties(text):
            if key.endswith(".disabledAlgorithms"):
                self._disabled(key, value, line, spans, out)
            elif key == "jdk.tls.namedGroups":
                component = "java jdk.tls.namedGroups"
                out.groups(split_list(value), line, component, f"{key}={value}", None, SUMMARY)
        return iter(out.records)

    def _disabled(
        self, key: str, value: str, line: int, spans: list[tuple[int, int]], out: TlsFindings
    ) -> None:
        entries = _entries(value)
        evidence = f"{key}=…"
        kind = key.split(".")[1]  # tls | certpath | jar
        component = f"java {key}"
        for entry in entries:
            match = _KEYSIZE.match(entry)
            if not match:
                continue
            algorithm = _KEY_ALGORITHMS.get(match.group(1).lower())
            if algorithm is None:
                continue
            bits = int(match.group(3)) + (1 if match.group(2) == "<=" else 0)
            if kind == "tls" and algorithm in ("DH", "ECDH"):
                function = "key-exchange"
            elif kind == "tls" and algorithm == "ECDSA":
                function = "key-exchange"
                algorithm = "ECDH"
            else:
                function = "signature"
            params: dict = {"bits": bits} if algorithm in ("RSA", "DSA", "DH") else {}
            if algorithm in ("ECDSA", "ECDH") and bits in _NIST_CURVES:
                params = {"curve": _NIST_CURVES[bits]}
            out.add(
                Finding(
                    algorithm=algorithm,
                    function=function,
                    asset="algorithm",
                    location=out.location(_line_of(spans, value, entry, line), component),
                    params=params,
                    evidence=f"{key}: {entry}",
                    context={
                        "constraint": entry,
                        "meaning": f"smallest {match.group(1)} key accepted",
                    },
                    identity=f"{key} {entry}",
                    texts={
                        "context.meaning": text_key("java.smallest-key", algorithm=match.group(1)),
                    },
                )
            )
        names = {e.split()[0].strip('"') for e in entries}
        if kind == "tls":
            allowed = [vid for name, vid in _JDK_VERSIONS.items() if name not in names]
            if allowed:
                first = len(out.records)
                out.versions(allowed, line, component, evidence, {"meaning": f"not in {key}"})
                said = {"context.meaning": text_key("java.not-in", key=key)}
                for record in out.records[first:]:
                    if isinstance(record, Finding):
                        record.texts = said
        if kind == "certpath":
            upper = {n.upper() for n in names}
            for digest, spellings in (("SHA-1", ("SHA1", "SHA-1")), ("MD5", ("MD5",))):
                if not any(s in upper for s in spellings):
                    out.add(
                        Finding(
                            algorithm="unknown",
                            function="signature",
                            asset="algorithm",
                            location=out.location(line, component),
                            params={"hash": digest},
                            evidence=f"{key} does not list {digest}",
                            context={
                                "meaning": f"certificate signatures with {digest} are accepted"
                            },
                            identity=f"{key} accepts {digest}",
                            texts={
                                "evidence": text_key("java.not-listed", key=key, digest=digest),
                                "context.meaning": text_key("java.digest-accepted", digest=digest),
                            },
                        )
                    )
