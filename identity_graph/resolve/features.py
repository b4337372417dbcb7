"""From stored records to the feature table and the postings (record-identifier links) matching works on."""

from __future__ import annotations

import bisect
import functools
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from identity_graph.gc_pause import paused_gc
from identity_graph.model import BODY_NAME, ClaimedIdentifier, RecordKind, StoredRecord, Strength
from matchers.addresses import normalize_address, normalize_postcode, normalize_street
from matchers.dates import date_key
from matchers.features import IDENTIFIER_KINDS, FeatureRow, FeatureTable, IntArray, StrArray
from matchers.names import (
    GIVEN_PREFIX_MIN,
    NameParts,
    has_given_name,
    is_company_name,
    is_family_name,
    is_place_label,
    normalize_generation,
    parse_name,
)
from matchers.text import clean_words, fold

#: A phone claimed from a field with one of these words is a person's own mobile, not a line at an address.
MOBILE_FIELD_WORDS = ("mobile", "cell")
#: Records read from the store per batch.
READ_BATCH = 5_000
#: Prefix of the learned given names kept among a model's name facts (`given:jorge`).
GIVEN_PREFIX = "given:"
#: Shorter handles or email users (`jd`, `info`) say too little to compare.
MIN_USERNAME = 5
KIND_CODES = {k: i for i, k in enumerate(IDENTIFIER_KINDS)}
#: A CRM column (kept among a record's attributes) with one of these names, folded to letters, holds the name's
#: generational suffix (Salesforce's `Suffix`; `Name Suffix`, `name_suffix` in other exports).
SUFFIX_ATTRIBUTES = frozenset({"suffix", "namesuffix"})
#: The identifier kind of a card's last four digits: a feature column of its own (every card of the record), never
#: a posting (1 in 10,000 share one: as a blocking key it would pair strangers by the thousand).
CARD_KIND = "card4"
#: Where a signature holds the name (first, middle, last, generation): after the record's kind.
NAME_FIELDS = slice(1, 5)
#: Distinct handles and email users whose letters are remembered (`username` is a pure function of its text).
USERNAME_CACHE_SIZE = 200_000


@dataclass
class Postings:
    """Record-identifier links as arrays: row position, identifier key, kind code, declared or mentioned."""

    pos: IntArray
    ident: npt.NDArray[np.object_]
    kind: npt.NDArray[np.int8]
    declared: npt.NDArray[np.bool_]
    home: npt.NDArray[np.bool_]  # a declared phone from a field that names no mobile (a line at an address)

    def __len__(self) -> int:
        return int(self.pos.shape[0])


class AddressSource(Protocol):
    """A record's address fields as `feature_values` reads them (`PostalAddress`'s)."""

    @property
    def street(self) -> str | None: ...
    @property
    def city(self) -> str | None: ...
    @property
    def state(self) -> str | None: ...
    @property
    def postal_code(self) -> str | None: ...
    @property
    def country(self) -> str | None: ...
    @property
    def full(self) -> str | None: ...


class RecordSource(Protocol):
    """What `feature_values` reads of a record: a StoredRecord, or the fields a batch reads of one
    (`store.sqlite_read.RecordFields`)."""

    @property
    def id(self) -> int: ...
    @property
    def source_id(self) -> str: ...
    @property
    def kind(self) -> RecordKind: ...
    @property
    def first_name(self) -> str | None: ...
    @property
    def middle_name(self) -> str | None: ...
    @property
    def last_name(self) -> str | None: ...
    @property
    def full_name(self) -> str | None: ...
    @property
    def dob(self) -> date | None: ...
    @property
    def address(self) -> AddressSource: ...
    @property
    def attributes(self) -> dict[str, str]: ...
    @property
    def claimed(self) -> tuple[ClaimedIdentifier, ...]: ...


def feature_row(record: StoredRecord, placeholders: frozenset[str] = frozenset()) -> FeatureRow:
    """Normalize one stored record's fields into a FeatureRow."""
    return FeatureRow(**dict(zip(ROW_FIELDS, feature_values(record, placeholders), strict=True)))


