"""What the service needs from the Neo4j store: API tokens, the audit log, and withdrawing a decision."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from identity_graph.errors import ConflictError, NotFound
from identity_graph.model import Judgement
from identity_graph.store.neo4j import cypher
from identity_graph.store.neo4j.base import Neo4jBase, Tx, now, run
from identity_graph.store.neo4j.rows import judgement_from_row, parse_time
from identity_graph.store.service_types import ApiToken, AuditEntry


def token_from_row(row: Mapping[str, Any]) -> ApiToken:
    """An ApiToken from a token result row."""
    return ApiToken(
        id=int(row["id"]),
        name=str(row["name"]),
        role=str(row["role"]),
        created_at=datetime.fromisoformat(row["created_at"]),
        revoked_at=parse_time(row["revoked_at"]),
    )


class Neo4jServiceMixin(Neo4jBase):
    """Tokens, audit log and decision withdrawal for the Neo4j store."""

    # -- API tokens
    def add_token(self, name: str, role: str, token_hash: str) -> ApiToken:
        """Store a new token's hash with its name and role."""

        def work(tx: Tx) -> ApiToken:
            (token_id,) = self._next_ids(tx, "api_token", 1)
            rows = run(tx, cypher.ADD_TOKEN, id=token_id, name=name, role=role, token_hash=token_hash, now=now())
            return token_from_row(rows[0])

        return self._write(work)

    def token_by_hash(self, token_hash: str) -> ApiToken | None:
        """The token with this hash (revoked ones included, so the caller can tell why it fails)."""
        rows = self._query(cypher.TOKEN_BY_HASH, token_hash=token_hash)
        return token_from_row(rows[0]) if rows else None

    def get_token(self, token_id: int) -> ApiToken | None:
        """A token by id."""
        rows = self._query(cypher.TOKEN_BY_ID, id=token_id)
        return token_from_row(rows[0]) if rows else None

    def list_tokens(self) -> list[ApiToken]:
        """Every token, oldest first."""
        return [token_from_row(r) for r in self._query(cypher.TOKENS_ALL)]

    def revoke_token(self, token_id: int) -> bool:
        """Revoke a token; False when there is no such active token."""
        return bool(self._execute(cypher.REVOKE_TOKEN, id=token_id, now=now()))

    # -- audit log
    def add_audit(self, actor: str, action: str, target: str = "", detail: str = "") -> None:
        """Append one audit entry (ids only: callers never pass personal data)."""

        def work(tx: Tx) -> None:
            (entry_id,) = self._next_ids(tx, "audit", 1)
            run(tx, cypher.ADD_AUDIT, id=entry_id, now=now(), actor=actor, action=action, target=target, detail=detail)

        self._write(work)

    def audit_entries(
        self, limit: int = 100, before_id: int | None = None, target: str | None = None
    ) -> list[AuditEntry]:
        """Audit entries, newest first, optionally before an id and about one target."""
        rows = self._query(cypher.AUDIT_ENTRIES, before_id=before_id, target=target, max_entries=limit)
        return [
            AuditEntry(int(r["id"]), datetime.fromisoformat(r["at"]), r["actor"], r["action"], r["target"], r["detail"])
            for r in rows
        ]

    # -- steward: undo
    def withdraw_judgement(self, judgement_id: int) -> Judgement:
        """Mark an active decision superseded without a successor (an undo); it is kept, never removed."""

        def work(tx: Tx) -> tuple[bool, list[dict[str, Any]]]:
            withdrawn = bool(run(tx, cypher.WITHDRAW_JUDGEMENT, id=judgement_id, now=now()))
            return withdrawn, run(tx, cypher.JUDGEMENT_BY_ID, id=judgement_id)

        withdrawn, rows = self._write(work)
        if not rows:
            raise NotFound(f"no decision {judgement_id}")
        if not withdrawn:
            raise ConflictError(f"decision {judgement_id} was already superseded")
        return judgement_from_row(rows[0])
