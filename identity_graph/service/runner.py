"""Run the service with uvicorn on one address (loopback by default), in one process or several workers."""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from identity_graph.errors import ConfigError
from identity_graph.settings import Settings, load_settings

#: uvicorn's access log prints query strings (which can hold phone numbers or emails): it stays off.
ACCESS_LOG = False
#: The most worker processes `serve` starts (each holds its own store connection and caches).
MAX_WORKERS = 32
#: The environment variable that tells each worker process where its settings come from.
SOURCE_ENV = "IDGRAPH_SERVE_SOURCE"


@dataclass(frozen=True)
class SettingsSource:
    """Where the settings came from (settings file, `--db`, `--store`), so each worker reads the same ones; the
    environment's `IDGRAPH_*` variables (secrets included) reach the workers as they are, never re-written."""

    config: str | None = None
    db: str | None = None
    store: str | None = None

    def load(self) -> Settings:
        """The settings, read as the parent process read them."""
        from identity_graph.store.uri import with_store

        overrides = {"db": Path(self.db)} if self.db else {}
        settings = load_settings(Path(self.config) if self.config else None, **overrides)
        return with_store(settings, self.store) if self.store else settings


def worker_app() -> Any:
    """The app of one worker process (uvicorn's factory when serving with several workers)."""
    from identity_graph.service.app import create_app

    text = os.environ.get(SOURCE_ENV)
    if not text:
        raise ConfigError(f"{SOURCE_ENV} is not set: start workers with `idgraph serve --workers N`")
    return create_app(SettingsSource(**json.loads(text)).load())


def _prepare_store(settings: Settings) -> None:
    """Open the store once before the workers start: migrations run once, and the web session secret is made
    once (two workers making it at the same moment would each sign sessions the other refuses)."""
    from identity_graph.store import open_configured
    from identity_graph.web.session import session_secret

    store = open_configured(settings)
    try:
        session_secret(store)
    finally:
        store.close()


def serve(
    settings: Settings,
    store_path: Path | str | None = None,
    host: str | None = None,
    port: int | None = None,
    *,
    workers: int = 1,
    source: SettingsSource | None = None,
) -> None:
    """Serve the API and web UI until interrupted (the store at `store_path`, else `settings.db`); with several
    workers, each process reads its settings from `source` and opens the store itself (SQLite's WAL lets them)."""
    import uvicorn

    from identity_graph.service.app import create_app

    if store_path is not None:
        settings = settings.model_copy(update={"db": Path(store_path)})
    address: dict[str, Any] = {"host": host or settings.service.host, "port": port or settings.service.port}
    quiet: dict[str, Any] = {"access_log": ACCESS_LOG, "log_level": "warning"}
    if workers <= 1:
        uvicorn.run(create_app(settings), **address, **quiet)
        return
    if not 1 <= workers <= MAX_WORKERS:
        raise ConfigError(f"--workers must be 1 to {MAX_WORKERS}")
    _prepare_store(settings)
    chosen = source or SettingsSource()
    if store_path is not None:
        chosen = SettingsSource(chosen.config, str(store_path), chosen.store)
    os.environ[SOURCE_ENV] = json.dumps(asdict(chosen))
    uvicorn.run("identity_graph.service.runner:worker_app", factory=True, workers=workers, **address, **quiet)