#: FeatureRow's fields in order: what `feature_values` returns (a test holds them to FeatureRow's own).
ROW_FIELDS = (
    "record_id", "kind", "first", "middle", "last", "dob", "street", "city", "postcode", "state", *IDENTIFIER_KINDS,
    "signature", "business", "user_handle", "user_email", "unknown_caller", "generation", "card4",
)  # fmt: skip
_DECLARED = Strength.DECLARED


def _no_given_name(name: NameParts, placeholders: frozenset[str], cut: bool = False) -> bool:
    """True when neither name part is a given name we know (checked again against learned names later); a
    `cut` name (caller-ID) may hold the start of one."""
    known = has_given_name(name, prefix=cut) or _given(name.first, placeholders) or _given(name.last, placeholders)
    return not known


#: A record's name as matching reads it: its parts, whether it is a company's or a family's (`business`), and
#: whether it waits to be checked against learned given names (`unknown_caller`).
NameFacts = tuple[NameParts, bool, bool]


def name_facts(
    kind: RecordKind,
    first: str | None,
    middle: str | None,
    last: str | None,
    full: str | None,
    body: str | None,
    placeholders: frozenset[str],
) -> NameFacts:
    """The name facts of a record of `kind` with these name fields and `body` (the name its message's text gives,
    BODY_NAME): a pure function of them (`FeatureMemo` works each out once per batch build)."""
    parts = [p for p in (first, middle, last) if p]
    display = " ".join(parts) if parts else (full or "")  # `Record.display_name`
    name = parse_name(first, middle, last, full)
    business = is_family_name(display)  # a family's mailbox or line: several people use it
    unknown_caller = False
    if kind is RecordKind.CALL_PARTY and not name.empty:
        business = is_company_name(display)
        if business or is_place_label(display):
            name = parse_name()  # caller-ID of a business line, or a carrier's `CITY ST`: not a person's name
        else:
            unknown_caller = _no_given_name(name, placeholders, cut=True)
    elif kind is RecordKind.SOCIAL_ACCOUNT and not name.empty:  # a profile name may be a pseudonym
        unknown_caller = _no_given_name(name, placeholders)
    elif name.empty and body:  # a bare or a family's address: the text names them
        name = parse_name(None, None, None, body)
        unknown_caller = _no_given_name(name, placeholders)
    if placeholders and f"{name.first} {name.last}".strip() in placeholders:
        name = parse_name()
    return name, business, unknown_caller


#: A normalized address's street, city, postcode and state (`addresses.normalize_address`'s parts).
AddressValues = tuple[str, str, str, str]


def address_values(
    street: str | None, city: str | None, postcode: str | None, state: str | None, country: str | None
) -> AddressValues:
    """`normalize_address`'s parts."""
    addr = normalize_address(street, city, postcode, state, country)
    return addr.street, addr.city, addr.postcode, addr.state


class FeatureMemo:
    """Name facts and address parts already worked out during one batch build: records repeat names, streets and
    cities (a million febrl-pool records hold 400k distinct names and 315k streets), more than the matchers'
    bounded caches keep. Dropped with the build, so nothing stays in memory after it."""

    def __init__(self) -> None:
        self._names: dict[tuple[Any, ...], NameFacts] = {}
        self._streets: dict[tuple[str, str], str] = {}
        self._words: dict[str | None, str] = {}
        self._postcodes: dict[tuple[str | None, str], str] = {}

    def name(self, *fields: Any) -> NameFacts:
        """`name_facts` of these fields."""
        found = self._names.get(fields)
        if found is None:
            found = self._names[fields] = name_facts(*fields)
        return found

    def address(
        self, street: str | None, city: str | None, postcode: str | None, state: str | None, country: str | None
    ) -> AddressValues:
        """`address_values` of these fields (`normalize_address` part by part)."""
        nation = country or ""
        key = (street or "", nation)
        line = self._streets.get(key)
        if line is None:
            line = self._streets[key] = normalize_street(*key)
        code = self._postcodes.get((postcode, nation))
        if code is None:
            code = self._postcodes[(postcode, nation)] = normalize_postcode(postcode, nation)
        return line, self._word(city), code, self._word(state)

    def _word(self, text: str | None) -> str:
        """`clean_words` of a city or state."""
        found = self._words.get(text)
        if found is None:
            found = self._words[text] = clean_words(text)
        return found


