"""Cohort join codes and trainer keys: generating, normalising, hashing and checking them.

Join codes are eight characters a trainer can read aloud to a room without confusion (shown
as two groups of four, ``K7P2-Q9XR``): the alphabet leaves out ``0``/``O``, ``1``/``I``/``L``.
Eight characters of 31 carry about 40 bits, and the server throttles joining, so a code
cannot be guessed in the weeks a cohort runs. Cohorts made before codes grew keep their
five-character codes. Trainer keys use the same alphabet in groups of four, are shown once,
and are kept only as a salted scrypt hash compared in constant time.

Each participant also has a **personal secret**: a random token in their personal link
(about 144 bits), kept only as a SHA-256 hash. It needs no slow hash: it is random, not
chosen, so there is nothing to guess from the hash.

>>> code = new_join_code()
>>> len(code), set(code) <= set(CODE_ALPHABET)
(8, True)
>>> secret = new_secret()
>>> len(secret) >= 24 and secret_hash(secret) == secret_hash(secret)
True
>>> key = new_trainer_key()
>>> verify_key(key.lower(), hash_key(key))   # typing it in lower case is fine
True
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets

from .errors import UnknownCohort

__all__ = [
    "CODE_ALPHABET",
    "CODE_LENGTH",
    "PRACTICE_CODE",
    "LEGACY_CODE_LENGTH",
    "new_join_code",
    "normalise_code",
    "show_code",
    "new_secret",
    "secret_hash",
    "new_trainer_key",
    "hash_key",
    "verify_key",
]

CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 8
LEGACY_CODE_LENGTH = 5  # codes of cohorts made before join codes grew to eight characters
PRACTICE_CODE = "PRACTICE"

_KEY_GROUPS = 4  # 16 characters from a 31-letter alphabet: about 79 bits
_SCRYPT_N, _SCRYPT_R, _SCRYPT_P = 2**14, 8, 1  # ~16 MiB and tens of ms per check
_SALT_BYTES = 16
_HASH_BYTES = 32
_SEPARATORS = re.compile(r"[\s\-_.]+")


def new_join_code() -> str:
    """A fresh random join code, e.g. ``"K7P2Q9XR"`` (shown as ``K7P2-Q9XR``).

    >>> all(c not in new_join_code() for c in "01OIL")
    True
    """
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(code: object) -> str:
    """The canonical form of a join code as a person typed it, or :class:`UnknownCohort`.

    Case, spaces and dashes are forgiven; characters that no join code uses are named.

    >>> normalise_code(" k7p-2q ")
    'K7P2Q'
    >>> normalise_code("practice")
    'PRACTICE'
    >>> normalise_code("K0P2Q")
    Traceback (most recent call last):
    ...
    recovery_capital.store.errors.UnknownCohort: 'K0P2Q' is not a join code: join codes never \
use 0, O, 1, I or L. Check the code with your trainer.
    """
    if not isinstance(code, str):
        raise UnknownCohort(
            f"A join code must be text, like K7P2-Q9XR (got {type(code).__name__})."
        )
    cleaned = _SEPARATORS.sub("", code).upper()
    if cleaned == PRACTICE_CODE:
        return cleaned
    if not cleaned:
        raise UnknownCohort("Please enter the join code your trainer gave you, like K7P2-Q9XR.")
    shown = cleaned if len(cleaned) <= 12 else cleaned[:12] + "..."
    if any(c in "01OIL" for c in cleaned):
        raise UnknownCohort(
            f"{shown!r} is not a join code: join codes never use 0, O, 1, I or L. "
            "Check the code with your trainer."
        )
    lengths = (CODE_LENGTH, LEGACY_CODE_LENGTH)
    if len(cleaned) not in lengths or any(c not in CODE_ALPHABET for c in cleaned):
        raise UnknownCohort(
            f"{shown!r} is not a join code: a join code is {CODE_LENGTH} letters and digits, "
            "like K7P2-Q9XR. Check the code with your trainer."
        )
    return cleaned


def show_code(code: str) -> str:
    """A join code as it is read aloud or written on a board: ``K7P2-Q9XR``.

    >>> show_code("K7P2Q9XR"), show_code("K7P2Q")
    ('K7P2-Q9XR', 'K7P2Q')
    """
    if len(code) == CODE_LENGTH:
        return f"{code[:4]}-{code[4:]}"
    return code


_SECRET = re.compile(r"[A-Za-z0-9_-]{20,64}")


def new_secret() -> str:
    """A fresh personal secret for a participant's link (URL-safe, about 144 bits).

    >>> new_secret() != new_secret()
    True
    """
    return secrets.token_urlsafe(18)


def secret_hash(secret: object) -> str | None:
    """The form a personal secret is stored and looked up in, or None if it is malformed.

    >>> len(secret_hash("a" * 24)), secret_hash("short"), secret_hash(None)
    (64, None, None)
    """
    if not isinstance(secret, str) or not _SECRET.fullmatch(secret.strip()):
        return None
    return hashlib.sha256(secret.strip().encode("ascii")).hexdigest()


def new_trainer_key() -> str:
    """A fresh random trainer key in groups of four, e.g. ``"7KQM-2XRB-PD9T-HW4N"``.

    >>> key = new_trainer_key()
    >>> [len(group) for group in key.split("-")]
    [4, 4, 4, 4]
    """
    groups = ("".join(secrets.choice(CODE_ALPHABET) for _ in range(4)) for _ in range(_KEY_GROUPS))
    return "-".join(groups)


def _canonical_key(key: str) -> bytes:
    return _SEPARATORS.sub("", key).upper().encode("utf-8")


def _scrypt(key: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(
        _canonical_key(key), salt=salt, n=n, r=r, p=p, maxmem=128 * r * n * 2, dklen=_HASH_BYTES
    )


def hash_key(key: str) -> str:
    """A salted scrypt hash of ``key``, self-describing so parameters can change later.

    >>> hash_key("ABCD-EFGH").startswith("scrypt$16384$8$1$")
    True
    >>> hash_key("ABCD-EFGH") != hash_key("ABCD-EFGH")   # a new salt every time
    True
    """
    salt = secrets.token_bytes(_SALT_BYTES)
    digest = _scrypt(key, salt, _SCRYPT_N, _SCRYPT_R, _SCRYPT_P)
    encode = base64.urlsafe_b64encode
    return (
        f"scrypt${_SCRYPT_N}${_SCRYPT_R}${_SCRYPT_P}$"
        f"{encode(salt).decode()}${encode(digest).decode()}"
    )


def verify_key(key: object, stored_hash: str | None) -> bool:
    """Whether ``key`` matches ``stored_hash``; compared in constant time.

    With no stored hash (an unknown cohort) the same slow hash is still computed, so the
    answer takes as long as for a real cohort.

    >>> stored = hash_key("7KQM-2XRB")
    >>> verify_key("7kqm 2xrb", stored), verify_key("7KQM-2XRC", stored), verify_key(None, stored)
    (True, False, False)
    """
    if stored_hash is None:
        _scrypt("", b"\0" * _SALT_BYTES, _SCRYPT_N, _SCRYPT_R, _SCRYPT_P)
        return False
    if not isinstance(key, str) or len(key) > 200:
        return False
    try:
        scheme, n, r, p, salt, digest = stored_hash.split("$")
        if scheme != "scrypt":
            return False
        expected = base64.urlsafe_b64decode(digest)
        actual = _scrypt(key, base64.urlsafe_b64decode(salt), int(n), int(r), int(p))
    except ValueError:
        return False
    return hmac.compare_digest(actual, expected)
