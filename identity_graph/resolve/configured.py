"""A full batch resolve by the configured engine (`[resolve] engine`, `memory`, `master`): what `idgraph resolve`,
`idgraph demo`, `idgraph push` and a real-time add into a store with no model yet run (docs/scale.md)."""

from __future__ import annotations

import tempfile

from identity_graph.errors import ConfigError
from identity_graph.resolve.summary import Progress, ResolveSummary
from identity_graph.settings import Settings
from identity_graph.store.protocol import GraphStore


def resolve_configured(
    store: GraphStore, settings: Settings, *, progress: Progress | None = None, retrain: bool = False
) -> ResolveSummary:
    """Resolve every record by `settings.resolve`'s engine: the same links and persons whichever engine it is.
    DuckDB running out of memory at its limit, or unable to write its temporary files, is a ConfigError that says
    what to change."""
    from identity_graph.resolve.plan import resolve_batch  # pyarrow and the engines: only when a batch runs

    rs = settings.resolve
    if rs.engine == "spark":
        _need_pyspark()
    if rs.engine != "duckdb":
        return resolve_batch(store, settings, rs.engine, progress=progress, retrain=retrain, master=rs.master)
    import duckdb

    try:
        return resolve_batch(store, settings, rs.engine, progress=progress, retrain=retrain, memory_limit=rs.memory)
    except duckdb.OutOfMemoryException as exc:
        raise ConfigError(
            f"the batch ran out of memory at DuckDB's limit of {rs.memory}, and no links or persons were changed: "
            "raise [resolve] memory in idgraph.toml (or idgraph resolve --memory), e.g. to 2GB"
        ) from exc
    except (duckdb.IOException, OSError) as exc:  # a temporary directory: missing, read-only or full
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise ConfigError(
            f"the batch could not write its temporary files (DuckDB's, the blocking keys') under "
            f"{tempfile.gettempdir()} ({reason}), and "
            "no links or persons were changed: free disk space there or set TMPDIR to a writable disk"
        ) from exc


def _need_pyspark() -> None:
    """A ConfigError saying what to install when pyspark is not there (the `spark` extra is optional)."""
    try:
        import pyspark  # noqa: F401
    except ImportError as exc:
        raise ConfigError(
            "the spark engine needs pyspark (and Java 17): pip install 'identity-graph[spark]', "
            "or set [resolve] engine to duckdb (idgraph resolve --engine duckdb)"
        ) from exc
