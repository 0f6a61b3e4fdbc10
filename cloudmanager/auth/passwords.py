"""Password hashing (argon2id) and the password policy."""

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from zxcvbn import zxcvbn

MIN_LENGTH = 12
MIN_STRENGTH = 2  # zxcvbn score 0-4; below 2 is guessable within hours offline
_hashers: dict[tuple, PasswordHasher] = {}


def _hasher() -> PasswordHasher:
    """argon2id with the library's defaults, or cheaper parameters set for tests."""
    from flask import current_app, has_app_context

    params = current_app.config.get("ARGON2_PARAMS") if has_app_context() else None
    key = tuple(sorted((params or {}).items()))
    if key not in _hashers:
        _hashers[key] = PasswordHasher(**(params or {}))
    return _hashers[key]


_dummy_hashes: dict[int, str] = {}


def _dummy_hash() -> str:
    """A hash to verify against for unknown users, so they cost the same time."""
    hasher = _hasher()
    if id(hasher) not in _dummy_hashes:
        _dummy_hashes[id(hasher)] = hasher.hash("a password nobody has, to spend the same time")
    return _dummy_hashes[id(hasher)]


def hash_password(password: str) -> str:
    """An argon2id hash of `password`."""
    return _hasher().hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """True when `password` matches; spends the same time when there is no hash."""
    try:
        return _hasher().verify(password_hash or _dummy_hash(), password) and bool(password_hash)
    except (VerificationError, InvalidHashError):
        return False


def password_problem(password: str, *, email: str = "", name: str = "") -> str | None:
    """Why `password` is refused, or None when it is acceptable.

    zxcvbn checks the password against 30,000 common passwords, dictionary
    words, keyboard patterns and dates, and against the user's own details.
    """
    if len(password) < MIN_LENGTH:
        return f"Use at least {MIN_LENGTH} characters."
    user_inputs = [part for part in (email, email.split("@")[0], name) if part]
    if zxcvbn(password[:100], user_inputs=user_inputs)["score"] < MIN_STRENGTH:
        return "This password is too common or too easy to guess. Choose a less predictable one."
    return None