def feature_values(
    record: RecordSource, placeholders: frozenset[str] = frozenset(), memo: FeatureMemo | None = None
) -> tuple[Any, ...]:
    """`feature_row`'s values as a tuple in ROW_FIELDS order (a batch builds its table from these, with no row
    object per record, and its `memo`). Enum values are read as `_value_`, the attribute itself (`.value` is a
    property)."""
    fields = (record.kind, record.first_name, record.middle_name, record.last_name, record.full_name,
              record.attributes.get(BODY_NAME), placeholders)  # fmt: skip
    name, business, unknown_caller = memo.name(*fields) if memo is not None else name_facts(*fields)
    a = record.address
    where = (a.street or a.full, a.city, a.postal_code, a.state, a.country)
    street, city, postcode, state = memo.address(*where) if memo is not None else address_values(*where)
    primary: dict[str, str] = {}
    idents: list[str] = []
    cards: set[str] = set()
    own_id = record.source_id.lower()
    for c in record.claimed:
        ident = c.identifier
        idents.append(f"{ident.key}/{c.strength._value_}")
        if c.strength is _DECLARED and not _own_record_id(ident.kind._value_, ident.value, own_id):
            primary.setdefault(ident.kind._value_, ident.value)
            if ident.kind._value_ == CARD_KIND:
                cards.add(ident.value)
    first, middle, last, dob = name.first, name.middle, name.last, date_key(record.dob)
    generation = (_suffix_column(record.attributes) or name.generation) if not name.empty else ""
    handle, email = primary.get("handle", ""), primary.get("email", "")
    idents.sort()
    # the kind first (NAME_FIELDS follow it): a record stands for identical ones of its kind only (kinds weigh
    # differently: a caller-ID names a line, a sender names themselves), so which one represents them never
    # depends on load order
    signature = "|".join([record.kind._value_, first, middle, last, generation, dob, street, city, postcode,
                          state])  # fmt: skip
    signature = "|".join([signature, *idents])
    return (
        record.id, record.kind._value_, first, middle, last, dob, street, city, postcode, state,
        *[primary.get(k, "") for k in IDENTIFIER_KINDS], signature, "1" if business else "",
        username(handle.partition(":")[2]), username(email.partition("@")[0]), "1" if unknown_caller else "",
        generation, "|".join(sorted(cards)),
    )  # fmt: skip


def _suffix_column(attributes: dict[str, str]) -> str:
    """The generation a CRM suffix column gives (`Suffix`: `Jr.` -> `jr`, `III` -> `iii`), empty if none."""
    for key, value in attributes.items():
        if "".join(c for c in key.lower() if c.isalpha()) in SUFFIX_ATTRIBUTES:
            return normalize_generation(value)
    return ""


def _own_record_id(kind: str, value: str, own_id: str) -> bool:
    """True for a CRM id that is the record's own row id (`salesforce:003a01` on row `003A01`): shared, it is one
    person; one typo away from another row's, it says nothing (a CRM numbers its rows one after another, and two
    rows of one export are two rows), so it is no value for the near and different levels nor for near keys."""
    return kind == "crm" and value.partition(":")[2] == own_id


def _home_field(field: str) -> bool:
    """True when a phone's source field names no mobile (`Phone`, not `MobilePhone`)."""
    lower = field.lower()
    return not any(w in lower for w in MOBILE_FIELD_WORDS)


def _given(word: str, placeholders: frozenset[str]) -> bool:
    """True when the model learned `word` as a given name (from CRM contacts)."""
    return bool(word) and f"{GIVEN_PREFIX}{word}" in placeholders


def given_names_of(table: FeatureTable) -> frozenset[str]:
    """`given:NAME` entries learned from the CRM contacts of a built table (as `build_features(learn=True)`)."""
    contacts = table.kind == RecordKind.CONTACT.value
    return frozenset(
        f"{GIVEN_PREFIX}{f}"
        for f in set(table.col("first")[contacts])
        if len(f) > 1 and not has_given_name(NameParts(f), prefix=False)  # `rafael` only starts `rafaela`
    )


