"""Real TLS servers on 127.0.0.1 for the TLS tests and benchmarks/tls.py: Python `ssl` (the
system OpenSSL 3.0, classical only), pyOpenSSL on the OpenSSL that `cryptography` bundles
(X25519MLKEM768, ML-DSA), an asyncio SMTP server with STARTTLS, and hostile peers. Every
server accepts connections concurrently and stops cleanly."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import socket
import ssl
import struct
import subprocess
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.bindings.openssl.binding import Binding
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, mldsa, rsa
from cryptography.x509.oid import NameOID
from OpenSSL import SSL

_lib = Binding().lib


@dataclass(frozen=True)
class Chain:
    kind: str
    certfile: Path  # leaf then CA, PEM
    keyfile: Path
    leaf_der: bytes
    ca_der: bytes


def _key(kind: str):
    if kind == "rsa":
        return rsa.generate_private_key(65537, 2048)
    if kind == "ecdsa":
        return ec.generate_private_key(ec.SECP256R1())
    if kind == "ecdsa-ca":
        return ec.generate_private_key(ec.SECP384R1())
    if kind == "mldsa":
        return mldsa.MLDSA65PrivateKey.generate()
    raise ValueError(kind)


def make_chain(
    directory: Path,
    kind: str,
    *,
    valid_from_days: int = 0,
    valid_days: int = 30,
    self_signed_leaf: bool = False,
) -> Chain:
    """A CA and a leaf for 'localhost' / 127.0.0.1: rsa (RSA-2048, SHA-256), ecdsa (P-256 leaf
    under a P-384 CA) or mldsa (ML-DSA-65 both). The leaf is valid from `valid_from_days`
    (negative: in the past) for `valid_days`; `self_signed_leaf` signs it with its own key."""
    ca_key = _key("ecdsa-ca" if kind == "ecdsa" else kind)
    leaf_key = _key(kind)
    digest = None if kind == "mldsa" else hashes.SHA256()
    now = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5)
    leaf_start = now + dt.timedelta(days=valid_from_days)
    leaf_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, f"qscan test CA {kind}")])
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + dt.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .sign(ca_key, digest)
    )
    leaf = (
        x509.CertificateBuilder()
        .subject_name(leaf_name)
        .issuer_name(leaf_name if self_signed_leaf else ca_name)
        .public_key(leaf_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(leaf_start)
        .not_valid_after(leaf_start + dt.timedelta(days=valid_days))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]), critical=False)
        .sign(leaf_key if self_signed_leaf else ca_key, digest)
    )
    directory.mkdir(parents=True, exist_ok=True)
    stem = f"{kind}{valid_from_days:+d}-{valid_days}{'-self' if self_signed_leaf else ''}"
    certfile = directory / f"{stem}-chain.pem"
    keyfile = directory / f"{stem}-key.pem"
    certfile.write_bytes(
        leaf.public_bytes(serialization.Encoding.PEM) + ca.public_bytes(serialization.Encoding.PEM)
    )
    keyfile.write_bytes(
        leaf_key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return Chain(
        kind,
        certfile,
        keyfile,
        leaf.public_bytes(serialization.Encoding.DER),
        ca.public_bytes(serialization.Encoding.DER),
    )


class ThreadedServer:
    """Accept loop in a thread; each connection handled in its own short-lived thread."""

    def __init__(self, handle: Callable[[socket.socket], None], host: str = "127.0.0.1") -> None:
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self._sock = socket.socket(family, socket.SOCK_STREAM)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind((host, 0))
        self._sock.listen(128)
        self.host = host
        self.port = self._sock.getsockname()[1]
        self._handle = handle
        self.accepted = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self._thread.start()

    @property
    def address(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{host}:{self.port}"

    def _loop(self) -> None:
        self._sock.settimeout(0.2)
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.accepted += 1
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        conn.settimeout(5)
        try:
            self._handle(conn)
        except Exception:  # a probe that hangs up early is the normal case here
            pass
        finally:
            with contextlib.suppress(OSError):
                conn.close()

    def stop(self) -> None:
        self._stop.set()
        with contextlib.suppress(OSError):
            self._sock.close()
        self._thread.join(2)

    def __enter__(self) -> ThreadedServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def ffdhe2048_params(path: Path) -> Path:
    """DH parameters of the RFC 7919 ffdhe2048 group, written by the openssl CLI (kept when
    the file exists)."""
    if not path.exists():
        subprocess.run(
            [
                "openssl",
                "genpkey",
                "-genparam",
                "-algorithm",
                "DH",
                "-pkeyopt",
                "group:ffdhe2048",
                "-out",
                str(path),
            ],
            check=True,
            capture_output=True,
        )
    return path


def python_ssl_server(
    chain: Chain,
    *,
    ciphers: str | None = None,
    min_version: ssl.TLSVersion | None = None,
    max_version: ssl.TLSVersion | None = None,
    curve: str | None = None,
    dhparams: Path | None = None,
    server_order: bool = False,
    host: str = "127.0.0.1",
) -> ThreadedServer:
    """A server on Python's ssl module (system OpenSSL 3.0)."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(chain.certfile, chain.keyfile)
    if min_version:
        ctx.minimum_version = min_version
    if max_version:
        ctx.maximum_version = max_version
    if ciphers:
        ctx.set_ciphers(ciphers)
    if curve:
        ctx.set_ecdh_curve(curve)
    if dhparams:
        ctx.load_dh_params(str(dhparams))
    if server_order:
        ctx.options |= ssl.OP_CIPHER_SERVER_PREFERENCE

    def handle(conn: socket.socket) -> None:
        with ctx.wrap_socket(conn, server_side=True) as tls:
            tls.recv(1)

    return ThreadedServer(handle, host)


