"""Python source read with `ast`: API patterns, data flow inside the file, TLS settings and
algorithm-name strings (patterns in rules/patterns/python.yaml).

Names resolve through the module's imports (`from cryptography...asymmetric import rsa as r`
makes `r.generate_private_key` the cryptography function). Data flow is intra-file and
deterministic: a name assigned exactly once in its function (or in the module, or `self.x`
once in its class) stands for what it was assigned:

- a literal (`KEY_SIZE = 1024`, `ALG = "RS256"`, `ALGS = ["RS256", "ES256"]`) is read where
  the name is used;
- a matched call (`key = ec.generate_private_key(...)`, `key = os.urandom(32)`, `params =
  dh.generate_parameters(...)`, `key = serialization.load_pem_private_key(...)`) binds the
  name to that finding: a later pattern reads its fields (`algorithms.AES(key)` gets 256
  bits), and a method of `uses` called on it (`key.sign(...)`, `params.generate_private_key()`)
  is reported as that use, with the key's algorithm and size. The use in turn tells what an
  `EC` key or a loaded key is (signing: ECDSA; agreeing: ECDH).

A finding whose algorithm or parameters came from elsewhere in the file says so:
`context.inferred_from` is "line N" of the assignment. `if False:` bodies are skipped.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from qscan.model import Finding
from qscan.scan.interface import FileContext, Record
from qscan.scan.repo.code.engine import (
    REFERENCE,
    find_pattern,
    inferred_from,
    pattern_finding,
    read_fields,
    read_notes,
    secret_name,
)
from qscan.scan.repo.code.names import (
    JOSE,
    classify,
    counts,
    emit_protocol_names,
    jose_fields,
    name_hint,
)
from qscan.scan.repo.code.patterns import Pattern, PatternSet, key_use
from qscan.scan.repo.code.tlscode import emit_tls, read_tls
from qscan.scan.repo.code.values import Value
from qscan.scan.repo.configs.tls_settings import TlsFindings
from qscan.scan.repo.findings import FileFindings, shorten

_ARG_CHARS = 60
_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)
_STATEMENTS = frozenset(
    c for c in vars(ast).values() if isinstance(c, type) and issubclass(c, ast.stmt)
)
_CONTAINERS = frozenset({ast.Dict, ast.List, ast.Tuple, ast.Set})
_ASSIGNED = re.compile(r"(?m)^[ \t]*(?:(?:self|cls)\.)?([A-Za-z_]\w*)[ \t]*(?::[^=\n]*)?=(?!=)")
"""Names a line starts by assigning: a name not among them has no single value."""
_OPEN_ALGORITHMS = ("EC", "unknown")
_SETTING_NAME = re.compile(r"^[A-Za-z_][\w.-]{0,63}$")
_ROOT = "_root"
"""Key of a bound value's fields holding the id() of the call that made the key."""
_SIMPLE_VALUES = (
    ast.Constant,
    ast.Attribute,
    ast.Name,
    ast.Call,
    ast.UnaryOp,
    ast.Dict,
    ast.List,
    ast.Tuple,
    ast.Set,
)


def dotted(node: ast.AST) -> str | None:
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return None


def _plain_attribute(node: ast.Attribute) -> bool:
    """Whether an attribute is a dotted name (`a.b.c`, not `f().b`): `dotted` is not None."""
    value = node.value
    while type(value) is ast.Attribute:
        value = value.value
    return type(value) is ast.Name


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
    stack = [tree]
    while stack:
        node = stack.pop()
        yield node
        stack.extend(_children(node))


# Fields holding statements: an import is a statement, so only these are walked for them.
_STATEMENT_FIELDS = frozenset({"body", "orelse", "finalbody", "handlers", "cases"})


def import_aliases(tree: ast.AST) -> dict[str, str]:
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


def _dead(node: ast.If) -> bool:
    test = node.test
    return isinstance(test, ast.Constant) and not test.value


