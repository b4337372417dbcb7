"""Choosing the store from settings: the embedded file by default, a Neo4j server when configured."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from identity_graph.cli.main import app
from identity_graph.errors import ConfigError
from identity_graph.settings import Settings, load_settings
from identity_graph.store import SQLiteStore, open_configured


def test_default_is_the_embedded_file(tmp_path: Path) -> None:
    store = open_configured(Settings(db=tmp_path / "x.db"))
    assert isinstance(store, SQLiteStore) and (tmp_path / "x.db").exists()
    store.close()


def test_neo4j_without_uri_or_password_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="neo4j_uri"):
        open_configured(Settings(db=tmp_path / "x.db", store={"backend": "neo4j"}))


def test_backend_comes_from_the_settings_file_and_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "idgraph.toml"
    config.write_text('[store]\nbackend = "neo4j"\nneo4j_uri = "neo4j://127.0.0.1:7687"\n', encoding="utf-8")
    monkeypatch.setenv("IDGRAPH_STORE__NEO4J_PASSWORD", "s3cret")
    settings = load_settings(config)
    assert settings.store.backend == "neo4j" and settings.store.neo4j_uri == "neo4j://127.0.0.1:7687"
    assert settings.store.neo4j_password is not None
    assert settings.store.neo4j_password.get_secret_value() == "s3cret" and "s3cret" not in repr(settings)


def test_cli_reports_a_misconfigured_backend_in_one_line(tmp_path: Path) -> None:
    config = tmp_path / "idgraph.toml"
    config.write_text('[store]\nbackend = "neo4j"\n', encoding="utf-8")
    result = CliRunner().invoke(app, ["--config", str(config), "status"])
    assert result.exit_code != 0 and isinstance(result.exception, ConfigError)
