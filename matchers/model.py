"""The Fellegi-Sunter match model: m and u per comparison level, the prior lambda, term frequencies.

Saved as versioned JSON (never pickle). A pair's match weight is the sum over comparisons of log2(m/u) of its
level (nothing for an unknown side). Exact agreements on a column with a term-frequency table are adjusted by
log2(average u / frequency of the value), so a rare surname counts for more than "smith".
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime

import numpy as np
import numpy.typing as npt
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from matchers.comparisons import NULL, Comparison, FloatArray, Levels
from matchers.features import StrArray
from matchers.priors import weight_bounds

#: Version of the JSON layout; a file with another version is refused with a readable message.
MODEL_FORMAT = 1
#: No single comparison level moves the weight by more than this many bits either way.
MAX_LEVEL_WEIGHT = 24.0
#: A term-frequency adjustment moves an exact agreement's weight by at most this many bits.
MAX_TF_ADJUSTMENT = 6.0
#: Probabilities are kept at least this far from 0 and 1.
PROB_FLOOR = 1e-9
#: Only values seen at least this often get a term-frequency entry (rarer ones use 1/n).
TF_MIN_COUNT = 2
#: At most this many values per column are kept in the term-frequency table (the most frequent).
TF_MAX_VALUES = 100_000


#: From this many pairs on, term-frequency weights look each distinct value up once (fewer: one by one).
TF_DISTINCT_MIN = 1_000


class ModelFormatError(ValueError):
    """A model file that is not a match model of a format this code reads."""


class LevelParams(BaseModel):
    """One comparison level's m (share among matches) and u (share among non-matches)."""

    model_config = ConfigDict(extra="forbid")
    name: str
    m: float = Field(ge=0.0, le=1.0)
    u: float = Field(ge=0.0, le=1.0)


class ComparisonParams(BaseModel):
    """The levels of one comparison, best first."""

    model_config = ConfigDict(extra="forbid")
    name: str
    levels: list[LevelParams]
    tf_column: str | None = None
    tf_base_u: float | None = Field(None, description="average u of the exact level over random pairs")


