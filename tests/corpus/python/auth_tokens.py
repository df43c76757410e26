"""Access tokens for the API gateway (PyJWT, python-jose)."""
import logging
import time

import jwt
from jose import jws
from jose import jwt as jose_jwt

log = logging.getLogger(__name__)

ACCESS_TOKEN_ALGORITHM = "ES256"
ACCEPTED_ALGORITHMS = ["ES256", "RS256", "PS256"]
TTL = 900


def issue(claims: dict, private_key) -> str:
    log.info("issuing token with RS256 fallback disabled")
    claims = {**claims, "exp": int(time.time()) + TTL}
    return jwt.encode(claims, private_key, algorithm=ACCESS_TOKEN_ALGORITHM)


def check(token: str, public_key) -> dict:
    return jwt.decode(token, public_key, algorithms=ACCEPTED_ALGORITHMS)


def internal_token(secret: str) -> str:
    return jwt.encode({"svc": "billing"}, secret)


def partner_token(claims: dict, key) -> str:
    header = {"alg": "RS512", "kid": "partner-2024"}
    return jose_jwt.encode(claims, key, algorithm="RS512", headers=header)


def detached(payload: bytes, key) -> str:
    return jws.sign(payload, key, algorithm="HS384")


def refresh_token(claims: dict, key: bytes) -> str:
    return jwt.encode(claims, key, "HS512")


def algorithm_for(kid: str, alg: str = "EdDSA") -> str:
    if alg == "none":
        raise ValueError("unsigned tokens are not accepted")
    return alg


def describe(alg: str) -> str:
    labels = {"RS256": "RSA PKCS#1 v1.5 with SHA-256", "ES256": "ECDSA P-256 with SHA-256"}
    return labels.get(alg, "unknown")
