"""Harder cases: aliases, from-imports, dynamic lookups."""
import hashlib as h
from hashlib import md5 as _md5
from cryptography.hazmat.primitives.asymmetric.rsa import generate_private_key

ALGORITHM = "sha1"


def aliases(data):
    a = h.sha1(data)
    b = _md5(data, usedforsecurity=False)
    c = h.new(ALGORITHM)
    return a, b, c


def imported_function():
    return generate_private_key(public_exponent=65537, key_size=4096)


def dynamic(name, data):
    return getattr(h, name)(data)


def shadowed():
    h = object()
    return str(h)
