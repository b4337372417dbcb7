"""API tokens and roles: who may do what. Tokens are random, shown once, and stored only as a hash."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from enum import StrEnum

from identity_graph.errors import AccessDenied, ConfigError, NotFound
from identity_graph.store.protocol import GraphStore
from identity_graph.store.service_types import ApiToken

#: Every token starts with this, so a leaked one is easy to recognise in logs and scanners.
TOKEN_PREFIX = "idg_"
#: Random bytes in a token (256 bits).
TOKEN_BYTES = 32


class Role(StrEnum):
    """What a token holder does all day."""

    AGENT = "agent"  # searches and reads profiles
    SOCIAL = "social"  # asks who a handle is, reads profiles
    STEWARD = "steward"  # + review queue, decisions, split and unmerge
    ADMIN = "admin"  # + ingest, erase, tokens, audit log
    MARKETING = "marketing"  # registers and edits campaigns; reads no customer profiles


class Permission(StrEnum):
    """One kind of action an endpoint needs."""

    LOOKUP = "lookup"
    READ = "read"
    WHOIS = "whois"
    REVIEW = "review"
    DECIDE = "decide"
    INGEST = "ingest"
    ERASE = "erase"
    ADMIN = "admin"
    CAMPAIGNS = "campaigns"  # read the campaign registry (no customer data)
    EDIT_CAMPAIGNS = "edit-campaigns"  # register, change and remove campaigns
    VERIFY = "verify"  # ask "is this email, number, link or offer ours?"


#: The permissions of each role; steward builds on agent and social, admin on steward.
ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.AGENT: frozenset({Permission.LOOKUP, Permission.READ, Permission.CAMPAIGNS, Permission.VERIFY}),
    Role.SOCIAL: frozenset({Permission.WHOIS, Permission.READ, Permission.CAMPAIGNS, Permission.VERIFY}),
    Role.STEWARD: frozenset(
        {
            Permission.LOOKUP,
            Permission.READ,
            Permission.WHOIS,
            Permission.REVIEW,
            Permission.DECIDE,
            Permission.CAMPAIGNS,
            Permission.VERIFY,
        }
    ),
    Role.ADMIN: frozenset(Permission),
    #: Least privilege: the campaign registry and verify, never a customer's profile, search or who-is.
    Role.MARKETING: frozenset({Permission.CAMPAIGNS, Permission.EDIT_CAMPAIGNS, Permission.VERIFY}),
}


@dataclass(frozen=True)
class Caller:
    """Who is calling: the token's id, name and role (the actor written to the audit log is `token:<id>`)."""

    token_id: int
    name: str
    role: Role

    @property
    def actor(self) -> str:
        """The audit log's name for this caller: an id, never a person's name."""
        return f"token:{self.token_id}"

    def can(self, permission: Permission) -> bool:
        """True when this caller's role holds the permission."""
        return permission in ROLE_PERMISSIONS[self.role]

    def require(self, permission: Permission) -> None:
        """Raise AccessDenied unless this caller's role holds the permission."""
        if not self.can(permission):
            raise AccessDenied(f"role {self.role.value} may not {permission.value}")


def parse_role(text: str) -> Role:
    """A Role from its name, or a readable error listing the valid ones."""
    try:
        return Role(text.strip().lower())
    except ValueError:
        valid = ", ".join(r.value for r in Role)
        raise ConfigError(f"unknown role {text!r}; use one of {valid}") from None


def hash_token(token: str) -> str:
    """The stored form of a token (SHA-256; tokens carry 256 random bits, so no slow hash is needed)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_token(store: GraphStore, role: Role, name: str) -> tuple[str, ApiToken]:
    """Create a token; returns the secret (shown once, never stored) and its stored record."""
    secret = TOKEN_PREFIX + secrets.token_urlsafe(TOKEN_BYTES)
    stored = store.add_token(name=name, role=role.value, token_hash=hash_token(secret))
    return secret, stored


def authenticate(store: GraphStore, token: str) -> Caller | None:
    """The caller a presented token belongs to, or None when it is unknown or revoked."""
    if not token.startswith(TOKEN_PREFIX):
        return None
    found = store.token_by_hash(hash_token(token))
    return caller_of(found)


def caller_of(token: ApiToken | None) -> Caller | None:
    """The Caller of a stored token, or None when it is missing or revoked."""
    if token is None or not token.active:
        return None
    try:
        role = Role(token.role)
    except ValueError:
        return None
    return Caller(token_id=token.id, name=token.name, role=role)


def revoke(store: GraphStore, token_id: int) -> None:
    """Revoke a token by id; NotFound when there is no such active token."""
    if not store.revoke_token(token_id):
        raise NotFound(f"no active token {token_id}")
