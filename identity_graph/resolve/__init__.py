"""Resolution: compose the matchers over the store into links and persons (batch and incremental)."""

from __future__ import annotations

from identity_graph.resolve.batch import resolve_all
from identity_graph.resolve.clustering import ClusterResult, GuardFinding, RecordFacts, cluster
from identity_graph.resolve.summary import Progress, ResolveSummary

__all__ = [
    "ClusterResult",
    "GuardFinding",
    "Progress",
    "RecordFacts",
    "ResolveSummary",
    "cluster",
    "resolve_all",
]