def pyopenssl_server(
    chain: Chain,
    *,
    groups: str | None = None,
    ciphers: str | None = None,
    tls13_suites: str | None = None,
    min_version: int | None = None,
    max_version: int | None = None,
    host: str = "127.0.0.1",
) -> ThreadedServer:
    """A server on pyOpenSSL over cryptography's OpenSSL 4 (ML-KEM, ML-DSA). `groups` is an
    OpenSSL group list set with SSL_CTX_set1_curves_list (pyOpenSSL has no API for it), e.g.
    "X25519/X25519MLKEM768": two tuples, so the server prefers X25519 even when the client
    sends key shares for both."""
    ctx = SSL.Context(SSL.TLS_METHOD)
    ctx.use_certificate_chain_file(str(chain.certfile))
    ctx.use_privatekey_file(str(chain.keyfile))
    if groups and _lib.SSL_CTX_set1_curves_list(ctx._context, groups.encode()) != 1:
        raise ValueError(f"OpenSSL rejected the group list {groups!r}")
    if ciphers:
        ctx.set_cipher_list(ciphers.encode())
    if tls13_suites:
        ctx.set_tls13_ciphersuites(tls13_suites.encode())
    if min_version:
        ctx.set_min_proto_version(min_version)
    if max_version:
        ctx.set_max_proto_version(max_version)

    def handle(conn: socket.socket) -> None:
        # pyOpenSSL cannot use Python socket timeouts: block, with a kernel receive timeout.
        conn.settimeout(None)
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_RCVTIMEO, struct.pack("ll", 5, 0))
        tls = SSL.Connection(ctx, conn)
        tls.set_accept_state()
        tls.do_handshake()
        tls.recv(1)

    return ThreadedServer(handle, host)


def hostile_server(behaviour: str) -> ThreadedServer:
    """close: closes at once; garbage: answers with non-TLS bytes; stall: one valid record
    (a ServerHello) then silence; silent: never answers; reset: RST after the ClientHello;
    alert: a fatal handshake_failure alert to every hello."""
    server_hello = bytes.fromhex("160303002a" + "0200002603030000" + "00" * 30 + "00c02f00")

    def handle(conn: socket.socket) -> None:
        if behaviour == "close":  # FIN at once (a plain close could turn into a RST)
            conn.shutdown(socket.SHUT_WR)
            threading.Event().wait(0.5)
            return
        if behaviour == "silent":
            conn.recv(65536)
            threading.Event().wait(30)
            return
        conn.recv(65536)
        if behaviour == "garbage":
            conn.sendall(b"HTTP/1.0 400 Bad Request\r\n\r\n")
        elif behaviour == "stall":
            conn.sendall(server_hello)
            threading.Event().wait(30)
        elif behaviour == "reset":
            conn.setsockopt(
                socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00"
            )
        elif behaviour == "alert":
            conn.sendall(bytes.fromhex("15030300020228"))

    return ThreadedServer(handle)


