"""How one true value gets written in many ways: typos, accents, phone formats, email and address variants."""

from __future__ import annotations

import random
import unicodedata

from identity_graph.generate.constants import CNAM_MAX

#: Written forms of a 10-digit US number; `{a}` area code, `{e}` exchange, `{n}` line.
PHONE_FORMATS = (
    "({a}) {e}-{n}",
    "{a}-{e}-{n}",
    "{a}.{e}.{n}",
    "+1 {a} {e} {n}",
    "+1{a}{e}{n}",
    "{a}{e}{n}",
    "1-{a}-{e}-{n}",
    "+1 ({a}) {e}-{n}",
)
#: Written forms of a work extension.
EXTENSION_FORMATS = (" x{x}", " ext. {x}", " ext {x}", " Ext. {x}")
#: Street type abbreviations, both ways.
STREET_TYPES = (("Street", "St"), ("Avenue", "Ave"), ("Road", "Rd"), ("Drive", "Dr"), ("Lane", "Ln"))
#: Ways to write the country in a CRM.
COUNTRY_FORMS = ("United States", "US", "USA", "United States", "")
#: Caller numbers delivered as 10 digits this often, as 11 digits (leading 1) this often; E.164 otherwise.
CARRIER_TEN_DIGIT_SHARE = 0.6
CARRIER_ELEVEN_DIGIT_SHARE = 0.25


def strip_accents(text: str) -> str:
    """`José Muñoz` -> `Jose Munoz` (what many systems and every carrier keep)."""
    decomposed = unicodedata.normalize("NFKD", text)
    out = "".join(c for c in decomposed if not unicodedata.combining(c))
    return out.replace("ł", "l").replace("Ł", "L").replace("ø", "o").replace("Ø", "O").replace("ß", "ss")


def ascii_slug(text: str) -> str:
    """Lower-case ASCII letters and digits only (for email local parts and handles)."""
    return "".join(c for c in strip_accents(text).lower() if c.isascii() and c.isalnum())


def typo(rng: random.Random, text: str) -> str:
    """One keyboard slip: two letters transposed, a letter dropped or a letter doubled."""
    if len(text) < 4:
        return text
    i = rng.randrange(1, len(text) - 1)
    kind = rng.randrange(3)
    if kind == 0 and text[i] != text[i + 1]:
        return text[:i] + text[i + 1] + text[i] + text[i + 2 :]
    if kind == 1:
        return text[:i] + text[i + 1 :]
    return text[:i] + text[i] + text[i:]


def format_phone(rng: random.Random, digits: str, ext: str | None = None) -> str:
    """A 10-digit US number written the way people type it, with the extension if any."""
    text = rng.choice(PHONE_FORMATS).format(a=digits[:3], e=digits[3:6], n=digits[6:])
    if ext:
        text += rng.choice(EXTENSION_FORMATS).format(x=ext)
    return text


def carrier_number(rng: random.Random, digits: str) -> str:
    """A caller number as a carrier delivers it: 10 digits, 11 with the leading 1, or E.164."""
    roll = rng.random()
    if roll < CARRIER_TEN_DIGIT_SHARE:
        return digits
    if roll < CARRIER_TEN_DIGIT_SHARE + CARRIER_ELEVEN_DIGIT_SHARE:
        return "1" + digits
    return "+1" + digits


def dialled_number(rng: random.Random, digits: str) -> str:
    """A number as an agent dials it: often with a leading 1 or a 9 to get an outside line."""
    return rng.choice(("1", "91", "9", "")) + digits


def cnam(last: str, first: str) -> str:
    """Carrier caller-ID name: upper-case `LAST FIRST`, ASCII, cut to 15 characters."""
    return strip_accents(f"{last} {first}").upper()[:CNAM_MAX].rstrip()


def email_variant(rng: random.Random, address: str) -> str:
    """The same mailbox written differently: gmail dots moved, a +tag, googlemail.com or odd case."""
    local, domain = address.split("@", 1)
    roll = rng.random()
    if domain == "gmail.com":
        if roll < 0.35:
            bare = local.replace(".", "")
            cut = rng.randrange(1, len(bare)) if len(bare) > 1 else 1
            return f"{bare[:cut]}.{bare[cut:]}@gmail.com" if cut < len(bare) else f"{bare}@gmail.com"
        if roll < 0.7:
            return f"{local}+{rng.choice(('acme', 'orders', 'shop', 'support', 'news'))}@gmail.com"
        if roll < 0.85:
            return f"{local}@googlemail.com"
        return f"{local.capitalize()}@Gmail.com"
    if domain in {"outlook.com", "icloud.com"} and roll < 0.5:
        return f"{local}+{rng.choice(('acme', 'shopping'))}@{domain}"
    return f"{local[:1].upper()}{local[1:]}@{domain}" if roll < 0.3 else address


def street_line(rng: random.Random, number: int, name: str, kind: int, unit: str) -> str:
    """A street address with the type spelled out or abbreviated and the unit written one of several ways."""
    long_form, short_form = STREET_TYPES[kind % len(STREET_TYPES)]
    line = f"{number} {name} {rng.choice((long_form, short_form, short_form + '.'))}"
    if unit:
        line += rng.choice((f" Apt {unit}", f", Apt. {unit}", f" #{unit}", f" Unit {unit}"))
    return line
