"""Rust source: ring, RustCrypto, rust-openssl (rules/patterns/rust.yaml). `use` paths
are resolved so that a name stands for its crate path."""

from __future__ import annotations

from qscan.scan.repo.code.engine import CodeAnalyzer, CodeDetector
from qscan.scan.repo.code.tokens import IDENT, Syntax, Token
from qscan.scan.repo.code.values import ValueReader


class RustDetector(CodeDetector):
    def aliases(self, tokens: list[Token], reader: ValueReader) -> dict[str, str]:
        out: dict[str, str] = {}
        n = len(tokens)
        i = 0
        while i < n:
            if tokens[i].kind == IDENT and tokens[i].text == "use":
                i = self._tree(tokens, i + 1, [], out)
            else:
                i += 1
        return out

    def _tree(self, tokens: list[Token], i: int, prefix: list[str], out: dict[str, str]) -> int:
        """Parse one use-tree (`a::b::{c, d as e, f::*}`) starting at i; return the index
        after it."""
        n = len(tokens)
        path = list(prefix)
        while i < n:
            tok = tokens[i]
            if tok.kind == IDENT and tok.text not in ("as", "self", "crate", "super"):
                path.append(tok.text)
                i += 1
            elif tok.text in ("crate", "super", "self") and tok.kind == IDENT:
                if tok.text == "self" and path:
                    out[path[-1]] = ".".join(path)
                i += 1
            elif tok.text == "::":
                i += 1
            elif tok.text == "{":
                i += 1
                while i < n and tokens[i].text != "}":
                    i = self._tree(tokens, i, path, out)
                    if i < n and tokens[i].text == ",":
                        i += 1
                return i + 1
            elif tok.text == "as" and i + 1 < n:
                if path:
                    out[tokens[i + 1].text] = ".".join(path)
                return i + 2
            else:
                break
        if path and len(path) > len(prefix):
            out[path[-1]] = ".".join(path)
        return i


class RustAnalyzer(CodeAnalyzer):
    name = "rust"
    suffixes = (".rs",)
    detector = RustDetector(
        "rust", Syntax(single_quote="rust", nested_comments=True, raw_strings="rust")
    )
