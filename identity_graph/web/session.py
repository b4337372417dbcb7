"""Web sign-in: a signed session cookie naming an API token, and CSRF tokens for form posts.

The cookie holds `token_id.expires.nonce.signature` (HMAC-SHA256 with a secret kept in the store's metadata);
it never holds the token itself. Every request re-checks that the token is still active, so revoking a token
ends its sessions at once. The CSRF token is an HMAC of the session's nonce, sent in a hidden form field or the
`X-CSRF-Token` header. Before sign-in, the login form uses a double-submit cookie instead.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass

from identity_graph.service.auth import Caller, caller_of
from identity_graph.store.protocol import GraphStore

SESSION_COOKIE = "idg_session"
LOGIN_COOKIE = "idg_login"
CSRF_FIELD = "csrf"
CSRF_HEADER = "x-csrf-token"
SECRET_META_KEY = "service.session_secret"
#: Random bytes in a session nonce and in the login form's double-submit value.
NONCE_BYTES = 16


def session_secret(store: GraphStore) -> bytes:
    """The signing secret, created on first use and kept in the store (so sessions survive a restart)."""
    value = store.get_meta(SECRET_META_KEY)
    if value is None:
        value = secrets.token_hex(32)
        store.set_meta(SECRET_META_KEY, value)
    return bytes.fromhex(value)


def _sign(secret: bytes, message: str) -> str:
    """Hex HMAC-SHA256 of a message."""
    return hmac.new(secret, message.encode("utf-8"), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Session:
    """A verified web session: who signed in and the nonce its CSRF token derives from."""

    caller: Caller
    nonce: str

    def csrf(self, secret: bytes) -> str:
        """The CSRF token forms of this session must carry."""
        return _sign(secret, f"csrf.{self.nonce}")


def new_cookie(secret: bytes, token_id: int, lifetime_seconds: float) -> str:
    """A signed session cookie value for a token."""
    expires = int(time.time() + lifetime_seconds)
    nonce = secrets.token_hex(NONCE_BYTES)
    body = f"{token_id}.{expires}.{nonce}"
    return f"{body}.{_sign(secret, body)}"


def read_cookie(store: GraphStore, secret: bytes, value: str | None) -> Session | None:
    """The session a cookie stands for, or None when it is missing, forged, expired or its token revoked."""
    if not value:
        return None
    parts = value.split(".")
    if len(parts) != 4 or not parts[0].isdigit() or not parts[1].isdigit():
        return None
    body = ".".join(parts[:3])
    if not hmac.compare_digest(_sign(secret, body), parts[3]) or int(parts[1]) < time.time():
        return None
    caller = caller_of(store.get_token(int(parts[0])))
    return None if caller is None else Session(caller=caller, nonce=parts[2])


def csrf_ok(expected: str, given: str | None) -> bool:
    """True when a submitted CSRF token equals the expected one (constant-time)."""
    return bool(given) and hmac.compare_digest(expected, given or "")


def login_nonce() -> str:
    """A fresh double-submit value for the login form."""
    return secrets.token_hex(NONCE_BYTES)
