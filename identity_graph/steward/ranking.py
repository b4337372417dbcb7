"""The impact formula of `steward.queue` over many pairs at once, as arrays (a queue can hold 100k pairs)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

import numpy as np
import numpy.typing as npt

from identity_graph.settings import StewardSettings
from identity_graph.store.protocol import PersonStats, RecordActivity

SECONDS_PER_DAY = 86_400.0
_NONE: frozenset[str] = frozenset()

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


def freshest(activity: RecordActivity) -> datetime:
    """When a record was last active: its last interaction or source update, else when it changed here."""
    return activity.last_active or activity.changed_at


def _per_record(
    ids: IntArray,
    persons: Mapping[int, int],
    person_stats: Mapping[int, PersonStats],
    activity: Mapping[int, RecordActivity],
) -> tuple[IntArray, IntArray, IntArray, IntArray, FloatArray]:
    """Per record id: its person (-1: none), records and interactions of its unit, own interactions, freshness."""
    person = np.full(ids.size, -1, dtype=np.int64)
    unit_records = np.ones(ids.size, dtype=np.int64)
    unit_interactions = np.zeros(ids.size, dtype=np.int64)
    own = np.zeros(ids.size, dtype=np.int64)
    fresh = np.zeros(ids.size, dtype=np.float64)
    for i, rid in enumerate(ids.tolist()):
        act = activity.get(rid)
        if act is not None:
            own[i] = act.interactions
            fresh[i] = freshest(act).timestamp()
        pid = persons.get(rid)
        stats = person_stats.get(pid) if pid is not None else None
        if pid is not None and stats is not None:
            person[i], unit_records[i], unit_interactions[i] = pid, stats.records, stats.interactions
        else:
            unit_interactions[i] = own[i]
    return person, unit_records, unit_interactions, own, fresh


def impacts(
    pairs: Sequence[tuple[int, int]],
    guards: Sequence[bool],
    persons: Mapping[int, int],
    person_stats: Mapping[int, PersonStats],
    activity: Mapping[int, RecordActivity],
    identifiers: Mapping[int, set[str]],
    weights: StewardSettings,
    now: datetime,
) -> FloatArray:
    """The impact of every pair, as `queue.impact_score` computes it one pair at a time."""
    n = len(pairs)
    left = np.fromiter((p[0] for p in pairs), dtype=np.int64, count=n)
    right = np.fromiter((p[1] for p in pairs), dtype=np.int64, count=n)
    ids = np.unique(np.concatenate([left, right]))
    units = RecordUnits(ids, *_per_record(ids, persons, person_stats, activity))
    shared = np.fromiter(
        (len(identifiers.get(a, _NONE) & identifiers.get(b, _NONE)) for a, b in pairs), dtype=np.int64, count=n
    )
    return pair_impacts(left, right, shared, np.asarray(guards, dtype=bool), units, weights, now)


@dataclass(frozen=True)
class RecordUnits:
    """Per record id (sorted): its person (-1: none), its unit's records and interactions, its own interactions
    and when it was last active (seconds since the epoch): what a pair's impact is computed from."""

    ids: IntArray
    person: IntArray
    unit_records: IntArray
    unit_interactions: IntArray
    own: IntArray
    fresh: FloatArray


def pair_impacts(
    left: IntArray,
    right: IntArray,
    shared: IntArray,
    guards: npt.NDArray[np.bool_],
    units: RecordUnits,
    weights: StewardSettings,
    now: datetime,
) -> FloatArray:
    """The impact of every pair (left[i], right[i]) holding shared[i] identifiers, from its records' units."""
    li, ri = np.searchsorted(units.ids, left), np.searchsorted(units.ids, right)
    pl, pr = units.person[li], units.person[ri]
    same = (pl == pr) & (pl >= 0)
    records = np.where(same, units.unit_records[li], units.unit_records[li] + units.unit_records[ri])
    # the side whose history moves on a merge: a lone record before a person, else the larger (newer) id
    lone_l, lone_r = pl < 0, pr < 0
    right_leaves = np.where(lone_l == lone_r, np.where(lone_l, right > left, pr > pl), lone_r)
    moving = np.where(
        same,
        np.minimum(units.own[li], units.own[ri]),
        np.where(right_leaves, units.unit_interactions[ri], units.unit_interactions[li]),
    )
    age_days = np.maximum(0.0, (now.timestamp() - np.maximum(units.fresh[li], units.fresh[ri])) / SECONDS_PER_DAY)
    result: FloatArray = (
        weights.impact_size * np.log2(1 + records)
        + weights.impact_interactions * np.log2(1 + moving)
        + weights.impact_shared_identifiers * shared
        + weights.impact_recency * 0.5 ** (age_days / weights.recency_half_life_days)
        + weights.impact_guard * guards.astype(np.float64)
    )
    return result
