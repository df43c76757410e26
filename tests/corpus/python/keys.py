"""Key generation with pyca/cryptography.

rsa.generate_private_key(public_exponent=65537, key_size=512) in a docstring is not code.
"""
from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed25519, rsa, x25519
from cryptography.hazmat.primitives.asymmetric import dh

LEGACY_BITS = 1024


def legacy():
    return rsa.generate_private_key(public_exponent=65537, key_size=LEGACY_BITS)


def modern():
    key = rsa.generate_private_key(65537, 3072)
    curve_key = ec.generate_private_key(ec.SECP384R1())
    k1 = ec.generate_private_key(curve=ec.SECP256K1())
    return key, curve_key, k1


def others():
    d = dsa.generate_private_key(key_size=2048)
    e = ed25519.Ed25519PrivateKey.generate()
    x = x25519.X25519PrivateKey.generate()
    params = dh.generate_parameters(generator=2, key_size=2048)
    return d, e, x, params
