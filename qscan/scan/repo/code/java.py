"""Java source: JCA/JCE, Bouncy Castle, JWT libraries (patterns in rules/patterns/java.yaml)."""

from __future__ import annotations

from qscan.scan.repo.code.engine import CodeAnalyzer, CodeDetector
from qscan.scan.repo.code.tokens import Syntax


class JavaAnalyzer(CodeAnalyzer):
    name = "java"
    suffixes = (".java",)
    detector = CodeDetector("java", Syntax(single_quote="char", text_blocks=True))
