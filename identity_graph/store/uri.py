"""A store named by one string on the command line: a Bolt URI (`bolt://host:7687/database`) or a SQLite file.

`with_store(settings, "bolt://graph:7687/identity")` gives the settings with `[store]` pointing at that server
(user from the URI's `user@` part or the settings, password only from the settings, i.e. the
`IDGRAPH_STORE__NEO4J_PASSWORD` environment variable, never from the command line); any other text is the
embedded store's file.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from identity_graph.errors import ConfigError
from identity_graph.settings import Settings

#: URI schemes of the Neo4j driver (plain, TLS, TLS with a self-signed certificate), Bolt and routing.
BOLT_SCHEMES = ("bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc")


def is_bolt_uri(text: str) -> bool:
    """Whether `text` names a server store (a Bolt or Neo4j URI) rather than a file."""
    return urlsplit(text).scheme.lower() in BOLT_SCHEMES


def with_store(settings: Settings, target: str) -> Settings:
    """`settings` with the store `target` names: a Bolt URI (its path is the database) or a SQLite file."""
    if not is_bolt_uri(target):
        store = settings.store.model_copy(update={"backend": "sqlite"})
        return settings.model_copy(update={"db": Path(target), "store": store})
    parts = urlsplit(target)
    if parts.password:
        raise ConfigError("give the store's password in IDGRAPH_STORE__NEO4J_PASSWORD, not in the URI")
    if not parts.hostname:
        raise ConfigError(f"no host in {target!r}: give e.g. bolt://127.0.0.1:7687/database")
    host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
    netloc = f"{host}:{parts.port}" if parts.port else host
    update: dict[str, object] = {"backend": "neo4j", "neo4j_uri": f"{parts.scheme}://{netloc}"}
    database = parts.path.strip("/")
    if database:
        update["neo4j_database"] = database
    if parts.username:
        update["neo4j_user"] = parts.username
    return settings.model_copy(update={"store": settings.store.model_copy(update=update)})


def describe(settings: Settings) -> str:
    """Where the settings' store is, for a message (never the password)."""
    cfg = settings.store
    if cfg.backend == "sqlite":
        return str(settings.db)
    database = f"/{cfg.neo4j_database}" if cfg.neo4j_database else ""
    return f"{cfg.neo4j_uri}{database}"
