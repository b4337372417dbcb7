"""Identifiers a bank or telco holds: national ids, passports, driver's licences, tax ids, account numbers and
the last four digits of a card. Each normalizer takes raw text and returns a canonical value or None.

Values carry their scheme before the number, so that only numbers of one scheme are ever compared:
`ssn:123456789`, `nino:AB123456C`, a passport `US:X1234567` (or `X1234567` with no country), a driver's
licence `CA:D1234567` (the issuing state), a tax id `ein:123456789`, an account `bank:00123456`, a card's
`1234`. Numbers lose spaces, dashes, dots and slashes and are upper-cased; schemes and systems are lower case,
countries and states upper case.
"""

from __future__ import annotations

import re

from identity_graph.model import IdentifierKind

#: The identifier kinds of this module, by their `IdentifierKind` value.
OFFICIAL_KINDS = ("national_id", "passport", "dl", "tax_id", "account", "card4")
#: Kinds whose full value belongs to one person by nature (a different value of one scheme is another person).
PERSONAL_ID_KINDS = ("national_id", "passport", "dl", "tax_id")
#: Scheme given to a national id written without one that is not a NINO (compared only with other such ids).
UNKNOWN_SCHEME = "id"
#: Digits of a US Social Security number.
SSN_DIGITS = 9
#: SSN areas never issued (`000`, `666`) and the first digit of the 900-999 areas (never issued to a person).
SSN_BAD_AREAS = frozenset({"000", "666"})
SSN_BAD_AREA_DIGIT = "9"
#: Digits of a card number kept: the last four, never more.
CARD_DIGITS = 4
#: Shortest and longest number kept for a passport, licence, tax id or other national id.
MIN_NUMBER, MAX_NUMBER = 4, 20
#: Shortest and longest customer account number (IBANs run to 34 characters).
MIN_ACCOUNT, MAX_ACCOUNT = 3, 34

#: Characters people write inside numbers and that say nothing (`123-45-6789`, `QQ 12 34 56 C`, `D123.456`).
_FILLER = re.compile(r"[\s\-./]")
_NUMBER = re.compile(r"^[A-Z0-9]+$")
_SCHEME = re.compile(r"^[a-z][a-z0-9_]{0,15}$")
_REGION = re.compile(r"^[A-Z]{2,3}$")
#: A UK National Insurance number: two prefix letters (first not D F I Q U V, second not D F I O Q U V, and not
#: BG GB KN NK NT TN ZZ), six digits, a suffix A-D (often left off).
_NINO = re.compile(r"^(?!BG|GB|KN|NK|NT|TN|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z][0-9]{6}[A-D]?$")


def compact(raw: str) -> str:
    """A number without spaces, dashes, dots or slashes, upper-cased (`qq 12-34-56 c` -> `QQ123456C`)."""
    return _FILLER.sub("", raw).upper()


def valid_ssn(digits: str) -> bool:
    """True for a US SSN of 9 digits whose area is not 000, 666 or 9xx, group not 00 and serial not 0000."""
    if len(digits) != SSN_DIGITS or not digits.isdigit():
        return False
    area, group, serial = digits[:3], digits[3:5], digits[5:]
    return area not in SSN_BAD_AREAS and area[0] != SSN_BAD_AREA_DIGIT and group != "00" and serial != "0000"


def valid_nino(number: str) -> bool:
    """True for a UK National Insurance number of a shape HMRC allocates (HMRC's specimen `QQ...` is not)."""
    return _NINO.match(number) is not None


def _number(text: str, low: int = MIN_NUMBER, high: int = MAX_NUMBER) -> str | None:
    """The compacted number, or None when it is not letters and digits of a plausible length."""
    number = compact(text)
    return number if low <= len(number) <= high and _NUMBER.match(number) else None


def _split(raw: str) -> tuple[str, str]:
    """(prefix, number) of `prefix:number`; the prefix is '' when there is none."""
    head, sep, tail = raw.strip().rpartition(":")
    return (head.strip(), tail) if sep else ("", raw)


def normalize_national_id(raw: str) -> str | None:
    """`scheme:number` (`ssn:123456789`, `nino:AB123456C`); SSNs and NINOs are checked for their shape. A
    value with no scheme is a NINO when it has a NINO's shape, else of the scheme `id`."""
    head, tail = _split(raw)
    scheme = head.lower()
    number = compact(tail)
    if not scheme:
        scheme = "nino" if valid_nino(number) else UNKNOWN_SCHEME
    if not _SCHEME.match(scheme):
        return None
    if scheme == "ssn":
        return f"ssn:{number}" if valid_ssn(number) else None
    if scheme == "nino":
        return f"nino:{number}" if valid_nino(number) else None
    checked = _number(number)
    return f"{scheme}:{checked}" if checked else None


