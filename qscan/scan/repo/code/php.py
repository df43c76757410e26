"""PHP source: ext/openssl, hash, sodium, phpseclib, php-jwt (rules/patterns/php.yaml).
Only the code between `<?php` and `?>` is read."""

from __future__ import annotations

from qscan.scan.repo.code.engine import CodeAnalyzer, CodeDetector
from qscan.scan.repo.code.tokens import Syntax


class PhpAnalyzer(CodeAnalyzer):
    name = "php"
    suffixes = (".php", ".phtml", ".php5", ".php7", ".inc")
    detector = CodeDetector(
        "php",
        Syntax(single_quote="string", hash_comments="php", dollar_identifiers=True, php_tags=True),
    )
