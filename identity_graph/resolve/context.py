"""What a few records are read with when they are resolved or explained apart from a batch.

Batch sees every record; the real-time path and `explain` see only what the store's indexes find. For a
pair's shared identifiers to be weighed as batch weighs them, they also read the other holders of those
identifiers and everyone at the homes behind their home lines (housemates decide how many people use a
home's line, whatever their surnames), found through the store's residence key.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from identity_graph.model import Identifier, StoredRecord
from identity_graph.resolve.features import Postings
from identity_graph.resolve.identifiers import residence_keys
from identity_graph.store.protocol import GraphStore
from matchers.features import IDENTIFIER_KINDS, FeatureTable


def matchable_identifiers(records: Sequence[StoredRecord]) -> list[Identifier]:
    """The distinct matchable identifiers of these records."""
    seen = {c.identifier.key: c.identifier for r in records for c in r.claimed}
    return [i for i in seen.values() if i.kind.value in IDENTIFIER_KINDS]


def home_context(store: GraphStore, table: FeatureTable, postings: Postings, max_block: int) -> set[int]:
    """Records at the homes of the rows that hold a home line: batch counts everyone at an address behind
    its line, so an add or `explain` reads them too (they are context, never candidates)."""
    homes = residence_keys(table)
    keys = sorted({f"r:{homes[p]}" for p in np.unique(postings.pos[postings.home]).tolist() if homes[p]})
    if not keys:
        return set()
    return {i for ids in store.records_with_blocking_keys(keys, max_block).values() for i in ids}