def _regional(raw: str) -> str | None:
    """`REGION:NUMBER` or `NUMBER` (a passport's country, a licence's issuing state)."""
    head, tail = _split(raw)
    region = compact(head)
    if region and not _REGION.match(region):
        return None
    number = _number(tail)
    if number is None:
        return None
    return f"{region}:{number}" if region else number


def normalize_passport(raw: str) -> str | None:
    """`COUNTRY:NUMBER` (`US:X1234567`), or `NUMBER` when no country is given."""
    return _regional(raw)


def normalize_licence(raw: str) -> str | None:
    """A driver's licence `STATE:NUMBER` (`CA:D1234567`), or `NUMBER` when no issuing state is given."""
    return _regional(raw)


def normalize_tax_id(raw: str) -> str | None:
    """A tax id `scheme:NUMBER` (`ein:123456789`), or `NUMBER`; a tax id of scheme `ssn` must be a valid SSN."""
    head, tail = _split(raw)
    scheme = head.lower()
    if scheme and not _SCHEME.match(scheme):
        return None
    number = _number(tail)
    if number is None or (scheme == "ssn" and not valid_ssn(number)):
        return None
    return f"{scheme}:{number}" if scheme else number


def normalize_account(raw: str) -> str | None:
    """A customer account number `system:NUMBER` (`bank:00123456`); the system is required."""
    head, tail = _split(raw)
    system = head.lower().strip()
    number = _number(tail, MIN_ACCOUNT, MAX_ACCOUNT)
    if not system or number is None:
        return None
    return f"{system}:{number}"


def normalize_card_last4(raw: str) -> str | None:
    """The last four digits of a card (`**** **** **** 1234`, `1234`); a full number keeps only its last four."""
    digits = "".join(c for c in raw if c.isdigit())
    return digits[-CARD_DIGITS:] if len(digits) >= CARD_DIGITS else None


_NORMALIZERS = {
    IdentifierKind.NATIONAL_ID: normalize_national_id,
    IdentifierKind.PASSPORT: normalize_passport,
    IdentifierKind.DRIVERS_LICENCE: normalize_licence,
    IdentifierKind.TAX_ID: normalize_tax_id,
    IdentifierKind.ACCOUNT: normalize_account,
    IdentifierKind.CARD_LAST4: normalize_card_last4,
}


def is_official(kind: IdentifierKind) -> bool:
    """True for the identifier kinds of this module."""
    return kind in _NORMALIZERS


def normalize_official(kind: IdentifierKind, raw: str) -> str | None:
    """Dispatch to the normalizer of one of this module's kinds; None when the raw value is not usable."""
    return _NORMALIZERS[kind](raw)


def scheme_of(value: str) -> str:
    """Everything before a value's number (`ssn`, `US`, `CA`, `bank`; '' when none): values are compared only
    within one scheme."""
    return value.rpartition(":")[0]


def number_of(value: str) -> str:
    """A value's number, after its scheme."""
    return value.rpartition(":")[2]


#: What stands for a hidden character of a masked value.
MASK_CHAR = "•"
#: Characters of a number left visible when it is masked (the last ones).
VISIBLE_CHARS = 4


def mask_number(number: str, *, ssn: bool = False) -> str:
    """A number with all but its last VISIBLE_CHARS characters hidden (all hidden when it is that short); an
    SSN is shown with its dashes (`•••-••-6789`)."""
    if len(number) <= VISIBLE_CHARS:
        return MASK_CHAR * len(number)
    shown = number[-VISIBLE_CHARS:]
    if ssn and len(number) == SSN_DIGITS:
        return f"{MASK_CHAR * 3}-{MASK_CHAR * 2}-{shown}"
    return MASK_CHAR * (len(number) - VISIBLE_CHARS) + shown


def mask_official(kind: str, value: str) -> str:
    """A value of one of this module's kinds as every role but admin sees it: the scheme and the last four
    (`ssn:•••-••-6789`, `CA:••••4567`); a card's last four are shown as they are. Other kinds pass through."""
    if kind not in OFFICIAL_KINDS or kind == "card4":
        return value
    scheme = scheme_of(value)
    masked = mask_number(number_of(value), ssn=scheme == "ssn")
    return f"{scheme}:{masked}" if scheme else masked
