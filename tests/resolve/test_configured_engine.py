"""`[resolve]` chooses what runs a full batch wherever one runs: `idgraph resolve` (whose --engine, --memory and
--master override it), `idgraph demo`, `idgraph push` and a real-time add into a store with no model yet. A wrong
value is a readable error, in the settings file and on the command line."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import get_args

import pytest
from typer.testing import CliRunner

import identity_graph.cli.main  # noqa: F401  (registers every command on the app)
from identity_graph.cli.app import app
from identity_graph.errors import ConfigError
from identity_graph.resolve import load_model, resolve_records
from identity_graph.resolve.configured import resolve_configured
from identity_graph.resolve.plan import DEFAULT_ENGINE, ENGINES
from identity_graph.resolve.plan.engine import DUCKDB_MEMORY
from identity_graph.settings import ResolveSettings, Settings, load_settings
from identity_graph.steward.realtime import add_record
from identity_graph.store import SQLiteStore, open_store
from tests.resolve.conftest import load, person
from tests.resolve.population import population

#: The stage only the plan has (today's path finds its pairs inside "features and blocking").
PLAN_STAGE = "finding pairs"


def _with(settings: Settings, **resolve: str) -> Settings:
    """`settings` with these `[resolve]` values."""
    return settings.model_copy(update={"resolve": ResolveSettings.model_validate(resolve)})


def _loaded(db: Path, settings: Settings) -> SQLiteStore:
    """A store of 40 generated people (about 170 records) and no model."""
    store = open_store(db)
    records, _ = population(40, seed=7)
    load(store, records, settings, model=False)
    return store


def _persons(store: SQLiteStore) -> frozenset[frozenset[str]]:
    """Each person's members by `source/source_id`."""
    members: dict[int, set[str]] = {}
    for row in store.iter_export():
        if row.person_id is not None:
            members.setdefault(row.person_id, set()).add(f"{row.source}/{row.source_id}")
    return frozenset(frozenset(m) for m in members.values())


def _config(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "idgraph.toml"
    path.write_text(body, encoding="utf-8")
    return path


# ---------------------------------------------------------------- the settings
def test_the_settings_know_the_plans_engines_and_defaults() -> None:
    assert set(get_args(ResolveSettings.model_fields["engine"].annotation)) == set(ENGINES)
    chosen = Settings().resolve
    assert (chosen.engine, chosen.memory, chosen.master) == (DEFAULT_ENGINE, DUCKDB_MEMORY, "local[2]")


@pytest.mark.parametrize("memory", ["512MB", "2GB", "1.5GiB", "80%", " 1 gb "])
def test_a_size_duckdb_reads_is_taken(tmp_path: Path, memory: str) -> None:
    config = _config(tmp_path, f'[resolve]\nmemory = "{memory}"\n')
    assert load_settings(config).resolve.memory == memory.strip()


@pytest.mark.parametrize("memory", ["lots", "1000", "", "1GB'; SET threads = 1; --"])
def test_a_memory_limit_that_is_no_size_is_refused(tmp_path: Path, memory: str) -> None:
    config = _config(tmp_path, f'[resolve]\nmemory = "{memory}"\n')
    with pytest.raises(ConfigError, match="memory must be a size such as 512MB, 2GB or 80%"):
        load_settings(config)


def test_an_unknown_engine_in_the_settings_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="engine"):
        load_settings(_config(tmp_path, '[resolve]\nengine = "oracle"\n'))


