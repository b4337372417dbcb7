"""Builders for resolver tests: records with any field, a fixed model, a store loaded with them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

import identity_graph.cli.main  # noqa: F401  (registers every command)
from identity_graph.cli.app import app
from identity_graph.model import IdentifierClaim, IdentifierKind, PostalAddress, Record, RecordKind, Strength
from identity_graph.prepare import prepare_record
from identity_graph.resolve import save_model
from identity_graph.resolve.scoring import comparisons_for
from identity_graph.settings import Settings
from identity_graph.store import SQLiteStore
from matchers.em import build_model
from matchers.model import MatchModel

#: (m, u) per level of each comparison: a plausible trained model, fixed so tests do not depend on EM.
FIXED_MU: dict[str, list[tuple[float, float]]] = {
    "phone": [(0.6, 1e-5), (0.1, 1e-5), (0.1, 1e-4), (0.05, 1e-4), (0.01, 1e-3), (0.14, 0.99888)],
    "email": [(0.6, 1e-5), (0.1, 1e-5), (0.1, 1e-4), (0.05, 1e-4), (0.01, 1e-3), (0.14, 0.99888)],
    "handle": [(0.6, 1e-5), (0.1, 1e-5), (0.1, 1e-4), (0.05, 1e-4), (0.01, 1e-3), (0.14, 0.99888)],
    "crm": [(0.6, 1e-6), (0.1, 1e-6), (0.1, 1e-5), (0.05, 1e-5), (0.01, 1e-4), (0.14, 0.999878)],
    "first_name": [(0.85, 0.01), (0.05, 0.002), (0.01, 0.005), (0.04, 0.005), (0.02, 0.01), (0.03, 0.968)],
    "last_name": [(0.88, 0.01), (0.05, 0.003), (0.03, 0.01), (0.01, 0.005), (0.03, 0.972)],
    "dob": [(0.9, 0.0005), (0.01, 0.0001), (0.03, 0.005), (0.02, 0.02), (0.02, 0.3), (0.02, 0.6744)],
    "street": [(0.7, 0.0001), (0.1, 0.0005), (0.2, 0.9994)],
    "city": [(0.8, 0.02), (0.05, 0.01), (0.15, 0.97)],
    "postcode": [(0.8, 0.01), (0.05, 0.05), (0.15, 0.94)],
    "state": [(0.9, 0.2), (0.1, 0.8)],
    "username": [(0.3, 0.0001), (0.1, 0.0005), (0.1, 0.001), (0.5, 0.9984)],
    "national_id": [(0.95, 1e-6), (0.03, 1e-5), (0.02, 0.999989)],
    "account": [(0.6, 1e-5), (0.1, 1e-5), (0.1, 1e-4), (0.05, 1e-4), (0.01, 1e-3), (0.14, 0.99888)],
    "card_last4": [(0.3, 0.001), (0.7, 0.999)],
}


def fixed_model(settings: Settings, prior: float = 0.2) -> MatchModel:
    """A model with the FIXED_MU probabilities for the product's comparisons."""
    comparisons = comparisons_for(settings.matching)
    m = [np.array([mu[0] for mu in FIXED_MU[c.name]]) for c in comparisons]
    u = [np.array([mu[1] for mu in FIXED_MU[c.name]]) for c in comparisons]
    return build_model(comparisons, m, u, prior, 0, "fixed")


def person(
    source_id: str,
    first: str | None = None,
    last: str | None = None,
    *,
    source: str = "crm",
    kind: RecordKind = RecordKind.CONTACT,
    full: str | None = None,
    dob: date | None = None,
    phones: Sequence[str] = (),
    emails: Sequence[str] = (),
    handles: Sequence[str] = (),
    mentioned: Sequence[str] = (),
    street: str | None = None,
    city: str | None = None,
    postcode: str | None = None,
    crm_ids: Sequence[str] = (),
    mobiles: Sequence[str] = (),
) -> Record:
    """A record with any of the fields the matcher reads."""
    claims = [IdentifierClaim(kind=IdentifierKind.PHONE, raw=p, field="phone") for p in phones]
    claims += [IdentifierClaim(kind=IdentifierKind.EMAIL, raw=e, field="email") for e in emails]
    claims += [IdentifierClaim(kind=IdentifierKind.HANDLE, raw=h, field="handle") for h in handles]
    claims += [
        IdentifierClaim(kind=IdentifierKind.PHONE, raw=p, field="body", strength=Strength.MENTIONED) for p in mentioned
    ]
    claims += [IdentifierClaim(kind=IdentifierKind.CRM_ID, raw=c, field="crm_id") for c in crm_ids]
    claims += [IdentifierClaim(kind=IdentifierKind.PHONE, raw=m, field="MobilePhone") for m in mobiles]
    return Record(
        source=source,
        source_id=source_id,
        kind=kind,
        first_name=first,
        last_name=last,
        full_name=full,
        dob=dob,
        address=PostalAddress(street=street, city=city, postal_code=postcode, country="US"),
        identifiers=tuple(claims),
    )


def call(source_id: str, phone: str, caller_id: str | None = None) -> Record:
    """The customer party of one call: a phone and maybe a caller-ID name."""
    return person(source_id, source="calls", kind=RecordKind.CALL_PARTY, full=caller_id, phones=[phone])


def mail(source_id: str, email: str, display: str | None = None, mentioned: Sequence[str] = ()) -> Record:
    """The customer party of one email: an address, maybe a display name and phones from the body."""
    return person(source_id, source="mail", kind=RecordKind.EMAIL_PARTY, full=display, emails=[email],
                  mentioned=mentioned)  # fmt: skip


def load(store: SQLiteStore, records: Sequence[Record], settings: Settings, *, model: bool = True) -> list[int]:
    """Store records (and the fixed model); returns their ids in order."""
    if model:
        save_model(store, fixed_model(settings))
    store.upsert_batch([prepare_record(r, "US") for r in records])
    found = [store.find_record(r.source, r.source_id) for r in records]
    return [f.id for f in found if f is not None]


def together(store: SQLiteStore, a: int, b: int) -> bool:
    """True when two records belong to one person."""
    persons = store.assignments([a, b])
    return persons.get(a) is not None and persons.get(a) == persons.get(b)


@pytest.fixture(scope="module")
def resolved_sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled sample loaded and resolved as `idgraph demo --no-serve` does (one store per test module)."""
    db = tmp_path_factory.mktemp("sample") / "sample.db"
    result = CliRunner().invoke(app, ["--db", str(db), "demo", "--no-serve"])
    assert result.exit_code == 0, result.output
    return db
