"""Game server utilities: nothing here is cryptography, whatever the names say."""
import hashlib
import logging
import random

log = logging.getLogger("game")

ALGORITHM_NOTES = "We sign with RS256 in the API service, not here."


class Cipher:
    """A substitution puzzle in the adventure game."""

    def __init__(self, shift: int) -> None:
        self.shift = shift

    def encrypt(self, text: str) -> str:
        return "".join(chr((ord(c) + self.shift) % 128) for c in text)


class Signature:
    def sign(self, document: str, name: str) -> str:
        return f"{document}\n-- {name}"


def bucket(state: dict) -> int:
    return hash(frozenset(state.items())) % 64


def play(seed: int) -> int:
    rng = random.Random(seed)
    return rng.randint(1, 6)


def puzzle() -> str:
    cipher = Cipher(3)
    return cipher.encrypt("treasure")


def autograph(letter: str) -> str:
    return Signature().sign(letter, "The Keeper")


def report() -> None:
    log.info("token algorithm: %s", "RS256")
    print("RS256")
    # hashlib.md5(b"checksum") was used before 2020
    if False:
        hashlib.md5(b"dead code")


def loot_table() -> dict:
    return {"key": "golden", "token": random.choice(["copper", "silver"])}


def disabled():
    return {"disabled_algorithms": {"kex": ["diffie-hellman-group1-sha1", "diffie-hellman-group14-sha1"]}}
