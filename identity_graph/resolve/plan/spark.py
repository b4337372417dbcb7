"""The plan on Spark SQL (`pip install identity-graph[spark]`): the same SQL text as DuckDB's, tables as
temporary views; the comparison levels computed on the executors by today's functions (`mapInArrow`), the
scored batches streamed back to the driver in pair order.

`master` is what `spark-submit --master` takes: `local[2]`, `spark://host:7077`, `yarn`. What the driver holds:
the features (also shipped to the executors with the comparing function), a batch of levels at a time while
scoring, and the pairs a user can see. The executors run this interpreter's program (`PYSPARK_PYTHON`, this
interpreter unless set): on a cluster, identity-graph must be installed on every worker.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from typing import Any

import pyarrow as pa  # type: ignore[import-untyped]

from identity_graph.resolve.plan.engine import BatchFn

#: Shuffle partitions of the plan's joins and counts (Spark's default of 200 is meant for a cluster's data).
SHUFFLE_PARTITIONS = 8
#: Spark SQL's name of each Arrow type the plan's tables use.
SPARK_TYPES = {pa.int64(): "BIGINT", pa.int32(): "INT", pa.int8(): "TINYINT", pa.string(): "STRING",
               pa.large_string(): "STRING"}  # fmt: skip


def spark_schema(schema: pa.Schema) -> str:
    """A Spark DDL schema (`li BIGINT, ri BIGINT`) of an Arrow schema."""
    return ", ".join(f"{f.name} {SPARK_TYPES[f.type]}" for f in schema)


class SparkEngine:
    """Spark SQL through a SparkSession on `master`."""

    def __init__(self, master: str = "local[2]") -> None:
        from pyspark.sql import SparkSession

        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)  # workers import this program: the same interpreter

        builder: Any = SparkSession.builder
        self.spark: Any = (
            builder.master(master)
            .appName("identity-graph resolve")
            .config("spark.sql.shuffle.partitions", str(SHUFFLE_PARTITIONS))
            .config("spark.sql.execution.arrow.pyspark.enabled", "true")
            .config("spark.ui.enabled", "false")
            .config("spark.ui.showConsoleProgress", "false")
            .getOrCreate()
        )
        self._pending: dict[str, list[pa.RecordBatch]] = {}
        self._views: list[str] = []

    def register(self, name: str, table: pa.Table) -> None:
        """The Arrow table as temporary view `name`."""
        frame = self.spark.createDataFrame(table.to_pandas(), schema=spark_schema(table.schema))
        frame.createOrReplaceTempView(name)
        self._views.append(name)

    def materialize(self, name: str, sql: str) -> None:
        """The query's rows, cached, as view `name`."""
        frame = self.spark.sql(sql).cache()
        frame.createOrReplaceTempView(name)
        self._views.append(name)

    def batches(self, sql: str, size: int) -> Iterator[pa.RecordBatch]:
        """The query's rows (collected to the driver in order) in batches of `size`."""
        frame = self.spark.sql(sql)
        table = frame.toArrow() if hasattr(frame, "toArrow") else pa.Table.from_pandas(frame.toPandas())
        yield from table.to_batches(max_chunksize=size)

    def map_batches(self, name: str, sql: str, fn: BatchFn, schema: pa.Schema, size: int, workers: int = 0) -> None:
        """`fn` over the query's rows on the executors (`mapInArrow`, Arrow batches of about `size`), kept as view
        `name`: the comparisons run where the pairs are (the executors are the workers: `workers` is not used)."""

        def each(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
            for batch in batches:
                yield fn(batch)

        self.spark.conf.set("spark.sql.execution.arrow.maxRecordsPerBatch", str(size))
        frame = self.spark.sql(sql).mapInArrow(each, spark_schema(schema)).cache()
        frame.count()  # compared once, here: later reads use the cached rows
        frame.createOrReplaceTempView(name)
        self._views.append(name)

    def append(self, name: str, batch: pa.RecordBatch) -> None:
        """Keep the batch until `finish` makes the view."""
        self._pending.setdefault(name, []).append(batch)

    def finish(self, name: str, schema: pa.Schema) -> None:
        """The appended batches as view `name`."""
        self.register(name, pa.Table.from_batches(self._pending.pop(name, []), schema=schema))

    def rows(self, sql: str) -> list[tuple[Any, ...]]:
        """collect of the query."""
        return [tuple(row) for row in self.spark.sql(sql).collect()]

    def drop(self, names: tuple[str, ...]) -> None:
        """Uncache and drop these views."""
        for name in names:
            if self.spark.catalog.tableExists(name):
                self.spark.catalog.uncacheTable(name)
            self.spark.catalog.dropTempView(name)
        self._views = [v for v in self._views if v not in names]

    def close(self) -> None:
        """Drop the plan's views and cached tables (the session stays for the next run in this process)."""
        for name in self._views:
            self.spark.catalog.dropTempView(name)
        if self._views:
            self.spark.catalog.clearCache()
        self._views = []
