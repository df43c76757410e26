"""A parser for brace-block configuration syntax (nginx; `name args...;` and
`name args... { ... }`), keeping the line of every directive. Malformed input (unbalanced
braces, an unterminated quote, a missing `;`) is reported with its line and everything
parsed up to there is still returned."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

_TOKEN = re.compile(
    r"""(?P<nl>\n)|(?P<ws>[ \t\r\f\v]+)|(?P<comment>\#[^\n]*)
    |(?P<dq>"(?:[^"\\]|\\.)*")|(?P<sq>'(?:[^'\\]|\\.)*')
    |(?P<punct>[{};])|(?P<word>(?:[^\s;{}"'\\]|\\.)+)|(?P<bad>["'\\])""",
    re.X | re.S,
)


@dataclass
class Directive:
    name: str
    args: list[str]
    line: int
    block: list[Directive] | None = None
    parents: tuple[Directive, ...] = field(default=(), repr=False)

    def text(self) -> str:
        return " ".join([self.name, *self.args])


def _unquote(token: str) -> str:
    if len(token) >= 2 and token[0] == token[-1] and token[0] in "\"'":
        return re.sub(r"\\(.)", r"\1", token[1:-1])
    return token


def parse_blocks(text: str) -> tuple[list[Directive], list[tuple[int, str]]]:
    """(top-level directives, [(line, problem)])."""
    problems: list[tuple[int, str]] = []
    root: list[Directive] = []
    stack: list[tuple[list[Directive], Directive | None]] = [(root, None)]
    words: list[str] = []
    start_line = 0
    line = 1
    for m in _TOKEN.finditer(text):
        kind = m.lastgroup
        value = m.group()
        if kind == "nl":
            line += 1
            continue
        if kind in ("ws", "comment"):
            continue
        if kind == "bad":
            problems.append((line, "unterminated quote"))
            break
        if kind in ("dq", "sq", "word"):
            if not words:
                start_line = line
            words.append(_unquote(value))
            line += value.count("\n")
            continue
        current, owner = stack[-1]
        parents = tuple(d for _, d in stack[1:] if d is not None)
        if value == ";":
            if words:
                current.append(Directive(words[0], words[1:], start_line, None, parents))
            words = []
        elif value == "{":
            directive = Directive(
                words[0] if words else "", words[1:], start_line or line, [], parents
            )
            current.append(directive)
            assert directive.block is not None
            stack.append((directive.block, directive))
            words = []
        else:  # "}"
            if words:
                problems.append((start_line, f"directive {words[0]!r} has no terminating ';'"))
                current.append(Directive(words[0], words[1:], start_line, None, parents))
                words = []
            if len(stack) == 1:
                problems.append((line, "unbalanced '}'"))
            else:
                stack.pop()
    if words:
        current, _ = stack[-1]
        parents = tuple(d for _, d in stack[1:] if d is not None)
        problems.append((start_line, f"directive {words[0]!r} has no terminating ';'"))
        current.append(Directive(words[0], words[1:], start_line, None, parents))
    if len(stack) > 1:
        owner = stack[-1][1]
        where = owner.line if owner is not None else line
        problems.append(
            (where, f"block {owner.name if owner else ''!r} is never closed (unbalanced '{{')")
        )
    return root, problems


def walk(directives: list[Directive]) -> Iterator[Directive]:
    for directive in directives:
        yield directive
        if directive.block:
            yield from walk(directive.block)
