"""Password storage and key derivation for the account service."""
import hashlib
import hmac
import secrets

import bcrypt
from argon2 import PasswordHasher
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.hmac import HMAC
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt
from Crypto.Protocol.KDF import PBKDF2 as pycryptodome_pbkdf2

ITERATIONS = 600_000
_hasher = PasswordHasher(time_cost=3, memory_cost=65536)


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def legacy_hash(password: bytes, salt: bytes) -> bytes:
    return hashlib.pbkdf2_hmac("sha1", password, salt, 100)


def current_hash(password: bytes) -> tuple[bytes, bytes]:
    salt = secrets.token_bytes(16)
    kdf = PBKDF2HMAC(algorithm=hashes.SHA256(), length=32, salt=salt, iterations=ITERATIONS)
    return salt, kdf.derive(password)


def scrypt_hash(password: bytes, salt: bytes) -> bytes:
    return Scrypt(salt=salt, length=32, n=2**14, r=8, p=1).derive(password)


def bcrypt_hash(password: bytes) -> bytes:
    return bcrypt.hashpw(password, bcrypt.gensalt(rounds=12))


def session_keys(shared_secret: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA384(), length=64, salt=None, info=b"session v2").derive(shared_secret)


def sign_cookie(key: bytes, value: bytes) -> str:
    return hmac.new(key, value, digestmod="sha256").hexdigest()


def verify_webhook(secret: bytes, body: bytes, signature: str) -> bool:
    mac = HMAC(secret, hashes.SHA512())
    mac.update(body)
    expected = mac.finalize().hex()
    return hmac.compare_digest(expected, signature)


def old_api_signature(secret: bytes, body: bytes) -> str:
    return hmac.new(secret, body, hashlib.md5).hexdigest()


def interop_key(password: bytes, salt: bytes) -> bytes:
    return pycryptodome_pbkdf2(password, salt, 16, count=1000)


def cache_key(url: str) -> str:
    return hashlib.sha1(url.encode(), usedforsecurity=False).hexdigest()


def etag(body: bytes) -> str:
    return hashlib.new("md5", body, usedforsecurity=False).hexdigest()
