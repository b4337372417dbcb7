"""`[resolve] memory`: every size the setting takes is one DuckDB reads (a share of RAM over 100%, or a space before
`%`, reached DuckDB's SQL and came back as a traceback), and a share over 100% is refused by the settings."""

from __future__ import annotations

from pathlib import Path

import pytest

from identity_graph.errors import ConfigError
from identity_graph.resolve.plan.engine import DuckDBEngine
from identity_graph.settings import load_settings


def _config(tmp_path: Path, memory: str) -> Path:
    path = tmp_path / "idgraph.toml"
    path.write_text(f'[resolve]\nmemory = "{memory}"\n', encoding="utf-8")
    return path


@pytest.mark.parametrize("memory", ["80 %", " 50.5% ", "512 MB", "1.5 GiB", "100%"])
def test_every_size_taken_is_one_duckdb_reads(tmp_path: Path, memory: str) -> None:
    taken = load_settings(_config(tmp_path, memory)).resolve.memory
    engine = DuckDBEngine(memory_limit=taken)
    try:
        assert engine.rows("SELECT current_setting('memory_limit')")[0][0]
    finally:
        engine.close()


@pytest.mark.parametrize("memory", ["150%", "100.5%"])
def test_a_share_of_memory_over_all_of_it_is_refused(tmp_path: Path, memory: str) -> None:
    with pytest.raises(ConfigError, match="memory must be a size such as 512MB, 2GB or 80%"):
        load_settings(_config(tmp_path, memory))
