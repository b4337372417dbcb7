"""Resolution: compose the matchers over the store into links and persons (batch and incremental).

Public surface: `resolve_all` (batch), `resolve_records` (incremental / real-time), `cluster` (pure),
`explain_pair`, `train_store` (EM), `train_from_labels` / `train_from_judgements` (steward labels), and the
model's storage (`load_model`, `save_model`, `read_model_file`).
"""

from __future__ import annotations

from identity_graph.resolve.batch import resolve_all, train_store
from identity_graph.resolve.clustering import ClusterResult, GuardFinding, RecordFacts, cluster
from identity_graph.resolve.explain import PairExplanation, explain_pair
from identity_graph.resolve.incremental import resolve_records
from identity_graph.resolve.labels import train_from_judgements, train_from_labels
from identity_graph.resolve.summary import Progress, ResolveSummary
from identity_graph.resolve.training import META_KEY, load_model, read_model_file, save_model

__all__ = [
    "META_KEY",
    "ClusterResult",
    "GuardFinding",
    "PairExplanation",
    "Progress",
    "RecordFacts",
    "ResolveSummary",
    "cluster",
    "explain_pair",
    "load_model",
    "read_model_file",
    "resolve_all",
    "resolve_records",
    "save_model",
    "train_from_judgements",
    "train_from_labels",
    "train_store",
]
