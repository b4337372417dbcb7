"""How phones and emails read on a screen: phones in national format for the home region (international
otherwise), and the masked forms result cards show (`(•••) •••-0134`, `a•••@example.com`)."""

from __future__ import annotations

from functools import lru_cache

import phonenumbers

from matchers.official_ids import MASK_CHAR, VISIBLE_CHARS

#: Phones formatted kept in memory (parsing one costs about 0.1 ms; result cards and headers repeat them).
PHONE_CACHE = 8192
#: Characters of an email's user part shown before the mask.
EMAIL_VISIBLE_CHARS = 1


@lru_cache(maxsize=PHONE_CACHE)
def format_phone(value: str, home_region: str | None) -> str:
    """An E.164 phone as people in the home region write it: national format for a number of that region
    (`(415) 555-0134` for US), international format for any other (`+44 20 7946 0958`); as stored if unparsable."""
    try:
        number = phonenumbers.parse(value, None)
    except phonenumbers.NumberParseException:
        return value
    region = phonenumbers.region_code_for_number(number)
    home = (home_region or "").upper()
    fmt = (
        phonenumbers.PhoneNumberFormat.NATIONAL
        if home and region == home
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    return phonenumbers.format_number(number, fmt)


def mask_digits(text: str, visible: int = VISIBLE_CHARS) -> str:
    """A formatted number with every digit but the last `visible` ones hidden, its punctuation kept."""
    total = sum(ch.isdigit() for ch in text)
    seen = 0
    out = []
    for ch in text:
        if ch.isdigit():
            seen += 1
            out.append(ch if seen > total - visible else MASK_CHAR)
        else:
            out.append(ch)
    return "".join(out)


def masked_phone(value: str, home_region: str | None) -> str:
    """A phone formatted for the home region with all but its last four digits hidden (`(•••) •••-0134`)."""
    return mask_digits(format_phone(value, home_region))


def masked_email(value: str) -> str:
    """An email with its user part hidden but the first character (`a•••@example.com`); the domain shown."""
    user, at, domain = value.partition("@")
    if not at:
        return MASK_CHAR * 3
    return f"{user[:EMAIL_VISIBLE_CHARS]}{MASK_CHAR * 3}@{domain}"


def percent(probability: float) -> str:
    """A 0-1 confidence as a whole percent, never rounded up to 100 % unless it is certain (`0.996` -> `99%`)."""
    value = round(probability * 100)
    return f"{min(value, 99) if probability < 1 else 100}%"
