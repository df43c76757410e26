"""Key material embedded in any text file: PEM blocks and JWK / JWKS objects.

PEM blocks go to the certificate scanner (`qscan.scan.certs.analyze_bytes`, which also
reads blocks written as string literals in code) with the line where they start. A file
the certificate analyzer takes whole (a PEM marker in its first 4 KiB) is left to it; this
analyzer finds the blocks further down in any text file. JWK objects (`"kty": ...`,
RFC 7517) become findings for their algorithm and size; a JWK carrying private members
(`d`, `priv`) is also a stored private key, judged by the hygiene rules. No key material
reaches the evidence.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from qscan.model import Finding, text_key
from qscan.scan.certs import analyze_bytes, wants_content
from qscan.scan.interface import FileAnalyzer, FileContext, Record
from qscan.scan.repo.code.patterns import shared_table
from qscan.scan.repo.findings import FileFindings
from qscan.scan.repo.text import LineIndex, decode, looks_binary

HEAD_BYTES = 4096
_BEGIN = re.compile(rb"-----BEGIN ([A-Z0-9][A-Z0-9 #._/-]{0,60})-----")
_KTY = re.compile(r"""\bkty["']?\s*[:=]\s*["']?([A-Za-z]+)""")
_KTY_BYTES = re.compile(rb"""\bkty["']?\s*[:=]""")
_FIELD = r"""["']?\b{name}["']?\s*[:=]\s*["']([^"']*)["']"""
_PRIVATE_MEMBERS = ("d", "p", "q", "dp", "dq", "qi", "priv")
_JSON_SUFFIXES = (".json", ".jwk", ".jwks")
MAX_JWKS = 1000


def _pem_regions(data: bytes) -> Iterator[tuple[int, int, int]]:
    """(start, end, line) of each BEGIN...END region; line is 1-based."""
    pos = 0
    line = 1
    counted = 0
    while (m := _BEGIN.search(data, pos)) is not None:
        line += data.count(b"\n", counted, m.start())
        counted = m.start()
        marker = b"-----END " + m.group(1) + b"-----"
        end = data.find(marker, m.end())
        if end < 0:
            return
        later = _BEGIN.search(data, m.end(), end)
        if later is not None:  # a stray BEGIN (in prose or a comment) before a real block
            pos = later.start()
            continue
        yield m.start(), end + len(marker), line
        pos = end + len(marker)


def _b64url_bits(value: Any) -> int | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except (binascii.Error, ValueError):
        return None
    return int.from_bytes(raw, "big").bit_length() or None


class EmbeddedKeyAnalyzer(FileAnalyzer):
    """PEM blocks anywhere in text files and JWK/JWKS objects."""

    name = "embedded"

    def prepare(self) -> None:
        shared_table("jwt-alg")

    def wants(self, path: Path, head: bytes) -> bool:
        return not looks_binary(head)

    def analyze(self, data: bytes, ctx: FileContext) -> Iterator[Record]:
        if b"-----BEGIN " in data:
            yield from self._pem(data, ctx)
        if b"kty" in data and _KTY_BYTES.search(data):
            yield from self._jwk(data, ctx)

    def _pem(self, data: bytes, ctx: FileContext) -> Iterator[Record]:
        if wants_content(ctx.path, data[:HEAD_BYTES]):
            return  # the certificate analyzer reads this file whole, PEM in code strings too
        for start, end, line in _pem_regions(data):
            yield from analyze_bytes(data[start:end], ctx, line_offset=line - 1)

    def _jwk(self, data: bytes, ctx: FileContext) -> Iterator[Record]:
        text = decode(data)
        if not _KTY.search(text):
            return
        made = FileFindings(ctx)
        lines = LineIndex(text)
        objects = self._json_objects(text, ctx)
        if objects is None:
            objects = list(self._literal_objects(text))
        for offset, jwk in objects[:MAX_JWKS]:
            yield from _jwk_findings(jwk, made, lines.line(offset))

    @staticmethod
    def _json_objects(text: str, ctx: FileContext) -> list[tuple[int, dict[str, Any]]] | None:
        """JWKs of a JSON document with the offset of each `"kty"`; None if not JSON."""
        stripped = text.lstrip()
        if not (ctx.relpath.lower().endswith(_JSON_SUFFIXES) or stripped[:1] in "{["):
            return None
        try:
            doc = json.loads(text)
        except (ValueError, RecursionError):
            return None
        found: list[dict[str, Any]] = []
        stack: list[Any] = [doc]
        while stack and len(found) < MAX_JWKS:
            node = stack.pop()
            if isinstance(node, dict):
                if isinstance(node.get("kty"), str):
                    found.append(node)
                stack.extend(reversed(list(node.values())))
            elif isinstance(node, list):
                stack.extend(reversed(node))
        offsets = [m.start() for m in re.finditer(r'"kty"\s*:', text)]
        if len(offsets) != len(found):
            offsets = [0] * len(found)
        return list(zip(offsets, found, strict=True))

    @staticmethod
    def _literal_objects(text: str) -> Iterator[tuple[int, dict[str, Any]]]:
        """JWKs written as object literals in code or YAML: the members read by name from
        the text around each `kty`."""
        for m in _KTY.finditer(text):
            lo = text.rfind("{", 0, m.start())
            hi = text.find("}", m.end())
            if lo < 0 or hi < 0 or m.start() - lo > 4000 or hi - m.end() > 8000:
                lo, hi = max(0, m.start() - 200), min(len(text), m.end() + 2000)
                nxt = _KTY.search(text, m.end())
                if nxt is not None:
                    hi = min(hi, nxt.start())
            window = text[lo:hi]
            jwk: dict[str, Any] = {"kty": m.group(1)}
            for name in ("crv", "alg", "use", "kid", "n", "x", "pub", *_PRIVATE_MEMBERS):
                field = re.search(_FIELD.format(name=re.escape(name)), window)
                if field:
                    jwk[name] = field.group(1)
            yield m.start(), jwk


_CURVES = {"P-256": "P-256", "P-384": "P-384", "P-521": "P-521", "secp256k1": "secp256k1"}


def _jwk_findings(jwk: dict[str, Any], made: FileFindings, line: int) -> Iterator[Finding]:
    kty = str(jwk.get("kty", ""))
    alg = jwk.get("alg") if isinstance(jwk.get("alg"), str) else None
    use = jwk.get("use") if isinstance(jwk.get("use"), str) else None
    crv = jwk.get("crv") if isinstance(jwk.get("crv"), str) else None
    fields: dict[str, Any] = {}
    if alg:
        entry = shared_table("jwt-alg").lookup(alg)
        if isinstance(entry, dict):
            fields.update(entry)
    public = ""
    if kty == "RSA":
        fields["algorithm"] = "RSA"
        bits = _b64url_bits(jwk.get("n"))
        if bits:
            fields["bits"] = bits
        public = str(jwk.get("n") or "")
    elif kty == "EC":
        kex = use == "enc" or (alg or "").startswith("ECDH")
        fields["algorithm"] = "ECDH" if kex else "ECDSA"
        if crv in _CURVES:
            fields["curve"] = _CURVES[crv]
        public = f"{jwk.get('x', '')}{jwk.get('y', '')}"
    elif kty == "OKP":
        fields["algorithm"] = {
            "Ed25519": "Ed25519",
            "Ed448": "Ed448",
            "X25519": "X25519",
            "X448": "X448",
        }.get(crv or "", "unknown")
        fields.pop("curve", None)
        public = str(jwk.get("x") or "")
    elif kty == "AKP" and alg:
        fields["algorithm"] = alg
        public = str(jwk.get("pub") or "")
    else:
        return  # oct (symmetric) keys and unknown types carry no public-key algorithm
    algorithm = str(fields.pop("algorithm"))
    function = fields.pop("function", None)
    if algorithm in ("X25519", "X448", "ECDH"):
        function = "key-exchange"
    elif function is None:
        function = "encryption" if use == "enc" else "signature"
    private = any(isinstance(jwk.get(m), str) and jwk.get(m) for m in _PRIVATE_MEMBERS)
    summary = " ".join(
        f"{k}={v}" for k, v in (("kty", kty), ("crv", crv), ("alg", alg), ("use", use)) if v
    )
    size = f" ({fields['bits']}-bit)" if "bits" in fields else ""
    evidence = f"JWK {summary}{size}" + (" with private key members" if private else "")
    said = {"evidence": text_key("jwk.private", key=f"{summary}{size}")} if private else None
    digest = hashlib.sha256(public.encode()).hexdigest()[:16] if public else ""
    identity = f"jwk {kty} {jwk.get('kid', '')} {digest}".strip()
    params = {k: v for k, v in fields.items() if k in ("bits", "curve", "hash", "padding")}
    yield made.make(
        component="jwk",
        algorithm=algorithm,
        function=function,
        asset="key",
        line=line,
        evidence=evidence,
        params=params,
        context={"kid": jwk["kid"]} if isinstance(jwk.get("kid"), str) else None,
        identity=identity,
        texts=said,
    )
    if private:
        yield made.make(
            component="jwk private key",
            algorithm=algorithm,
            function="key-storage",
            asset="key",
            line=line,
            evidence=evidence,
            params=params,
            context={"encrypted": False, "stored_in": "jwk"},
            identity=identity + " private",
            texts=said,
        )
