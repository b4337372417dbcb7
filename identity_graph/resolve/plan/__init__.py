"""Batch resolution as one relational plan, run by DuckDB embedded or by Spark SQL (docs/scale.md)."""

from identity_graph.resolve.plan.engine import DEFAULT_ENGINE, ENGINES, DuckDBEngine, Engine, open_engine
from identity_graph.resolve.plan.run import resolve_batch, resolve_with_plan

__all__ = ["DEFAULT_ENGINE", "ENGINES", "DuckDBEngine", "Engine", "open_engine", "resolve_batch", "resolve_with_plan"]
