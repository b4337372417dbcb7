"""Hands out fictional phone numbers (555-0100..0199 over US area codes), each at most once while any is left."""

from __future__ import annotations

import random

from identity_graph.generate.names import area_codes

#: Line numbers of the fictional range: 555-0100 .. 555-0199.
FICTIONAL_LINES = tuple(f"01{i:02d}" for i in range(100))
FICTIONAL_EXCHANGE = "555"


class PhonePool:
    """Fictional numbers as 10 digits, preferring the caller's local area codes; recycles when all are taken."""

    def __init__(self, rng: random.Random, reserved: tuple[str, ...]) -> None:
        """Start with every fictional number free except the reserved ones (E.164 or 10 digits)."""
        self._rng = rng
        self._reserved = {r[-10:] for r in reserved}
        self._free: dict[str, list[str]] = {}
        self._open_codes = list(area_codes())
        self.recycled = 0

    def _lines(self, code: str) -> list[str]:
        """Free line numbers of one area code, shuffled once on first use."""
        free = self._free.get(code)
        if free is None:
            free = [n for n in FICTIONAL_LINES if f"{code}{FICTIONAL_EXCHANGE}{n}" not in self._reserved]
            self._rng.shuffle(free)
            self._free[code] = free
        return free

    def take(self, preferred: tuple[str, ...]) -> str:
        """A number not handed out before: local if possible, else anywhere; a reused one when none is left."""
        for code in self._rng.sample(preferred, len(preferred)):
            free = self._lines(code)
            if free:
                return f"{code}{FICTIONAL_EXCHANGE}{free.pop()}"
        while self._open_codes:
            i = self._rng.randrange(len(self._open_codes))
            code = self._open_codes[i]
            free = self._lines(code)
            if free:
                return f"{code}{FICTIONAL_EXCHANGE}{free.pop()}"
            self._open_codes[i] = self._open_codes[-1]
            self._open_codes.pop()
        self.recycled += 1  # a reassigned number: real carriers recycle them too
        while True:
            code = self._rng.choice(preferred or area_codes())
            number = f"{code}{FICTIONAL_EXCHANGE}{self._rng.choice(FICTIONAL_LINES)}"
            if number not in self._reserved:
                return number
