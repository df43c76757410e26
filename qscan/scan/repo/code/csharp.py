"""C# source: System.Security.Cryptography and IdentityModel (rules/patterns/csharp.yaml)."""

from __future__ import annotations

from qscan.scan.repo.code.engine import CodeAnalyzer, CodeDetector
from qscan.scan.repo.code.tokens import Syntax


class CSharpAnalyzer(CodeAnalyzer):
    name = "csharp"
    suffixes = (".cs",)
    detector = CodeDetector(
        "csharp",
        Syntax(single_quote="char", preprocessor=True, raw_strings="csharp", text_blocks=True),
    )
