"""Signed-in web clients per role over an app on a fresh store (the sign-in form, as a browser uses it)."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi.testclient import TestClient

from identity_graph.service import create_app
from identity_graph.service.auth import Role, create_token
from identity_graph.settings import Settings
from identity_graph.store import SQLiteStore


class WebClients:
    """One app over a store; a signed-in client and its CSRF token for any role."""

    def __init__(self, store: SQLiteStore, path: Path, settings: Settings | None = None) -> None:
        self.store = store
        self.app = create_app(settings or Settings(db=path), store=store)
        self.tokens = {role: create_token(store, role, f"{role.value}-web") for role in Role}
        self.clients: dict[Role, tuple[TestClient, str]] = {}

    def signed_in(self, role: Role) -> tuple[TestClient, str]:
        """A client signed in with the role's token, and the session's CSRF token."""
        if role not in self.clients:
            client = TestClient(self.app, follow_redirects=False)
            nonce = re.search(r'name="csrf" value="([^"]+)"', client.get("/login").text)
            assert nonce is not None
            done = client.post("/login", data={"csrf": nonce.group(1), "token": self.tokens[role][0]})
            assert done.status_code == 303
            found = re.search(r'name="csrf" value="([^"]+)"', client.get("/").text)
            assert found is not None
            self.clients[role] = (client, found.group(1))
        return self.clients[role]

    def actor(self, role: Role) -> str:
        """The audit actor of the role's token."""
        return f"token:{self.tokens[role][1].id}"

    def close(self) -> None:
        """Close every client."""
        for client, _ in self.clients.values():
            client.close()
