"""Caller-ID names: parse Asterisk's `clid` and tell a real name from a carrier placeholder.

A name is evidence only when it passes the rules (letters, no number in it, not a known placeholder) and is
not frequent across many different numbers in the pre-scan: `WIRELESS CALLER` or `SAN FRANCISCO CA` shows up
with hundreds of numbers, a person's name with one or two.
"""

from __future__ import annotations

import re
from collections import defaultdict
from functools import lru_cache

#: Carrier placeholders seen in US/EU caller-ID name delivery (a seed list; frequency catches the rest).
PLACEHOLDER_NAMES = frozenset(
    {
        "WIRELESS CALLER",
        "UNKNOWN",
        "UNKNOWN CALLER",
        "UNKNOWN NAME",
        "ANONYMOUS",
        "PRIVATE",
        "PRIVATE CALLER",
        "PRIVATE NUMBER",
        "UNAVAILABLE",
        "OUT OF AREA",
        "RESTRICTED",
        "BLOCKED",
        "NO CALLER ID",
        "CELL PHONE",
        "CELLULAR CALLER",
        "TOLL FREE",
        "TOLLFREE CALLER",
        "CALLER ID",
        "PAYPHONE",
        "PAY PHONE",
        "NOT AVAILABLE",
        "WITHHELD",
        "UNKNOWN NUMBER",
        "V",
        "P",
        "O",
        "ASTERISK",
        "DEVICE",
        "GUEST",
    }
)
#: A name shared by at least this many distinct numbers in the pre-scan is a placeholder, not a person.
SHARED_NAME_NUMBERS = 5
#: Numbers remembered per name while counting (enough to reach the threshold, bounded memory).
_MAX_TRACKED = SHARED_NAME_NUMBERS

_CLID = re.compile(r'^\s*(?:"(?P<quoted>[^"]*)"|(?P<bare>[^<]*?))\s*(?:<(?P<number>[^>]*)>)?\s*$')


def parse_clid(clid: str) -> tuple[str, str]:
    """(name, number) from `"SMITH JOHN" <4155550134>`; either part may be empty."""
    m = _CLID.match(clid or "")
    if m is None:
        return "", ""
    name = (m.group("quoted") if m.group("quoted") is not None else m.group("bare") or "").strip()
    number = (m.group("number") or "").strip()
    if not number and name and not any(ch.isalpha() for ch in name):
        return "", name
    return name, number


#: Distinct caller-ID names whose reading is remembered (a customer's name recurs on every call, a carrier's
#: placeholder on thousands).
NAME_CACHE_SIZE = 65_536


@lru_cache(maxsize=NAME_CACHE_SIZE)
def _name_rules(name: str) -> tuple[str, bool]:
    """The digits in a name, and whether it passes every rule but the number's: at least two letters, at most two
    digits, not a known placeholder."""
    text = " ".join(name.split())
    numerals = "".join(ch for ch in text if ch.isdigit())
    letters = sum(ch.isalpha() for ch in text)
    ok = bool(text) and letters >= 2 and len(numerals) <= 2 and text.upper().strip(" .") not in PLACEHOLDER_NAMES
    return numerals, ok


def plausible_name(name: str, number: str = "") -> bool:
    """Rules: at least two letters, at most two digits, not the number, not a known placeholder."""
    numerals, ok = _name_rules(name)
    return ok and not (number and numerals == number)


class NameFrequency:
    """Counts distinct numbers per caller-ID name during the pre-scan."""

    def __init__(self) -> None:
        self._numbers: dict[str, set[str]] = defaultdict(set)

    def add(self, name: str, number: str) -> None:
        """Record that `name` was shown for `number`."""
        key = " ".join(name.upper().split())
        seen = self._numbers[key]
        if len(seen) < _MAX_TRACKED:
            seen.add(number)

    def placeholders(self) -> frozenset[str]:
        """Names shown for too many distinct numbers to be a person's."""
        return frozenset(k for k, v in self._numbers.items() if len(v) >= SHARED_NAME_NUMBERS)


def customer_name(name: str, number: str, shared: frozenset[str]) -> str | None:
    """The caller-ID name when it is evidence of who called, else None."""
    if not plausible_name(name, number):
        return None
    text = " ".join(name.split())
    return None if text.upper() in shared else text
