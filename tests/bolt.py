"""The Bolt server the Neo4j store's tests run against: a real Neo4j named by NEO4J_URI, else ArcadeDB's on loopback.

`tests/conftest.py` starts ArcadeDB's Bolt server (`identity_graph.store.neo4j.local_server`, from PyPI's
`arcadedb-embedded`) once per session when NEO4J_URI is not set, and gives each test module a fresh database on
it. If it cannot start, every test that needs it fails when CI is set (CI must never pass by skipping them) and
is skipped with the reason otherwise.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import Literal, NoReturn

import pytest
from pydantic import SecretStr

from identity_graph.settings import Settings
from identity_graph.store.neo4j import Neo4jStore, open_neo4j

#: Which server a target is: a real Neo4j (NEO4J_URI) or ArcadeDB's Bolt server started for the run.
ServerKind = Literal["neo4j", "arcadedb"]


@dataclass(frozen=True)
class BoltTarget:
    """Where one test module's Neo4j store lives: URI, credentials, database and which server it is."""

    uri: str
    user: str
    password: str
    database: str | None
    kind: ServerKind

    def open(self, *, clear: bool = True) -> Neo4jStore:
        """The Neo4j store on this target (emptied first unless `clear` is False)."""
        store = open_neo4j(self.uri, self.user, self.password, self.database)
        if clear:
            store.clear()  # MATCH (n) DETACH DELETE n, in batches; refuses (at open) a database that is not ours
        return store

    def env(self) -> dict[str, str]:
        """The IDGRAPH_* variables that point the command line and the service at this store."""
        out = {
            "IDGRAPH_STORE__BACKEND": "neo4j",
            "IDGRAPH_STORE__NEO4J_URI": self.uri,
            "IDGRAPH_STORE__NEO4J_USER": self.user,
            "IDGRAPH_STORE__NEO4J_PASSWORD": self.password,
        }
        if self.database:
            out["IDGRAPH_STORE__NEO4J_DATABASE"] = self.database
        return out

    def settings(self, base: Settings) -> Settings:
        """`base` with its store set to this target."""
        store = base.store.model_copy(
            update={
                "backend": "neo4j",
                "neo4j_uri": self.uri,
                "neo4j_user": self.user,
                "neo4j_password": SecretStr(self.password),
                "neo4j_database": self.database,
            }
        )
        return base.model_copy(update={"store": store})


def env_target() -> BoltTarget | None:
    """The real Neo4j server NEO4J_URI names (with NEO4J_USER, NEO4J_PASSWORD, NEO4J_DATABASE), if any."""
    uri = os.environ.get("NEO4J_URI")
    if not uri:
        return None
    env = os.environ.get
    return BoltTarget(
        uri, env("NEO4J_USER", "neo4j"), env("NEO4J_PASSWORD", ""), env("NEO4J_DATABASE") or None, "neo4j"
    )


def database_name(module: str, n: int) -> str:
    """A database name for a test module (letters, digits and `_`, unique by `n`)."""
    return f"t{n}_" + re.sub(r"\W", "_", module.rsplit(".", 1)[-1])[:40]


def no_server(reason: str) -> NoReturn:
    """Fail (in CI, where CI is set) or skip (elsewhere) a test that needs a Bolt server that is not there."""
    message = f"no Bolt server for the Neo4j store's tests: {reason}"
    if os.environ.get("CI"):
        pytest.fail(message, pytrace=False)
    pytest.skip(message + " (set NEO4J_URI, or `make install` for arcadedb-embedded)")
