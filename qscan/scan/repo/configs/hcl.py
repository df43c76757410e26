"""A small HCL (Terraform) reader: blocks with labels, attributes whose value is a literal
(string, number, bool) or an expression kept as text, and the line of each. Comments
(#, //, /* */), heredocs and interpolations are handled; malformed input is reported with
its line and what was read before it is kept."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

_TOKEN = re.compile(
    r"""(?P<nl>\n)|(?P<ws>[ \t\r\f\v]+)|(?P<comment>(?:\#|//)[^\n]*|/\*.*?(?:\*/|\Z))
    |(?P<heredoc><<-?\s*(?P<tag>[A-Za-z_]\w*)[^\n]*\n)
    |(?P<str>"(?:[^"\\\n]|\\.)*")
    |(?P<num>\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)
    |(?P<ident>[A-Za-z_][\w-]*)
    |(?P<punct>[{}\[\]()=,:.?*/%+<>!&|-])
    |(?P<bad>["\S])""",
    re.X | re.S,
)


@dataclass
class Attribute:
    value: Any  # str | int | float | bool for literals, else None
    text: str
    line: int


@dataclass
class Block:
    type: str
    labels: list[str]
    line: int
    attrs: dict[str, Attribute] = field(default_factory=dict)
    blocks: list[Block] = field(default_factory=list)

    def children(self, block_type: str) -> list[Block]:
        return [b for b in self.blocks if b.type == block_type]


class _Lexer:
    def __init__(self, text: str) -> None:
        self.tokens: list[tuple[str, str, int]] = []
        self.problems: list[tuple[int, str]] = []
        line = 1
        pos = 0
        while pos < len(text):
            m = _TOKEN.match(text, pos)
            if m is None:
                break
            assert m.lastgroup is not None  # every alternative of _TOKEN is a named group
            kind = m.lastgroup if m.lastgroup != "tag" else "heredoc"
            value = m.group()
            if kind == "heredoc":
                tag = m.group("tag")
                end = re.compile(rf"^[ \t]*{re.escape(tag)}[ \t]*$", re.M).search(text, m.end())
                if end is None:
                    self.problems.append((line, f"heredoc <<{tag} is never closed"))
                    break
                body = text[m.start() : end.end()]
                self.tokens.append(("str", body, line))
                line += body.count("\n")
                pos = end.end()
                continue
            if kind == "bad":
                self.problems.append(
                    (line, "unterminated string" if value == '"' else f"unexpected {value!r}")
                )
                pos = m.end()
                if value == '"':
                    nl = text.find("\n", pos)
                    pos = len(text) if nl < 0 else nl
                continue
            if kind == "nl":
                self.tokens.append(("nl", "\n", line))
            elif kind not in ("ws", "comment"):
                self.tokens.append((kind, value, line))
            line += value.count("\n") if kind != "nl" else 1
            pos = m.end()


def _literal(tokens: list[tuple[str, str, int]]) -> Any:
    if len(tokens) == 1:
        kind, text, _ = tokens[0]
        if kind == "str" and text.startswith('"') and "${" not in text:
            return re.sub(r"\\(.)", r"\1", text[1:-1])
        if kind == "num":
            return float(text) if "." in text or "e" in text.lower() else int(text)
        if kind == "ident" and text in ("true", "false"):
            return text == "true"
    return None


def parse_hcl(text: str) -> tuple[Block, list[tuple[int, str]]]:
    lexer = _Lexer(text)
    tokens = lexer.tokens
    problems = list(lexer.problems)
    root = Block("", [], 1)
    stack = [root]
    i = 0
    n = len(tokens)
    while i < n:
        kind, value, line = tokens[i]
        if kind == "nl" or (kind == "punct" and value == ","):
            i += 1
            continue
        if kind == "punct" and value == "}":
            if len(stack) > 1:
                stack.pop()
            else:
                problems.append((line, "unbalanced '}'"))
            i += 1
            continue
        if kind != "ident":
            problems.append((line, f"unexpected {value!r}"))
            while i < n and tokens[i][0] != "nl":
                i += 1
            continue
        if i + 1 < n and tokens[i + 1][1] in ("=", ":"):
            j = i + 2
            depth = 0
            while j < n and (depth > 0 or tokens[j][0] != "nl"):
                if tokens[j][1] in ("{", "[", "("):
                    depth += 1
                elif tokens[j][1] in ("}", "]", ")"):
                    if depth == 0:
                        break
                    depth -= 1
                j += 1
            expr = tokens[i + 2 : j]
            stack[-1].attrs[value] = Attribute(_literal(expr), " ".join(t[1] for t in expr), line)
            i = j
            continue
        labels: list[str] = []
        j = i + 1
        while j < n and tokens[j][0] in ("str", "ident") and tokens[j][1] != "{":
            labels.append(tokens[j][1].strip('"'))
            j += 1
        if j < n and tokens[j][1] == "{":
            block = Block(value, labels, line)
            stack[-1].blocks.append(block)
            stack.append(block)
            i = j + 1
            continue
        problems.append((line, f"{value!r} is neither an attribute nor a block"))
        while i < n and tokens[i][0] != "nl":
            i += 1
    if len(stack) > 1:
        problems.append(
            (stack[-1].line, f"block {stack[-1].type!r} is never closed (unbalanced '{{')")
        )
    return root, problems
