"""Python source: the analyzer, its import prefilter, and the tokenizer fallback for files
that are not valid Python 3 (Python 2, templates). Valid files are read with `ast` by
qscan.scan.repo.code.pyast (patterns in rules/patterns/python.yaml).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from functools import cache

from qscan.scan.interface import FileContext, Record
from qscan.scan.repo.code.engine import CodeAnalyzer, CodeDetector
from qscan.scan.repo.code.patterns import load_patterns
from qscan.scan.repo.code.pyast import Detector
from qscan.scan.repo.code.tokens import IDENT, Syntax, Token
from qscan.scan.repo.code.values import ValueReader
from qscan.scan.repo.text import decode, sniff_encoding

_SYNTAX = Syntax(single_quote="string", hash_comments="all", raw_strings="python")


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


_WORD_BYTE = re.compile(rb"\w")


@cache
def _conditional() -> tuple[re.Pattern[bytes] | None, dict[bytes, tuple[bytes, ...]]]:
    """The modules that count only with one of their words in the file (`ssl` with
    `set_ciphers`), and for each the words."""
    keywords_if = load_patterns("python").keywords_if
    if not keywords_if:
        return None, {}
    words = {m.encode(): tuple(w.encode() for w in ws) for m, ws in keywords_if.items()}
    return _module_names(tuple(keywords_if)), words


def _counts(module: bytes, words: tuple[bytes, ...], data: bytes) -> bool:
    """Whether a `keywords_if` module counts: one of its words stands in the file as a whole
    word (within N characters of the `near` word, when the module has one). Searched word by
    word: `bytes.find` is several times faster than an alternation over a large file."""
    near = load_patterns("python").keywords_near.get(module.decode())
    for word in words:
        i = data.find(word)
        while i >= 0:
            end = i + len(word)
            if (i == 0 or not _WORD_BYTE.match(data, i - 1)) and not _WORD_BYTE.match(data, end):
                if near is None:
                    return True
                window = data[max(0, i - near[1]) : end + near[1]].lower()
                if near[0].encode() in window:
                    return True
            i = data.find(word, end)
    return False


def imports_crypto(data: bytes) -> bool:
    """Whether a line starting with `import` or `from` (after blanks) names one of the
    modules the patterns need (or one of the `keywords_if` modules, with one of its words
    somewhere in the file): a file without one cannot match any pattern, so it is not
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
    imported = b"\n".join(rests)
    if _module_names(load_patterns("python").words).search(imported) is not None:
        return True
    conditional, words = _conditional()
    if conditional is None:
        return False
    return any(_counts(m.group(), words[m.group()], data) for m in conditional.finditer(imported))


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
        try:
            detector = Detector(text, ctx, patterns, tree)
            detector.run()
            return iter(detector.finish())
        except RecursionError:
            return self.detector.detect(text, ctx)
