"""Algorithm names written as string literals where the context makes them cryptography
(issue 12, item 3): JOSE `alg` values (`"RS256"`, `"ES384"`), SSH algorithm names
(`"ssh-rsa"`, `"diffie-hellman-group14-sha256"`, `"rsa-sha2-256"`) and TLS cipher-suite names.

A string is a candidate when it is one such name, or a `,`/`:`-separated list of names of
one kind. Whether it is reported depends on where it stands (the detector says):

- `key`: the name of the dictionary key, keyword argument, parameter, variable or attribute
  it is given to or compared with. A single name counts when that name says what it is:
  `alg`/`algorithm(s)`/`enc` for JOSE, `kex`, `cipher`, `mac`, `host_key`, `pubkey` or
  `algo` for SSH, `cipher`/`suite` for TLS. A key that disables (`disabled_algorithms`,
  `exclude`, `deny`, `blacklist`) makes nothing count.
- `siblings`: how many names of the same kind stand in the same list, tuple, set, array or
  dictionary: two or more make a table of supported algorithms, which counts whatever the
  key.
- a string listing two or more names counts by itself, and so does an IANA suite name
  (`TLS_..._WITH_...`): no other string looks like them.

So `"RS256"` in `log.info("signing with RS256")` or `print("RS256")` is not reported, while
`{"alg": "RS256"}`, `ALGORITHM = "RS256"` and `SUPPORTED = ["RS256", "ES256"]` are.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from qscan.model import Location
from qscan.protocols import ssh, tls
from qscan.scan.repo.code.patterns import MISSING, shared_table
from qscan.scan.repo.configs.tls_settings import TlsFindings

JOSE, SSH, TLS_SUITE = "jose", "ssh", "tls-suite"
_SSH_CATEGORIES = (ssh.KEX, ssh.HOST_KEY, ssh.CIPHERS, ssh.MACS)
_SEPARATORS = re.compile(r"\s*[,:]\s*")
_CANDIDATE = re.compile(r"^[A-Za-z0-9][\w.@+/-]{1,80}(?:\s*[,:]\s*[\w.@+/-]{2,80})*$")
_KEYS = {
    JOSE: re.compile(r"(?i)alg|^enc$|^enc_|_enc$|jws|jwe|jwt"),
    SSH: re.compile(
        r"(?i)kex|key_?exchange|cipher|encryption|mac|host_?key|pubkey|key_?type|algo|alg"
    ),
    TLS_SUITE: re.compile(r"(?i)cipher|suite"),
}
_DISABLING = re.compile(r"(?i)disabl|exclud|deny|denied|blacklist|blocklist|forbid|reject|remove")
_HINTS_ANY_CASE = (
    "rs256", "rs384", "rs512", "ps256", "ps384", "ps512", "es256", "es384", "es512", "hs256",
    "hs384", "hs512", "eddsa", "ed25519", "ed448", "rsa-oaep", "rsa_oaep", "rsa1_5", "ecdh-es",
    "ecdh_es", "ml-dsa", "a128", "a192", "a256", "pbes2", "ssh-", "ecdsa-sha2", "rsa-sha2",
    "diffie-hellman", "curve25519", "ecdh-sha2", "mlkem", "sntrup", "hmac-sha", "hmac-md5",
    "umac", "aes128-", "aes192-", "aes256-", "3des-", "chacha20",
)  # fmt: skip
_HINTS_EXACT = (
    "'none'", '"none"', "TLS_", "SSL_", "ECDHE-", "DHE-", "ECDH-", "AES128-", "AES256-", "DES-CBC", "RC4-",
    "PSK-", "SRP-", "CAMELLIA", "ARIA",
)  # fmt: skip


def name_hint(text: str) -> bool:
    """Whether a source file may hold a name `classify` knows in a context that counts (a
    lone name needs a JOSE key, a list two of a kind): one of the hint words is in it
    (JOSE and SSH names in any case, OpenSSL and IANA suite names and JOSE `none` as
    written). Plain substring tests: many times faster than one regular expression."""
    if any(word in text for word in _HINTS_EXACT):
        return True
    lowered = text.lower()
    return any(word in lowered for word in _HINTS_ANY_CASE)


_MESSAGE = re.compile(
    r"(?i)(?:^|[.:])(?:errorf|s?printf|println|print|fprint\w*|panic|warn(?:ing)?|info|debug"
    r"|fatal\w*|trace|log|\w*error|\w*exception)$|errors\.New$|(?:^|\.)console\.\w+$"
    r"|(?:^|\.)(?:logger|logging|log)\.\w+$"
)
_WEAK_SINGLE = frozenset({"none", "dir", "zlib"})


@dataclass(frozen=True)
class Names:
    kind: str
    names: tuple[str, ...]
    category: str = ""  # the SSH category

    @property
    def self_evident(self) -> bool:
        """Reported without context: a list of names, or an IANA suite name."""
        if len(self.names) > 1:
            return True
        return self.kind == TLS_SUITE and self.names[0].upper().startswith(("TLS_", "SSL_"))


def _ssh_category(name: str) -> str | None:
    for category in _SSH_CATEGORIES:
        spec = ssh.lookup(category, name)
        if spec is not None and not spec.signal:
            return category
    return None


@lru_cache(maxsize=4096)
def classify(text: str) -> Names | None:
    """The algorithm names a string literal holds, or None."""
    if not _CANDIDATE.match(text):
        return None
    parts = [p for p in _SEPARATORS.split(text.strip()) if p]
    if not parts:
        return None
    if len(parts) == 1 and shared_table("jwt-alg").lookup(parts[0]) not in (MISSING, None):
        return Names(JOSE, (parts[0],))
    if len(parts) == 1 and parts[0] in ("none", "dir"):
        return Names(JOSE, (parts[0],))
    categories = {_ssh_category(p) for p in parts}
    if len(categories) == 1 and None not in categories and (len(parts) > 1 or "-" in parts[0]):
        return Names(SSH, tuple(parts), categories.pop() or "")
    if all(tls.suite_by_name(p) is not None for p in parts) and (
        len(parts) > 1 or "-" in parts[0] or "_" in parts[0]
    ):
        return Names(TLS_SUITE, tuple(parts))
    return None


def counts(found: Names, key: str | None, siblings: int, compared: bool = False) -> bool:
    """Whether a candidate standing under `key` with `siblings` names of its kind around it
    (itself included) is reported. `compared`: the string is compared with the key (`alg ==
    "RS256"`): code that checks for `"none"` is usually refusing it, so that one is not.
    Arguments of messages (`fmt.Errorf`, `log.warning`, `new Error(...)`) are not."""
    if key and (_DISABLING.search(key) or _MESSAGE.search(key)):
        return False
    if found.names[0] in _WEAK_SINGLE and len(found.names) == 1:
        if compared:
            return False
        return bool(key and found.kind == JOSE and _KEYS[JOSE].search(key))
    if found.self_evident or siblings >= 2:
        return True
    return bool(key and _KEYS[found.kind].search(key))


def jose_fields(name: str) -> dict | None:
    """The finding fields of a JOSE alg name (rules/patterns/common.yaml jwt-alg)."""
    entry = shared_table("jwt-alg").lookup(name)
    if entry is MISSING or entry is None:
        return None
    return dict(entry) if isinstance(entry, dict) else {"algorithm": entry}


def emit_protocol_names(
    out: TlsFindings,
    found: Names,
    line: int | None,
    language: str,
    evidence: str,
) -> None:
    """SSH names through the SSH builders (components `ssh kex`, `ssh cipher`, ...), TLS
    suite names through the TLS builders, at the string's line."""
    if found.kind == SSH:
        base = Location(target=out.ctx.target, path=out.ctx.relpath, line=line)
        for finding in ssh.algorithm_findings(
            found.category, list(found.names), base, evidence=evidence, context={}
        ):
            out.add(finding)
    elif found.kind == TLS_SUITE:
        out.suite_names(found.names, line, f"{language} tls cipher suites", evidence, {})
