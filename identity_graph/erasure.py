"""Erase a person everywhere: records, what only they hold, their traces in shared items, and tombstones.

What goes: the person's records; identifiers nobody else declares; interactions only they took part in (shared
ones stay for the others, with the person's names and identifiers replaced by `[erased]`); participations,
match edges, judgements, blocking keys, name-index entries, kept old versions and change-feed events about them.
What stays: a retired person id (so it is never reused), one `person.erased` event (ids only), one tombstone per
erased source item (a keyed hash of its source id, so reloading the same source does not silently bring it back,
unless `privacy.tombstones` is off) and per email and phone number of theirs (so a later load does not
quarantine their rejected rows), and the audit log (which holds ids, never personal data).

Outside the store: the quarantine files the tool wrote lose the person's rejected rows (`erasure_files`), and
the result says which files lost how many rows.

The trained match model kept in the store holds term-frequency tables of names; a name only the erased person
had is taken out of them (names other people share stay: they are those people's data).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

import phonenumbers

from identity_graph.erasure_files import PersonKeys, redact_quarantine
from identity_graph.gone import live_records
from identity_graph.model import IdentifierKind, StoredRecord
from identity_graph.resolve.features import GIVEN_PREFIX, feature_row
from identity_graph.resolve.training import META_KEY as MODEL_META_KEY
from identity_graph.resolve.training import save_model
from identity_graph.settings import Settings
from identity_graph.store.protocol import GraphStore
from identity_graph.store.service_types import ErasureCounts
from identity_graph.store.tombstones import IDENTIFIER_KIND
from matchers.model import MatchModel, ModelFormatError

#: Name columns of the match model's term-frequency tables that erasure cleans.
NAME_TF_COLUMNS = ("first", "middle", "last")
#: Remaining records read back per name to tell whether someone else still has it.
NAME_CHECK_LIMIT = 200
#: Separators people write between the digit groups of a phone number (`214-555-0198`, `214.555.0198`).
PHONE_SEPARATORS = ("-", ".", " ")
#: Shorter words are not scrubbed from shared texts (they would mangle unrelated words: "Al", "Li").
MIN_TERM_CHARS = 3


@dataclass(frozen=True)
class ErasureResult:
    """What erasing one person did."""

    person_id: int
    record_ids: tuple[int, ...]
    counts: ErasureCounts
    #: Rows removed per quarantine file (only files that held some).
    files: dict[str, int] = field(default_factory=dict)


def _phone_forms(value: str) -> list[str]:
    """The ways a stored E.164 phone number is commonly written (so shared texts lose every form)."""
    forms = [value, value.lstrip("+")]
    try:
        number = phonenumbers.parse(value, None)
    except phonenumbers.NumberParseException:
        return forms
    forms.append(str(number.national_number))
    for fmt in (phonenumbers.PhoneNumberFormat.NATIONAL, phonenumbers.PhoneNumberFormat.INTERNATIONAL):
        forms.append(phonenumbers.format_number(number, fmt))
    groups = re.findall(r"\d+", phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL))
    code = str(number.country_code)
    for sep in PHONE_SEPARATORS:
        grouped = sep.join(groups)
        forms.extend((grouped, f"{code}{sep}{grouped}", f"+{code}{sep}{grouped}"))
    return forms


def personal_terms(records: Iterable[StoredRecord]) -> list[str]:
    """Every name, date of birth, address and identifier form these records hold (what erasure scrubs)."""
    terms: set[str] = set()
    for r in records:
        a = r.address
        terms.update(
            t
            for t in (
                r.first_name,
                r.middle_name,
                r.last_name,
                r.full_name,
                r.display_name(),
                a.street,
                a.full,
                r.dob.isoformat() if r.dob else None,
            )
            if t
        )
        for c in r.claimed:
            terms.add(c.raw)
            value = c.identifier.value
            terms.add(value)
            if c.identifier.kind is IdentifierKind.PHONE:
                terms.update(_phone_forms(value))
            elif c.identifier.kind is IdentifierKind.HANDLE:
                terms.add(value.split(":", 1)[-1])
            elif c.identifier.kind is IdentifierKind.EMAIL:
                terms.add(value.split("@", 1)[0])
    return sorted(t.strip() for t in terms if len(t.strip()) >= MIN_TERM_CHARS)


def erase_person(store: GraphStore, person_id: int, settings: Settings) -> ErasureResult:
    """Erase one person (an id merged away leads to the person it became); NotFound when there is none."""
    live, record_ids = live_records(store, person_id)
    records = store.get_records(record_ids)
    counts = store.erase_records(live, record_ids, personal_terms(records), tombstones=settings.privacy.tombstones)
    counts.other["model_names"] = forget_names_in_model(store, records)
    keys = PersonKeys.of(records)
    if settings.privacy.tombstones:
        counts.other["identifier_tombstones"] = store.add_tombstones(IDENTIFIER_KIND, sorted(keys.identifiers))
    files = redact_quarantine(store, settings.ingest.quarantine_dir, keys, settings.matching.default_region)
    counts.other["quarantine_rows"] = sum(files.values())
    counts.other["quarantine_files"] = len(files)
    store.compact(vacuum=settings.privacy.vacuum_after_erase)
    return ErasureResult(person_id=live, record_ids=tuple(record_ids), counts=counts, files=files)


def _still_used(store: GraphStore, column: str, value: str) -> bool:
    """True when a remaining record has this normalized name in this column."""
    ids = store.search_names(value, NAME_CHECK_LIMIT)
    return any(getattr(feature_row(r), column) == value for r in store.get_records(ids))


def forget_names_in_model(store: GraphStore, erased: Iterable[StoredRecord]) -> int:
    """Take names only the erased records had out of the stored model (frequency tables, learned given names)."""
    text = store.get_meta(MODEL_META_KEY)
    if text is None:
        return 0
    try:
        model = MatchModel.from_json(text)
    except ModelFormatError:
        return 0
    rows = [feature_row(r) for r in erased]
    tables = {column: dict(values) for column, values in model.tf.items()}
    removed = 0
    for column in NAME_TF_COLUMNS:
        table = tables.get(column)
        if not table:
            continue
        for value in sorted({getattr(row, column) for row in rows} & table.keys()):
            if not _still_used(store, column, value):
                del table[value]
                removed += 1
    learned = [p for p in model.placeholders if p.startswith(GIVEN_PREFIX)]
    firsts = {f"{GIVEN_PREFIX}{row.first}" for row in rows if row.first}
    gone = {p for p in learned if p in firsts and not _still_used(store, "first", p.removeprefix(GIVEN_PREFIX))}
    removed += len(gone)
    if removed:
        kept = [p for p in model.placeholders if p not in gone]
        save_model(store, model.model_copy(update={"tf": tables, "placeholders": kept}))  # with its digest
    return removed
