"""Export the clustering and score it against a truth file: pairwise precision/recall/F1 and B-cubed F1."""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from identity_graph.errors import ConfigError, InputError
from identity_graph.store.protocol import ExportRow, GraphStore

EXPORT_HEADER = ("source", "source_id", "kind", "person_id")
TRUTH_HEADER = ("source", "source_id", "person_id")


def write_clusters(store: GraphStore, out: Path) -> int:
    """Write `source,source_id,kind,person_id` for every ingested item; returns the row count."""
    n = 0
    with out.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(EXPORT_HEADER)
        for row in store.iter_export():
            writer.writerow((row.source, row.source_id, row.kind, "" if row.person_id is None else row.person_id))
            n += 1
    return n


def read_truth(path: Path) -> dict[tuple[str, str], str]:
    """Read a truth CSV `source,source_id,person_id` (empty person_id: the item belongs to no customer)."""
    try:
        fh = path.open(newline="", encoding="utf-8-sig")
    except OSError as exc:
        raise ConfigError(f"cannot read truth file {path}: {exc}") from exc
    with fh:
        reader = csv.DictReader(fh)
        if reader.fieldnames is None or not set(TRUTH_HEADER) <= set(reader.fieldnames):
            raise InputError(f"{path}: header must have columns {', '.join(TRUTH_HEADER)}")
        truth: dict[tuple[str, str], str] = {}
        for line, row in enumerate(reader, start=2):
            key = (row["source"], row["source_id"])
            if key in truth:
                raise InputError(f"{path}:{line}: item {key[0]}/{key[1]} appears twice")
            truth[key] = row["person_id"] or ""
    return truth


def predicted(rows: Iterable[ExportRow]) -> dict[tuple[str, str], str]:
    """Map each item's natural key to its person; an interaction's row wins over a record sharing its id."""
    out: dict[tuple[str, str], str] = {}
    for row in rows:
        key = (row.source, row.source_id)
        if row.kind == "interaction" or key not in out:
            out[key] = "" if row.person_id is None else str(row.person_id)
    return out


@dataclass(frozen=True)
class Scores:
    """Evaluation figures of one clustering against a truth."""

    items: int
    missing: int
    precision: float
    recall: float
    f1: float
    bcubed_precision: float
    bcubed_recall: float
    bcubed_f1: float
    largest_cluster: int
    largest_person: str
    non_customer_joined: int


def _labels(keys: list[tuple[str, str]], mapping: dict[tuple[str, str], str]) -> Iterator[str]:
    """Cluster labels for keys; an empty label becomes a singleton of its own."""
    for i, key in enumerate(keys):
        label = mapping.get(key, "")
        yield label if label else f"\x00singleton{i}"


def _pairs(n: int) -> int:
    """Number of unordered pairs among n items."""
    return n * (n - 1) // 2


def _ratio(num: float, den: float) -> float:
    """num/den, or 1.0 when there is nothing to measure."""
    return num / den if den else 1.0


def _f1(p: float, r: float) -> float:
    """Harmonic mean."""
    return 2 * p * r / (p + r) if p + r else 0.0


def score(pred: dict[tuple[str, str], str], truth: dict[tuple[str, str], str]) -> Scores:
    """Pairwise and B-cubed scores over the items of the truth file (counted, never enumerated as pairs)."""
    keys = sorted(truth)
    p_labels = list(_labels(keys, pred))
    t_labels = list(_labels(keys, truth))
    both = Counter(zip(p_labels, t_labels, strict=True))
    p_size = Counter(p_labels)
    t_size = Counter(t_labels)
    tp = sum(_pairs(n) for n in both.values())
    precision = _ratio(tp, sum(_pairs(n) for n in p_size.values()))
    recall = _ratio(tp, sum(_pairs(n) for n in t_size.values()))
    n = len(keys)
    b_p = _ratio(sum(c * c / p_size[p] for (p, _), c in both.items()), n)
    b_r = _ratio(sum(c * c / t_size[t] for (_, t), c in both.items()), n)
    customers = {p for p, t in zip(p_labels, t_labels, strict=True) if not t.startswith("\x00")}
    strays = sum(1 for p, t in zip(p_labels, t_labels, strict=True) if t.startswith("\x00") and p in customers)
    real_sizes = {label: size for label, size in p_size.items() if not label.startswith("\x00")}
    largest = max(real_sizes.items(), key=lambda kv: kv[1], default=("", 0))
    return Scores(
        items=n,
        missing=sum(1 for k in keys if k not in pred),
        precision=precision,
        recall=recall,
        f1=_f1(precision, recall),
        bcubed_precision=b_p,
        bcubed_recall=b_r,
        bcubed_f1=_f1(b_p, b_r),
        largest_cluster=largest[1],
        largest_person=largest[0],
        non_customer_joined=strays,
    )


def evaluate(store: GraphStore, truth_path: Path) -> Scores:
    """Score the store's current clustering against a truth CSV."""
    return score(predicted(store.iter_export()), read_truth(truth_path))
