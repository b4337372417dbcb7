"""The profile header: phones as people in the home region write them, the last contact per channel, the latest
open matter (the newest inbound item with no outbound reply after it in its conversation); page and API agree."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from identity_graph.cli.main import app
from identity_graph.display import format_phone, masked_email, masked_phone, percent
from identity_graph.header import open_matter
from identity_graph.model import Channel, Direction, Interaction, Participation, RecordKind, RecordRef, Role
from identity_graph.persons import apply_clustering
from identity_graph.store import SQLiteStore, open_store
from tests.factories import T0, prepared, record
from tests.service.conftest import bearer
from tests.service.test_web_pages import sign_in
from tests.service.world import World, build_world


@pytest.mark.parametrize(
    ("stored", "region", "shown"),
    [
        ("+16145550155", "US", "(614) 555-0155"),
        ("+442079460958", "US", "+44 20 7946 0958"),
        ("+442079460958", "GB", "020 7946 0958"),
        ("+16145550155", None, "+1 614-555-0155"),
        ("not a phone", "US", "not a phone"),
    ],
)
def test_phones_read_in_the_home_regions_format(stored: str, region: str | None, shown: str) -> None:
    assert format_phone(stored, region) == shown


def test_masked_forms_keep_the_last_four_and_the_domain() -> None:
    assert masked_phone("+14155550134", "US") == "(•••) •••-0134"
    assert masked_email("ana.lima@example.com") == "a•••@example.com"
    assert (percent(0.996), percent(1.0), percent(0.824)) == ("99%", "100%", "82%")


def _item(source_id: str, at_day: int, direction: Direction, thread: str | None, channel: Channel) -> Interaction:
    """An email or call of the customer `c-9`, inbound or outbound, in a thread or not."""
    role = Role.SENDER if direction is Direction.INBOUND else Role.RECIPIENT
    return Interaction(
        source="mail", source_id=source_id, channel=channel, occurred_at=T0 + timedelta(days=at_day),
        direction=direction, subject=source_id, thread_key=thread,
        participants=(Participation(record=RecordRef(source="crm", source_id="c-9"), role=role),),
    )  # fmt: skip


def _person(store: SQLiteStore, items: list[Interaction]) -> int:
    """A one-record person with these interactions."""
    store.upsert_batch([prepared(record("c-9", "Dana", "Reyes", kind=RecordKind.CONTACT))], items)
    found = store.find_record("crm", "c-9")
    assert found is not None
    apply_clustering(store, [[found.id]], "test")
    return store.assignments([found.id])[found.id]


def test_an_answered_thread_is_not_open_an_unanswered_one_is(wstore: SQLiteStore) -> None:
    pid = _person(
        wstore,
        [
            _item("ask-1", 1, Direction.INBOUND, "t1", Channel.EMAIL),
            _item("reply-1", 2, Direction.OUTBOUND, "t1", Channel.EMAIL),
            _item("ask-2", 3, Direction.INBOUND, "t2", Channel.EMAIL),
            _item("other-reply", 4, Direction.OUTBOUND, "t3", Channel.EMAIL),  # another thread: not an answer
            _item("missed-call", 5, Direction.INBOUND, None, Channel.CALL),
            _item("call-back", 6, Direction.OUTBOUND, None, Channel.CALL),  # a callback answers the call
        ],
    )
    matter = open_matter(wstore, pid, list(Channel))
    assert matter is not None and matter.text == "ask-2" and matter.channel is Channel.EMAIL


def test_nothing_open_when_every_inbound_has_a_reply(wstore: SQLiteStore) -> None:
    pid = _person(
        wstore,
        [
            _item("ask-1", 1, Direction.INBOUND, "t1", Channel.EMAIL),
            _item("reply-1", 2, Direction.OUTBOUND, "t1", Channel.EMAIL),
        ],
    )
    assert open_matter(wstore, pid, list(Channel)) is None


def test_the_page_and_the_api_show_the_same_header(client: TestClient, world: World) -> None:
    api = client.get(f"/api/v1/persons/{world.ana}/header", headers=bearer(world.tokens["agent"])).json()
    assert api["name"] == "Ana Lima" and api["phones"] == ["(415) 555-0134"]
    assert api["emails"] == ["ana.lima@example.com"] and api["handles"] == ["x:analima"]
    assert [c["channel"] for c in api["last_contact"]] == ["email", "campaign", "social", "call"]
    assert api["open_matter"]["text"] == "Loving the new app"  # the post nobody answered
    sign_in(client, world.tokens["agent"])
    page = client.get(f"/persons/{world.ana}").text
    header = page.split('<section class="who card"')[1].split("</section>")[0]
    for shown in ("(415) 555-0134", "ana.lima@example.com", "x:analima", "Loving the new app", "no reply yet"):
        assert shown in header
    assert "+14155550134" not in header


def test_the_header_names_where_the_name_came_from_not_record_ids(client: TestClient, world: World) -> None:
    sign_in(client, world.tokens["agent"])
    page = client.get(f"/persons/{world.ana}").text
    rule = page.split('<p class="rule">Name ')[1].split("</p>")[0]
    shown = re.sub(r'title="[^"]*"', "", rule)  # the ids stay one hover away
    assert "crm" in shown and "pbx" in shown
    assert "/call-1" not in shown and "/c-1" not in shown and "/" not in re.sub(r"<[^>]+>", "", shown)


def test_the_social_team_sees_its_view_in_the_header(client: TestClient, world: World) -> None:
    api = client.get(f"/api/v1/persons/{world.ana}/header", headers=bearer(world.tokens["social"])).json()
    assert api["phones"] == [] and api["emails"] == [] and api["handles"] == ["x:analima"]
    assert [c["channel"] for c in api["last_contact"]] == ["social"]


def test_the_terminal_profile_has_the_header_too(tmp_path: Path) -> None:
    db = tmp_path / "cli.db"
    store = open_store(db)
    world = build_world(store)
    store.close()
    shown = CliRunner().invoke(app, ["--db", str(db), "profile", "--person", str(world.ana)], env={"COLUMNS": "200"})
    assert shown.exit_code == 0, shown.output
    assert "phone: (415) 555-0134" in shown.output and "name the only one on record" in shown.output
    assert "open matter: social 2026-01-03 Loving the new app (no reply yet)" in shown.output
