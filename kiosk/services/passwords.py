"""argon2id hashing, run off the event loop (a hash takes tens of milliseconds)."""

from __future__ import annotations

import asyncio
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError


@cache
def _hasher() -> PasswordHasher:
    return PasswordHasher()  # argon2id, RFC 9106 low-memory profile


@cache
def _dummy_hash() -> str:
    # verified against when the account does not exist, so both paths cost the same
    return _hasher().hash("no account has this password")


async def hash_secret(secret: str) -> str:
    return await asyncio.to_thread(_hasher().hash, secret)


def _verify(stored: str | None, secret: str) -> bool:
    try:
        return _hasher().verify(stored or _dummy_hash(), secret) and stored is not None
    except (VerificationError, InvalidHashError):
        return False


async def verify_secret(stored: str | None, secret: str) -> bool:
    """True when `secret` matches `stored`; costs the same when `stored` is None."""
    return await asyncio.to_thread(_verify, stored, secret)
