"""The loading fast paths answer exactly as the full parsers do: North American phones read without
`phonenumbers.parse` and checked without its number objects, plain ASCII addresses without `email_validator`, an
interaction's JSON (its content hash's text) written without a model dump."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta, timezone

import phonenumbers
import pytest
from email_validator import EmailNotValidError, validate_email

from connectors.ownside import e164, region_validator
from identity_graph.model import Channel, Direction, Interaction, Participation, RecordRef, Role
from identity_graph.store.sqlite_ingest import _json, _plain_interaction_json
from matchers.normalize import _plain_mailbox, normalize_email, normalize_phone

SPELLINGS = (
    "({a}) {b}-{c}", "{a}-{b}-{c}", "{a}.{b}.{c}", "{a}{b}{c}", "+1 {a} {b} {c}", "+1-{a}-{b}-{c}", "+1{a}{b}{c}",
    "({a}){b}-{c}", "1 {a} {b} {c}", "+1 ({a}) {b}-{c}", "{a} {b} {c}", " {a}-{b}-{c} ", "({a} {b}-{c}",
)  # fmt: skip


def _numbers(n: int, seed: int) -> list[str]:
    """Ten-digit numbers, most shaped like North American ones, some not."""
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        d = "".join(rng.choice("0123456789") for _ in range(10))
        if rng.random() < 0.7:
            d = rng.choice("23456789") + d[1:3] + rng.choice("23456789") + d[4:]
        out.append(rng.choice(SPELLINGS).format(a=d[:3], b=d[3:6], c=d[6:]))
    return out


@pytest.mark.parametrize("region", ["US", "GB", "CA"])
def test_phone_fast_path_agrees_with_phonenumbers(region: str) -> None:
    for raw in _numbers(3_000, seed=len(region) + ord(region[0])):
        assert e164(raw, region) == normalize_phone(raw, region), raw


@pytest.mark.parametrize("region", ["US", "CA", "GB", "DE"])
def test_region_validator_agrees_with_phonenumbers(region: str) -> None:
    valid = region_validator(region)
    code = phonenumbers.country_code_for_region(region)
    rng = random.Random(region)
    answers = set()
    for _ in range(20_000):
        width = 10 if region in ("US", "CA") else rng.randrange(6, 12)
        nsn = str(rng.randrange(10 ** (width - 1), 10**width))
        number = phonenumbers.PhoneNumber(country_code=code, national_number=int(nsn))
        expected = phonenumbers.is_valid_number_for_region(number, region)
        assert valid(nsn) == expected, nsn
        answers.add(expected)
    assert answers == {True, False}  # both answers were put to the test


@pytest.mark.parametrize(
    ("raw", "region", "expected"),
    [
        ("(415) 555-0134", "US", "+14155550134"),
        ("+1 415 555 0134", "GB", "+14155550134"),
        ("415-555-0134", "GB", None),  # a British reading of ten digits
        ("(416) 555-0134", "US", "+14165550134"),  # Canada, also +1
        ("(123) 555-0134", "US", None),
    ],
)
def test_phone_examples(raw: str, region: str, expected: str | None) -> None:
    assert e164(raw, region) == expected == normalize_phone(raw, region)


def _slow_mailbox(raw: str) -> tuple[str, str] | None:
    """What `email_validator` makes of an address, lower-cased, or None when it refuses it."""
    try:
        valid = validate_email(raw, check_deliverability=False)
    except EmailNotValidError:
        return None
    local, domain = valid.normalized.rsplit("@", 1)
    return local.lower(), domain.lower()


WORDS = ["a", "bob", "x-y", "xn--abc", "ab--c", "test", "local", "com", "org", "a1", "Z9", "-", "_", "+tag",
         "invalid", "arpa", "onion", "localhost", "9", "example", "gmail", "-x", "y-"]  # fmt: skip


def _addresses(n: int, seed: int) -> list[str]:
    """Address-like strings built from awkward pieces: leading hyphens, reserved names, long labels."""
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        local = "".join(rng.choice(WORDS) + rng.choice([".", "", "-", "_", "+"]) for _ in range(rng.randrange(1, 4)))
        domain = "".join(rng.choice(WORDS) + rng.choice([".", ".", "-", ""]) for _ in range(rng.randrange(1, 5)))
        text = local + "@" + domain
        if rng.random() < 0.05:
            text = "a" * rng.choice([60, 64, 65]) + text
        if rng.random() < 0.05:
            text += "." + "b" * rng.choice([62, 63, 64]) + ".com"
        out.append(text)
    return out


def test_plain_mailbox_is_what_email_validator_accepts() -> None:
    taken = 0
    for raw in _addresses(20_000, seed=5):
        plain = _plain_mailbox(raw)
        if plain is not None:
            taken += 1
            assert _slow_mailbox(raw) == (plain[0].lower(), plain[1].lower()), raw
    assert taken > 100  # the fuzz reaches the fast path


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Bob.Smith+news@GoogleMail.com", "bobsmith@gmail.com"),
        ("a@b.test", None),
        ("a@mail.example.com", "a@mail.example.com"),
        ("a..b@x.com", None),
        ("a@x-.com", None),
        ("a@xn--bcher-kva.example", "a@bücher.example"),
        ("Ünïcode@x.com", "ünïcode@x.com"),
        ("a@1.2", None),
    ],
)
def test_email_examples(raw: str, expected: str | None) -> None:
    assert normalize_email(raw) == expected


def _interactions(n: int, seed: int) -> list[Interaction]:
    """Interactions of every shape the JSON writer must match: times in UTC, at offsets (to the second), naive,
    with microseconds; text with quotes, control characters, non-ASCII and lone surrogates' neighbours; no
    attributes or several; zero to three participants."""
    rng = random.Random(seed)
    texts = ["", "plain", 'a "quote" \\ back', "tab\tnew\nline\x01\x7f", "Zoë 🙂 ü", "\u2028x\u2029", None]
    zones = [UTC, None, timezone(timedelta(hours=-5)), timezone(timedelta(hours=5, minutes=30, seconds=10))]
    out = []
    for n_ in range(n):
        moment = datetime(2024, 1 + n_ % 12, 1 + n_ % 28, n_ % 24, n_ % 60, n_ % 60, rng.choice([0, 1, 120000]))
        parties = tuple(
            Participation(record=RecordRef(source=f"s{k}", source_id=f"id {k} ü"), role=rng.choice(list(Role)))
            for k in range(rng.randrange(4))
        )
        attributes = {rng.choice(["b", "a", "z é", "\x02"]): rng.choice(texts[:6]) for _ in range(rng.randrange(3))}
        out.append(
            Interaction(
                source=rng.choice(["calls", "mail ü"]),
                source_id=f"x{n_}",
                channel=rng.choice(list(Channel)),
                occurred_at=moment.replace(tzinfo=rng.choice(zones)),
                direction=rng.choice(list(Direction)),
                subject=rng.choice(texts),
                summary=rng.choice(texts),
                thread_key=rng.choice(texts),
                participants=parties,
                attributes={k: v for k, v in attributes.items() if v is not None},
            )
        )
    return out


def test_interaction_json_is_the_dumps_text() -> None:
    for interaction in _interactions(3_000, seed=18):
        assert _plain_interaction_json(interaction) == _json(interaction.model_dump(mode="json")), interaction