def _learned_prefix(word: str, learned: list[str]) -> bool:
    """True when a caller-ID word cut off at 15 characters starts a learned given name (`jurg` of jurgen)."""
    if len(word) < GIVEN_PREFIX_MIN:
        return False
    i = bisect.bisect_left(learned, word)
    return i < len(learned) and learned[i].startswith(word)


@functools.lru_cache(maxsize=8)
def _learned_given_names(placeholders: frozenset[str]) -> list[str]:
    """The given names a model learned, sorted (cached: real-time adds reuse one model's set)."""
    return sorted(p[len(GIVEN_PREFIX) :] for p in placeholders if p.startswith(GIVEN_PREFIX))


def forget_unknown_callers(table: FeatureTable, placeholders: frozenset[str]) -> None:
    """Clear caller-ID and profile names with no given name we know, in place: a city or carrier label, or a
    pseudonym (`anon`, `just browsing`), is no person's name. Only a caller-ID, cut at 15 characters, may hold
    the start of one (`JOHANSSON ELEAN`)."""
    flagged = np.flatnonzero(table.col("unknown_caller") != "")
    if flagged.size == 0:
        return
    learned = _learned_given_names(placeholders)
    first, middle, last, signature = (table.col(c) for c in ("first", "middle", "last", "signature"))
    generation = table.col("generation")
    for i in flagged:
        f, x = str(first[i]), str(last[i])
        known = _given(f, placeholders) or _given(x, placeholders)
        cut = table.kind[i] == RecordKind.CALL_PARTY.value and (
            _learned_prefix(f, learned) or _learned_prefix(x, learned)
        )
        if not (known or cut):
            first[i] = middle[i] = last[i] = generation[i] = ""
            parts = str(signature[i]).split("|")
            parts[NAME_FIELDS] = [""] * len(parts[NAME_FIELDS])  # its kind stays, its name goes
            signature[i] = "|".join(parts)
    table.col("unknown_caller")[flagged] = ""
    table.changed()


#: The FeatureTable columns after record_id and kind, in `FeatureTable.from_rows` order.
_COLUMNS = ROW_FIELDS[2:]


def _table_of(rows: Sequence[tuple[Any, ...]]) -> FeatureTable:
    """`FeatureTable.from_rows` of these `feature_values` tuples (a transpose)."""
    if not rows:
        return FeatureTable.from_rows([])
    record_id, kind, *columns = zip(*rows, strict=True)
    return FeatureTable(
        record_id=np.fromiter(record_id, dtype=np.int64, count=len(rows)),
        kind=_objects(kind),
        columns={name: _objects(values) for name, values in zip(_COLUMNS, columns, strict=True)},
    )


def _objects(values: Sequence[str]) -> StrArray:
    """An object array of these strings."""
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


@functools.lru_cache(maxsize=USERNAME_CACHE_SIZE)
def username(text: str) -> str:
    """The letters of a handle or email user, trailing digits dropped (`Lani_Sandoval85` -> `lanisandoval`)."""
    letters = "".join(c for c in fold(text) if c.isalnum()).rstrip("0123456789")
    return letters if len(letters) >= MIN_USERNAME else ""


def build_features(
    batches: Iterable[Sequence[RecordSource]],
    placeholders: frozenset[str] = frozenset(),
    progress: Callable[[int], None] | None = None,
    *,
    learn: bool = False,
) -> tuple[FeatureTable, Postings]:
    """The feature table and postings of these records (row order = the order records come in).

    `placeholders` is what a model learned about names (placeholder full names, `given:NAME` entries); with
    `learn`, given names are learned from these records' CRM contacts first (see `given_names_of`).
    """
    with paused_gc():
        return _build_features(batches, placeholders, progress, learn=learn)


def _build_features(
    batches: Iterable[Sequence[RecordSource]],
    placeholders: frozenset[str],
    progress: Callable[[int], None] | None,
    *,
    learn: bool,
) -> tuple[FeatureTable, Postings]:
    """`build_features` itself (run with the garbage collector paused)."""
    parts: list[FeaturePart] = []
    memo = FeatureMemo()
    for batch in batches:
        parts.append(feature_part(batch, placeholders, memo))  # one batch of rows at a time, then arrays
        if progress is not None:
            progress(len(batch))
    return joined_features(parts, placeholders, learn=learn)


