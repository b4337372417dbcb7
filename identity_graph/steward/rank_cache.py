"""The review queue's ranking, computed once and saved in the store, so the queue opens at once at 1M records.

Ranking every review-band pair reads each pair's persons, activity and shared identifiers: seconds at 200k
pairs. It is done when what it depends on changes, not on every open; what changed is applied to the saved
ranking where it can be:
- new links, records or interactions (a real-time add, `resolve --changed`, a load): the review-band pairs of
  the records on them are read again and every pair touching those records is ranked again;
- new change-feed events (a steward's decision, split or undo merged or split persons): the pairs touching the
  persons and records they name are ranked again;
- the result is checked against the store's review band (its size and id sums); a mismatch (links removed
  without a trace), more than INCREMENTAL_MAX_RECORDS or INCREMENTAL_MAX_EVENTS changes, another match model or
  other impact weights, or a saved ranking older than RANKING_MAX_AGE_S (the recency term moves with the clock)
  rank everything again, set-wide (`store.sqlite_ranking`). `idgraph resolve` does that as its last stage.
Decided pairs and chain-guard reports are applied when the queue is read, so a decision leaves the queue at once.
The saved ranking is two meta entries (a small JSON head, and the arrays uncompressed: saving 210k pairs after
a change then takes tens of milliseconds, not hundreds); only the embedded store keeps one; another store ranks
on every open (`queue.build_queue`'s own path).
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import time
from dataclasses import asdict, dataclass, replace
from datetime import datetime

import numpy as np
import numpy.typing as npt

from identity_graph.model import MatchStatus
from identity_graph.settings import StewardSettings
from identity_graph.steward.ranking import FloatArray, IntArray, RecordUnits, pair_impacts
from identity_graph.store.protocol import GraphStore
from identity_graph.store.sqlite import SQLiteStore
from identity_graph.store.sqlite_ranking import (
    RankingInputs,
    ranking_inputs,
    records_touched_since,
    review_pairs,
    unit_rows,
)

#: Meta keys of the saved ranking: its head (what it was computed from) and its arrays.
HEAD_KEY = "steward.queue_ranking.head"
DATA_KEY = "steward.queue_ranking.data"
#: A saved ranking older than this is computed again (the recency term decays with a 30-day half-life).
RANKING_MAX_AGE_S = 6 * 3600.0
#: More change-feed events, or more records on new links and interactions, than these since the saved ranking:
#: everything is ranked again.
INCREMENTAL_MAX_EVENTS = 5_000
INCREMENTAL_MAX_RECORDS = 5_000
_PAIR_SHIFT = 32


@dataclass(frozen=True)
class Ranking:
    """Every review-band pair, highest impact first (ties by left, right id), with what re-ranking it needs."""

    key: str  # the match model and the impact weights it was ranked with
    inputs: RankingInputs  # where the store stood
    computed_at: float  # when everything was last ranked (epoch seconds)
    left: IntArray
    right: IntArray
    impact: FloatArray
    shared: IntArray
    left_person: IntArray
    right_person: IntArray

    def pair_keys(self) -> IntArray:
        """Each pair as one integer (left << 32 | right), in rank order."""
        keys: IntArray = (self.left << _PAIR_SHIFT) | self.right
        return keys

    def band(self) -> str:
        """`count/sum of left ids/sum of right ids`, as `RankingInputs.review_band` reads it from the store."""
        return f"{self.left.size}/{int(self.left.sum())}/{int(self.right.sum())}"


def pair_key(left: int, right: int) -> int:
    """A pair (left < right) as one integer, as `Ranking.pair_keys` makes them."""
    return (left << _PAIR_SHIFT) | right


def review_ranking(store: GraphStore, weights: StewardSettings, now: datetime) -> Ranking | None:
    """The saved ranking brought up to date (and saved again when it changed); None for a store without one."""
    if not isinstance(store, SQLiteStore):
        return None
    inputs = ranking_inputs(store)
    key = f"{inputs.model}|{_weights_digest(weights)}"
    head = _head(store)
    fresh_enough = head is not None and time.time() - float(str(head["computed_at"])) < RANKING_MAX_AGE_S
    saved = _load(store, head) if head is not None and head["key"] == key and fresh_enough else None
    if saved is not None and saved.inputs == inputs:
        return saved
    ranking = _brought_up_to_date(store, saved, inputs, weights, now) if saved is not None else None
    if ranking is None:
        ranking = rank_everything(store, weights, now, key, inputs)
    _save(store, ranking)
    return ranking


def rank_everything(
    store: SQLiteStore, weights: StewardSettings, now: datetime, key: str, inputs: RankingInputs
) -> Ranking:
    """Rank every review-band pair from set-wide reads."""
    pairs = review_pairs(store)
    units = _units(store, np.concatenate([pairs.left, pairs.right]))
    impact = pair_impacts(pairs.left, pairs.right, pairs.shared, _no_guards(pairs.left), units, weights, now)
    ranking = Ranking(
        key=key,
        inputs=inputs,
        computed_at=time.time(),
        left=pairs.left,
        right=pairs.right,
        impact=impact,
        shared=pairs.shared,
        left_person=_persons_of(units, pairs.left),
        right_person=_persons_of(units, pairs.right),
    )
    return _sorted(ranking)


def _brought_up_to_date(
    store: SQLiteStore, saved: Ranking, inputs: RankingInputs, weights: StewardSettings, now: datetime
) -> Ranking | None:
    """The saved ranking with what changed since applied: the review-band pairs of records on new links, new
    records and records in new interactions read again, and every pair touching them, or the persons and
    records of new change-feed events, ranked again. None when too much changed or the result does not add up
    to the store's review band (then everything is ranked again)."""
    events = store.events(since_id=saved.inputs.last_event, limit=INCREMENTAL_MAX_EVENTS + 1)
    changed = records_touched_since(store, saved.inputs, INCREMENTAL_MAX_RECORDS)
    if len(events) > INCREMENTAL_MAX_EVENTS or changed is None:
        return None
    persons = {p for e in events for p in (e.person_id, e.other_person_id) if p is not None}
    records = changed | {e.record_id for e in events if e.record_id is not None}
    persons |= set(store.assignments(sorted(records)).values()) if records else set()
    for members in store.person_record_ids(sorted(persons)).values():
        records.update(members)
    ranking = _with_pairs_of(store, saved, changed) if changed else saved
    if ranking.band() != inputs.review_band:
        return None
    touched_records = np.fromiter(records, dtype=np.int64, count=len(records))
    touched_persons = np.fromiter(persons, dtype=np.int64, count=len(persons))
    mask = (
        np.isin(ranking.left, touched_records)
        | np.isin(ranking.right, touched_records)
        | np.isin(ranking.left_person, touched_persons)
        | np.isin(ranking.right_person, touched_persons)
    )
    ranking = replace(ranking, inputs=inputs)
    if not mask.any():
        return ranking
    left, right = ranking.left[mask], ranking.right[mask]
    units = _units(store, np.concatenate([left, right]))
    impact, lp, rp = ranking.impact.copy(), ranking.left_person.copy(), ranking.right_person.copy()
    impact[mask] = pair_impacts(left, right, ranking.shared[mask], _no_guards(left), units, weights, now)
    lp[mask], rp[mask] = _persons_of(units, left), _persons_of(units, right)
    return _sorted(replace(ranking, impact=impact, left_person=lp, right_person=rp))


