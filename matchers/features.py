"""The feature table: one row per record, one numpy array per normalized field (empty string for unknown).

Matching works on these arrays and on candidate pairs given as two integer arrays of row positions, so that
a million records cost a few arrays, not a million Python objects per comparison.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, fields
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

#: Text columns of the feature table, in order.
TEXT_COLUMNS = (
    "first", "middle", "last", "dob", "street", "city", "postcode", "state",
    "email", "phone", "handle", "crm",
    "national_id", "passport", "dl", "tax_id", "account",
    "signature", "business", "user_handle", "user_email", "unknown_caller",
    "generation", "card4",
)  # fmt: skip
#: Identifier kinds compared as evidence (values of `IdentifierKind`).
IDENTIFIER_KINDS = ("email", "phone", "handle", "crm", "national_id", "passport", "dl", "tax_id", "account")

StrArray = npt.NDArray[np.object_]
IntArray = npt.NDArray[np.int64]
#: A function of a column's distinct values to arrays of one entry per value (`FeatureTable.per_value`).
ValueFn = Callable[[StrArray], tuple[npt.NDArray[Any], ...]]


@dataclass
class FeatureRow:
    """The normalized fields of one record (empty string for unknown)."""

    record_id: int
    kind: str = ""
    first: str = ""
    middle: str = ""
    last: str = ""
    dob: str = ""
    street: str = ""
    city: str = ""
    postcode: str = ""
    state: str = ""
    email: str = ""  # the record's first declared value of each identifier kind
    phone: str = ""
    handle: str = ""
    crm: str = ""
    national_id: str = ""  # a bank's or telco's ids (`matchers/official_ids.py`), the first declared of each kind
    passport: str = ""
    dl: str = ""
    tax_id: str = ""
    account: str = ""
    signature: str = ""  # every field and identifier: equal signatures mean identical records
    business: str = ""  # "1" when the record's name was a company's or a family's (a shared line or mailbox)
    user_handle: str = ""  # the handle's letters (`x:Lani_Sandoval` -> `lanisandoval`)
    user_email: str = ""  # the email's local part's letters (`lani.sandoval2@..` -> `lanisandoval`)
    unknown_caller: str = ""  # "1" while a caller-ID or profile name waits to be checked against learned given names
    generation: str = ""  # the name's generational suffix, normalized (`jr`, `sr`, `ii`, `iii`; `names.GENERATIONS`)
    card4: str = ""  # every declared card's last four digits, sorted and `|`-separated (a person may have several)


@dataclass
class FeatureTable:
    """Column arrays of normalized record fields; row i describes record `record_id[i]`."""

    record_id: IntArray
    kind: StrArray
    columns: dict[str, StrArray] = field(default_factory=dict)
    # columns -> (weak references to the arrays coded, the codes): `codes` is worked out once per set of columns
    # (weak: a replaced array is let go, and one put where it was is not taken for it, as an id would be)
    _codes: dict[tuple[str, ...], tuple[tuple[weakref.ref[StrArray], ...], IntArray]] = field(
        default_factory=dict, repr=False, compare=False
    )

    # (column, function) -> (a weak reference to the column's array, the function's results by row): `per_value`
    _derived: dict[tuple[str, ValueFn], tuple[weakref.ref[StrArray], tuple[npt.NDArray[Any], ...]]] = field(
        default_factory=dict, repr=False, compare=False
    )

    def __len__(self) -> int:
        return int(self.record_id.shape[0])

    def col(self, name: str) -> StrArray:
        """One text column."""
        return self.columns[name]

    @classmethod
    def from_rows(cls, rows: Iterable[FeatureRow]) -> FeatureTable:
        """Build the column arrays from rows."""
        items = list(rows)
        names = [f.name for f in fields(FeatureRow) if f.name not in ("record_id", "kind")]
        return cls(
            record_id=np.fromiter((r.record_id for r in items), dtype=np.int64, count=len(items)),
            kind=_strings(r.kind for r in items),
            columns={n: _strings(getattr(r, n) for r in items) for n in names},
        )

    @classmethod
    def concat(cls, parts: Sequence[FeatureTable]) -> FeatureTable:
        """The rows of several tables, in order."""
        if not parts:
            return cls.from_rows([])
        if len(parts) == 1:
            return parts[0]
        return cls(
            record_id=np.concatenate([p.record_id for p in parts]),
            kind=np.concatenate([p.kind for p in parts]),
            columns={n: np.concatenate([p.columns[n] for p in parts]) for n in parts[0].columns},
        )

    def codes(self, names: tuple[str, ...]) -> IntArray:
        """Every row's code of its values in these columns (`kind` is the record kind): rows with equal codes hold
        equal values in all of them. Worked out once per set of columns while their arrays stay the same."""
        arrays = [self.kind if n == "kind" else self.columns[n] for n in names]
        known = self._codes.get(names)
        if known is not None and all(ref() is a for ref, a in zip(known[0], arrays, strict=True)):
            return known[1]
        out = np.zeros(len(self), dtype=np.int64)
        for values in arrays:
            column, uniques = pd.factorize(values, use_na_sentinel=False)  # a missing value is a value (no -1)
            out, _ = pd.factorize(out * max(len(uniques), 1) + column)
        codes = np.asarray(out, dtype=np.int64)
        self._codes[names] = (tuple(weakref.ref(a) for a in arrays), codes)
        return codes

    def per_value(self, column: str, fn: ValueFn) -> tuple[npt.NDArray[Any], ...]:
        """`fn` of a column's distinct values (the arrays it returns hold one entry per value), spread to every row:
        worked out once per column and function while the column's array stays the same (a comparison's per-value
        step is then not repeated for every batch of pairs)."""
        values = self.columns[column]
        known = self._derived.get((column, fn))
        if known is not None and known[0]() is values:
            return known[1]
        codes, uniques = pd.factorize(values, use_na_sentinel=False)
        out = tuple(np.asarray(result)[codes] for result in fn(np.asarray(uniques, dtype=object)))
        self._derived[(column, fn)] = (weakref.ref(values), out)
        return out

    def changed(self) -> None:
        """Say that a column was changed in place (the codes of `codes` are worked out again)."""
        self._codes.clear()
        self._derived.clear()

    def __getstate__(self) -> dict[str, Any]:
        """The table for pickling (a worker process or a Spark executor gets it) without its caches (weak
        references do not pickle; they are worked out again where needed), each text column as its distinct
        values and a code per row: records repeat values (a city, a name, ''), so the pickle is small, and the
        table unpickled holds each distinct value once."""
        state = dict(self.__dict__)
        state["_codes"] = {}
        state["_derived"] = {}
        state["kind"] = _coded(self.kind)
        state["columns"] = {name: _coded(values) for name, values in self.columns.items()}
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        """A table from `__getstate__`'s state."""
        state["kind"] = _decoded(state["kind"])
        state["columns"] = {name: _decoded(coded) for name, coded in state["columns"].items()}
        self.__dict__.update(state)

    def select(self, names: Iterable[str]) -> FeatureTable:
        """The same rows with only these columns (the arrays shared, not copied): what a worker needs of a table."""
        return FeatureTable(record_id=self.record_id, kind=self.kind, columns={n: self.columns[n] for n in names})

    def take(self, positions: IntArray) -> FeatureTable:
        """The rows at these positions, as a new table."""
        return FeatureTable(
            record_id=self.record_id[positions],
            kind=self.kind[positions],
            columns={n: c[positions] for n, c in self.columns.items()},
        )

    def row(self, position: int) -> FeatureRow:
        """One row back as a FeatureRow."""
        values = {n: str(c[position]) for n, c in self.columns.items()}
        return FeatureRow(record_id=int(self.record_id[position]), kind=str(self.kind[position]), **values)


