"""Scripted SSH peers on loopback: a minimal server that speaks the transport far enough
for the scanner (banner, KEXINIT, one key exchange reply with a real host key) from a
handcrafted KEXINIT, and hostile peers that misbehave in one specific way."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import functools
import warnings
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field

from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed25519, mlkem, rsa, x25519
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from qscan.scan.ssh.kexinit import KexInit, negotiate, parse_kexinit
from qscan.scan.ssh.transport import Transport, packet
from qscan.scan.ssh.wire import Buffer, string

Handler = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


@contextlib.asynccontextmanager
async def serve(handler: Handler, host: str = "127.0.0.1") -> AsyncIterator[int]:
    """Run `handler` for every connection on an ephemeral loopback port; yields the port."""
    tasks: set[asyncio.Task] = set()

    async def wrapped(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        tasks.add(asyncio.current_task())
        try:
            await handler(reader, writer)
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.CancelledError):
            pass
        finally:
            writer.close()

    server = await asyncio.start_server(wrapped, host, 0)
    try:
        yield server.sockets[0].getsockname()[1]
    finally:
        server.close()
        for task in list(tasks):
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await server.wait_closed()


def kexinit(kex, host_key, ciphers, macs, compression=("none",)) -> KexInit:
    return KexInit(
        kex=list(kex),
        host_key=list(host_key),
        ciphers_c2s=list(ciphers),
        ciphers_s2c=list(ciphers),
        macs_c2s=list(macs),
        macs_s2c=list(macs),
        compression_c2s=list(compression),
        compression_s2c=list(compression),
        languages_c2s=[],
        languages_s2c=[],
    )


def openssh_blob(public_key) -> bytes:
    line = public_key.public_bytes(Encoding.OpenSSH, PublicFormat.OpenSSH)
    return base64.b64decode(line.split()[1])


@functools.cache
def host_key_blobs() -> dict[str, bytes]:
    """One host key per type for every scripted server of the test run."""
    ed = ed25519.Ed25519PrivateKey.generate().public_key()
    rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048).public_key()
    ecdsa = ec.generate_private_key(ec.SECP384R1()).public_key()
    with warnings.catch_warnings():
        warnings.simplefilter(
            "ignore"
        )  # cryptography deprecates SSH DSA keys; legacy peers need one
        dss = openssh_blob(dsa.generate_private_key(key_size=1024).public_key())
    return {
        "ssh-ed25519": openssh_blob(ed),
        "rsa-sha2-512": openssh_blob(rsa_key),
        "rsa-sha2-256": openssh_blob(rsa_key),
        "ssh-rsa": openssh_blob(rsa_key),
        "ecdsa-sha2-nistp384": openssh_blob(ecdsa),
        "ssh-dss": dss,
    }


@dataclass
class ScriptedServer:
    """Serves `offer` and answers curve25519 / ECDH P-256 / mlkem768x25519 key exchanges with
    the host key that matches the negotiated host key algorithm."""

    offer: KexInit
    banner: bytes = b"SSH-2.0-ScriptedSSH_1.0 test\r\n"
    keys: dict[str, bytes] = field(default_factory=dict)
    exchanges: list[tuple[str, str]] = field(default_factory=list)
    close_after_kexinit: bool = False

    def __post_init__(self) -> None:
        self.keys = host_key_blobs()

    async def __call__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(self.banner)
        transport = Transport(reader, writer, 5.0)
        await transport.read_line(255, "client banner")
        transport.send(self.offer.encode())
        await transport.drain()
        client = parse_kexinit(await transport.read_message({20}, "client KEXINIT"))
        method = negotiate(client.kex, self.offer.kex)
        host_key = negotiate(client.host_key, self.offer.host_key)
        self.exchanges.append((method, host_key))
        if self.close_after_kexinit:
            return
        init = Buffer((await transport.read_message({30}, "KEX init"))[1:]).string()
        transport.send(
            bytes([31])
            + string(self.keys[host_key])
            + string(_server_value(method, init))
            + string(b"\0" * 64)
        )
        await transport.drain()
        await reader.read(1)


def _server_value(method: str, client_value: bytes) -> bytes:
    share = x25519.X25519PrivateKey.generate().public_key().public_bytes_raw()
    if method == "mlkem768x25519-sha256":
        assert len(client_value) == 1184 + 32, len(client_value)
        _, ciphertext = mlkem.MLKEM768PublicKey.from_public_bytes(client_value[:1184]).encapsulate()
        return ciphertext + share
    if method.startswith("diffie-hellman-"):
        return b"\x01" * 256  # f: never checked by the scanner
    if method == "ecdh-sha2-nistp256":
        ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), client_value)
        key = ec.generate_private_key(ec.SECP256R1()).public_key()
        return key.public_bytes(Encoding.X962, PublicFormat.UncompressedPoint)
    assert len(client_value) == 32
    return share


def raw_peer(*chunks: bytes, stall: float = 0.0, close: bool = True) -> Handler:
    """Send `chunks`, optionally stall, then close (or keep the connection open)."""

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        for chunk in chunks:
            writer.write(chunk)
            await writer.drain()
        if stall:
            await asyncio.sleep(stall)
        if not close:
            await reader.read()

    return handler


def kexinit_packet(offer: KexInit) -> bytes:
    return packet(offer.encode())