def test_the_environment_chooses_the_engine(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("IDGRAPH_RESOLVE__ENGINE", "python")
    monkeypatch.setenv("IDGRAPH_RESOLVE__MEMORY", "1GB")
    chosen = load_settings().resolve
    assert (chosen.engine, chosen.memory) == ("python", "1GB")


# ---------------------------------------------------------------- where a full batch runs
def test_the_memory_limit_reaches_duckdb_and_running_out_says_what_to_raise(tmp_path: Path, settings: Settings) -> None:
    store = _loaded(tmp_path / "tiny-limit.db", settings)
    try:
        assert resolve_configured(store, _with(settings, engine="duckdb", memory="64MB")).persons >= 40
        before = _persons(store)
        with pytest.raises(ConfigError, match=r"out of memory at DuckDB's limit of 1KB.*raise \[resolve\] memory"):
            resolve_configured(store, _with(settings, engine="duckdb", memory="1KB"))  # too small for one table
        assert _persons(store) == before
    finally:
        store.close()


def test_a_temporary_directory_duckdb_cannot_use_is_a_readable_error(
    tmp_path: Path, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = _loaded(tmp_path / "no-temp.db", settings)
    try:
        assert resolve_configured(store, _with(settings, engine="duckdb")).persons >= 40
        before = _persons(store)
        monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "no such directory"))
        with pytest.raises(
            ConfigError,
            match=r"could not write its temporary files \(DuckDB's, the blocking keys'\) under .*no such directory",
        ):
            resolve_configured(store, _with(settings, engine="duckdb"))
        assert _persons(store) == before
    finally:
        store.close()


@pytest.mark.parametrize("engine", ["python", "duckdb"])
def test_a_real_time_resolve_with_no_model_runs_the_configured_engine(
    tmp_path: Path, settings: Settings, engine: str
) -> None:
    store = _loaded(tmp_path / f"{engine}.db", settings)
    try:
        chosen = _with(settings, engine=engine)
        summary = resolve_records(store, [1], chosen)  # no model: a full batch trains one
        assert summary.records == store.counts()["records"] > 100
        assert summary.trained and load_model(store, chosen.matching) is not None
        assert (PLAN_STAGE in summary.seconds) == (engine != "python")
    finally:
        store.close()


def test_a_real_time_add_into_a_store_with_no_model_gives_the_python_paths_persons(
    tmp_path: Path, settings: Settings
) -> None:
    found = []
    for engine in ("python", "duckdb"):
        store = _loaded(tmp_path / f"add-{engine}.db", settings)
        try:
            new = person("web-1", "Ada", "Quinn", source="webform", emails=["ada.quinn@example.org"])
            outcome = add_record(store, new, _with(settings, engine=engine))  # inside the add's transaction
            assert outcome.person_id is not None
            found.append(_persons(store))
        finally:
            store.close()
    assert len(found[0]) > 40 and found[0] == found[1]


# ---------------------------------------------------------------- idgraph resolve
def _last_resolve_audit(db: Path) -> str:
    store = open_store(db)
    try:
        return next(e.detail for e in store.audit_entries(20) if e.action == "resolve")
    finally:
        store.close()


def test_resolve_runs_the_configured_engine_and_engine_overrides_it(tmp_path: Path, settings: Settings) -> None:
    config = _config(tmp_path, '[resolve]\nengine = "python"\nmemory = "256MB"\n')
    found = []
    for db, extra, engine in ((tmp_path / "a.db", [], "python"), (tmp_path / "b.db", ["--engine", "duckdb"], "duckdb")):
        _loaded(db, settings).close()
        args = ["--config", str(config), "--db", str(db), "resolve", *extra]
        result = CliRunner().invoke(app, args, env={"COLUMNS": "200"})
        assert result.exit_code == 0, result.output
        assert _last_resolve_audit(db).endswith(f"engine={engine}")
        assert (PLAN_STAGE in result.output) == (engine != "python")
        store = open_store(db)
        try:
            found.append(_persons(store))
        finally:
            store.close()
    assert len(found[0]) >= 40 and found[0] == found[1]


@pytest.mark.parametrize(
    ("option", "value", "words"),
    [
        ("--memory", "lots", "memory must be a size such as 512MB, 2GB or 80%"),
        ("--engine", "oracle", "must be one of python, duckdb, spark"),
        ("--master", "", "--master"),
    ],
)
def test_a_wrong_option_is_a_readable_error(
    tmp_path: Path, settings: Settings, option: str, value: str, words: str
) -> None:
    db = tmp_path / "x.db"
    _loaded(db, settings).close()
    result = CliRunner().invoke(app, ["--db", str(db), "resolve", option, value], env={"COLUMNS": "200"})
    assert result.exit_code == 2
    text = " ".join(result.output.replace("│", " ").split())
    assert words in text and option in text and "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