class MatchModel(BaseModel):
    """A trained Fellegi-Sunter model."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    format: int = MODEL_FORMAT
    trained_at: str = Field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))
    trained_by: str = "em"
    pairs: int = 0
    prior: float = Field(0.01, gt=0.0, lt=1.0, description="lambda: share of candidate pairs that match")
    comparisons: list[ComparisonParams]
    tf: dict[str, dict[str, float]] = Field(default_factory=dict)
    tf_records: dict[str, int] = Field(default_factory=dict)
    placeholders: list[str] = Field(default_factory=list, description="full names found to be placeholders")

    @property
    def version(self) -> str:
        """A short id of this trained model (format and training time)."""
        return f"v{self.format}-{self.trained_at}"

    def to_json(self) -> str:
        """The model as JSON text."""
        return self.model_dump_json(indent=1)

    @classmethod
    def from_json(cls, text: str) -> MatchModel:
        """Read a model saved by `to_json`; raises ModelFormatError for anything else."""
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ModelFormatError(f"not JSON: {exc}") from exc
        if not isinstance(data, dict) or data.get("format") != MODEL_FORMAT:
            found = data.get("format") if isinstance(data, dict) else None
            raise ModelFormatError(f"model format {found!r} is not {MODEL_FORMAT}")
        try:
            return cls.model_validate(data)
        except ValidationError as exc:
            raise ModelFormatError(f"invalid model: {exc.error_count()} problems") from exc

    def check(self, comparisons: Sequence[Comparison]) -> None:
        """Raise ModelFormatError unless the model has the same comparisons and levels as the code."""
        have = [(c.name, [lv.name for lv in c.levels]) for c in self.comparisons]
        want = [(c.name, list(c.levels)) for c in comparisons]
        if have != want:
            raise ModelFormatError("the model's comparisons differ from this program's; retrain")

    def level_weights(self) -> list[FloatArray]:
        """log2(m/u) per level of each comparison, clipped to +-MAX_LEVEL_WEIGHT and held within the domain's
        bounds (`matchers.priors.WEIGHT_BOUNDS`: a household's share or a conflict never weighs like a person's
        own evidence, whatever was estimated)."""
        out = []
        for comp in self.comparisons:
            m = np.array([max(lv.m, PROB_FLOOR) for lv in comp.levels])
            u = np.array([max(lv.u, PROB_FLOOR) for lv in comp.levels])
            weight = np.clip(np.log2(m / u), -MAX_LEVEL_WEIGHT, MAX_LEVEL_WEIGHT)
            for k, (low, high) in enumerate(weight_bounds(comp.name, [lv.name for lv in comp.levels])):
                weight[k] = max(weight[k], low) if low is not None else weight[k]
                weight[k] = min(weight[k], high) if high is not None else weight[k]
            out.append(weight.astype(np.float32))
        return out

    def m_of(self, comparison: str, level: str) -> float | None:
        """The trained m (share among matches) of one comparison level, or None if the model has no such level."""
        for comp in self.comparisons:
            if comp.name == comparison:
                return next((lv.m for lv in comp.levels if lv.name == level), None)
        return None

    def prior_weight(self) -> float:
        """log2(lambda / (1 - lambda)): the weight a pair starts from."""
        return float(np.log2(self.prior / (1.0 - self.prior)))

    def weights(self, levels: Levels, tf_values: dict[str, tuple[StrArray, StrArray]] | None = None) -> FloatArray:
        """Per-pair, per-comparison weights (0 where NULL), with term-frequency adjustment on exact levels."""
        out = weights_of(levels, self.level_weights())
        for k, comp in enumerate(self.comparisons):
            col = levels[:, k]
            if comp.tf_column and tf_values and comp.name in tf_values:
                exact = np.flatnonzero(col == 0)
                values = tf_values[comp.name][0][exact]
                out[exact, k] = self._tf_weight(comp, values)
        return out

    def _tf_weight(self, comp: ComparisonParams, values: StrArray) -> FloatArray:
        """The exact level's weight plus log2(average u / frequency of the value): rare values count more."""
        column = comp.tf_column or ""
        table = self.tf.get(column, {})
        floor = 1.0 / max(self.tf_records.get(column, 1), 1)
        if len(values) < TF_DISTINCT_MIN:  # a real-time add's few pairs: looked up directly
            freq = np.fromiter((table.get(v, floor) for v in values), dtype=np.float64, count=len(values))
        else:  # a batch: each distinct value looked up once
            codes, uniques = pd.factorize(np.asarray(values, dtype=object))
            known = np.fromiter((table.get(v, floor) for v in uniques), dtype=np.float64, count=len(uniques))
            freq = known[codes] if len(uniques) else np.zeros(len(values), dtype=np.float64)
        level = comp.levels[0]
        base = np.log2(max(level.m, PROB_FLOOR) / max(level.u, PROB_FLOOR))
        adjust = np.log2(max(comp.tf_base_u or 0.0, PROB_FLOOR) / np.maximum(freq, floor))
        adjust = np.clip(adjust, -MAX_TF_ADJUSTMENT, MAX_TF_ADJUSTMENT) if comp.tf_base_u else np.zeros_like(freq)
        weight = np.clip(base + adjust, -MAX_LEVEL_WEIGHT, MAX_LEVEL_WEIGHT)
        out: FloatArray = weight.astype(np.float32)
        return out

    def best_level_weights(self) -> list[FloatArray]:
        """`level_weights`, except that a term-frequency comparison's exact level holds the highest weight its
        rarest value can be given (`_tf_weight` at the largest adjustment): no pair at a level weighs more."""
        out = self.level_weights()
        for comp, table in zip(self.comparisons, out, strict=True):
            if comp.tf_column and comp.levels:
                level = comp.levels[0]
                base = np.log2(max(level.m, PROB_FLOOR) / max(level.u, PROB_FLOOR))
                most = base + (MAX_TF_ADJUSTMENT if comp.tf_base_u else 0.0)
                table[0] = max(float(table[0]), float(np.clip(most, -MAX_LEVEL_WEIGHT, MAX_LEVEL_WEIGHT)))
        return out

    def probability(self, total_weight: FloatArray) -> FloatArray:
        """Match probability from a total weight and the prior."""
        z = np.clip(total_weight + self.prior_weight(), -60.0, 60.0)
        out: FloatArray = (1.0 / (1.0 + np.exp2(-z))).astype(np.float32)
        return out


def weights_of(levels: Levels, tables: Sequence[FloatArray]) -> FloatArray:
    """Per-pair, per-comparison weights read from each comparison's table of level weights (0 where NULL)."""
    out = np.zeros(levels.shape, dtype=np.float32)
    for k, table in enumerate(tables):
        col = levels[:, k]
        known = col != NULL
        out[known, k] = table[col[known]]
    return out


def tf_tables(columns: dict[str, StrArray]) -> tuple[dict[str, dict[str, float]], dict[str, int]]:
    """Term-frequency tables: for each column, value -> share of the records that know the column."""
    tables: dict[str, dict[str, float]] = {}
    totals: dict[str, int] = {}
    for name, values in columns.items():
        counts = Counter(v for v in values if v)
        total = sum(counts.values())
        totals[name] = total
        common = [(v, n) for v, n in counts.most_common(TF_MAX_VALUES) if n >= TF_MIN_COUNT]
        tables[name] = {v: n / total for v, n in common}
    return tables, totals


def exact_u(values: StrArray) -> float:
    """The chance that two random records (both knowing the column) share a value: sum of squared shares."""
    counts = np.array(list(Counter(v for v in values if v).values()), dtype=np.float64)
    total = counts.sum()
    return float(((counts / total) ** 2).sum()) if total else 0.0


def level_counts(
    levels: Levels, n_levels: Sequence[int], weights: npt.NDArray[np.float64] | None = None
) -> list[npt.NDArray[np.float64]]:
    """For each comparison, the (weighted) number of pairs at each level; NULL pairs are not counted."""
    out = []
    for k, n in enumerate(n_levels):
        col = levels[:, k].astype(np.int64)
        known = col != NULL
        w = None if weights is None else weights[known]
        out.append(np.bincount(col[known], weights=w, minlength=n).astype(np.float64)[:n])
    return out
