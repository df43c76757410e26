"""Identifiers, reset links and simulation seeds."""
import os
import random
import secrets
import string
import uuid

ALPHABET = string.ascii_letters + string.digits


def reset_token() -> str:
    return secrets.token_urlsafe(32)


def api_key() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(40))


def legacy_password(length: int = 12) -> str:
    return "".join(random.choice(ALPHABET) for _ in range(length))


def new_session(user: str) -> dict:
    session_token = "%032x" % random.getrandbits(128)
    return {"user": user, "token": session_token}


def encrypt_blob(cipher_factory, data: bytes) -> bytes:
    iv = random.randbytes(16)
    return iv + cipher_factory(iv).encrypt(data)


def nonce() -> bytes:
    return os.urandom(24)


def shuffle_deck(cards: list) -> list:
    random.shuffle(cards)
    return cards


def jitter(base: float) -> float:
    return base * random.uniform(0.8, 1.2)


def pick_server(servers: list[str]) -> str:
    return random.choice(servers)


def sample_ids(population: list[int]) -> list[int]:
    random.seed(42)
    return random.sample(population, 10)


def request_id() -> str:
    return uuid.uuid4().hex