class StartTLSServer:
    """A small asyncio server (own event loop thread) that speaks the plaintext part of SMTP,
    IMAP, POP3, FTP, LDAP or PostgreSQL, agrees to start TLS, then speaks TLS with Python's
    ssl module."""

    def __init__(
        self,
        protocol: str,
        chain: Chain,
        configure: Callable[[ssl.SSLContext], None] | None = None,
    ) -> None:
        self.protocol = protocol
        self.ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.ctx.load_cert_chain(chain.certfile, chain.keyfile)
        if configure is not None:
            configure(self.ctx)
        self.loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        self._ready.wait(5)

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        self.server = self.loop.run_until_complete(
            asyncio.start_server(self._session, "127.0.0.1", 0)
        )
        self.port = self.server.sockets[0].getsockname()[1]
        self._ready.set()
        self.loop.run_forever()

    async def _plaintext(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> bool:
        """The protocol's dialogue up to "go ahead with TLS"; False if the client left."""

        async def line() -> bytes:
            return (await asyncio.wait_for(reader.readline(), 5)).strip()

        if self.protocol == "smtp":
            writer.write(b"220 mail.test ESMTP ready\r\n")
            while True:
                verb = (await line()).upper()
                if not verb:
                    return False
                if verb.startswith(b"EHLO"):
                    writer.write(b"250-mail.test\r\n250-SIZE 1000000\r\n250 STARTTLS\r\n")
                elif verb == b"STARTTLS":
                    writer.write(b"220 2.0.0 Ready to start TLS\r\n")
                    return True
                else:
                    writer.write(b"502 5.5.2 command not recognized\r\n")
        if self.protocol == "imap":
            writer.write(b"* OK IMAP4rev1 ready\r\n")
            tag = (await line()).split(b" ")[0]
            writer.write(tag + b" OK Begin TLS negotiation now\r\n")
            return True
        if self.protocol == "pop3":
            writer.write(b"+OK POP3 ready\r\n")
            await line()
            writer.write(b"+OK Begin TLS negotiation\r\n")
            return True
        if self.protocol == "ftp":
            writer.write(b"220-test FTP\r\n220 ready\r\n")
            await line()
            writer.write(b"234 AUTH TLS successful\r\n")
            return True
        if self.protocol == "ldap":
            await asyncio.wait_for(reader.read(64), 5)
            # LDAPMessage {messageID 1, extendedResp {resultCode success, "", ""}}
            writer.write(bytes.fromhex("300c02010178070a010004000400"))
            return True
        if self.protocol == "postgres":
            await asyncio.wait_for(reader.readexactly(8), 5)
            writer.write(b"S")
            return True
        raise ValueError(self.protocol)

    async def _session(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            if await self._plaintext(reader, writer):
                await writer.drain()
                await writer.start_tls(self.ctx)
                await asyncio.wait_for(reader.read(1), 5)
        except Exception:
            return
        finally:
            writer.close()

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def stop(self) -> None:
        def shutdown() -> None:
            self.server.close()
            self.loop.stop()

        self.loop.call_soon_threadsafe(shutdown)
        self._thread.join(5)

    def __enter__(self) -> StartTLSServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def start_program(command: list[str], port: int, name: str) -> subprocess.Popen:
    """A server program (Debian's nginx, httpd, haproxy) in the foreground, once it listens
    on 127.0.0.1:port."""
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{name} exited: {proc.stderr.read().decode()}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return proc
        except OSError:
            time.sleep(0.05)
    proc.kill()
    raise RuntimeError(f"{name} did not start")


def stop_program(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(5)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
