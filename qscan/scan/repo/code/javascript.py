"""JavaScript and TypeScript: node:crypto, WebCrypto `subtle.*`, node-forge, jsonwebtoken,
jose (rules/patterns/javascript.yaml). Local names resolve through `import` and
`require()` so that `jwt.sign` means jsonwebtoken only when it was imported as `jwt`."""

from __future__ import annotations

from pathlib import Path

from qscan.scan.repo.code.engine import CodeAnalyzer, CodeDetector
from qscan.scan.repo.code.tokens import IDENT, STRING, Syntax, Token, string_value
from qscan.scan.repo.code.values import ValueReader, matching


def module_name(spec: str) -> str:
    return spec[5:] if spec.startswith("node:") else spec


class JavaScriptDetector(CodeDetector):
    def aliases(self, tokens: list[Token], reader: ValueReader) -> dict[str, str]:
        out: dict[str, str] = {}
        n = len(tokens)
        for i, tok in enumerate(tokens):
            if tok.kind != IDENT:
                continue
            if tok.text == "import" and i + 1 < n and tokens[i + 1].text != "(":
                self._import(tokens, i + 1, out)
            elif (
                tok.text == "require"
                and i + 3 < n
                and tokens[i + 1].text == "("
                and tokens[i + 2].kind == STRING
                and tokens[i + 3].text == ")"
                and i >= 2
                and tokens[i - 1].text == "="
            ):
                module = module_name(string_value(tokens[i + 2].text))
                self._bind(tokens, i - 2, module, out)
        return out

    @staticmethod
    def _bind(tokens: list[Token], k: int, module: str, out: dict[str, str]) -> None:
        """`X = require(m)` binds X; `{ a, b: c } = require(m)` binds a and c."""
        if tokens[k].kind == IDENT:
            out[tokens[k].text] = module
            return
        if tokens[k].text != "}":
            return
        depth = 0
        j = k
        while j >= 0:
            if tokens[j].text == "}":
                depth += 1
            elif tokens[j].text == "{":
                depth -= 1
                if depth == 0:
                    break
            j -= 1
        _members(tokens, j, k, module, out, rename=":")

    @staticmethod
    def _import(tokens: list[Token], j: int, out: dict[str, str]) -> None:
        n = len(tokens)
        end = j
        while end < n and not (tokens[end].kind == IDENT and tokens[end].text == "from"):
            if tokens[end].text in (";", "=") or end - j > 200:
                break
            end += 1
        if end < n and tokens[end].text == "=":  # TS: import X = require("m")
            if end + 4 < n and tokens[end + 1].text == "require" and tokens[end + 3].kind == STRING:
                out[tokens[j].text] = module_name(string_value(tokens[end + 3].text))
            return
        if end + 1 >= n or tokens[end].text != "from" or tokens[end + 1].kind != STRING:
            return
        module = module_name(string_value(tokens[end + 1].text))
        k = j
        if k < end and tokens[k].kind == IDENT and tokens[k].text == "type":
            k += 1
        while k < end:
            tok = tokens[k]
            if tok.text == "*" and k + 2 < end and tokens[k + 1].text == "as":
                out[tokens[k + 2].text] = module
                k += 3
            elif tok.text == "{":
                close = min(matching(tokens, k, end), end)
                _members(tokens, k, close, module, out, rename="as")
                k = close + 1
            elif tok.kind == IDENT:
                out[tok.text] = module
                k += 1
            else:
                k += 1


def _members(
    tokens: list[Token], lo: int, hi: int, module: str, out: dict[str, str], rename: str
) -> None:
    k = lo + 1
    while k < hi:
        tok = tokens[k]
        if tok.kind == IDENT and tok.text != "type":
            local = tok.text
            if k + 2 < hi and tokens[k + 1].text == rename and tokens[k + 2].kind == IDENT:
                local = tokens[k + 2].text
                k += 2
            out[local] = f"{module}.{tok.text}"
        k += 1


class JavaScriptAnalyzer(CodeAnalyzer):
    name = "javascript"
    suffixes = (".js", ".mjs", ".cjs", ".jsx", ".ts", ".mts", ".cts", ".tsx")
    detector = JavaScriptDetector(
        "javascript",
        Syntax(single_quote="string", backticks=True, regex_literals=True, dollar_identifiers=True),
    )

    def wants_name(self, path: Path) -> bool:
        return super().wants_name(path) and not path.name.endswith((".min.js", ".d.ts"))
