"""Resolve records that just arrived over the API, through the resolver (the service holds no matching logic)."""

from __future__ import annotations

import importlib
from collections.abc import Sequence

from identity_graph.settings import Settings
from identity_graph.store.protocol import GraphStore


def resolve_new(store: GraphStore, settings: Settings, record_ids: Sequence[int]) -> None:
    """Attach, merge or queue the given records with the real-time resolver."""
    if not record_ids:
        return
    try:
        resolver = importlib.import_module("identity_graph.resolve")
    except ImportError:  # the resolver is not part of this build yet: records stay unassigned until `resolve`
        return
    resolver.resolve_records(store, settings, list(record_ids))
