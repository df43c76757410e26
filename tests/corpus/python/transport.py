"""TLS and SSH client settings for the deployment agent."""
import ssl

import asyncssh
import paramiko
from OpenSSL import SSL

MODERN_CIPHERS = "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384"
SSH_KEX = ["mlkem768x25519-sha256", "curve25519-sha256", "diffie-hellman-group14-sha256"]


def api_context(cafile: str) -> ssl.SSLContext:
    ctx = ssl.create_default_context(cafile=cafile)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    ctx.set_ciphers(MODERN_CIPHERS)
    return ctx


def legacy_printer_context() -> ssl.SSLContext:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLSv1_1)
    ctx.set_ciphers("DES-CBC3-SHA")
    return ctx


def server_context(cert: str, key: str) -> ssl.SSLContext:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)
    ctx.set_ecdh_curve("secp384r1")
    return ctx


def pyopenssl_context() -> SSL.Context:
    ctx = SSL.Context(SSL.TLS_METHOD)
    ctx.set_min_proto_version(SSL.TLS1_VERSION)
    return ctx


def old_switch(host: str) -> paramiko.SSHClient:
    client = paramiko.SSHClient()
    client.connect(
        host,
        username="admin",
        disabled_algorithms={"pubkeys": ["rsa-sha2-256", "rsa-sha2-512"]},
    )
    opts = client.get_transport().get_security_options()
    opts.kex = ("diffie-hellman-group1-sha1", "diffie-hellman-group14-sha1")
    opts.ciphers = ("aes128-cbc", "3des-cbc")
    return client


async def bastion(host: str) -> asyncssh.SSHClientConnection:
    return await asyncssh.connect(
        host,
        kex_algs=SSH_KEX,
        encryption_algs=["chacha20-poly1305@openssh.com"],
        mac_algs=["hmac-sha2-256-etm@openssh.com", "hmac-sha1"],
        server_host_key_algs=["ssh-ed25519"],
    )