def _with_pairs_of(store: SQLiteStore, saved: Ranking, records: set[int]) -> Ranking:
    """The saved pairs, those touching `records` replaced by the review-band pairs they have now (unranked)."""
    ids = np.fromiter(records, dtype=np.int64, count=len(records))
    keep = ~(np.isin(saved.left, ids) | np.isin(saved.right, ids))
    now_pairs = sorted({(e.left, e.right) for e in store.edges(sorted(records), statuses=[MatchStatus.REVIEW])})
    held = store.identifier_keys(sorted({r for p in now_pairs for r in p})) if now_pairs else {}
    n = len(now_pairs)
    left = np.fromiter((a for a, _ in now_pairs), dtype=np.int64, count=n)
    right = np.fromiter((b for _, b in now_pairs), dtype=np.int64, count=n)
    shared = np.fromiter((len(held.get(a, set()) & held.get(b, set())) for a, b in now_pairs), dtype=np.int64, count=n)
    unknown = np.full(n, -1, dtype=np.int64)
    return replace(
        saved,
        left=np.concatenate([saved.left[keep], left]),
        right=np.concatenate([saved.right[keep], right]),
        impact=np.concatenate([saved.impact[keep], np.zeros(n)]),
        shared=np.concatenate([saved.shared[keep], shared]),
        left_person=np.concatenate([saved.left_person[keep], unknown]),
        right_person=np.concatenate([saved.right_person[keep], unknown]),
    )


