"""Password hashing at a cost chosen by whoever builds the services.

Production hashes with argon2-cffi's defaults (RFC 9106's low-memory profile). The cost lives
here, not in a module-level hasher, so that tests can hash cheaply and importing the package
does no hashing at all.
"""

from __future__ import annotations

import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError


class Passwords:
    def __init__(self, hasher: PasswordHasher | None = None) -> None:
        self.hasher = hasher or PasswordHasher()
        self._dummy: str | None = None

    def hash(self, password: str) -> str:
        return self.hasher.hash(password)

    def verify(self, password_hash: str | None, password: str) -> bool:
        """Whether ``password`` matches; an unknown account (``None``) costs the same time."""
        if password_hash is None:
            if self._dummy is None:
                self._dummy = self.hasher.hash(secrets.token_urlsafe(16))
            password_hash = self._dummy
            self._verify(password_hash, password)
            return False
        return self._verify(password_hash, password)

    def needs_rehash(self, password_hash: str) -> bool:
        """A hash made at another cost is replaced at the next successful login."""
        return self.hasher.check_needs_rehash(password_hash)

    def _verify(self, password_hash: str, password: str) -> bool:
        try:
            return self.hasher.verify(password_hash, password)
        except (VerificationError, InvalidHashError):
            return False
