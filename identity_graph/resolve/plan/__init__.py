"""Batch resolution as one relational plan, run by DuckDB embedded or by Spark SQL (docs/scale.md)."""

from identity_graph.resolve.plan.engine import ENGINES, DuckDBEngine, Engine, open_engine
from identity_graph.resolve.plan.run import resolve_with_plan

__all__ = ["ENGINES", "DuckDBEngine", "Engine", "open_engine", "resolve_with_plan"]
