"""Nothing in this module uses cryptography.

hashlib.md5(b"x") and rsa.generate_private_key(65537, 512) appear only in text.
"""
import hashlib

EXAMPLE = "hashlib.sha1(data)"
DOC = """
from cryptography.hazmat.primitives.asymmetric import rsa
rsa.generate_private_key(public_exponent=65537, key_size=1024)
"""


class rsa:  # a local class named like the module
    @staticmethod
    def generate_private_key(public_exponent, key_size):
        return None


def local_lookalike():
    return rsa.generate_private_key(65537, 1024)


def dead():
    if False:
        return hashlib.md5(b"never")
    return hashlib.sha256(b"fine").hexdigest()


def names_only(algorithm="RSA", md5="value", sha1=None):
    # hashlib.sha1() in a comment
    return {"RSA": algorithm, "md5": md5}
