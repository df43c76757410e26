import hashlib
import hmac

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding


def sign(key, data):
    return key.sign(data, ec.ECDSA(hashes.SHA256()))


def legacy_sign(key, data):
    return key.sign(data, ec.ECDSA(hashes.SHA1()))


def encrypt(public_key, message):
    return public_key.encrypt(
        message,
        padding.OAEP(mgf=padding.MGF1(algorithm=hashes.SHA256()), algorithm=hashes.SHA256(), label=None),
    )


def exchange(private_key, peer):
    return private_key.exchange(ec.ECDH(), peer)


def digests(data):
    a = hashlib.md5(data).hexdigest()
    b = hashlib.sha1(data).hexdigest()
    c = hashlib.sha256(data).hexdigest()
    d = hashlib.new("md5", data)
    e = hmac.new(b"k", data, hashlib.sha1).digest()
    f = hmac.new(b"k", data, digestmod="sha256").digest()
    return a, b, c, d, e, f
