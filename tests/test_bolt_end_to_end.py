"""End to end on the Neo4j store over a live Bolt server, by command line: load the bundled sample, resolve, profile,
who-is, a steward decision, a real-time add, erasure and the change feed, with the embedded store as the yardstick.

The server is NEO4J_URI's Neo4j, else ArcadeDB's Bolt server started for the run (tests/bolt.py); the tests of
this module share one database and run in order.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from identity_graph.cli.demo import sample_dir
from identity_graph.cli.main import app
from identity_graph.evaluate import evaluate
from identity_graph.model import IdentifierKind, Record
from identity_graph.store import GraphStore, open_store
from tests.bolt import BoltTarget

runner = CliRunner()


def _cli(args: list[str], env: dict[str, str] | None = None, stdin: str | None = None) -> str:
    """Run one idgraph command with the sample's settings; fail with its output if it fails."""
    result = runner.invoke(app, ["--config", str(sample_dir() / "idgraph.toml"), *args], env=env, input=stdin)
    assert result.exit_code == 0, f"{args}: {result.output}\n{result.exception!r}"
    return result.output


def partition(store: GraphStore) -> set[frozenset[tuple[str, str]]]:
    """The clustering as sets of record keys (ids differ between stores; the grouping must not)."""
    groups: dict[int, set[tuple[str, str]]] = {}
    for row in store.iter_export():
        if row.kind == "record" and row.person_id is not None:
            groups.setdefault(row.person_id, set()).add((row.source, row.source_id))
    return {frozenset(g) for g in groups.values()}


@pytest.fixture(scope="module")
def sqlite_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample loaded and resolved in the embedded store, by the same commands."""
    db = tmp_path_factory.mktemp("yardstick") / "sample.db"
    _cli(["--db", str(db), "load", str(sample_dir() / "manifest.toml")])
    _cli(["--db", str(db), "resolve"])
    return db


@pytest.fixture(scope="module")
def bolt_env(bolt_target: BoltTarget) -> Iterator[dict[str, str]]:
    """The sample loaded and resolved in the Neo4j store on the Bolt server; the variables that point at it."""
    bolt_target.open().close()  # empty
    env = bolt_target.env()
    out = _cli(["load", str(sample_dir() / "manifest.toml")], env)
    assert "loaded" in out
    _cli(["resolve"], env)
    yield env


@pytest.fixture
def bolt(bolt_target: BoltTarget, bolt_env: dict[str, str]) -> Iterator[GraphStore]:
    """The loaded and resolved Neo4j store, opened for reading."""
    store = bolt_target.open(clear=False)
    yield store
    store.close()


def test_load_and_resolve_give_the_embedded_stores_persons(bolt: GraphStore, sqlite_db: Path) -> None:
    embedded = open_store(sqlite_db)
    try:
        assert bolt.counts() == embedded.counts()
        assert partition(bolt) == partition(embedded)
    finally:
        embedded.close()
    scores = evaluate(bolt, sample_dir() / "truth.csv")
    assert scores.missing == 0 and scores.non_customer_joined == 0 and scores.precision >= 0.9


def test_profile_by_phone_and_name_search(bolt: GraphStore, bolt_env: dict[str, str]) -> None:
    person = max(bolt.live_person_ids(), key=lambda p: len(bolt.person_record_ids([p])[p]))
    records = bolt.get_records(bolt.person_record_ids([person])[person])
    phone = next(c.identifier.value for r in records for c in r.claimed if c.identifier.kind is IdentifierKind.PHONE)
    spaced = f"{phone[2:5]} {phone[5:8]} {phone[8:]}"  # +14155550134 -> "415 555 0134", as an agent types it
    out = _cli(["profile", "--phone", spaced, "--limit", "50"], bolt_env)
    assert f"person {person}" in out.lower() or str(person) in out
    named = next(r for r in records if r.last_name)
    assert named.id in bolt.search_names(f"{named.first_name or ''} {named.last_name[:3]}")


def test_whois_a_sample_handle(bolt: GraphStore, bolt_env: dict[str, str]) -> None:
    handles = [p.value for p in bolt.iter_postings([IdentifierKind.HANDLE])]
    assert handles
    out = _cli(["whois", f"@{handles[0].split(':', 1)[1]}"], bolt_env)
    assert handles[0] in out and "person" in out


def test_steward_decision_splits_and_the_change_feed_says_so(bolt: GraphStore, bolt_env: dict[str, str]) -> None:
    before = bolt.last_event_id()
    person = next(p for p in bolt.live_person_ids() if len(bolt.person_record_ids([p])[p]) >= 2)
    left, right = bolt.person_record_ids([person])[person][:2]
    _cli(["decide", str(left), str(right), "different", "--by", "ann", "--reason", "two people"], bolt_env)
    assigned = bolt.assignments([left, right])
    assert assigned.get(left) != assigned.get(right)
    assert [j.verdict.value for j in bolt.judgements([left])] == ["different"]
    feed = [json.loads(line) for line in _cli(["changes", "--since", str(before), "--json"], bolt_env).splitlines()]
    assert feed and all(e["id"] > before for e in feed)


def test_real_time_add_attaches_a_new_record(bolt: GraphStore, bolt_env: dict[str, str]) -> None:
    person = max(bolt.live_person_ids(), key=lambda p: len(bolt.person_record_ids([p])[p]))
    model = next(r for r in bolt.get_records(bolt.person_record_ids([person])[person]) if r.source == "crm")
    fields = model.model_dump(mode="json", include=set(Record.model_fields))
    new = Record.model_validate({**fields, "source": "webform", "source_id": "rt-1"})
    out = _cli(["add", "--record", "-"], bolt_env, stdin=new.model_dump_json())
    assert "attached to person" in out
    added = bolt.find_record("webform", "rt-1")
    assert added is not None and bolt.assignments([added.id])[added.id] == bolt.resolve_person_id(person)


def test_erasure_removes_the_person_everywhere(bolt: GraphStore, bolt_env: dict[str, str]) -> None:
    before = bolt.last_event_id()
    added = bolt.find_record("webform", "rt-1")
    assert added is not None
    person = bolt.assignments([added.id])[added.id]
    ids = bolt.person_record_ids([person])[person]
    surname = bolt.get_records(ids)[0].last_name or ""
    comeback = Record.model_validate(added.model_dump(mode="json", include=set(Record.model_fields)))
    out = _cli(["erase", "--person", str(person), "--yes"], bolt_env)
    assert f"person {person} erased" in out
    assert bolt.get_records(ids) == [] and bolt.find_record("webform", "rt-1") is None
    assert not set(bolt.search_names(surname)) & set(ids)
    feed = [json.loads(line) for line in _cli(["changes", "--since", str(before), "--json"], bolt_env).splitlines()]
    assert "person.erased" in {e["type"] for e in feed}
    again = runner.invoke(app, ["add", "--record", "-"], env=bolt_env, input=comeback.model_dump_json())
    assert again.exit_code != 0 and "erased" in str(again.exception)  # the tombstone keeps them out
    assert bolt.find_record("webform", "rt-1") is None
