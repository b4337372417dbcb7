"""The steward's commands through the real command line (Typer's runner), on a real store file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from identity_graph.cli.main import app
from identity_graph.model import MatchStatus, Verdict
from identity_graph.resolve import resolve_all
from identity_graph.settings import Settings
from identity_graph.steward.decisions import pair_history
from identity_graph.store import SQLiteStore, open_store
from tests.steward.conftest import NOW, call, cluster, contact, edge, load
from tests.steward.people import person_records, population

runner = CliRunner()


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """A store with two review proposals and one person of three records."""
    path = tmp_path / "cli.db"
    store = open_store(path)
    a, b, c, d, e, f, g = load(
        store,
        [
            contact("1", "Bob", "Stone", email="bob@example.com"),
            contact("2", "Robert", "Stone", email="bob@example.com", source="hubspot"),
            contact("3", "Ann", "Lee"),
            contact("4", "Anne", "Lee", source="hubspot"),
            contact("5", "Sam", "Roe", email="sam@example.com"),
            contact("6", "Sam", "Roe", email="sam@example.com", source="hubspot"),
            contact("7", "Sam", "Roe", email="sam@example.com", source="pbx"),
        ],
    )
    cluster(store, [[a], [b], [c], [d], [e, f, g]])
    store.replace_edges(
        [
            edge(a, b, MatchStatus.REVIEW, 0.9),
            edge(c, d, MatchStatus.REVIEW, 0.7),
            edge(e, f, MatchStatus.AUTO, 0.99),
            edge(f, g, MatchStatus.AUTO, 0.99),
        ]
    )
    store.close()
    return path


def _run(db: Path, *args: str, stdin: str | None = None) -> str:
    result = runner.invoke(app, ["--db", str(db), *args], input=stdin)
    assert result.exit_code == 0, result.output + repr(result.exception)
    return result.output


def _open(db: Path) -> SQLiteStore:
    return open_store(db)


def test_review_decides_with_one_key_and_a_reason(db: Path) -> None:
    out = _run(db, "review", "--by", "ann", stdin="r\nsame email, nickname\ns\nd\n")
    assert "1/2" in out and "2/2" in out and "evidence" in out and "first name" in out
    assert "queue now holds 0 items" in out
    store = _open(db)
    [bob] = pair_history(store, 1, 2)
    assert (bob.verdict, bob.by, bob.reason) == (Verdict.SAME, "ann", "same email, nickname")
    assert store.assignments([1])[1] == store.assignments([2])[2]
    [ann] = pair_history(store, 3, 4)
    assert ann.verdict == Verdict.DIFFERENT and ann.reason is None
    store.close()


def test_review_undo_withdraws_the_last_decision_and_asks_again(db: Path) -> None:
    out = _run(db, "review", "--by", "ann", stdin="s\nz\nd\nq\n")
    assert "withdrawn decision" in out and "queue now holds 1 items" in out
    store = _open(db)
    history = pair_history(store, 1, 2)
    assert [j.verdict for j in history] == [Verdict.SAME, Verdict.DIFFERENT]  # the withdrawn one is kept
    assert history[0].superseded_at is not None and history[1].superseded_at is None
    assert store.assignments([1])[1] != store.assignments([2])[2]
    store.close()


def test_review_skip_and_quit_change_nothing(db: Path) -> None:
    out = _run(db, "review", "--by", "ann", stdin="n\nq\n")
    assert "skipped" in out and "queue now holds 2 items" in out
    store = _open(db)
    assert store.judgements(None) == []
    store.close()


def test_decide_by_natural_keys_then_change_of_mind(db: Path) -> None:
    out = _run(db, "decide", "crm/3", "hubspot/4", "same", "--by", "bob", "--reason", "same caller")
    assert "recorded same for 3 ~ 4 by bob" in out and "one person" in out
    out = _run(db, "decide", "3", "4", "different", "--by", "ann")
    assert "superseding 1 earlier decision" in out
    store = _open(db)
    assert [j.verdict for j in pair_history(store, 3, 4)] == [Verdict.SAME, Verdict.DIFFERENT]
    assert store.assignments([3])[3] != store.assignments([4])[4]
    store.close()


def test_split_unmerge_and_changes(db: Path) -> None:
    store = _open(db)
    person = store.assignments([5])[5]
    last = store.last_event_id()
    store.close()
    out = _run(db, "split", str(person), "--group", "5,6", "--group", "pbx/7", "--by", "ann")
    assert f"person {person} (keeps the id): records 5, 6" in out and "(new person): records 7" in out
    out = _run(db, "unmerge", "6", "--by", "bob")
    assert "records 6" in out
    lines = _run(db, "changes", "--since", str(last), "--json").splitlines()
    events = [json.loads(line) for line in lines]
    assert [e["type"] for e in events if e["type"].startswith("person.")] == ["person.split", "person.split"]
    assert {e["cause"] for e in events} == {"steward:ann", "steward:bob"}
    table = _run(db, "changes", "--since", "1h")
    assert "person.split" in table and f"--since {events[-1]['id']}" in table


def test_quality_reports_precision_with_interval(db: Path) -> None:
    _run(db, "decide", "5", "6", "same", "--by", "ann")
    _run(db, "decide", "6", "7", "different", "--by", "ann")
    out = _run(db, "quality", "--sample", "5")
    assert "auto" in out and "0.500" in out and "95%" in out


def test_errors_are_one_line(db: Path) -> None:
    result = runner.invoke(app, ["--db", str(db), "decide", "1", "999", "same", "--by", "ann"])
    assert result.exit_code != 0
    assert "no record with id 999" in str(result.exception)


def test_add_record_and_interaction_from_json(tmp_path: Path) -> None:
    db = tmp_path / "add.db"
    store = open_store(db)
    load(store, [r for r in population() if r.source_id != "p6"])
    resolve_all(store, Settings())
    store.close()
    new = person_records(6)[2]
    record_file = tmp_path / "record.json"
    record_file.write_text(new.model_dump_json(), encoding="utf-8")
    out = _run(db, "add", "--record", str(record_file))
    assert "attached to person" in out and "linked to" in out
    out = _run(db, "add", "--interaction", "-", stdin=call("k9", new, NOW).model_dump_json())
    assert "interaction stored" in out and "→ person" in out
    bad = runner.invoke(app, ["--db", str(db), "add", "--record", "-"], input='{"source": "x"}')
    assert bad.exit_code != 0 and "not a valid record" in str(bad.exception)


def test_decide_preview_saves_nothing_and_undo_restores_every_membership(db: Path) -> None:
    store = _open(db)
    everything = store.assignments()
    store.close()
    out = _run(db, "decide", "3", "4", "same", "--preview")
    assert "would:" in out and "is merged into person" in out and "nothing saved" in out
    store = _open(db)
    assert store.assignments() == everything and store.judgements(None) == []
    store.close()
    out = _run(db, "decide", "3", "4", "same", "--by", "bob")
    action = int(out.split("idgraph undo ")[1].split()[0])
    assert "would:" in _run(db, "undo", str(action), "--preview")
    out = _run(db, "undo", str(action), "--by", "bob")
    assert "undone decision" in out and "comes back with record 4" in out
    store = _open(db)
    assert store.assignments() == everything and store.judgements(None) == []
    actions = [e.action for e in store.audit_entries(10, None, None)]
    store.close()
    assert actions[:2] == ["decision.undo", "decision"]


def test_a_split_can_be_previewed_and_undone(db: Path) -> None:
    store = _open(db)
    person = store.assignments([5])[5]
    everything = store.assignments()
    store.close()
    out = _run(db, "split", str(person), "--group", "7", "--preview")
    assert "splits off into a new person" in out and "nothing saved" in out
    out = _run(db, "split", str(person), "--group", "7", "--by", "ann")
    action = int(out.split("idgraph undo ")[1].split()[0])
    _run(db, "undo", str(action), "--by", "ann")
    store = _open(db)
    assert store.assignments() == everything and store.judgements(None) == []
    store.close()
