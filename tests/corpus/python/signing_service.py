"""Signing and key agreement with keys loaded from disk or built from numbers."""
from pathlib import Path

import paramiko
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa, x25519
from Crypto.Cipher import PKCS1_OAEP
from Crypto.Hash import SHA256
from Crypto.PublicKey import ECC, RSA
from Crypto.Signature import DSS, pkcs1_15

KEY_DIR = Path("/etc/signer")


class ReleaseSigner:
    def __init__(self) -> None:
        pem = (KEY_DIR / "release.pem").read_bytes()
        self.key = serialization.load_pem_private_key(pem, password=None)

    def sign(self, artifact: bytes) -> bytes:
        return self.key.sign(
            artifact,
            padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=padding.PSS.MAX_LENGTH),
            hashes.SHA256(),
        )


def verify_legacy(public_pem: bytes, signature: bytes, data: bytes) -> None:
    public_key = serialization.load_pem_public_key(public_pem)
    public_key.verify(signature, data, padding.PKCS1v15(), hashes.SHA1())


def from_numbers(n: int, e: int, data: bytes) -> bytes:
    public = rsa.RSAPublicNumbers(e, n).public_key()
    return public.encrypt(data, padding.OAEP(mgf=padding.MGF1(hashes.SHA256()), algorithm=hashes.SHA256(), label=None))


def device_key(secret_scalar: int) -> ec.EllipticCurvePrivateKey:
    return ec.derive_private_key(secret_scalar, ec.SECP256R1())


def agree(peer_bytes: bytes) -> bytes:
    mine = x25519.X25519PrivateKey.generate()
    peer = x25519.X25519PublicKey.from_public_bytes(peer_bytes)
    return mine.exchange(peer)


def ecdh_with(peer_public: ec.EllipticCurvePublicKey) -> bytes:
    ephemeral = ec.generate_private_key(ec.SECP384R1())
    return ephemeral.exchange(ec.ECDH(), peer_public)


def pycryptodome_roundtrip(message: bytes) -> bytes:
    key = RSA.import_key(Path("service.pem").read_bytes())
    signature = pkcs1_15.new(key).sign(SHA256.new(message))
    sealed = PKCS1_OAEP.new(key.publickey(), hashAlgo=SHA256).encrypt(message)
    return signature + sealed


def ecc_signature(message: bytes) -> bytes:
    key = ECC.import_key(Path("device.pem").read_text())
    signer = DSS.new(key, "fips-186-3")
    return signer.sign(SHA256.new(message))


def constructed(n: int, e: int) -> RSA.RsaKey:
    return RSA.construct((n, e))


def ssh_identity() -> paramiko.PKey:
    return paramiko.RSAKey.from_private_key_file("/home/deploy/.ssh/id_rsa")