def _units(store: SQLiteStore, record_ids: IntArray) -> RecordUnits:
    """The per-record figures the impact formula reads, for these records."""
    rows = unit_rows(store, record_ids)
    return RecordUnits(rows.ids, rows.person, rows.unit_records, rows.unit_interactions, rows.own, rows.fresh)


def _persons_of(units: RecordUnits, ids: IntArray) -> IntArray:
    """Each record's person (-1: none)."""
    found: IntArray = units.person[np.searchsorted(units.ids, ids)] if ids.size else np.zeros(0, dtype=np.int64)
    return found


def _no_guards(like: IntArray) -> npt.NDArray[np.bool_]:
    """No pair of the review band is a chain-guard item (guard items are ranked as the queue is read)."""
    return np.zeros(like.size, dtype=bool)


def _sorted(ranking: Ranking) -> Ranking:
    """The ranking in rank order: impact high to low, then left, then right id."""
    order = np.lexsort((ranking.right, ranking.left, -ranking.impact))
    return replace(
        ranking,
        left=ranking.left[order],
        right=ranking.right[order],
        impact=ranking.impact[order],
        shared=ranking.shared[order],
        left_person=ranking.left_person[order],
        right_person=ranking.right_person[order],
    )


def _weights_digest(weights: StewardSettings) -> str:
    """A short digest of the impact weights (changing one ranks everything again)."""
    return hashlib.sha256(weights.model_dump_json().encode()).hexdigest()[:12]


_ARRAYS = ("left", "right", "impact", "shared", "left_person", "right_person")


def _head(store: SQLiteStore) -> dict[str, object] | None:
    """The saved ranking's head, or None."""
    text = store.get_meta(HEAD_KEY)
    if not text:
        return None
    try:
        head = json.loads(text)
    except json.JSONDecodeError:
        return None
    return head if isinstance(head, dict) and {"key", "inputs", "computed_at"} <= head.keys() else None


def _load(store: SQLiteStore, head: dict[str, object]) -> Ranking | None:
    """The saved ranking whose head this is, or None when its arrays are missing or unreadable."""
    text = store.get_meta(DATA_KEY)
    if not text:
        return None
    try:
        with np.load(io.BytesIO(base64.b64decode(text))) as data:
            arrays = {name: data[name] for name in _ARRAYS}
    except (ValueError, KeyError, OSError):
        return None
    fields = head["inputs"]
    try:
        inputs = RankingInputs(**fields) if isinstance(fields, dict) else None
    except TypeError:
        inputs = None
    if inputs is None:
        return None
    return Ranking(key=str(head["key"]), inputs=inputs, computed_at=float(str(head["computed_at"])), **arrays)


def _save(store: SQLiteStore, ranking: Ranking) -> None:
    """Save the ranking's arrays and head in one transaction."""
    buffer = io.BytesIO()
    np.savez(buffer, **{name: getattr(ranking, name) for name in _ARRAYS})
    head = {"key": ranking.key, "inputs": asdict(ranking.inputs), "computed_at": ranking.computed_at}
    with store.transaction():
        store.set_meta(DATA_KEY, base64.b64encode(buffer.getvalue()).decode("ascii"))
        store.set_meta(HEAD_KEY, json.dumps(head))


def saved_at(store: GraphStore) -> float | None:
    """When the saved ranking was computed (epoch seconds), or None (for tests and `idgraph status`)."""
    head = _head(store) if isinstance(store, SQLiteStore) else None
    return None if head is None else float(str(head["computed_at"]))


def top_review_pairs(
    ranking: Ranking, skip: set[tuple[int, int]], count: int, offset: int = 0
) -> list[tuple[int, int]]:
    """The review-band pairs at ranks offset..offset+count, leaving out the pairs in `skip` (decided, guarded)."""
    keys = ranking.pair_keys()
    if skip:
        wanted = np.fromiter((pair_key(a, b) for a, b in skip), dtype=np.int64, count=len(skip))
        positions = np.flatnonzero(~np.isin(keys, wanted))[offset : offset + count]
    else:
        positions = np.arange(offset, min(offset + count, keys.size))
    return list(zip(ranking.left[positions].tolist(), ranking.right[positions].tolist(), strict=True))
