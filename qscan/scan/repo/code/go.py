"""Go source: crypto/*, golang.org/x/crypto, golang-jwt (rules/patterns/go.yaml).
Package names resolve through the file's import block."""

from __future__ import annotations

import re

from qscan.scan.repo.code.engine import CodeAnalyzer, CodeDetector
from qscan.scan.repo.code.tokens import IDENT, STRING, Syntax, Token, string_value
from qscan.scan.repo.code.values import ValueReader

_VERSION = re.compile(r"^v\d+$")


def package_name(path: str) -> str:
    """The default name of an imported package: its last path element, skipping a
    major-version suffix (github.com/golang-jwt/jwt/v5 -> jwt)."""
    parts = [p for p in path.split("/") if p]
    if len(parts) > 1 and _VERSION.match(parts[-1]):
        return parts[-2]
    return parts[-1] if parts else path


class GoDetector(CodeDetector):
    def aliases(self, tokens: list[Token], reader: ValueReader) -> dict[str, str]:
        out: dict[str, str] = {}
        n = len(tokens)
        i = 0
        while i < n:
            if tokens[i].kind == IDENT and tokens[i].text == "import":
                if i + 1 < n and tokens[i + 1].text == "(":
                    j = i + 2
                    while j < n and tokens[j].text != ")":
                        j = self._spec(tokens, j, out)
                    i = j
                else:
                    i = self._spec(tokens, i + 1, out)
                continue
            if tokens[i].kind == IDENT and tokens[i].text in ("func", "type", "var", "const"):
                break  # imports come first in a Go file
            i += 1
        return out

    @staticmethod
    def _spec(tokens: list[Token], j: int, out: dict[str, str]) -> int:
        alias = None
        if j < len(tokens) and tokens[j].kind != STRING:
            alias = tokens[j].text
            j += 1
        if j < len(tokens) and tokens[j].kind == STRING:
            path = string_value(tokens[j].text)
            name = alias or package_name(path)
            if name not in ("_", "."):
                out[name] = path
            return j + 1
        return j + 1


class GoAnalyzer(CodeAnalyzer):
    name = "go"
    suffixes = (".go",)
    detector = GoDetector("go", Syntax(single_quote="char", backticks=True))
