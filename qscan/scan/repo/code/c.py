"""C and C++ source: OpenSSL APIs (rules/patterns/c.yaml)."""

from __future__ import annotations

from qscan.scan.repo.code.engine import CodeAnalyzer, CodeDetector
from qscan.scan.repo.code.tokens import Syntax


class CAnalyzer(CodeAnalyzer):
    name = "c"
    suffixes = (
        ".c",
        ".h",
        ".cc",
        ".cpp",
        ".cxx",
        ".c++",
        ".hpp",
        ".hh",
        ".hxx",
        ".ipp",
        ".inl",
        ".m",
        ".mm",
    )
    detector = CodeDetector("c", Syntax(single_quote="char", preprocessor=True, raw_strings="cpp"))
