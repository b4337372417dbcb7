"""The profile's "Recent campaign touches" card tells a send from its bounce or open (the same subject twice read
as a duplicate): each line carries the send log's summary (campaign and event). Real SQLite, real HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from html import unescape
from pathlib import Path

import pytest

from identity_graph.model import Channel, Direction, Interaction, Participation, RecordKind, RecordRef, Role
from identity_graph.persons import apply_clustering
from identity_graph.service.auth import Role as TokenRole
from identity_graph.store import SQLiteStore
from tests.campaigns.web_client import WebClients
from tests.factories import prepared, record

SUBJECT = "You're on the list: early access starts now"


def _send(source_id: str, event: str, at: datetime) -> Interaction:
    """One send-log event of the early-access mail to Ana."""
    return Interaction(
        source="esp", source_id=source_id, channel=Channel.CAMPAIGN, occurred_at=at, direction=Direction.OUTBOUND,
        subject=SUBJECT, summary=f"Early Access 2025: {event}",
        participants=(Participation(record=RecordRef(source="esp", source_id="ana@example.com"), role=Role.RECIPIENT),),
        attributes={"campaign_id": "esp-1", "event": event},
    )  # fmt: skip


@pytest.fixture
def web(store: SQLiteStore, tmp_path: Path) -> Iterator[tuple[WebClients, int]]:
    """Ana (CRM and send-log records, one person) sent the mail, which bounced."""
    crm = record("c-1", "Ana", "Lima", email="ana@example.com")
    esp = record("ana@example.com", source="esp", kind=RecordKind.CAMPAIGN_RECIPIENT, email="ana@example.com")
    at = datetime(2025, 5, 16, 15, 52, tzinfo=UTC)
    store.upsert_batch([prepared(crm), prepared(esp)], [_send("e-1", "sent", at), _send("e-2", "bounce", at)])
    ids = [r.id for r in store.get_records(store.record_ids())]
    apply_clustering(store, [ids], "test")
    w = WebClients(store, tmp_path / "test.db")
    yield w, store.assignments()[ids[0]]
    w.close()


def test_recent_campaign_touches_tell_the_send_from_the_bounce(web: tuple[WebClients, int]) -> None:
    clients, person = web
    agent, _ = clients.signed_in(TokenRole.AGENT)
    page = unescape(agent.get(f"/persons/{person}").text)
    card = page[page.index('id="camp-h"') : page.index("</section>", page.index('id="camp-h"'))]
    assert f'{SUBJECT} <span class="muted">(Early Access 2025: sent)</span>' in card
    assert f'{SUBJECT} <span class="muted">(Early Access 2025: bounce)</span>' in card
