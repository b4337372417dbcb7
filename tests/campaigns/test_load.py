"""Registry files: TOML and CSV loaded and normalized, bad campaigns set aside with file and line, no duplicates."""

from __future__ import annotations

import socket
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from identity_graph.campaigns import normalize
from identity_graph.campaigns.build import build_campaign
from identity_graph.campaigns.load import load_csv, load_file, load_toml, register
from identity_graph.campaigns.model import CampaignChannel
from identity_graph.errors import ConfigError, InputError
from identity_graph.store import SQLiteStore

DATA = Path(__file__).parent / "data"


def test_the_toml_file_loads_its_good_campaigns_normalized() -> None:
    result = load_toml(DATA / "campaigns.toml", "US")
    by_id = {c.campaign_id: c for c in result.campaigns}
    assert list(by_id) == ["spring-rate-2026", "flight-change-call", "flash-social"]
    spring = by_id["spring-rate-2026"]
    assert spring.sending_domains == ("acmebank-offers.com", "sendgrid.net")  # registrable parts
    assert spring.link_domains == ("acmebank.com",)  # from a URL with tracking parameters
    assert spring.sender_addresses == ("offers@news.acmebank-offers.com",)
    assert spring.phone_numbers == ("+18005550199",)
    assert spring.registered_from == "file:campaigns.toml"
    new_york = timezone(timedelta(hours=-5))
    assert spring.starts_at == datetime(2026, 3, 1, tzinfo=new_york)  # a bare date in the file's time zone
    assert spring.ends_at is not None and spring.ends_at.date().isoformat() == "2026-03-31"  # the end of that day
    assert [f.question for f in spring.guidance.faq] == ["Is acmebank-offers.com really you?", "Do I have to act now?"]
    assert by_id["flight-change-call"].dnis == ("+18885550142",)
    assert by_id["flight-change-call"].starts_at == datetime(2026, 3, 10, 8, tzinfo=UTC)
    flash = by_id["flash-social"]
    assert flash.social_accounts == ("x:acmebank", "instagram:acmebank")
    assert flash.short_links == ("https://acme.ly/flash",)
    assert flash.channel is CampaignChannel.SOCIAL


def test_a_bad_toml_campaign_is_set_aside_with_its_line_and_every_reason() -> None:
    (problem,) = load_toml(DATA / "campaigns.toml", "US").problems
    assert problem.line == 43 and problem.path.endswith("campaigns.toml")
    for words in ("'localhost' has no registrable domain", "'next week' is not a date", "campaign_id:", "channel:"):
        assert words in problem.reason
    assert str(problem).startswith(f"{problem.path}:43: ")


def test_the_csv_file_loads_rows_and_sets_bad_ones_aside_by_line() -> None:
    result = load_csv(DATA / "campaigns.csv", "US")
    by_id = {c.campaign_id: c for c in result.campaigns}
    assert list(by_id) == ["welcome-2026", "callback-feb"]
    welcome = by_id["welcome-2026"]
    assert welcome.sending_domains == ("acmebank.com", "acmebank.co.uk")
    assert welcome.subjects == ("Welcome to Acme", "Your first week")
    assert [(f.question, f.answer) for f in welcome.guidance.faq] == [
        ("Why did I get this?", "You opened an account with us."),
        ("Can I stop it?", "Yes: use the unsubscribe link."),
    ]
    assert welcome.guidance.script == "Yes, that is ours."
    callback = by_id["callback-feb"]
    assert callback.phone_numbers == ("+14155550134",) and callback.dnis == ("+18005550100",)
    assert callback.starts_at == datetime(2026, 2, 10, 14, tzinfo=UTC)
    assert [(p.line, p.reason) for p in result.problems] == [
        (3, "phone_numbers: '12' is not a possible phone number (region US)"),
        (5, "starts_at: a campaign needs a start date"),
    ]


