"""Python source, read with the `ast` module (patterns in rules/patterns/python.yaml).

Names resolve through the module's imports (`from cryptography...asymmetric import rsa as
r` makes `r.generate_private_key` the cryptography function); keyword and positional
arguments are read as literals, module constants assigned once (`KEY_SIZE = 1024`) are
followed, and `if False:` bodies are skipped. A file that is not valid Python 3 (Python 2,
templates) falls back to the tokenizer with the same patterns.
"""

from __future__ import annotations

import ast
import re
from collections import deque
from collections.abc import Iterator
from functools import cache
from typing import Any

from qscan.scan.interface import FileContext, Record
from qscan.scan.repo.code.engine import (
    CodeAnalyzer,
    CodeDetector,
    find_pattern,
    pattern_finding,
    read_fields,
)
from qscan.scan.repo.code.patterns import PatternSet, load_patterns
from qscan.scan.repo.code.tokens import IDENT, Syntax, Token
from qscan.scan.repo.code.values import Value, ValueReader
from qscan.scan.repo.findings import FileFindings, shorten
from qscan.scan.repo.text import decode, sniff_encoding

_ARG_CHARS = 60
_SYNTAX = Syntax(single_quote="string", hash_comments="all", raw_strings="python")


def dotted(node: ast.AST) -> str | None:
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return None


def _children(node: ast.AST) -> list[ast.AST]:
    """ast.iter_child_nodes as a list, without its two generator layers per node."""
    out: list[ast.AST] = []
    for name in node._fields:
        value = getattr(node, name, None)
        if isinstance(value, ast.AST):
            out.append(value)
        elif isinstance(value, list):
            out.extend(item for item in value if isinstance(item, ast.AST))
    return out


def _walk(tree: ast.AST) -> Iterator[ast.AST]:
    """ast.walk (breadth first, the same order) on _children."""
    queue = deque([tree])
    while queue:
        node = queue.popleft()
        queue.extend(_children(node))
        yield node


# Fields holding statements: an import is a statement, so only these are walked for them.
_STATEMENT_FIELDS = frozenset({"body", "orelse", "finalbody", "handlers", "cases"})


def _import_aliases(tree: ast.AST) -> dict[str, str]:
    """Local name -> imported module or name, in the order of the source (a later import
    of a name wins, as when the module runs)."""
    aliases: dict[str, str] = {}
    stack: list[ast.AST] = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    aliases[alias.asname] = alias.name
                else:
                    head = alias.name.split(".")[0]
                    aliases.setdefault(head, head)
        elif isinstance(node, ast.ImportFrom):
            if node.level or not node.module:
                continue
            for alias in node.names:
                if alias.name != "*":
                    aliases[alias.asname or alias.name] = f"{node.module}.{alias.name}"
        else:
            nested: list[ast.AST] = []
            for name in node._fields:
                if name in _STATEMENT_FIELDS:
                    nested.extend(getattr(node, name, None) or ())
            stack.extend(reversed(nested))
    return aliases


def _constants(tree: ast.AST) -> dict[str, ast.expr]:
    counts: dict[str, int] = {}
    values: dict[str, ast.expr] = {}
    for node in _walk(tree):
        targets: list[ast.expr] = []
        value: ast.expr | None = None
        if isinstance(node, ast.Assign):
            targets, value = node.targets, node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            targets, value = [node.target], node.value
        elif isinstance(node, ast.AugAssign | ast.For | ast.With | ast.NamedExpr):
            target = getattr(node, "target", None)
            if isinstance(target, ast.Name):
                counts[target.id] = counts.get(target.id, 0) + 2
            continue
        for target in targets:
            if isinstance(target, ast.Name):
                counts[target.id] = counts.get(target.id, 0) + 1
                if value is not None:
                    values[target.id] = value
    return {
        name: value
        for name, value in values.items()
        if counts.get(name) == 1
        and isinstance(value, ast.Constant | ast.Attribute | ast.Name | ast.Call | ast.UnaryOp)
    }


def _dead(node: ast.If) -> bool:
    test = node.test
    return isinstance(test, ast.Constant) and not test.value