def first_rows(codes: IntArray, distinct: int) -> IntArray:
    """The first row holding each of `distinct` codes (0 .. distinct - 1, each held by some row)."""
    first = np.empty(distinct, dtype=np.int64)
    first[codes[::-1]] = np.arange(codes.size - 1, -1, -1)  # the last write wins: the first row
    return first


#: A text column as (a code per row, the distinct values): what a pickled table holds.
Coded = tuple[npt.NDArray[np.int32], StrArray]


def _coded(values: StrArray) -> Coded:
    """A column as its distinct values and each row's code among them."""
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    return codes.astype(np.int32), np.asarray(uniques, dtype=object)


def _decoded(coded: Coded) -> StrArray:
    """The column back from `_coded` (rows of one value share its one string); a column of one value for every
    row (no email in any record, say) is that value repeated without a slot per row: read-only, as a pickled
    table is only read (compared, by a worker process or a Spark executor)."""
    codes, uniques = coded
    if len(uniques) == 1:
        out: StrArray = np.broadcast_to(uniques, codes.shape)
        return out
    return uniques[codes] if len(codes) else np.empty(0, dtype=object)


def _strings(values: Iterable[str]) -> StrArray:
    """An object array of strings."""
    items = list(values)
    out = np.empty(len(items), dtype=object)
    out[:] = items
    return out
