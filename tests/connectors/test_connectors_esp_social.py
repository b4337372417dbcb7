"""Campaign send logs (esp-csv) and social formats (x-api-v2, social-jsonl)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from identity_graph.errors import ConfigError
from identity_graph.model import Channel, Direction, IdentifierKind, RecordKind, Role, Strength
from identity_graph.settings import OwnSideSettings
from tests.connectors.helpers import interactions, notices, records, rejected, run_connector


def test_esp_rows_become_campaign_touches_with_one_recipient_record_per_address() -> None:
    items = run_connector("esp-csv", ["esp-csv/sends.csv"], "esp-csv/mapping.toml", source="esp")
    acts = {i.source_id: i for i in interactions(items)}
    assert list(acts) == ["ev-0001", "ev-0002", "ev-0003", "ev-0004", "ev-0005", "ev-0006"]
    sent = acts["ev-0001"]
    assert sent.channel is Channel.CAMPAIGN and sent.direction is Direction.OUTBOUND
    assert (sent.subject, sent.summary) == ("Spring sale: 20% off", "Spring sale: sent")
    assert sent.attributes["campaign_id"] == "c-spring" and sent.attributes["event"] == "sent"
    assert [(p.record.source_id, p.role) for p in sent.participants] == [("tdefren@gmail.com", Role.RECIPIENT)]
    assert acts["ev-0002"].direction is Direction.INBOUND  # an open is the customer's action
    assert acts["ev-0006"].attributes["event"] == "bounce"
    recs = records(items)
    # tdefren: first without a name, then again when a later row brings one; maria once (a nameless row
    # does not blank her name); our seed address never
    assert [(r.source_id, r.first_name) for r in recs] == [
        ("tdefren@gmail.com", None),
        ("tdefren@gmail.com", "Thomas"),
        ("maria.garcia@example.org", "María"),
        ("gone@example.com", None),
    ]
    assert all(r.kind is RecordKind.CAMPAIGN_RECIPIENT for r in recs)
    assert acts["ev-0005"].participants == ()


def test_esp_needs_its_required_fields(tmp_path: Path) -> None:
    mapping = tmp_path / "m.toml"
    mapping.write_text('id = "Event ID"\n[fields]\nemail = "Email Address"\n')
    with pytest.raises(ConfigError, match="sent_at"):
        run_connector("esp-csv", ["esp-csv/sends.csv"], mapping)


def test_esp_bad_rows_are_quarantined(tmp_path: Path) -> None:
    path = tmp_path / "s.csv"
    fixture = (Path(__file__).parent / "fixtures/esp-csv/sends.csv").read_text().splitlines()
    path.write_text(fixture[0] + "\n" + fixture[1] + "\nev-9,a@b.example,,,c,C,not a time,f@acme.example,S,sent,\n,x\n")
    items = run_connector("esp-csv", [path], "esp-csv/mapping.toml")
    assert [i.source_id for i in interactions(items)] == ["ev-0001"]
    assert [(r.line, r.reason) for r in rejected(items)] == [
        (3, "unparseable date 'not a time'"),
        (4, "expected 11 columns, found 2"),
    ]


def test_x_pages_per_line_and_per_file() -> None:
    items = run_connector("x-api-v2", ["x-api-v2/search.jsonl", "x-api-v2/page.json"], source="x")
    recs = records(items)
    assert [r.source_id for r in recs] == ["2244994945", "3300000003"]  # our account is not a customer
    tom = recs[0]
    assert tom.kind is RecordKind.SOCIAL_ACCOUNT and tom.full_name == "Thomas Defren"
    assert (tom.address.city, tom.address.state) == ("San Francisco", "CA")
    assert {(c.kind, c.raw, c.strength) for c in tom.identifiers} == {
        (IdentifierKind.HANDLE, "x:TDefren", Strength.DECLARED),
        (IdentifierKind.URL, "https://defren.example", Strength.DECLARED),
        (IdentifierKind.EMAIL, "thomas@defren.example", Strength.MENTIONED),
        (IdentifierKind.HANDLE, "x:tdefren_work", Strength.MENTIONED),
    }
    assert tom.attributes["location"] == "San Francisco, CA"
    acts = {i.source_id: i for i in interactions(items)}
    assert len(acts) == 5
    post = acts["1765000000000000001"]
    assert post.channel is Channel.SOCIAL and post.direction is Direction.INBOUND
    assert [(p.record.source_id, p.role) for p in post.participants] == [("2244994945", Role.AUTHOR)]
    assert post.attributes["mentioned_handles"] == "AcmeHelp"
    assert post.attributes["mentioned_phones"] == "415-555-0134"
    ours = acts["1765000000000000002"]
    assert ours.direction is Direction.OUTBOUND and ours.participants == ()
    assert acts["1765000000000000010"].participants[0].record.source_id == "2244994945"  # the pretty page
    (bad,) = rejected(items)
    assert (bad.line, bad.reason.split(":")[0]) == (3, "broken JSON")


def test_x_own_account_is_inferred_from_mentions(tmp_path: Path) -> None:
    lines = [
        json.dumps(
            {
                "data": [
                    {
                        "id": str(n),
                        "text": "@ShopCo help",
                        "author_id": str(100 + n),
                        "created_at": "2024-03-01T10:00:00Z",
                    }
                ],
                "includes": {"users": [{"id": str(100 + n), "username": f"user{n}", "name": "U"}]},
            }
        )
        for n in range(25)
    ]
    path = tmp_path / "x.jsonl"
    path.write_text("\n".join(lines) + "\n")
    items = run_connector("x-api-v2", [path], own=OwnSideSettings())
    assert any("inferred our own accounts" in n and "shopco" in n for n in notices(items))
    assert len(records(items)) == 25


def test_tweet_without_created_at_is_quarantined(tmp_path: Path) -> None:
    path = tmp_path / "x.jsonl"
    path.write_text('{"data":[{"id":"1","text":"hi"},{"id":"2","text":"ok","created_at":"2024-03-01T10:00:00Z"}]}\n')
    items = run_connector("x-api-v2", [path])
    assert [i.source_id for i in interactions(items)] == ["2"]
    assert rejected(items)[0].reason.startswith("post: empty date")


def test_social_jsonl_accounts_and_posts() -> None:
    items = run_connector("social-jsonl", ["social-jsonl/accounts.jsonl"], "social-jsonl/mapping.toml", source="masto")
    recs = records(items)
    assert [r.source_id for r in recs] == ["109876", "200001"]  # an unchanged account is emitted once
    assert ("mastodon:priya", Strength.DECLARED) in {(c.raw, c.strength) for c in recs[0].identifiers}
    assert ("priya@example.com", Strength.MENTIONED) in {(c.raw, c.strength) for c in recs[0].identifiers}
    acts = interactions(items)
    assert [a.source_id for a in acts] == ["s-1", "s-2"]
    assert all(a.participants[0].record.source_id == "109876" for a in acts)


def test_social_jsonl_needs_a_platform(tmp_path: Path) -> None:
    mapping = tmp_path / "m.toml"
    mapping.write_text('id = "account.id"\n[fields]\nhandle = "account.acct"\n')
    with pytest.raises(ConfigError, match="platform"):
        run_connector("social-jsonl", ["social-jsonl/accounts.jsonl"], mapping)