class _Detector:
    def __init__(self, text: str, ctx: FileContext, patterns: PatternSet, tree: ast.Module) -> None:
        self.text = text
        self.patterns = patterns
        self.made = FileFindings(ctx)
        self.findings: list[Any] = []
        self.aliases = _import_aliases(tree)
        self.tree = tree
        self._constants: dict[str, ast.expr] | None = None
        self._lines: list[str] | None = None
        self.called: set[int] = set()
        self.skipped: set[int] = set()

    @property
    def constants(self) -> dict[str, ast.expr]:
        """Names assigned once in the module, computed on the first need."""
        if self._constants is None:
            self._constants = _constants(self.tree)
        return self._constants

    def resolve(self, name: str) -> str:
        head, _, rest = name.partition(".")
        full = self.aliases.get(head)
        if full is None:
            return name
        return f"{full}.{rest}" if rest else full

    def segment(self, node: ast.AST) -> str:
        """Source text of a node (ast.get_source_segment splits the whole file per call)."""
        lineno = getattr(node, "lineno", None)
        end = getattr(node, "end_lineno", None)
        if lineno is None or end is None:
            return ""
        if self._lines is None:
            self._lines = self.text.splitlines(keepends=True)
        lines = [line.encode("utf-8") for line in self._lines[lineno - 1 : end]]
        if not lines:
            return ""
        lines[-1] = lines[-1][: node.end_col_offset]  # type: ignore[attr-defined]
        lines[0] = lines[0][node.col_offset :]  # type: ignore[attr-defined]
        return b"".join(lines).decode("utf-8", "replace")

    def value(self, node: ast.AST, depth: int = 0) -> Value:
        text = self.segment(node)
        if depth > 4:
            return Value("other", text)
        if isinstance(node, ast.Name) and depth < 2 and node.id in self.constants:
            inner = self.value(self.constants[node.id], depth + 1)
            inner.text = text
            return inner
        if isinstance(node, ast.Constant):
            if isinstance(node.value, bool) or node.value is None:
                return Value("name", text, name=str(node.value))
            if isinstance(node.value, int):
                return Value("int", text, number=node.value)
            if isinstance(node.value, str):
                return Value("str", text, string=node.value)
            return Value("other", text)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            inner = self.value(node.operand, depth + 1)
            if inner.kind == "int" and inner.number is not None:
                return Value("int", text, number=-inner.number)
            return Value("other", text)
        if isinstance(node, ast.Name | ast.Attribute):
            name = dotted(node)
            return Value("name", text, name=self.resolve(name)) if name else Value("other", text)
        if isinstance(node, ast.Call):
            name = dotted(node.func)
            return Value(
                "call",
                text,
                name=self.resolve(name) if name else None,
                args=[self.value(a, depth + 1) for a in node.args],
                items={k.arg: self.value(k.value, depth + 1) for k in node.keywords if k.arg},
            )
        if isinstance(node, ast.Dict):
            items = {
                k.value: self.value(v, depth + 1)
                for k, v in zip(node.keys, node.values, strict=False)
                if isinstance(k, ast.Constant) and isinstance(k.value, str)
            }
            return Value("map", text, items=items)
        if isinstance(node, ast.List | ast.Tuple | ast.Set):
            return Value("list", text, elems=[self.value(e, depth + 1) for e in node.elts])
        return Value("other", text)

    def run(self, tree: ast.AST) -> None:
        """Depth first, a node before its children (so that an enclosing match has marked
        the arguments it read before they are reached), without NodeVisitor's per-node
        dispatch: most nodes of a module are neither calls nor names."""
        stack: list[ast.AST] = [tree]
        refs = bool(self.patterns.refs)
        while stack:
            node = stack.pop()
            kind = type(node)
            if kind is ast.Call:
                if id(node) in self.skipped:
                    continue
                self._call(node)  # type: ignore[arg-type]
            elif kind is ast.If and _dead(node):  # type: ignore[arg-type]
                stack.extend(reversed(node.orelse))  # type: ignore[attr-defined]
                continue
            elif (kind is ast.Attribute or kind is ast.Name) and dotted(node) is not None:
                if refs:
                    self._ref(node)  # type: ignore[arg-type]
                continue
            stack.extend(reversed(_children(node)))

    def _call(self, node: ast.Call) -> None:
        name = dotted(node.func)
        self.called.add(id(node.func))
        if name is None:
            return
        resolved = self.resolve(name)
        last = resolved.rsplit(".", 1)[-1]
        pattern, label = find_pattern(self.patterns.calls.get(last, ()), resolved)
        if pattern is None:
            return
        call = self.value(node)
        used: set[int | str] = set()
        fields, variants = read_fields(self.patterns, pattern, call, used)
        if fields is None:
            return
        evidence = self._render(node, used)
        for variant in variants:
            self._add(node, pattern, label, {**fields, **variant}, evidence)
        for key in used:  # arguments read here are not findings of their own
            if isinstance(key, str):
                arg = next((k.value for k in node.keywords if k.arg == key), None)
            else:
                arg = node.args[key] if key < len(node.args) else None
            if arg is not None:
                self._skip(arg)

    def _ref(self, node: ast.Attribute | ast.Name) -> None:
        if id(node) in self.called or not self.patterns.refs:
            return
        name = dotted(node)
        if name is None:
            return
        resolved = self.resolve(name)
        pattern, label = find_pattern(
            self.patterns.refs.get(resolved.rsplit(".", 1)[-1], ()), resolved
        )
        if pattern is None:
            return
        fields, variants = read_fields(self.patterns, pattern, Value("name", name=resolved), set())
        if fields is None:
            return
        for variant in variants:
            self._add(node, pattern, label, {**fields, **variant}, name)

    def _skip(self, node: ast.AST) -> None:
        for child in _walk(node):
            self.called.add(id(child))
            self.skipped.add(id(child))

    def _render(self, node: ast.Call, used: set[int | str]) -> str:
        func = self.segment(node.func) or dotted(node.func) or "?"
        parts: list[str] = []
        for index, arg in enumerate(node.args):
            if index in used:
                parts.append(shorten(self.segment(arg), _ARG_CHARS))
            else:
                parts.append("…")
        while len(parts) > 1 and parts[-1] == "…" and parts[-2] == "…":
            parts.pop()
        for keyword in node.keywords:
            if keyword.arg in used:
                shown = self.segment(keyword.value)
                parts.append(f"{keyword.arg}={shorten(shown, _ARG_CHARS)}")
        return f"{func}({', '.join(parts)})"

    def _add(self, node: ast.AST, pattern: Any, label: str, fields: dict, evidence: str) -> None:
        finding = pattern_finding(
            self.made,
            self.patterns,
            pattern,
            label,
            fields,
            evidence,
            getattr(node, "lineno", None),
        )
        self.findings.append(
            ((getattr(node, "lineno", 0), getattr(node, "col_offset", 0)), finding)
        )


