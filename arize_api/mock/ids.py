"""Identifiers in Arize's formats: base64 global ids and UUID-style row ids."""

from __future__ import annotations

import base64
import binascii
import random
import string
import uuid

__all__ = ["IdMinter", "decode_global_id"]

_SUFFIX_ALPHABET = string.ascii_letters + string.digits


class IdMinter:
    """Mints ids from one seeded random source, so a seed reproduces every id."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._counters: dict[str, int] = {}
        self._ordered = 0x018F_0000_0000  # ordered UUIDs: a plausible millisecond start

    def global_id(self, type_name: str) -> str:
        """``base64("<Type>:<n>:<suffix>")``, e.g. ``Dataset:1:aBcD``; projects use ``Model``."""
        number = self._counters.get(type_name, 0) + 1
        self._counters[type_name] = number
        suffix = "".join(self._rng.choices(_SUFFIX_ALPHABET, k=4))
        return base64.b64encode(f"{type_name}:{number}:{suffix}".encode()).decode()

    def uuid(self) -> str:
        """A version-4 UUID string (dataset example ids, experiment run ids)."""
        return str(uuid.UUID(int=self._rng.getrandbits(128), version=4))

    def ordered_uuid(self) -> str:
        """A version-4-shaped UUID whose first 48 bits count up, so later ids sort after
        earlier ones (dataset example ids and experiment run ids, whose lists are ordered
        by creation then id, or by id, and so also in the order they were added)."""
        self._ordered += 1
        number = (self._ordered << 80) | self._rng.getrandbits(80)
        return str(uuid.UUID(int=number, version=4))

    def hex(self, length: int = 40) -> str:
        """Lower-case hex digits, e.g. a commit hash."""
        return "".join(self._rng.choices("0123456789abcdef", k=length))

    def choice(self, options: list[str]) -> str:
        """One of ``options``, from the seeded source."""
        return self._rng.choice(options)

    def token(self, prefix: str) -> str:
        """An opaque secret such as an API key."""
        return prefix + "".join(self._rng.choices(_SUFFIX_ALPHABET, k=32))


def decode_global_id(value: str) -> tuple[str, int] | None:
    """``(type, number)`` of a global id, or None if ``value`` is not one."""
    try:
        text = base64.b64decode(value, validate=True).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    parts = text.split(":")
    if len(parts) < 2 or not parts[1].isdigit():
        return None
    return parts[0], int(parts[1])
