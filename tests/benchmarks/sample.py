"""The shipped sample in a fresh store, for the bench modules' tests."""

from __future__ import annotations

from pathlib import Path

from identity_graph.generate import sample_dir
from identity_graph.ingest_manifest import load_manifest
from identity_graph.resolve import resolve_all
from identity_graph.settings import Settings, load_settings
from identity_graph.store import open_store


def sample_store(folder: Path, *, resolve: bool) -> tuple[Path, Settings]:
    """Load the shipped sample through its manifest into `folder/sample.db` (and resolve it if asked)."""
    db = folder / "sample.db"
    settings = load_settings(sample_dir() / "idgraph.toml", db=db)
    store = open_store(db)
    try:
        load_manifest(store, sample_dir() / "manifest.toml", settings)
        if resolve:
            resolve_all(store, settings)
    finally:
        store.close()
    return db, settings