def test_loading_twice_adds_nothing_and_a_changed_file_replaces(store: SQLiteStore, tmp_path: Path) -> None:
    first = register(store, load_file(DATA / "campaigns.toml", "US").campaigns, "cli:test")
    again = register(store, load_file(DATA / "campaigns.toml", "US").campaigns, "cli:test")
    assert (first.added, first.replaced, first.unchanged) == (3, 0, 0)
    assert (again.added, again.replaced, again.unchanged) == (0, 0, 3)
    changed = tmp_path / "campaigns.toml"
    changed.write_text((DATA / "campaigns.toml").read_text().replace("Spring rate review", "Spring rates"))
    third = register(store, load_file(changed, "US").campaigns, "cli:test")
    assert (third.added, third.replaced, third.unchanged) == (0, 1, 2)
    assert len(store.campaigns()) == 3
    assert [e.action for e in store.audit_entries(target="campaign:spring-rate-2026")] == ["campaign.save"] * 2


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[[campaign]\nname = 'x'\n", "not valid TOML"),
        ("title = 'x'\n", "unknown top-level key"),
        ("timezone = 'Mars/Olympus'\n", "unknown time zone"),
        ("campaign = 'x'\n", "[[campaign]] table"),
    ],
)
def test_a_broken_toml_file_is_one_readable_error(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "c.toml"
    path.write_text(text)
    with pytest.raises(InputError, match=message.replace("[", r"\[")):
        load_toml(path, "US")


def test_a_repeated_id_in_one_file_is_set_aside(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_text("campaign_id,name,channel,starts_at\na,One,email,2026-01-01\na,Two,email,2026-01-02\n")
    result = load_csv(path, "US")
    assert [c.name for c in result.campaigns] == ["One"]
    assert [(p.line, p.reason) for p in result.problems] == [(3, "campaign_id a appears twice")]


def test_other_file_kinds_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"\.toml or \.csv"):
        load_file(tmp_path / "c.json", "US")


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("acmebank.com", "acmebank.com"),
        ("News.Mail.AcmeBank.co.uk", "acmebank.co.uk"),
        ("https://links.acmebank.com/x?utm_source=a&utm_medium=b", "acmebank.com"),
        ("offers@em.acmebank.com", "acmebank.com"),
        ("bücher.example.de", "example.de"),
        ("www.Bücher.de", "xn--bcher-kva.de"),
        ("пример.рф", "xn--e1afmkfd.xn--p1ai"),
        ("acmebank.com.", "acmebank.com"),
        ("pages.github.io", "github.io"),  # private suffixes are not public ones
    ],
)
def test_domains_are_kept_as_their_registrable_part_in_idna_form(typed: str, kept: str) -> None:
    assert normalize.registrable_domain(typed) == kept


@pytest.mark.parametrize("typed", ["localhost", "", "exa mple.com", "com"])
def test_what_is_no_domain_is_said_so(typed: str) -> None:
    with pytest.raises(ValueError, match="domain"):
        normalize.registrable_domain(typed)


@pytest.mark.parametrize(
    ("typed", "region", "kept"),
    [
        ("(800) 555-0199", "US", "+18005550199"),
        ("800.555.0199", "US", "+18005550199"),
        ("+1 800 555 0199", "GB", "+18005550199"),
        ("020 7946 0000", "GB", "+442079460000"),
    ],
)
def test_numbers_typed_any_way_are_kept_in_e164(typed: str, region: str, kept: str) -> None:
    assert normalize.e164(typed, region) == kept


def test_a_campaign_built_from_a_table_lists_every_problem_together() -> None:
    with pytest.raises(InputError) as caught:
        table = {"id": "x", "name": "X", "channel": "email", "dnis": "abc", "sender_addresses": "no-at"}
        build_campaign(table, "US", UTC)
    text = str(caught.value)
    assert "dnis: 'abc' is not a phone number" in text
    assert "sender_addresses: 'no-at' is not an email address" in text
    assert "starts_at: a campaign needs a start date" in text


def test_the_suffix_list_is_the_bundled_one_never_fetched(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_network(*args: object, **kwargs: object) -> None:
        raise AssertionError("the suffix list was fetched")

    monkeypatch.setattr(socket, "getaddrinfo", no_network)  # a fetch would look the list's host up first
    monkeypatch.setattr(socket.socket, "connect", no_network)
    normalize._extractor.cache_clear()  # a fresh extractor, as a new process builds it
    assert normalize.registrable_domain("news.acmebank.co.uk") == "acmebank.co.uk"
