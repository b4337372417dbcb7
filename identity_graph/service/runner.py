"""Run the service with uvicorn on one address (loopback by default)."""

from __future__ import annotations

from pathlib import Path

from identity_graph.settings import Settings

#: uvicorn's access log prints query strings (which can hold phone numbers or emails): it stays off.
ACCESS_LOG = False


def serve(
    settings: Settings, store_path: Path | str | None = None, host: str | None = None, port: int | None = None
) -> None:
    """Serve the API and web UI until interrupted (the store at `store_path`, else `settings.db`)."""
    import uvicorn

    from identity_graph.service.app import create_app

    if store_path is not None:
        settings = settings.model_copy(update={"db": Path(store_path)})
    app = create_app(settings)
    uvicorn.run(
        app,
        host=host or settings.service.host,
        port=port or settings.service.port,
        access_log=ACCESS_LOG,
        log_level="warning",
    )