@dataclass
class _Scopes:
    """Every assignment of the file by scope: `(scope id, name)` and `(class id,
    "self.attr")` -> [(value or None, line, scope id of the value)]. A parameter, a loop
    target, an augmented assignment or an unpacking counts as an assignment without a value,
    so that such a name never stands for one value."""

    assigns: dict[tuple[int, str], list[tuple[ast.expr | None, int, int]]] = field(
        default_factory=dict
    )
    parent: dict[int, int] = field(default_factory=dict)

    def add(self, key: tuple[int, str], value: ast.expr | None, line: int, scope: int) -> None:
        self.assigns.setdefault(key, []).append((value, line, scope))

    def lookup(self, name: str, scope: int) -> tuple[ast.expr, int, int] | None:
        current: int | None = scope
        while current is not None:
            entries = self.assigns.get((current, name))
            if entries is not None:
                if len(entries) == 1 and entries[0][0] is not None:
                    return entries[0]  # type: ignore[return-value]
                return None
            current = self.parent.get(current)
        return None


def _target_names(target: ast.AST) -> Iterator[ast.Name]:
    if isinstance(target, ast.Name):
        yield target
    elif isinstance(target, ast.Tuple | ast.List):
        for elt in target.elts:
            yield from _target_names(elt)
    elif isinstance(target, ast.Starred):
        yield from _target_names(target.value)


def _self_attr(target: ast.AST) -> str | None:
    if (
        isinstance(target, ast.Attribute)
        and isinstance(target.value, ast.Name)
        and target.value.id in ("self", "cls")
    ):
        return f"self.{target.attr}"
    return None


def collect_scopes(tree: ast.Module) -> _Scopes:
    """The assignments of a module, walking statements only (an assignment inside an
    expression, `:=` or a comprehension, is not tracked)."""
    scopes = _Scopes()
    module = id(tree)
    stack: list[tuple[ast.AST, int, int | None]] = [(tree, module, None)]
    while stack:
        node, scope, cls = stack.pop()
        kind = type(node)
        inner = scope
        if kind is ast.FunctionDef or kind is ast.AsyncFunctionDef:
            inner = id(node)
            scopes.parent[inner] = scope
            args = node.args  # type: ignore[attr-defined]
            for arg in [*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg]:
                if arg is not None:
                    scopes.add((inner, arg.arg), None, node.lineno, inner)  # type: ignore[attr-defined]
            scopes.add((scope, node.name), None, node.lineno, scope)  # type: ignore[attr-defined]
        elif kind is ast.ClassDef:
            inner = id(node)
            scopes.parent[inner] = scope
            scopes.add((scope, node.name), None, node.lineno, scope)  # type: ignore[attr-defined]
            for child in node.body:  # type: ignore[attr-defined]
                if isinstance(child, ast.Assign | ast.AnnAssign):
                    _class_attribute(scopes, child, inner)
            cls = inner
        elif kind is ast.Assign or kind is ast.AnnAssign:
            targets = node.targets if kind is ast.Assign else [node.target]  # type: ignore[attr-defined]
            value = node.value  # type: ignore[attr-defined]
            if value is not None or kind is ast.Assign:
                for target in targets:
                    _assign(scopes, target, value, node.lineno, scope, cls)  # type: ignore[attr-defined]
        elif kind is ast.AugAssign or kind is ast.For or kind is ast.AsyncFor:
            _assign(scopes, node.target, None, node.lineno, scope, cls)  # type: ignore[attr-defined]
        elif kind is ast.With or kind is ast.AsyncWith:
            for item in node.items:  # type: ignore[attr-defined]
                if item.optional_vars is not None:
                    _assign(scopes, item.optional_vars, None, node.lineno, scope, cls)  # type: ignore[attr-defined]
        elif kind is ast.ExceptHandler and node.name:  # type: ignore[attr-defined]
            scopes.add((scope, node.name), None, node.lineno, scope)  # type: ignore[attr-defined]
        elif kind is ast.Import or kind is ast.ImportFrom:
            for alias in node.names:  # type: ignore[attr-defined]
                local = alias.asname or alias.name.split(".")[0]
                scopes.add((scope, local), None, node.lineno, scope)  # type: ignore[attr-defined]
        for name in _STATEMENT_FIELDS:
            for child in getattr(node, name, None) or ():
                stack.append((child, inner, cls))
    return scopes


def _body(node: ast.AST) -> list[ast.AST]:
    body = node.body  # type: ignore[attr-defined]
    return body if isinstance(body, list) else [body]


def _assign(
    scopes: _Scopes, target: ast.AST, value: ast.expr | None, line: int, scope: int, cls: int | None
) -> None:
    unpacked = not isinstance(target, ast.Name)
    for name in _target_names(target):
        scopes.add((scope, name.id), None if unpacked else value, line, scope)
    attr = _self_attr(target)
    if attr is not None and cls is not None:
        scopes.add((cls, attr), value, line, scope)


