"""The requester's private query code: 10 characters from 31 unambiguous
ones (about 50 bits), stored as a salted SHA-256; with the portal's
throttling, guessing one is impractical."""

import hashlib
import hmac
import secrets

ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
LENGTH = 10


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def digest(code: str, salt: str | None = None) -> str:
    salt = salt or secrets.token_hex(8)
    value = hashlib.sha256(f"{salt}:{normalise(code)}".encode()).hexdigest()
    return f"{salt}${value}"


def normalise(code: str) -> str:
    return "".join(code.split()).upper()


def matches(code: str, stored: str) -> bool:
    if not stored or "$" not in stored:
        return False
    salt = stored.split("$", 1)[0]
    return hmac.compare_digest(digest(code, salt), stored)
