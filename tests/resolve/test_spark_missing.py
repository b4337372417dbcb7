"""`[resolve] engine = "spark"` where pyspark is not installed (the `identity-graph[spark]` extra left out) is one
readable error saying what to install, not an ImportError's traceback; nothing is changed."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from identity_graph.errors import ConfigError
from identity_graph.resolve.configured import resolve_configured
from identity_graph.settings import ResolveSettings, Settings
from identity_graph.store import open_store


def test_the_spark_engine_without_pyspark_says_what_to_install(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in [m for m in sys.modules if m == "pyspark" or m.startswith("pyspark.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "pyspark", None)  # `import pyspark` raises ImportError, as when not installed
    settings = Settings(db=tmp_path / "s.db", resolve=ResolveSettings(engine="spark"))
    store = open_store(settings.db)
    try:
        with pytest.raises(ConfigError, match=r"identity-graph\[spark\]"):
            resolve_configured(store, settings)
        assert store.counts()["persons"] == 0
    finally:
        store.close()
