"""What every store does with items of erased persons when a source is loaded again (pure helpers).

A tombstone keeps a keyed hash of an erased item's natural key: `k1:` + HMAC-SHA256(secret, source NUL id), with
a random secret per store kept in the store's metadata (created when the store is opened; never logged or
exported). Holding the store file alone, no one can test whether an address or a number was a customer's: the
hash cannot be computed without the secret, and the secret differs per store.

Tombstones written before keyed hashes (plain `sha256(source NUL id)`) cannot be inverted, so they cannot be
re-keyed: lookups check the old form too, so an item erased then stays out (`LEGACY_CHECK`). New ones are keyed.
The same keyed hashes mark the erased person's identifiers (`IDENTIFIER_KIND`, source = the identifier's kind),
so a later load keeps their rejected rows out of the quarantine files.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Sequence
from typing import Protocol

from identity_graph.model import Interaction

Key = tuple[str, str]

#: The store metadata key holding the tombstone secret (hex).
TOMBSTONE_SECRET_META_KEY = "privacy.tombstone_secret"
#: Random bytes in a store's tombstone secret.
SECRET_BYTES = 32
#: The prefix of a keyed tombstone hash (the version of the keyed form).
KEYED_PREFIX = "k1:"
#: Whether lookups also match tombstones of the plain SHA-256 form written before keyed hashes.
LEGACY_CHECK = True
#: The item kind of a tombstone marking an identifier of an erased person (source = the identifier's kind).
IDENTIFIER_KIND = "identifier"


class MetaStore(Protocol):
    """The part of a store that keeps metadata."""

    def get_meta(self, key: str) -> str | None:
        """A metadata value."""

    def set_meta(self, key: str, value: str) -> None:
        """Set a metadata value."""


def ensure_secret(store: MetaStore) -> bytes:
    """The store's tombstone secret, created (random) when it has none yet."""
    value = store.get_meta(TOMBSTONE_SECRET_META_KEY)
    if value is None:
        value = secrets.token_hex(SECRET_BYTES)
        store.set_meta(TOMBSTONE_SECRET_META_KEY, value)
    return bytes.fromhex(value)


def legacy_hash(source: str, source_id: str) -> str:
    """The unkeyed form older tombstones hold: SHA-256 of source NUL source id."""
    return hashlib.sha256(f"{source}\x00{source_id}".encode()).hexdigest()


def keyed_hash(secret: bytes, source: str, source_id: str) -> str:
    """The keyed form a tombstone holds: `k1:` + HMAC-SHA256 with the store's secret."""
    digest = hmac.new(secret, f"{source}\x00{source_id}".encode(), hashlib.sha256).hexdigest()
    return KEYED_PREFIX + digest


def lookup_hashes(secret: bytes, source: str, source_id: str) -> list[str]:
    """Every stored form a tombstone of this natural key may have (keyed first)."""
    forms = [keyed_hash(secret, source, source_id)]
    if LEGACY_CHECK:
        forms.append(legacy_hash(source, source_id))
    return forms


def hash_index(secret: bytes, keys: Sequence[Key]) -> dict[Key, Key]:
    """(source, stored hash) -> natural key, for every form each key's tombstone may have."""
    return {(s, h): (s, sid) for s, sid in keys for h in lookup_hashes(secret, s, sid)}


def participant_keys(interactions: Sequence[Interaction]) -> list[Key]:
    """The natural keys of every record the interactions refer to, sorted and unique."""
    return sorted({(p.record.source, p.record.source_id) for i in interactions for p in i.participants})


def without_erased_parties(interactions: Sequence[Interaction], erased: set[Key]) -> tuple[list[Interaction], int]:
    """Drop participations of erased records (the rest of each interaction loads); returns them and how many went."""
    if not erased:
        return list(interactions), 0
    out: list[Interaction] = []
    dropped = 0
    for i in interactions:
        kept = tuple(p for p in i.participants if (p.record.source, p.record.source_id) not in erased)
        dropped += len(i.participants) - len(kept)
        out.append(i if len(kept) == len(i.participants) else i.model_copy(update={"participants": kept}))
    return out, dropped
