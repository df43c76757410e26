"""The client half of the key exchange methods qscan can run, far enough to receive the
server's host key in the reply (K_S). The exchange is never completed: no NEWKEYS, no
authentication, the connection is closed right after the reply."""

from __future__ import annotations

import os
from abc import ABC, abstractmethod

from cryptography.hazmat.primitives.asymmetric import ec, mlkem, x448, x25519
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from qscan.scan.ssh.dh_groups import GENERATOR, modp_prime
from qscan.scan.ssh.transport import Transport
from qscan.scan.ssh.wire import Buffer, SshError, mpint, string, u32

MSG_KEX_ECDH_INIT = 30  # also SSH_MSG_KEXDH_INIT
MSG_KEX_ECDH_REPLY = 31  # also SSH_MSG_KEXDH_REPLY and SSH_MSG_KEX_DH_GEX_GROUP
MSG_KEX_DH_GEX_INIT = 32
MSG_KEX_DH_GEX_REPLY = 33
MSG_KEX_DH_GEX_REQUEST = 34

GEX_MIN, GEX_PREFERRED, GEX_MAX = 1024, 2048, 8192
"""Group exchange request (RFC 4419 §3): accept what old servers have, up to 8192 bits."""


class ClientKex(ABC):
    name: str

    @abstractmethod
    async def host_key(self, transport: Transport) -> bytes:
        """Run the exchange up to the server's reply and return K_S."""


class SingleMessageKex(ClientKex):
    """ECDH, X25519/X448, fixed-group DH and the hybrid KEMs: one init, one reply."""

    def __init__(self, name: str, client_value: bytes) -> None:
        self.name = name
        self.client_value = client_value

    async def host_key(self, transport: Transport) -> bytes:
        transport.send(bytes([MSG_KEX_ECDH_INIT]) + self.client_value)
        await transport.drain()
        reply = await transport.read_message({MSG_KEX_ECDH_REPLY}, f"{self.name} reply")
        return Buffer(reply[1:]).string()


class GroupExchangeKex(ClientKex):
    """diffie-hellman-group-exchange-*: request a group, then a DH exchange in it."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.group_bits: int | None = None

    async def host_key(self, transport: Transport) -> bytes:
        transport.send(
            bytes([MSG_KEX_DH_GEX_REQUEST]) + u32(GEX_MIN) + u32(GEX_PREFERRED) + u32(GEX_MAX)
        )
        await transport.drain()
        group = Buffer(
            (await transport.read_message({MSG_KEX_ECDH_REPLY}, f"{self.name} group"))[1:]
        )
        p, g = group.mpint(), group.mpint()
        if not 512 <= p.bit_length() <= 16384 or not 1 < g < p:
            raise SshError(
                "ssh-protocol-error", f"implausible group from {self.name}: {p.bit_length()} bits"
            )
        self.group_bits = p.bit_length()
        e = pow(g, int.from_bytes(os.urandom(64), "big") | 1, p)
        transport.send(bytes([MSG_KEX_DH_GEX_INIT]) + mpint(e))
        await transport.drain()
        reply = await transport.read_message({MSG_KEX_DH_GEX_REPLY}, f"{self.name} reply")
        return Buffer(reply[1:]).string()


def _x25519() -> bytes:
    return x25519.X25519PrivateKey.generate().public_key().public_bytes_raw()


def _x448() -> bytes:
    return x448.X448PrivateKey.generate().public_key().public_bytes_raw()


def _ecdh(curve: ec.EllipticCurve) -> bytes:
    key = ec.generate_private_key(curve).public_key()
    return key.public_bytes(Encoding.X962, PublicFormat.UncompressedPoint)


def _mlkem768x25519() -> bytes:
    # draft-ietf-sshm-mlkem-hybrid-kex: C_INIT = ML-KEM-768 encapsulation key || X25519 key
    return mlkem.MLKEM768PrivateKey.generate().public_key().public_bytes_raw() + _x25519()


def _dh(bits: int) -> bytes:
    return mpint(pow(GENERATOR, int.from_bytes(os.urandom(64), "big") | 1, modp_prime(bits)))


_SINGLE = {
    "curve25519-sha256": lambda: string(_x25519()),
    "curve25519-sha256@libssh.org": lambda: string(_x25519()),
    "ecdh-sha2-nistp256": lambda: string(_ecdh(ec.SECP256R1())),
    "ecdh-sha2-nistp384": lambda: string(_ecdh(ec.SECP384R1())),
    "ecdh-sha2-nistp521": lambda: string(_ecdh(ec.SECP521R1())),
    "curve448-sha512": lambda: string(_x448()),
    "mlkem768x25519-sha256": lambda: string(_mlkem768x25519()),
    "diffie-hellman-group14-sha256": lambda: _dh(2048),
    "diffie-hellman-group16-sha512": lambda: _dh(4096),
    "diffie-hellman-group15-sha512": lambda: _dh(3072),
    "diffie-hellman-group18-sha512": lambda: _dh(8192),
    "diffie-hellman-group17-sha512": lambda: _dh(6144),
    "diffie-hellman-group14-sha1": lambda: _dh(2048),
    "diffie-hellman-group1-sha1": lambda: _dh(1024),
}
_GEX = ("diffie-hellman-group-exchange-sha256", "diffie-hellman-group-exchange-sha1")

SUPPORTED: tuple[str, ...] = (
    "curve25519-sha256",
    "curve25519-sha256@libssh.org",
    "ecdh-sha2-nistp256",
    "ecdh-sha2-nistp384",
    "ecdh-sha2-nistp521",
    "curve448-sha512",
    "mlkem768x25519-sha256",
    "diffie-hellman-group14-sha256",
    "diffie-hellman-group16-sha512",
    "diffie-hellman-group15-sha512",
    "diffie-hellman-group18-sha512",
    "diffie-hellman-group17-sha512",
    "diffie-hellman-group-exchange-sha256",
    "diffie-hellman-group14-sha1",
    "diffie-hellman-group-exchange-sha1",
    "diffie-hellman-group1-sha1",
)
"""Our preference: the cheapest methods first (the exchange only has to reach the reply)."""


def client_kex(name: str) -> ClientKex:
    if name in _GEX:
        return GroupExchangeKex(name)
    return SingleMessageKex(name, _SINGLE[name]())
