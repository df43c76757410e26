"""A small secrets vault: envelope encryption of records with per-record data keys."""
import base64
import json
import os

from cryptography.fernet import Fernet
from cryptography.hazmat.primitives import hashes, padding as sym_padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM, ChaCha20Poly1305
from cryptography.hazmat.primitives.keywrap import aes_key_unwrap, aes_key_wrap

NONCE_BYTES = 12
DATA_KEY_BYTES = 32


class Vault:
    def __init__(self, master_key: bytes):
        self.master_key = master_key
        self.legacy = Fernet(os.environ["VAULT_LEGACY_KEY"])

    def seal(self, record: dict) -> dict:
        data_key = AESGCM.generate_key(bit_length=256)
        nonce = os.urandom(NONCE_BYTES)
        aead = AESGCM(data_key)
        ciphertext = aead.encrypt(nonce, json.dumps(record).encode(), None)
        wrapped = aes_key_wrap(self.master_key, data_key)
        return {"n": nonce.hex(), "c": ciphertext.hex(), "k": wrapped.hex()}

    def open(self, sealed: dict) -> dict:
        data_key = aes_key_unwrap(self.master_key, bytes.fromhex(sealed["k"]))
        plain = AESGCM(data_key).decrypt(bytes.fromhex(sealed["n"]), bytes.fromhex(sealed["c"]), None)
        return json.loads(plain)

    def open_legacy(self, token: bytes) -> bytes:
        return self.legacy.decrypt(token)


def stream_seal(key: bytes, payload: bytes) -> bytes:
    nonce = os.urandom(NONCE_BYTES)
    return nonce + ChaCha20Poly1305(key).encrypt(nonce, payload, b"")


def export_cbc(payload: bytes) -> bytes:
    key = os.urandom(16)
    iv = os.urandom(16)
    padder = sym_padding.PKCS7(128).padder()
    padded = padder.update(payload) + padder.finalize()
    encryptor = Cipher(algorithms.AES(key), modes.CBC(iv)).encryptor()
    return base64.b64encode(iv + encryptor.update(padded) + encryptor.finalize())


def legacy_table_lookup(key: bytes, block: bytes) -> bytes:
    # kept for files written before 2019: one 16-byte block per entry
    decryptor = Cipher(algorithms.AES(key), modes.ECB()).decryptor()
    return decryptor.update(block) + decryptor.finalize()


def digest_of(payload: bytes) -> bytes:
    h = hashes.Hash(hashes.SHA3_256())
    h.update(payload)
    return h.finalize()


def new_fernet_key() -> bytes:
    return Fernet.generate_key()