def _class_attribute(scopes: _Scopes, node: ast.Assign | ast.AnnAssign, cls: int) -> None:
    targets = node.targets if isinstance(node, ast.Assign) else [node.target]
    for target in targets:
        if isinstance(target, ast.Name) and node.value is not None:
            scopes.add((cls, f"self.{target.id}"), node.value, node.lineno, cls)


@dataclass
class _Match:
    """A matched pattern call: its fields, per-algorithm variants and where it was made."""

    pattern: Pattern
    label: str
    fields: dict
    variants: list[dict]
    used: set[int | str]
    call: Value
    line: int
    node: int
    """id() of the call node: where a key bound to this match was made."""

    @property
    def first(self) -> dict:
        return {**self.fields, **self.variants[0]}


@dataclass
class _Use:
    function: str
    algorithm: str | None
    line: int


@dataclass
class _Walk:
    """Where the walker stands: the scope, the class, and whether this node is inside the
    arguments of a matched call (`consumed`: a construction that swallows them)."""

    scope: int
    cls: int | None
    consumed: bool
    crypto_args: bool


class Detector:
    def __init__(self, text: str, ctx: FileContext, patterns: PatternSet, tree: ast.Module) -> None:
        self.text = text
        self.patterns = patterns
        self.made = FileFindings(ctx)
        self.protocol = TlsFindings(ctx)
        self.aliases = import_aliases(tree)
        self.tree = tree
        self._scopes: _Scopes | None = None
        self.function_names: dict[int, str] = {}
        self.strings_possible = name_hint(text)
        self.assigned_names = frozenset(_ASSIGNED.findall(text))
        self._patterns: dict[int, tuple[Pattern | None, str]] = {}
        self._ref_names = frozenset(patterns.refs) | frozenset(self.aliases)
        self._lines: list[str] | None = None
        self._matches: dict[int, _Match | None] = {}
        self.called: set[int] = set()
        self.consumed: set[int] = set()
        self.used_values: set[int] = set()
        self.items: list[tuple[tuple[int, int], Any]] = []
        self.bound_findings: list[tuple[ast.Call, _Match, dict]] = []
        self.uses_of: dict[int, list[_Use]] = {}
        self.strings: dict[int, tuple[ast.Constant, str | None, int]] = {}
        self.compared: set[int] = set()
        self.described: set[int] = set()
        """Calls read only for a descriptor attribute (`sha1().digest_size`)."""

    # -- names and values ------------------------------------------------------------------

    @property
    def scopes(self) -> _Scopes:
        """Every assignment of the file, collected on the first name a match must resolve."""
        if self._scopes is None:
            self._scopes = collect_scopes(self.tree)
        return self._scopes

    def pattern_of(self, node: ast.Call) -> tuple[Pattern | None, str]:
        """The pattern (API or TLS) a call's resolved name matches, memoised per node."""
        key = id(node)
        found = self._patterns.get(key)
        if found is None:
            func = node.func
            found = (None, "")
            # Only a bare name can be an import alias with another last segment
            # (`from hashlib import sha256 as h`): an attribute keeps its own.
            if type(func) is ast.Attribute:
                last = func.attr
            elif type(func) is ast.Name:
                last = self.aliases.get(func.id, func.id).rsplit(".", 1)[-1]
            else:
                last = ""
            name = dotted(func) if last in self.patterns.calls else None
            if name is not None:
                resolved = self.resolve(name)
                found = find_pattern(
                    self.patterns.calls.get(resolved.rsplit(".", 1)[-1], ()), resolved
                )
            self._patterns[key] = found
        return found

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

    def binding(
        self, node: ast.AST, scope: int, cls: int | None
    ) -> tuple[ast.expr, int, int] | None:
        """The single assignment a name or `self.attr` stands for: (value, line, scope)."""
        if isinstance(node, ast.Name):
            if node.id not in self.assigned_names:
                return None
            return self.scopes.lookup(node.id, scope)
        attr = _self_attr(node)
        if attr is not None and attr[5:] not in self.assigned_names:
            return None
        if attr is not None and cls is not None:
            entries = self.scopes.assigns.get((cls, attr))
            if entries is not None and len(entries) == 1 and entries[0][0] is not None:
                return entries[0]  # type: ignore[return-value]
        return None

    def value(self, node: ast.AST, scope: int, cls: int | None, depth: int = 0) -> Value:
        text = self.segment(node)
        if depth > 4:
            return Value("other", text)
        if isinstance(node, ast.Name | ast.Attribute) and depth < 3:
            bound = self.binding(node, scope, cls)
            if bound is not None and isinstance(bound[0], _SIMPLE_VALUES):
                inner = self.value(bound[0], bound[2], cls, depth + 1)
                inner.text = text
                inner.origin = bound[1]
                self.used_values.update(id(n) for n in _walk(bound[0]))
                return inner
        if isinstance(node, ast.Constant):
            if isinstance(node.value, bool) or node.value is None:
                return Value("name", text, name=str(node.value))
            if isinstance(node.value, int):
                return Value("int", text, number=node.value)
            if isinstance(node.value, str):
                return Value("str", text, string=node.value)
            if isinstance(node.value, bytes):
                return Value("str", text, string=node.value.decode("latin-1"))
            return Value("other", text)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            inner = self.value(node.operand, scope, cls, depth + 1)
            if inner.kind == "int" and inner.number is not None:
                return Value("int", text, number=-inner.number)
            return Value("other", text)
        if isinstance(node, ast.Name | ast.Attribute):
            name = dotted(node)
            return Value("name", text, name=self.resolve(name)) if name else Value("other", text)
        if isinstance(node, ast.Call):
            name = dotted(node.func)
            out = Value(
                "call",
                text,
                name=self.resolve(name) if name else None,
                args=[self.value(a, scope, cls, depth + 1) for a in node.args],
                items={
                    k.arg: self.value(k.value, scope, cls, depth + 1)
                    for k in node.keywords
                    if k.arg
                },
            )
            found = self.match(node, scope, cls)
            func = node.func
            if (
                found is None
                and isinstance(func, ast.Attribute)
                and func.attr in self.patterns.uses
            ):
                found = self.key_of(func.value, scope, cls)
            if found is not None:
                out.bound = {**found.first, _ROOT: found.node}
            return out
        if isinstance(node, ast.Dict):
            items = {
                k.value: self.value(v, scope, cls, depth + 1)
                for k, v in zip(node.keys, node.values, strict=False)
                if isinstance(k, ast.Constant) and isinstance(k.value, str)
            }
            return Value("map", text, items=items)
        if isinstance(node, ast.List | ast.Tuple | ast.Set):
            return Value(
                "list", text, elems=[self.value(e, scope, cls, depth + 1) for e in node.elts]
            )
        return Value("other", text)

    def match(self, node: ast.Call, scope: int, cls: int | None) -> _Match | None:
        """The pattern a call matches, with the fields read there (memoised per node; a
        call that reaches itself through its bindings reads nothing from itself)."""
        key = id(node)
        if key in self._matches:
            return self._matches[key]
        self._matches[key] = None  # a call reading itself through a binding stops here
        found: _Match | None = None
        pattern, label = self.pattern_of(node)
        if pattern is not None and not pattern.tls:
            call = self.value(node, scope, cls)
            call.bound = None
            used: set[int | str] = set()
            fields, variants = read_fields(self.patterns, pattern, call, used)
            if fields is not None:
                found = _Match(pattern, label, fields, variants, used, call, node.lineno, id(node))
        self._matches[key] = found
        return found

    def key_of(self, node: ast.AST, scope: int, cls: int | None, depth: int = 0) -> _Match | None:
        """The matched call a receiver stands for: a bound name, `self.x`, a call itself,
        or a propagating use of one of them (`key.public_key()`), or a key generated from
        one (`params.generate_private_key()` stands for the parameters' algorithm)."""
        if depth > 6:
            return None
        if isinstance(node, ast.Call):
            found = self.match(node, scope, cls)
            if found is not None:
                return found
            func = node.func
            if isinstance(func, ast.Attribute):
                use = self.patterns.uses.get(func.attr)
                if use is not None and (use.propagate or use.function == "key-generation"):
                    return self.key_of(func.value, scope, cls, depth + 1)
            return None
        bound = self.binding(node, scope, cls)
        if bound is None or not isinstance(bound[0], ast.Call):
            return None
        return self.key_of(bound[0], bound[2], cls, depth + 1)

    # -- the walk --------------------------------------------------------------------------

    def run(self) -> None:
        """Depth first, a node before its children (so that an enclosing match has marked
        the arguments it read before they are reached)."""
        module = id(self.tree)
        stack: list[tuple[ast.AST, _Walk, ast.AST | None]] = [
            (self.tree, _Walk(module, None, False, False), None)
        ]
        refs = bool(self.patterns.refs)
        strings = self.strings_possible
        while stack:
            node, at, stmt = stack.pop()
            kind = type(node)
            if kind in _STATEMENTS:
                stmt = node
            if kind is ast.Call:
                at = self._call(node, at, stmt)  # type: ignore[arg-type]
            elif kind is ast.If and _dead(node):  # type: ignore[arg-type]
                for child in reversed(node.orelse):  # type: ignore[attr-defined]
                    stack.append((child, at, stmt))
                continue
            elif kind in _FUNCTIONS:
                if strings:
                    self._defaults(node)
                inner = _Walk(id(node), at.cls, False, False)
                self.function_names[id(node)] = getattr(node, "name", "")
                body = _body(node)
                for child in reversed(_children(node)):
                    stack.append((child, inner if child in body else at, stmt))
                continue
            elif kind is ast.ClassDef:
                inner = _Walk(id(node), id(node), False, False)
                for child in reversed(_children(node)):
                    stack.append((child, inner if child in node.body else at, stmt))  # type: ignore[attr-defined]
                continue
            elif kind is ast.Assign or kind is ast.AnnAssign:
                self._assignment(node, at, strings)  # type: ignore[arg-type]
            elif kind is ast.Attribute and type(node.value) is ast.Call:  # type: ignore[attr-defined]
                if node.attr in self.patterns.descriptors:  # type: ignore[attr-defined]
                    self.described.add(id(node.value))  # type: ignore[attr-defined]
            elif kind is ast.Name or (kind is ast.Attribute and _plain_attribute(node)):  # type: ignore[arg-type]
                if refs and not at.consumed:
                    self._ref(node)  # type: ignore[arg-type]
                continue
            elif strings and kind is ast.Compare:
                self._compare(node)  # type: ignore[arg-type]
            elif strings and kind in _CONTAINERS:
                self._container(node, None)
            for child in reversed(_children(node)):
                stack.append((child, at, stmt))

    def _call(self, node: ast.Call, at: _Walk, stmt: ast.AST | None) -> _Walk:
        if id(node) in self.consumed and not at.consumed:
            at = _Walk(at.scope, at.cls, True, True)
        self.called.add(id(node.func))
        if self.strings_possible:
            self._call_strings(node)
        found = self.match(node, at.scope, at.cls)
        if found is None:
            tls = self._tls(node, at)
            if tls:
                return _Walk(at.scope, at.cls, True, at.crypto_args)
            if isinstance(node.func, ast.Attribute) and node.func.attr in self.patterns.uses:
                return self._use(node, node.func.attr, at)
            return at
        pattern = found.pattern
        if pattern.secret_only:
            if at.crypto_args or self._secret_use(stmt, self.function_names.get(at.scope)):
                self._emit(node, found, {"secret_use": True})
            return at
        if at.consumed and found.pattern.function != "random":
            return at
        if pattern.function == "hash" and id(node) in self.described:
            return at
        if not pattern.part:
            self._emit(node, found)
        self._note_used(node, found.used)
        return _Walk(at.scope, at.cls, pattern.consume or at.consumed, True)

    def _emit(self, node: ast.Call, found: _Match, extra: dict | None = None) -> None:
        self._keys_used_by(found)
        evidence = self._render(node, found.used)
        context = {**read_notes(self.patterns, found.pattern, found.call), **(extra or {})}
        origin = inferred_from(found.call, found.used)
        if origin is not None and origin != node.lineno:
            context["inferred_from"] = f"line {origin}"
        for variant in found.variants:
            fields = {**found.fields, **variant}
            if found.pattern.loader or fields.get("algorithm") in _OPEN_ALGORITHMS:
                self.bound_findings.append((node, found, context))
                return
            self._add(node, found.pattern, found.label, fields, evidence, context)

    def _keys_used_by(self, found: _Match) -> None:
        """A key passed into a matched call (`pkcs1_15.new(key)`, `DSS.new(key)`) is used
        for what that call does."""
        call = found.call
        for key in found.used:
            arg = call.items.get(key) if isinstance(key, str) else None
            if isinstance(key, int) and key < len(call.args):
                arg = call.args[key]
            root = (arg.bound or {}).get(_ROOT) if arg is not None else None
            if root is not None and found.pattern.function not in ("auto", "unknown"):
                self.uses_of.setdefault(root, []).append(
                    _Use(found.pattern.function, None, found.line)
                )

    def _note_used(self, node: ast.Call, used: set[int | str]) -> None:
        """Arguments a pattern read are part of its finding: they are not findings, refs or
        name strings of their own."""
        for key in used:
            if isinstance(key, str):
                arg = next((k.value for k in node.keywords if k.arg == key), None)
            else:
                arg = node.args[key] if key < len(node.args) else None
            if arg is not None:
                for child in _walk(arg):
                    self.called.add(id(child))
                    self.consumed.add(id(child))

    def _use(self, node: ast.Call, method: str, at: _Walk) -> _Walk:
        """`key.sign(...)`, `params.generate_private_key()`: a use of a bound key, or of a
        key the construct objects in its arguments name (`ec.ECDH()`, `padding.PSS(...)`)."""
        use = self.patterns.uses[method]
        if use.propagate or use.function is None:
            return at
        key_node: ast.AST = node.func.value  # type: ignore[attr-defined]
        key = self.key_of(key_node, at.scope, at.cls)
        if key is None and node.args:
            candidate = self.key_of(node.args[0], at.scope, at.cls)
            if candidate is not None and candidate.pattern.function in (
                "key-generation",
                "unknown",
            ):
                key, key_node = candidate, node.args[0]
        nested: dict = {}
        parts: list[ast.Call] = []
        for arg in [*node.args, *(k.value for k in node.keywords)]:
            part = self._part_of(arg, at)
            if part is None:
                continue
            found, call = part
            fields = found.first
            if found.pattern.function == "hash":
                nested.setdefault("hash", fields["algorithm"])
            else:
                for name, val in fields.items():
                    nested.setdefault(name, val)
            if call is not None:
                parts.append(call)
        base = key.first if key is not None else {}
        if key is not None and key.pattern.function == use.function:
            return at  # a cipher or signer object doing its own job
        algorithm = base.get("algorithm")
        if algorithm in _OPEN_ALGORITHMS or algorithm is None:
            refined = key_use().lookup(f"{algorithm}/{use.function}") if algorithm else None
            algorithm = nested.get("algorithm") or (refined if isinstance(refined, str) else None)
        if (
            not algorithm
            or algorithm == "unknown"
            or nested.get("function", use.function)
            not in (
                use.function,
                "auto",
            )
        ):
            return at
        if key is not None:
            root = self._root(key_node, node, at)
            self.uses_of.setdefault(root, []).append(
                _Use(use.function, nested.get("algorithm"), node.lineno)
            )
        fields = {k: v for k, v in base.items() if k in ("bits", "curve")}
        fields.update({k: v for k, v in nested.items() if k not in ("function",)})
        fields["algorithm"] = algorithm
        context: dict = {}
        if use.operation:
            context["operation"] = use.operation
        if key is not None and key.line != node.lineno:
            context["inferred_from"] = f"line {key.line}"
        evidence = f"{self.segment(node.func)}(…)"
        use_pattern = Pattern(
            names=(method,), function=use.function, algorithm=(), label=f".{method}"
        )
        self._add(node, use_pattern, f".{method}", fields, evidence, context)
        for call in parts:
            for child in _walk(call):
                self.consumed.add(id(child))
                self.called.add(id(child))
        return at

    def _root(self, receiver: ast.AST, node: ast.Call, at: _Walk) -> int:
        """The call node a receiver finally stands for (the key's making)."""
        current: ast.AST = receiver
        scope, cls = at.scope, at.cls
        for _ in range(8):
            if isinstance(current, ast.Call):
                if self.match(current, scope, cls) is not None:
                    return id(current)
                func = current.func
                if isinstance(func, ast.Attribute):
                    current = func.value
                    continue
                break
            bound = self.binding(current, scope, cls)
            if bound is None:
                break
            current, scope = bound[0], bound[2]
        return id(node)

    def _part_of(self, arg: ast.AST, at: _Walk) -> tuple[_Match, ast.Call | None] | None:
        """A construct object among a use's arguments, written there or bound to a name."""
        if isinstance(arg, ast.Call):
            found = self.match(arg, at.scope, at.cls)
            return (found, arg) if found is not None else None
        bound = self.binding(arg, at.scope, at.cls)
        if bound is not None and isinstance(bound[0], ast.Call):
            found = self.match(bound[0], bound[2], at.cls)
            if found is not None and found.pattern.part:
                return found, None
        return None

    @staticmethod
    def _secret_use(stmt: ast.AST | None, func: str | None) -> bool:
        """A generator's value reaches a secret: the statement holding the call assigns to
        a secret's name, or returns from a function named like one."""
        targets: list[ast.AST] = []
        if isinstance(stmt, ast.Assign):
            targets = list(stmt.targets)
        elif isinstance(stmt, ast.AnnAssign | ast.AugAssign):
            targets = [stmt.target]
        elif isinstance(stmt, ast.Return):
            return bool(func) and secret_name(func or "")
        for target in targets:
            if (
                isinstance(target, ast.Subscript)
                and isinstance(target.slice, ast.Constant)
                and secret_name(str(target.slice.value))
            ):
                return True
            name = dotted(target)
            if name and secret_name(name):
                return True
        return False

    def _tls(self, node: ast.Call, at: _Walk) -> bool:
        pattern, label = self.pattern_of(node)
        if pattern is None or not pattern.tls:
            return False
        call = self.value(node, at.scope, at.cls)
        return self._emit_tls(pattern, label, call, node, self.segment(node))

    def _emit_tls(
        self, pattern: Pattern, label: str, call: Value, node: ast.AST, text: str
    ) -> bool:
        settings = read_tls(self.patterns, pattern, call)
        if not settings:
            return False
        component = f"{self.patterns.component} {label}"
        summary = f"{self.patterns.component} tls key exchange (configured)"
        emit_tls(
            self.protocol,
            settings,
            getattr(node, "lineno", None),
            component,
            summary,
            shorten(text),
        )
        for child in _walk(node):
            self.consumed.add(id(child))
        return True

    def _assignment(self, node: ast.Assign | ast.AnnAssign, at: _Walk, strings: bool) -> None:
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        value = node.value
        if value is None:
            return
        for target in targets:
            if isinstance(target, ast.Attribute) and self.patterns.assigns:
                pattern, label = find_pattern(
                    self.patterns.assigns.get(target.attr, ()), target.attr
                )
                if pattern is not None and pattern.tls:
                    call = Value(
                        "call",
                        name=target.attr,
                        args=[self.value(value, at.scope, at.cls)],
                    )
                    self._emit_tls(pattern, label, call, node, self.segment(node))
                    continue
            if not strings:
                continue
            key = dotted(target)
            if isinstance(target, ast.Subscript) and isinstance(target.slice, ast.Constant):
                key = str(target.slice.value)
            self._named_strings(key, value)

    def _defaults(self, node: ast.AST) -> None:
        args = node.args  # type: ignore[attr-defined]
        positional = [*args.posonlyargs, *args.args]
        for arg, default in zip(
            positional[len(positional) - len(args.defaults) :], args.defaults, strict=False
        ):
            self._named_strings(arg.arg, default)
        for arg, default in zip(args.kwonlyargs, args.kw_defaults, strict=False):
            if default is not None:
                self._named_strings(arg.arg, default)

    def _call_strings(self, node: ast.Call) -> None:
        for keyword in node.keywords:
            if keyword.arg:
                self._named_strings(keyword.arg, keyword.value)
        args = node.args
        if (
            len(args) == 2
            and isinstance(args[0], ast.Constant)
            and isinstance(args[0].value, str)
            and _SETTING_NAME.match(args[0].value)
        ):
            self._named_strings(args[0].value, args[1])  # config.set("kex", "...")
        for arg in args:
            if isinstance(arg, ast.List | ast.Tuple | ast.Set):
                self._container(arg, None)

    def _compare(self, node: ast.Compare) -> None:
        sides = [node.left, *node.comparators]
        names = [dotted(s) for s in sides]
        key = next((n for n in names if n), None)
        for side in sides:
            self.compared.add(id(side))
            self._named_strings(key, side)

    def _candidate(self, node: ast.Constant, key: str | None, siblings: int) -> None:
        """A string that may name algorithms; the most telling context seen for it wins
        (an assignment is visited before the list it assigns)."""
        known = self.strings.get(id(node))
        if known is None or (known[1] is None and key is not None):
            self.strings[id(node)] = (node, key, max(siblings, known[2] if known else 0))

    def _named_strings(self, key: str | None, node: ast.AST) -> None:
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            if classify(node.value) is not None:
                self._candidate(node, key, 1)
        elif isinstance(node, ast.List | ast.Tuple | ast.Set | ast.Dict):
            self._container(node, key)

    def _container(self, node: ast.AST, key: str | None) -> None:
        if isinstance(node, ast.Dict):
            keys = [
                k for k in node.keys if isinstance(k, ast.Constant) and isinstance(k.value, str)
            ]
            self._siblings(keys, key)
            for k, v in zip(node.keys, node.values, strict=False):
                if isinstance(k, ast.Constant) and isinstance(k.value, str):
                    self._named_strings(f"{key}.{k.value}" if key else k.value, v)
            return
        elems = [e for e in node.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)]  # type: ignore[attr-defined]
        self._siblings(elems, key)

    def _siblings(self, elems: list[ast.Constant], key: str | None) -> None:
        kinds: dict[str, int] = {}
        for elem in elems:
            found = classify(elem.value)
            if found is not None:
                kinds[found.kind] = kinds.get(found.kind, 0) + 1
        for elem in elems:
            found = classify(elem.value)
            if found is not None:
                self._candidate(elem, key, kinds[found.kind])

    def _ref(self, node: ast.Attribute | ast.Name) -> None:
        last = node.attr if isinstance(node, ast.Attribute) else node.id
        if last not in self._ref_names and not isinstance(node, ast.Attribute):
            return
        if last not in self.patterns.refs and isinstance(node, ast.Attribute):
            return
        if id(node) in self.called:
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
            self._add(node, pattern, label, {**fields, **variant}, name, dict(REFERENCE))

    # -- after the walk --------------------------------------------------------------------

    def finish(self) -> list[Record]:
        for node, found, context in self.bound_findings:
            self._bound(node, found, context)
        self._emit_strings()
        records: list[tuple[tuple[int, int], Record]] = list(self.items)
        for record in self.protocol.records:
            line = record.location.line if isinstance(record, Finding) else None
            records.append(((line or 0, 0), record))
        records.sort(key=lambda item: item[0])
        return [r for _, r in records]

    def _bound(self, node: ast.Call, found: _Match, context: dict) -> None:
        """A key made or loaded here whose algorithm or function its uses decide."""
        uses = self.uses_of.get(id(node), [])
        evidence = self._render(node, found.used)
        for variant in found.variants:
            fields = {**found.fields, **variant}
            algorithm = fields.get("algorithm")
            function = found.pattern.function
            seen_functions = {u.function for u in uses}
            if found.pattern.loader and len(seen_functions) == 1:
                function = seen_functions.pop()
            if algorithm in _OPEN_ALGORITHMS:
                named = {u.algorithm or key_use().lookup(f"{algorithm}/{u.function}") for u in uses}
                named = {n for n in named if isinstance(n, str)}
                if len(named) == 1:
                    fields["algorithm"] = named.pop()
                    first = min(u.line for u in uses)
                    context = {**context, "inferred_from": f"line {first}"}
            if fields["algorithm"] == "unknown":
                continue
            pattern = found.pattern
            if function != pattern.function:
                fields["_follow_function"] = function
            self._add(node, pattern, found.label, fields, evidence, context)

    def _emit_strings(self) -> None:
        language = self.patterns.component
        for node, key, siblings in self.strings.values():
            if id(node) in self.consumed or id(node) in self.used_values:
                continue
            found = classify(node.value)
            if found is None or not counts(found, key, siblings, id(node) in self.compared):
                continue
            shown = f"{key}: {self.segment(node)}" if key else self.segment(node)
            evidence = shorten(shown)
            if found.kind == JOSE:
                fields = jose_fields(found.names[0])
                if fields is None:
                    continue
                pattern = Pattern(names=("alg",), function="auto", algorithm=(), label="JOSE alg")
                self._add(node, pattern, "JOSE alg", fields, evidence, {})
            else:
                emit_protocol_names(self.protocol, found, node.lineno, language, evidence)

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

    def _add(
        self,
        node: ast.AST,
        pattern: Pattern,
        label: str,
        fields: dict,
        evidence: str,
        context: dict | None = None,
    ) -> None:
        finding: Finding = pattern_finding(
            self.made,
            self.patterns,
            pattern,
            label,
            dict(fields),
            evidence,
            getattr(node, "lineno", None),
            context,
        )
        self.items.append(((getattr(node, "lineno", 0), getattr(node, "col_offset", 0)), finding))
