"""SSH_MSG_KEXINIT (RFC 4253 §7.1): the algorithm lists each side offers, in preference order."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from qscan.scan.ssh.wire import Buffer, SshError, malformed, name_list, u32

MSG_KEXINIT = 20


@dataclass(frozen=True)
class KexInit:
    kex: list[str]
    host_key: list[str]
    ciphers_c2s: list[str]
    ciphers_s2c: list[str]
    macs_c2s: list[str]
    macs_s2c: list[str]
    compression_c2s: list[str]
    compression_s2c: list[str]
    languages_c2s: list[str]
    languages_s2c: list[str]
    first_kex_follows: bool = field(default=False, kw_only=True)

    def encode(self, cookie: bytes | None = None) -> bytes:
        lists = (
            self.kex,
            self.host_key,
            self.ciphers_c2s,
            self.ciphers_s2c,
            self.macs_c2s,
            self.macs_s2c,
            self.compression_c2s,
            self.compression_s2c,
            self.languages_c2s,
            self.languages_s2c,
        )
        body = b"".join(name_list(names) for names in lists)
        return (
            bytes([MSG_KEXINIT])
            + (cookie or os.urandom(16))
            + body
            + bytes([int(self.first_kex_follows)])
            + u32(0)
        )


def parse_kexinit(payload: bytes) -> KexInit:
    if not payload or payload[0] != MSG_KEXINIT:
        raise SshError("ssh-protocol-error", "first message is not KEXINIT")
    buf = Buffer(payload)
    buf.take(17)  # message type and cookie
    lists = [buf.name_list() for _ in range(10)]
    first_follows = buf.boolean()
    buf.uint32()
    if not lists[0]:
        raise malformed("KEXINIT offers no key exchange method")
    return KexInit(*lists, first_kex_follows=first_follows)


def negotiate(client: list[str], server: list[str]) -> str | None:
    """RFC 4253 §7.1: the first name on the client's list that the server also offers."""
    offered = set(server)
    return next((name for name in client if name in offered), None)
