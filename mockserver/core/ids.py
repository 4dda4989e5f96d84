"""Identifiers drawn from one seeded generator, so a seeded run hands out the same ids every time."""

from __future__ import annotations

import random

#: The bits ``uuid.UUID(int=n, version=4)`` sets: the variant (RFC 4122) and the version (4).
_CLEAR = ~((0xC000 << 48) | (0xF000 << 64))
_SET = (0x8000 << 48) | (4 << 76)


def uuid4_text(bits: int) -> str:
    """``str(uuid.UUID(int=bits, version=4))``, without building a UUID: every call and recording gets
    one, and the object was ~1 µs of the ~3 µs it cost (bench_engine, issue 14)."""
    h = f"{(bits & _CLEAR) | _SET:032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


class IdFactory:
    def __init__(self, seed: int | None = None, stream: str = "ids") -> None:
        # Each stream draws from its own generator, so e.g. credentials made at start-up do not shift
        # the ids handed out after a reset.
        self._seed = None if seed is None else f"{seed}:{stream}"
        self._random = random.Random(self._seed)

    def uuid(self) -> str:
        """A version-4 UUID string (random bits from the seeded generator)."""
        return uuid4_text(self._random.getrandbits(128))

    def hex(self, length: int) -> str:
        return "".join(self._random.choice("0123456789abcdef") for _ in range(length))

    def token(self, length: int, alphabet: str) -> str:
        return "".join(self._random.choice(alphabet) for _ in range(length))

    def number(self, low: int, high: int) -> int:
        return self._random.randint(low, high)

    def reset(self) -> None:
        self._random = random.Random(self._seed)

    def getstate(self) -> tuple[object, ...]:
        """Where the generator is (for snapshots): ids continue from here after :meth:`setstate`."""
        return self._random.getstate()

    def setstate(self, state: tuple[object, ...]) -> None:
        self._random.setstate(state)
