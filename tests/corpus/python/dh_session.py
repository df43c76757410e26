"""Finite-field Diffie-Hellman through a parameters object: the parameters are generated
once, keys are generated from them, and the agreement names neither DH nor a size."""
from cryptography.hazmat.primitives.asymmetric import dh

PARAMETERS = dh.generate_parameters(generator=2, key_size=2048)


def agree(peer_public):
    own = PARAMETERS.generate_private_key()
    return own.exchange(peer_public)


def agree_with_fresh_pair():
    params = dh.generate_parameters(generator=5, key_size=3072)
    ours = params.generate_private_key()
    theirs = params.generate_private_key()
    return ours.exchange(theirs.public_key())