@dataclass
class FeaturePart:
    """The features of one batch of records: its rows of the table, and its postings (positions within it)."""

    table: FeatureTable
    postings: Postings

    def __getstate__(self) -> dict[str, Any]:
        """The part for pickling (a worker process sends it back), its table as plain arrays: a part's values
        are shared string objects (`FeatureMemo`), which pickle once each, in less time than the table's own
        pickling (`FeatureTable.__getstate__`, for a table pickled once and sent far) finds its distinct values."""
        table = self.table
        return {"table": (table.record_id, table.kind, table.columns), "postings": self.postings}

    def __setstate__(self, state: dict[str, Any]) -> None:
        """A part from `__getstate__`'s state."""
        record_id, kind, columns = state["table"]
        self.table = FeatureTable(record_id=record_id, kind=kind, columns=columns)
        self.postings = state["postings"]


def feature_part(
    records: Sequence[RecordSource], placeholders: frozenset[str], memo: FeatureMemo | None = None
) -> FeaturePart:
    """The feature rows and postings of some records, before anything learned from every record is applied
    (`joined_features`): a pure function of the records, so batches of them may be built anywhere (a worker
    process: `feature_workers`); `memo` carries what earlier batches of one build worked out."""
    memo = memo if memo is not None else FeatureMemo()
    rows: list[tuple[Any, ...]] = []
    pos: list[int] = []
    ident: list[str] = []
    kind: list[int] = []
    declared: list[bool] = []
    home: list[bool] = []
    for position, record in enumerate(records):
        rows.append(feature_values(record, placeholders, memo))
        for c in record.claimed:
            kind_value = c.identifier.kind._value_
            code = KIND_CODES.get(kind_value)
            if code is None:
                continue
            pos.append(position)
            ident.append(c.identifier.key)
            kind.append(code)
            declared.append(c.strength is _DECLARED)
            home.append(declared[-1] and kind_value == "phone" and _home_field(c.field))
    postings = Postings(
        pos=np.asarray(pos, dtype=np.int64),
        ident=_objects(ident),
        kind=np.asarray(kind, dtype=np.int8),
        declared=np.asarray(declared, dtype=bool),
        home=np.asarray(home, dtype=bool),
    )
    return FeaturePart(_table_of(rows), postings)


def joined_features(
    parts: Sequence[FeaturePart], placeholders: frozenset[str], *, learn: bool
) -> tuple[FeatureTable, Postings]:
    """The table and postings of these batches' parts in order (postings' positions counted over all rows), with
    the caller-ID and profile names no given name backs cleared (`forget_unknown_callers`; with `learn`, given
    names learned from the table's CRM contacts count too)."""
    table = FeatureTable.concat([part.table for part in parts])
    offsets = np.cumsum([0] + [len(part.table) for part in parts[:-1]], dtype=np.int64)
    forget_unknown_callers(table, placeholders | given_names_of(table) if learn else placeholders)
    postings = Postings(
        pos=_joined([part.postings.pos + offset for part, offset in zip(parts, offsets, strict=True)], np.int64),
        ident=_joined([part.postings.ident for part in parts], object),
        kind=_joined([part.postings.kind for part in parts], np.int8),
        declared=_joined([part.postings.declared for part in parts], bool),
        home=_joined([part.postings.home for part in parts], bool),
    )
    return table, postings


def _joined(arrays: list[npt.NDArray[Any]], dtype: npt.DTypeLike) -> npt.NDArray[Any]:
    """These arrays one after another (an empty one of `dtype` when there are none)."""
    return np.concatenate(arrays).astype(dtype, copy=False) if arrays else np.zeros(0, dtype=dtype)


def blank_placeholders(table: FeatureTable, placeholders: frozenset[str]) -> None:
    """Clear first and last names that are placeholders (in place)."""
    if not placeholders:
        return
    first, last = table.col("first"), table.col("last")
    hit = np.fromiter(
        (f"{f} {x}".strip() in placeholders for f, x in zip(first, last, strict=True)), dtype=bool, count=len(first)
    )
    first[hit] = ""
    last[hit] = ""
    table.col("middle")[hit] = ""
    table.col("generation")[hit] = ""
    table.changed()
