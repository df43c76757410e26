import jwt
from jose import jwt as jose_jwt

SECRET = "change-me"


def issue(payload, private_key):
    return jwt.encode(payload, private_key, algorithm="RS256")


def issue_default(payload):
    return jwt.encode(payload, SECRET)


def verify(token, public_key):
    return jwt.decode(token, public_key, algorithms=["RS256", "ES256"])


def other(payload, key):
    return jose_jwt.encode(payload, key, algorithm="ES384")
