"""The Neo4j store's own behaviour on a live Bolt server (NEO4J_URI's Neo4j, else ArcadeDB's started for the run):
schema checks at open, name words kept in step with names, and the upgrade of a version-1 graph."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import neo4j
import pytest

from identity_graph.errors import SchemaError
from identity_graph.model import IdentifierKind
from identity_graph.store.neo4j import Neo4jStore, wipe_database
from identity_graph.store.neo4j.schema import SCHEMA_VERSION, VERSION_KEY
from tests.bolt import BoltTarget
from tests.factories import prepared, record


@pytest.fixture
def driver(bolt_target: BoltTarget) -> Iterator[neo4j.Driver]:
    """A plain driver on this module's database, to look at the graph the store wrote."""
    d = neo4j.GraphDatabase.driver(bolt_target.uri, auth=(bolt_target.user, bolt_target.password))
    yield d
    d.close()


@pytest.fixture
def store(bolt_target: BoltTarget) -> Iterator[Neo4jStore]:
    """The Neo4j store, emptied."""
    s = bolt_target.open()
    yield s
    s.close()


def _rows(driver: neo4j.Driver, target: BoltTarget, query: Any) -> list[dict[str, Any]]:
    """Rows of one read statement."""
    with driver.session(database=target.database) as session:
        return [r.data() for r in session.run(query)]


def _words(driver: neo4j.Driver, target: BoltTarget) -> set[str]:
    """Every NameWord node's word."""
    return {r["w"] for r in _rows(driver, target, "MATCH (n:NameWord) RETURN n.word AS w")}


def test_every_index_is_online_after_open(store: Neo4jStore, driver: neo4j.Driver, bolt_target: BoltTarget) -> None:
    states = _rows(driver, bolt_target, "SHOW INDEXES YIELD name, state RETURN name, state")
    assert states and {r["state"] for r in states} == {"ONLINE"}


def test_a_database_holding_other_data_is_refused(bolt_target: BoltTarget, driver: neo4j.Driver) -> None:
    bolt_target.open().close()
    wipe_database(driver, bolt_target.database)
    with driver.session(database=bolt_target.database) as session:
        session.run("CREATE (:Invoice {number: 1})").consume()
    with pytest.raises(SchemaError, match="not an identity-graph store"):
        bolt_target.open(clear=False)
    wipe_database(driver, bolt_target.database)


def test_a_newer_graph_is_refused(store: Neo4jStore, bolt_target: BoltTarget) -> None:
    store.set_meta(VERSION_KEY, str(SCHEMA_VERSION + 1))
    with pytest.raises(SchemaError, match="newer"):
        bolt_target.open(clear=False)
    store.set_meta(VERSION_KEY, str(SCHEMA_VERSION))


def test_name_words_follow_changed_and_erased_names(
    store: Neo4jStore, driver: neo4j.Driver, bolt_target: BoltTarget
) -> None:
    store.upsert_batch([prepared(record("1", "Zoë", "Quill")), prepared(record("2", "Ann", "Quill"))])
    assert _words(driver, bolt_target) == {"zoe", "ann", "quill"}
    assert store.search_names("quill") == [1, 2] and store.search_names("zo") == [1]
    store.upsert_batch([prepared(record("1", "Zoë", "Vance"))])
    assert _words(driver, bolt_target) == {"zoe", "ann", "quill", "vance"}
    store.upsert_batch([prepared(record("2", "Ann", "Lee"))])
    assert "quill" not in _words(driver, bolt_target)  # nobody is called Quill any more
    (pid,) = store.create_persons(1)
    store.set_persons([(1, pid)])
    store.erase_records(pid, [1], ["Zoë Vance"], tombstones=True)
    assert _words(driver, bolt_target) == {"ann", "lee"}  # an erased name leaves no word behind


def test_an_exact_word_ranks_before_a_longer_one(store: Neo4jStore) -> None:
    store.upsert_batch([prepared(record("1", "Annabel", "Lee")), prepared(record("2", "Ann", "Lee"))])
    assert store.search_names("ann") == [2, 1] and store.search_names("lee ann") == [2, 1]
    assert store.search_names("ann lee annab") == []  # every word but the last is exact


def test_a_version_1_graph_gets_its_name_words_on_open(
    store: Neo4jStore, driver: neo4j.Driver, bolt_target: BoltTarget
) -> None:
    store.upsert_batch([prepared(record("1", "José", "Núñez", phone="415 555 0134"))])
    wipe = "MATCH (n:NameWord) DETACH DELETE n"
    with driver.session(database=bolt_target.database) as session:
        session.run(wipe).consume()
    store.set_meta(VERSION_KEY, "1")
    assert store.search_names("nunez") == []
    again = bolt_target.open(clear=False)
    try:
        assert again.search_names("jose nu") == [1] and again.get_meta(VERSION_KEY) == str(SCHEMA_VERSION)
        assert again.records_with_identifiers([]) == {}
        assert [p.kind for p in again.iter_postings([IdentifierKind.PHONE])] == [IdentifierKind.PHONE]
    finally:
        again.close()
