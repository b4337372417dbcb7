"""A copy of a store built from the bundled sample, served over HTTP on loopback with a token per role (the
journeys on the sample share it)."""

from __future__ import annotations

from pathlib import Path

import identity_graph
from identity_graph.service.auth import Role, create_token
from identity_graph.settings import Settings, load_settings
from identity_graph.store import SQLiteStore, open_store
from tests.web.conftest import serve_in_thread

SAMPLE = Path(identity_graph.__file__).parent / "sample"


class Served:
    """A copy of the sample store served over HTTP, with a token per role (named `<role>-<label>`)."""

    def __init__(self, path: Path, label: str) -> None:
        self.settings: Settings = load_settings(SAMPLE / "idgraph.toml", db=path)
        self.store: SQLiteStore = open_store(path)
        self.tokens = {role: create_token(self.store, role, f"{role.value}-{label}")[0] for role in Role}
        self.url, self.server, self.thread = serve_in_thread(self.settings, self.store)

    def close(self) -> None:
        """Stop the server and close the store."""
        self.server.should_exit = True
        self.thread.join(timeout=10)
        self.store.close()
