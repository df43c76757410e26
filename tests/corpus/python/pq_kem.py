"""ML-KEM-768 key establishment with pyca/cryptography (46.0 and later)."""
from cryptography.hazmat.primitives.asymmetric.mlkem import MLKEM768PrivateKey, MLKEM768PublicKey


def new_recipient():
    private_key = MLKEM768PrivateKey.generate()
    return private_key, private_key.public_key().public_bytes_raw()


def send_to(recipient_public: bytes) -> tuple[bytes, bytes]:
    recipient = MLKEM768PublicKey.from_public_bytes(recipient_public)
    shared_secret, ciphertext = recipient.encapsulate()
    return shared_secret, ciphertext


def receive(ciphertext: bytes) -> bytes:
    private_key = MLKEM768PrivateKey.generate()
    return private_key.decapsulate(ciphertext)
