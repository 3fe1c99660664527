"""Password hashes: salted scrypt, "scrypt$<n>$<r>$<p>$<salt b64>$<hash b64>"."""

from __future__ import annotations

import base64
import binascii
import functools
import hashlib
import hmac
import secrets

from monitor.errors import MonitorError

SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
HASH_EXAMPLE = "scrypt$16384$8$1$..."


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def hash_password(password: str, salt: bytes | None = None) -> str:
    """A salted scrypt hash of `password`, for the secrets or the environment."""
    if not password:
        raise MonitorError("The password is empty.")
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.scrypt(
        password.encode("utf-8"), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P, dklen=32
    )
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${_b64(salt)}${_b64(digest)}"


def _parts(stored: str) -> tuple[int, int, int, bytes, bytes]:
    """n, r, p, salt and digest of a stored hash; ValueError when it is not one."""
    scheme, n, r, p, salt, digest = stored.split("$")
    if scheme != "scrypt":
        raise ValueError("not an scrypt hash")
    try:
        salt_bytes = base64.b64decode(salt, validate=True)
        digest_bytes = base64.b64decode(digest, validate=True)
    except binascii.Error as exc:
        raise ValueError("salt or hash is not base64") from exc
    if not salt_bytes or not digest_bytes:
        raise ValueError("empty salt or hash")
    return int(n), int(r), int(p), salt_bytes, digest_bytes


def is_password_hash(stored: object) -> bool:
    """True when `stored` has the form of a hash made by `hash_password`."""
    if not isinstance(stored, str):
        return False
    try:
        n, r, p, _, _ = _parts(stored)
    except ValueError:
        return False
    return n > 1 and n & (n - 1) == 0 and r > 0 and p > 0


def check_password(password: str, stored: str) -> bool:
    """True when `password` matches `stored` (a hash from `hash_password`).

    The comparison takes the same time wherever the first difference is.
    """
    try:
        n, r, p, salt, expected = _parts(stored)
        actual = hashlib.scrypt(
            password.encode("utf-8"), salt=salt, n=n, r=r, p=p, dklen=len(expected)
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(actual, expected)


@functools.cache
def decoy_hash() -> str:
    """A hash no password is known for: checked when a login names no account, so an
    unknown name costs the same time as a wrong password."""
    return hash_password(secrets.token_urlsafe(24))
