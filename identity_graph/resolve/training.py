"""Train, save and load the match model (JSON in the store's meta and optionally a file)."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from identity_graph.errors import ConfigError
from identity_graph.resolve.features import Postings
from identity_graph.resolve.identifiers import IdentifierStats
from identity_graph.resolve.scoring import comparisons_for, compute_levels
from identity_graph.settings import MatchingSettings
from identity_graph.store.protocol import GraphStore
from matchers.comparisons import Levels
from matchers.em import train_em
from matchers.features import FeatureTable, IntArray
from matchers.model import MatchModel, ModelFormatError
from matchers.names import known_given_names

META_KEY = "match_model"
#: A short digest of the saved model's JSON, written with it by `save_model`: `load_model` reads this small value
#: and reads and parses the large JSON (term-frequency tables, about 1 MB at a million records) only when it changed.
DIGEST_KEY = "match_model.digest"
#: Hex characters of SHA-256 kept as the digest (64 bits: no two saved models collide in practice).
DIGEST_CHARS = 16
#: The last model parsed, by its digest (one at a time: the real-time path loads it for every record).
_PARSED: dict[str, MatchModel] = {}


def learn_placeholders(table: FeatureTable, postings: Postings, min_identifiers: int) -> frozenset[str]:
    """Full names used with many distinct identifiers whose first word is no known given name."""
    if len(postings) == 0:
        return frozenset()
    full = np.array([f"{f} {x}".strip() for f, x in zip(table.col("first"), table.col("last"), strict=True)],
                    dtype=object)  # fmt: skip
    frame = pd.DataFrame({"name": full[postings.pos], "ident": postings.ident})
    frame = frame[(frame["name"] != "") & postings.declared]
    counts = frame.drop_duplicates().groupby("name").size()
    given = known_given_names()
    return frozenset(
        str(name) for name in counts[counts >= min_identifiers].index if str(name).split(" ")[0] not in given
    )


def train_model(
    table: FeatureTable,
    postings: Postings,
    stats: IdentifierStats,
    reps: IntArray,
    li: IntArray,
    ri: IntArray,
    settings: MatchingSettings,
    placeholders: frozenset[str] = frozenset(),
    levels: Levels | None = None,
) -> MatchModel:
    """Train by EM on candidate pairs of distinct records (their `levels` if already computed); term
    frequencies from the distinct records."""
    comparisons = comparisons_for(settings)
    cand = levels if levels is not None else compute_levels(table, postings, stats, li, ri, comparisons, settings)[2]
    columns = {c.tf_column: table.col(c.tf_column)[reps] for c in comparisons if c.tf_column}
    model = train_em(comparisons, cand, columns)
    return model.model_copy(update={"placeholders": sorted(placeholders)})


def load_model(store: GraphStore, settings: MatchingSettings) -> MatchModel | None:
    """The model from `settings.model_path` if set, else the one saved in the store, else None."""
    if settings.model_path is not None:
        return read_model_file(settings.model_path, settings)
    saved_digest = store.get_meta(DIGEST_KEY)
    cached = _PARSED.get(saved_digest) if saved_digest is not None else None
    if cached is not None:
        return cached
    text = store.get_meta(META_KEY)
    if text is None:
        return None
    digest = model_digest(text)  # of what was read: a store saved before digests existed works too
    cached = _PARSED.get(digest)
    if cached is not None:
        return cached
    try:
        model = MatchModel.from_json(text)
        model.check(comparisons_for(settings))
    except ModelFormatError:
        return None  # an older model the code cannot use: retrain
    _PARSED.clear()
    _PARSED[digest] = model
    return model


def model_digest(text: str) -> str:
    """The short digest of a model's JSON text kept under `DIGEST_KEY`."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:DIGEST_CHARS]


def read_model_file(path: Path, settings: MatchingSettings) -> MatchModel:
    """Read a model file; a readable ConfigError when it is missing or not a model of this program."""
    try:
        model = MatchModel.from_json(path.read_text(encoding="utf-8"))
        model.check(comparisons_for(settings))
    except OSError as exc:
        raise ConfigError(f"cannot read model file {path}: {exc.strerror}") from exc
    except ModelFormatError as exc:
        raise ConfigError(f"model file {path}: {exc}") from exc
    return model


def save_model(store: GraphStore, model: MatchModel) -> None:
    """Keep the model in the store's meta, with its digest (every writer of the model goes through here)."""
    text = model.to_json()
    with store.transaction():  # readers see the model and its digest change together
        store.set_meta(META_KEY, text)
        store.set_meta(DIGEST_KEY, model_digest(text))


def placeholder_set(model: MatchModel) -> frozenset[str]:
    """The model's learned placeholder names."""
    return frozenset(model.placeholders)


def label_pairs(pairs: Sequence[tuple[int, int, bool]]) -> tuple[list[int], list[int], list[bool]]:
    """Split (left, right, same) triples into three lists."""
    return [p[0] for p in pairs], [p[1] for p in pairs], [bool(p[2]) for p in pairs]