class PythonTokenDetector(CodeDetector):
    """Fallback for files `ast` cannot parse: imports read from tokens."""

    def aliases(self, tokens: list[Token], reader: ValueReader) -> dict[str, str]:
        out: dict[str, str] = {}
        n = len(tokens)
        for i, tok in enumerate(tokens):
            if tok.kind != IDENT or tok.text not in ("import", "from"):
                continue
            if tok.text == "from":
                j = reader.chain(i + 1, n)
                module = ".".join(reader.names(i + 1, j))
                if j < n and tokens[j].text == "import":
                    self._names(tokens, j + 1, module, out)
            elif i == 0 or tokens[i - 1].text != "from":
                j = i + 1
                while j < n:
                    end = reader.chain(j, n)
                    full = ".".join(reader.names(j, end))
                    if end + 1 < n and tokens[end].text == "as":
                        out[tokens[end + 1].text] = full
                        end += 2
                    elif full:
                        out.setdefault(full.split(".")[0], full.split(".")[0])
                    if end < n and tokens[end].text == ",":
                        j = end + 1
                    else:
                        break
        return out

    @staticmethod
    def _names(tokens: list[Token], j: int, module: str, out: dict[str, str]) -> None:
        n = len(tokens)
        if j < n and tokens[j].text == "(":
            j += 1
        while j < n and tokens[j].kind == IDENT:
            name = tokens[j].text
            local = name
            if j + 2 < n and tokens[j + 1].text == "as":
                local = tokens[j + 2].text
                j += 2
            out[local] = f"{module}.{name}"
            j += 1
            if j < n and tokens[j].text == ",":
                j += 1
            else:
                break


# Statement keywords searched as plain literals: the regular expression engine finds a
# literal quickly, while `^[ \t]*(?:from|import)` or an alternation of module names is
# tried at every position of the file.
_IMPORT_KEYWORDS = (re.compile(rb"import[ \t]"), re.compile(rb"from[ \t]"))


@cache
def _module_names(modules: tuple[str, ...]) -> re.Pattern[bytes]:
    names = "|".join(re.escape(m) for m in modules).encode()
    return re.compile(rb"\b(?:" + names + rb")\b")


def imports_crypto(data: bytes) -> bool:
    """Whether a line starting with `import` or `from` (after blanks) names one of the
    modules the patterns need: a file without one cannot match any pattern, so it is not
    parsed at all."""
    rests: list[bytes] = []
    for keyword in _IMPORT_KEYWORDS:
        for m in keyword.finditer(data):
            start = m.start()
            line = data.rfind(b"\n", 0, start) + 1
            if line == start or not data[line:start].strip(b" \t"):
                end = data.find(b"\n", start)
                rests.append(data[m.end() : end if end >= 0 else len(data)])
    if not rests:
        return False
    return _module_names(load_patterns("python").words).search(b"\n".join(rests)) is not None


class PythonAnalyzer(CodeAnalyzer):
    name = "python"
    suffixes = (".py", ".pyw", ".pyi")
    detector = PythonTokenDetector("python", _SYNTAX)

    def analyze(self, data: bytes, ctx: FileContext) -> Iterator[Record]:
        if sniff_encoding(data[:4096]) is None:
            if not imports_crypto(data):
                return iter(())
            return self._detect(decode(data), ctx)
        return self.analyze_text(decode(data), ctx)

    def analyze_text(self, text: str, ctx: FileContext) -> Iterator[Record]:
        if not imports_crypto(text.encode("utf-8", "surrogatepass")):
            return iter(())
        return self._detect(text, ctx)

    def _detect(self, text: str, ctx: FileContext) -> Iterator[Record]:
        patterns = load_patterns("python")
        try:
            tree = ast.parse(text)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return self.detector.detect(text, ctx)
        detector = _Detector(text, ctx, patterns, tree)
        try:
            detector.run(tree)
        except RecursionError:
            return self.detector.detect(text, ctx)
        return iter(f for _, f in sorted(detector.findings, key=lambda item: item[0]))
