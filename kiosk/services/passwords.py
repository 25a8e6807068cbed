"""argon2id hashing, run off the event loop (a hash costs ~150 ms with the default profile).

The cost is a setting: production keeps argon2-cffi's RFC 9106 low-memory profile (t=3, 64 MiB);
the test suite lowers it, since it creates hundreds of accounts.
"""

from __future__ import annotations

import asyncio
from functools import cached_property

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError


class Passwords:
    def __init__(self, time_cost: int = 3, memory_kib: int = 65536) -> None:
        self._hasher = PasswordHasher(time_cost=time_cost, memory_cost=memory_kib)

    @cached_property
    def _dummy_hash(self) -> str:
        # verified against when the account does not exist, so both paths cost the same
        return self._hasher.hash("no account has this password")

    async def hash(self, secret: str) -> str:
        return await asyncio.to_thread(self._hasher.hash, secret)

    def _verify(self, stored: str | None, secret: str) -> bool:
        try:
            return self._hasher.verify(stored or self._dummy_hash, secret) and stored is not None
        except (VerificationError, InvalidHashError):
            return False

    async def verify(self, stored: str | None, secret: str) -> bool:
        """True when `secret` matches `stored`; costs the same when `stored` is None."""
        return await asyncio.to_thread(self._verify, stored, secret)
