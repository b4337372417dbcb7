"""`interactions_between` on every store: a time window in order, channels filtered, persons of the parties.

The same `gs` fixture as `test_contract.py`: the SQLite store always, the Neo4j store on a live Bolt server.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta, timezone
from pathlib import Path

import pytest

from identity_graph.model import Channel, Role
from identity_graph.store import GraphStore, open_store
from identity_graph.store import window as window_module
from tests.factories import T0, interaction, prepared, record
from tests.store.test_contract import BACKENDS, _neo4j_store


@pytest.fixture(params=BACKENDS)
def gs(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[GraphStore]:
    """Each store implementation, fresh (as in test_contract.py)."""
    s = _neo4j_store(request) if request.param == "neo4j" else open_store(tmp_path / "contract.db")
    yield s
    s.close()


def _world(gs: GraphStore) -> tuple[int, int]:
    """Two persons: Bob (CRM + a caller) and Ann (a mail sender); five interactions an hour apart, one a mention."""
    bob = record("1", "Bob", "Smith", phone="(415) 555-0134")
    caller = record("c1", full_name="SMITH ROBERT", source="calls", phone="4155550134")
    ann = record("2", "Ann", "Lee", email="ann@example.org")
    gs.upsert_batch(
        [prepared(bob), prepared(caller), prepared(ann)],
        [
            interaction("c1", caller, at=T0),
            interaction("m1", ann, channel=Channel.EMAIL, role=Role.SENDER, at=T0 + timedelta(hours=1)),
            interaction("c2", caller, at=T0 + timedelta(hours=2)),
            interaction("m2", ann, channel=Channel.EMAIL, role=Role.MENTIONED, at=T0 + timedelta(hours=3)),
            interaction("c3", caller, at=T0 + timedelta(hours=4)),
        ],
    )
    ids = {r.source_id: r.id for batch in gs.iter_records() for r in batch}
    p_bob, p_ann = gs.create_persons(2)
    gs.set_persons([(ids["1"], p_bob), (ids["c1"], p_bob), (ids["2"], p_ann)])
    return p_bob, p_ann


def test_window_in_time_order_with_persons(gs: GraphStore) -> None:
    """Start is inclusive, end exclusive; each item carries the persons of its parties, never of a mention."""
    p_bob, p_ann = _world(gs)
    items = list(gs.interactions_between(T0 + timedelta(hours=1), T0 + timedelta(hours=4)))
    assert [i.interaction.source_id for i in items] == ["m1", "c2", "m2"]
    assert [i.person_ids for i in items] == [(p_ann,), (p_bob,), ()]


def test_window_filters_channels_and_takes_any_time_zone(gs: GraphStore) -> None:
    """Only the channels asked for; a window given in another time zone is the same moments."""
    _world(gs)
    plus2 = timezone(timedelta(hours=2))
    calls = list(
        gs.interactions_between(T0.astimezone(plus2), (T0 + timedelta(hours=9)).astimezone(plus2), [Channel.CALL])
    )
    assert [i.interaction.source_id for i in calls] == ["c1", "c2", "c3"]
    assert list(gs.interactions_between(T0 - timedelta(days=2), T0 - timedelta(days=1))) == []


def test_window_pages_through_everything(gs: GraphStore, monkeypatch: pytest.MonkeyPatch) -> None:
    """Pages smaller than the window still give every interaction once, in order."""
    _world(gs)
    monkeypatch.setattr(window_module, "WINDOW_PAGE", 2)
    items = list(gs.interactions_between(T0, T0 + timedelta(days=1)))
    assert [i.interaction.source_id for i in items] == ["c1", "m1", "c2", "m2", "c3"]
