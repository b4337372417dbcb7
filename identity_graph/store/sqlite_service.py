"""What the service needs from the embedded store: API tokens, the audit log, and erasure of a person."""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Sequence
from datetime import datetime

from identity_graph.errors import ConflictError, NotFound
from identity_graph.model import Judgement
from identity_graph.store.service_types import ApiToken, AuditEntry, ErasureCounts
from identity_graph.store.sqlite_base import SQLiteBase, chunks, placeholders, to_json, utcnow
from identity_graph.store.sqlite_graph import _judgement_from_row
from identity_graph.store.sqlite_ingest import write_tombstones

#: What erased text is replaced with where a shared item must stay (an email to two customers).
ERASED_MARK = "[erased]"
#: Free-text columns of an interaction that may mention a person taking part in it.
_INTERACTION_TEXT = ("subject", "summary", "thread_key", "attributes")


def _dt(text: str | None) -> datetime | None:
    """Parse stored ISO time text."""
    return datetime.fromisoformat(text) if text else None


def _token(row: Sequence[object]) -> ApiToken:
    """An ApiToken from (id, name, role, created_at, revoked_at)."""
    tid, name, role, created, revoked = row
    return ApiToken(
        id=int(str(tid)),
        name=str(name),
        role=str(role),
        created_at=datetime.fromisoformat(str(created)),
        revoked_at=_dt(None if revoked is None else str(revoked)),
    )


def scrub_text(text: str, pattern: re.Pattern[str] | None) -> str:
    """Replace every erased term in `text` (case-insensitive) with the erased mark."""
    return text if pattern is None else pattern.sub(ERASED_MARK, text)


def terms_pattern(terms: Sequence[str]) -> re.Pattern[str] | None:
    """One case-insensitive pattern for a set of terms, longest first (None when there are none)."""
    clean = sorted({t for t in terms if t and t.strip()}, key=len, reverse=True)
    if not clean:
        return None
    return re.compile("|".join(re.escape(t) for t in clean), re.IGNORECASE)


class SQLiteServiceMixin(SQLiteBase):
    """Tokens, audit log and erasure for the embedded store."""

    # -- API tokens
    def add_token(self, name: str, role: str, token_hash: str) -> ApiToken:
        """Store a new token's hash with its name and role."""
        now = utcnow()
        with self.transaction() as conn:
            cur = conn.execute(
                "INSERT INTO api_tokens(name, role, token_hash, created_at) VALUES (?, ?, ?, ?)",
                (name, role, token_hash, now),
            )
            token_id = int(cur.lastrowid or 0)
        return ApiToken(id=token_id, name=name, role=role, created_at=datetime.fromisoformat(now))

    def token_by_hash(self, token_hash: str) -> ApiToken | None:
        """The token with this hash (revoked ones included, so the caller can tell why it fails)."""
        row = (
            self._conn()
            .execute(
                "SELECT id, name, role, created_at, revoked_at FROM api_tokens WHERE token_hash = ?", (token_hash,)
            )
            .fetchone()
        )
        return None if row is None else _token(row)

    def get_token(self, token_id: int) -> ApiToken | None:
        """A token by id."""
        row = (
            self._conn()
            .execute("SELECT id, name, role, created_at, revoked_at FROM api_tokens WHERE id = ?", (token_id,))
            .fetchone()
        )
        return None if row is None else _token(row)

    def list_tokens(self) -> list[ApiToken]:
        """Every token, oldest first."""
        rows = self._conn().execute("SELECT id, name, role, created_at, revoked_at FROM api_tokens ORDER BY id")
        return [_token(r) for r in rows]

    def revoke_token(self, token_id: int) -> bool:
        """Revoke a token; False when there is no such active token."""
        with self.transaction() as conn:
            cur = conn.execute(
                "UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL", (utcnow(), token_id)
            )
            return cur.rowcount > 0

    # -- audit log
    def add_audit(self, actor: str, action: str, target: str = "", detail: str = "") -> None:
        """Append one audit entry (ids only: callers never pass personal data)."""
        with self.transaction() as conn:
            conn.execute(
                "INSERT INTO audit_log(at, actor, action, target, detail) VALUES (?, ?, ?, ?, ?)",
                (utcnow(), actor, action, target, detail),
            )

    def audit_entries(
        self, limit: int = 100, before_id: int | None = None, target: str | None = None
    ) -> list[AuditEntry]:
        """Audit entries, newest first, optionally before an id and about one target."""
        sql = "SELECT id, at, actor, action, target, detail FROM audit_log WHERE 1 = 1"
        params: list[object] = []
        if before_id is not None:
            sql += " AND id < ?"
            params.append(before_id)
        if target is not None:
            sql += " AND target = ?"
            params.append(target)
        sql += " ORDER BY id DESC LIMIT ?"
        params.append(limit)
        return [
            AuditEntry(int(r[0]), datetime.fromisoformat(r[1]), r[2], r[3], r[4], r[5])
            for r in self._conn().execute(sql, params)
        ]

    # -- steward: undo
    def withdraw_judgement(self, judgement_id: int) -> Judgement:
        """Mark an active decision superseded without a successor (an undo); it is kept, never removed."""
        with self.transaction() as conn:
            cur = conn.execute(
                "UPDATE judgements SET superseded_at = ? WHERE id = ? AND superseded_at IS NULL",
                (utcnow(), judgement_id),
            )
            row = conn.execute(
                "SELECT id, left_id, right_id, verdict, by, at, reason, superseded_at FROM judgements WHERE id = ?",
                (judgement_id,),
            ).fetchone()
        if row is None:
            raise NotFound(f"no decision {judgement_id}")
        if cur.rowcount == 0:
            raise ConflictError(f"decision {judgement_id} was already superseded")
        return _judgement_from_row(row)

    # -- erasure
    def erase_records(
        self, person_id: int, record_ids: Sequence[int], terms: Sequence[str], *, tombstones: bool
    ) -> ErasureCounts:
        """Remove these records and everything only they hold; scrub `terms` from what must stay; one transaction.

        Deleted content is overwritten on disk (secure_delete) so it does not linger in free pages.
        """
        counts = ErasureCounts()
        pattern = terms_pattern(terms)
        ids = sorted(set(record_ids))
        conn = self._conn()
        previous = int(conn.execute("PRAGMA secure_delete").fetchone()[0])
        conn.execute("PRAGMA secure_delete = ON")
        try:
            with self.transaction() as tx:
                now = utcnow()
                touched, only_theirs = self._erased_interactions(tx, ids)
                shared = sorted(set(touched) - set(only_theirs))
                if tombstones:
                    counts.tombstones = self._write_tombstones(tx, ids, touched, now)
                ident_ids = self._identifiers_of(tx, ids)
                counts.edges = self._delete_in(tx, "match_edges", ("left_id", "right_id"), ids)
                counts.judgements = self._delete_judgements(tx, ids)
                counts.versions = self._delete_versions(tx, ids, touched)
                counts.interactions_deleted = self._delete_in(tx, "interactions", ("id",), only_theirs)
                self._delete_in(tx, "participations", ("record_id",), ids)
                counts.interactions_scrubbed = self._scrub_interactions(tx, shared, pattern)
                mentioners = self._mentioning_records(tx, ident_ids, set(ids))
                mentioned_in = sorted(set(self._erased_interactions(tx, mentioners)[0]) - set(touched))
                counts.versions += self._delete_versions(tx, mentioners, mentioned_in)
                counts.interactions_scrubbed += self._scrub_interactions(tx, mentioned_in, pattern)
                counts.other["records_scrubbed"] = self._scrub_record_attributes(tx, mentioners, pattern)
                self._delete_in(tx, "record_names", ("rowid",), ids)
                self._delete_in(tx, "blocking_keys", ("record_id",), ids)
                counts.events = self._delete_events(tx, person_id, ids)
                counts.other["guard_reports"] = self._prune_guard_reports(tx, set(ids))
                self._delete_in(tx, "record_person", ("record_id",), ids)
                counts.records = self._delete_in(tx, "records", ("id",), ids)
                counts.identifiers = self._delete_orphan_identifiers(tx, ident_ids)
                counts.audit_scrubbed = self._scrub_audit(tx, terms, pattern)
                counts.other["load_notes_scrubbed"] = self._scrub_run_notes(tx, terms, pattern)
                tx.execute(
                    "UPDATE persons SET retired_at = ?, merged_into = NULL, updated_at = ? WHERE id = ?",
                    (now, now, person_id),
                )
                tx.execute(
                    "INSERT INTO change_events(at, type, person_id, cause) VALUES (?, 'person.erased', ?, 'erasure')",
                    (now, person_id),
                )
        finally:
            conn.execute(f"PRAGMA secure_delete = {previous}")
        return counts

    def compact(self, *, vacuum: bool) -> None:
        """Drop deleted terms from the name index and fold the write-ahead log into the file (and VACUUM)."""
        conn = self._conn()
        previous = int(conn.execute("PRAGMA secure_delete").fetchone()[0])
        conn.execute("PRAGMA secure_delete = ON")
        try:
            with self.transaction() as tx:
                tx.execute("INSERT INTO record_names(record_names) VALUES ('optimize')")
            if vacuum:
                conn.execute("VACUUM")
            self.checkpoint("TRUNCATE")  # waits for the background checkpoint thread instead of losing to it
        finally:
            conn.execute(f"PRAGMA secure_delete = {previous}")

    def _erased_interactions(self, conn: sqlite3.Connection, ids: Sequence[int]) -> tuple[list[int], list[int]]:
        """Interactions these records took part in, and those in which nobody else took part."""
        touched: set[int] = set()
        for part in chunks(ids):
            rows = conn.execute(
                f"SELECT DISTINCT interaction_id FROM participations WHERE record_id IN ({placeholders(len(part))})",
                part,
            )
            touched.update(int(r[0]) for r in rows)
        erased = set(ids)
        shared: set[int] = set()
        ordered = sorted(touched)
        for part in chunks(ordered):
            rows = conn.execute(
                "SELECT interaction_id, record_id FROM participations "
                f"WHERE interaction_id IN ({placeholders(len(part))})",
                part,
            )
            shared.update(int(i) for i, r in rows if int(r) not in erased)
        return ordered, [i for i in ordered if i not in shared]

    def _write_tombstones(
        self, conn: sqlite3.Connection, record_ids: Sequence[int], interaction_ids: Sequence[int], now: str
    ) -> int:
        """A tombstone (keyed hash of the source id) for each erased record and each interaction it took part in."""
        written = 0
        for table, kind, ids in (("records", "record", record_ids), ("interactions", "interaction", interaction_ids)):
            keys: list[tuple[str, str]] = []
            for part in chunks(list(ids)):
                keys += [
                    (str(source), str(source_id))
                    for source, source_id in conn.execute(
                        f"SELECT source, source_id FROM {table} WHERE id IN ({placeholders(len(part))})", part
                    )
                ]
            write_tombstones(conn, self.tombstone_secret(), kind, keys, now)
            written += len(keys)
        return written

    def _identifiers_of(self, conn: sqlite3.Connection, ids: Sequence[int]) -> list[int]:
        """Identifier ids linked to these records."""
        found: set[int] = set()
        for part in chunks(ids):
            rows = conn.execute(
                f"SELECT DISTINCT identifier_id FROM record_identifiers WHERE record_id IN ({placeholders(len(part))})",
                part,
            )
            found.update(int(r[0]) for r in rows)
        return sorted(found)

    def _delete_in(self, conn: sqlite3.Connection, table: str, columns: Sequence[str], ids: Sequence[int]) -> int:
        """Delete rows of `table` whose any of `columns` is in `ids`; returns how many went."""
        removed = 0
        for part in chunks(list(ids)):
            marks = placeholders(len(part))
            where = " OR ".join(f"{c} IN ({marks})" for c in columns)
            removed += conn.execute(f"DELETE FROM {table} WHERE {where}", tuple(part) * len(columns)).rowcount
        return removed

    def _delete_judgements(self, conn: sqlite3.Connection, ids: Sequence[int]) -> int:
        """Delete decisions about these records (and clear supersession links pointing at them)."""
        removed = 0
        for part in chunks(list(ids)):
            marks = placeholders(len(part))
            where = f"left_id IN ({marks}) OR right_id IN ({marks})"
            conn.execute(
                "UPDATE judgements SET superseded_by = NULL "
                f"WHERE superseded_by IN (SELECT id FROM judgements WHERE {where})",
                (*part, *part),
            )
            removed += conn.execute(f"DELETE FROM judgements WHERE {where}", (*part, *part)).rowcount
        return removed

    def _delete_versions(
        self, conn: sqlite3.Connection, record_ids: Sequence[int], interaction_ids: Sequence[int]
    ) -> int:
        """Delete the kept old versions of these records and interactions."""
        removed = 0
        for kind, ids in (("record", record_ids), ("interaction", interaction_ids)):
            for part in chunks(list(ids)):
                removed += conn.execute(
                    f"DELETE FROM item_versions WHERE item_kind = ? AND item_id IN ({placeholders(len(part))})",
                    (kind, *part),
                ).rowcount
        return removed

    def _scrub_interactions(self, conn: sqlite3.Connection, ids: Sequence[int], pattern: re.Pattern[str] | None) -> int:
        """Replace the erased person's names and identifiers in interactions that other people took part in."""
        if pattern is None or not ids:
            return 0
        changed = 0
        cols = ", ".join(_INTERACTION_TEXT)
        for part in chunks(list(ids)):
            rows = conn.execute(
                f"SELECT id, {cols} FROM interactions WHERE id IN ({placeholders(len(part))})", part
            ).fetchall()
            for row in rows:
                new = [None if v is None else scrub_text(str(v), pattern) for v in row[1:]]
                if new != list(row[1:]):
                    if new[3] is not None:
                        new[3] = to_json(json.loads(new[3])) if _is_json(new[3]) else "{}"
                    sets = ", ".join(f"{c} = ?" for c in _INTERACTION_TEXT)
                    conn.execute(f"UPDATE interactions SET {sets} WHERE id = ?", (*new, row[0]))
                    changed += 1
        return changed

    def _mentioning_records(self, conn: sqlite3.Connection, ident_ids: Sequence[int], erased: set[int]) -> list[int]:
        """Other records that only mention an identifier of the erased ones that nobody else declares (a message
        body quoting the erased person's phone): the text around that mention must be scrubbed too."""
        links: list[tuple[int, int, str]] = []
        for part in chunks(list(ident_ids)):
            links.extend(
                conn.execute(
                    "SELECT identifier_id, record_id, strength FROM record_identifiers "
                    f"WHERE identifier_id IN ({placeholders(len(part))})",
                    part,
                ).fetchall()
            )
        declared = {i for i, r, strength in links if r not in erased and strength == "declared"}
        return sorted({r for i, r, strength in links if r not in erased and i not in declared})

    def _scrub_record_attributes(
        self, conn: sqlite3.Connection, ids: Sequence[int], pattern: re.Pattern[str] | None
    ) -> int:
        """Replace the erased terms in the free-text attributes (a bio, a note) of other records."""
        if pattern is None:
            return 0
        changed = 0
        for part in chunks(list(ids)):
            for rid, text in conn.execute(
                f"SELECT id, attributes FROM records WHERE id IN ({placeholders(len(part))})", part
            ).fetchall():
                new = scrub_text(text, pattern)
                if new != text:
                    conn.execute(
                        "UPDATE records SET attributes = ? WHERE id = ?", (new if _is_json(new) else "{}", rid)
                    )
                    changed += 1
        return changed

    def _delete_events(self, conn: sqlite3.Connection, person_id: int, ids: Sequence[int]) -> int:
        """Delete change-feed events about the erased person or its records."""
        removed = conn.execute(
            "DELETE FROM change_events WHERE person_id = ? OR other_person_id = ?", (person_id, person_id)
        ).rowcount
        return removed + self._delete_in(conn, "change_events", ("record_id",), ids)

    def _prune_guard_reports(self, conn: sqlite3.Connection, erased: set[int]) -> int:
        """Take erased records out of over-merge reports; drop reports left with fewer than two records."""
        changed = 0
        for rid, text in conn.execute("SELECT id, record_ids FROM guard_reports").fetchall():
            members = [int(x) for x in json.loads(text)]
            kept = [m for m in members if m not in erased]
            if len(kept) == len(members):
                continue
            changed += 1
            if len(kept) < 2:
                conn.execute("DELETE FROM guard_reports WHERE id = ?", (rid,))
            else:
                conn.execute("UPDATE guard_reports SET record_ids = ? WHERE id = ?", (to_json(kept), rid))
        return changed

    def _delete_orphan_identifiers(self, conn: sqlite3.Connection, ident_ids: Sequence[int]) -> int:
        """Delete identifiers nobody declares any more (links that only mention them go too)."""
        removed = 0
        for part in chunks(list(ident_ids)):
            marks = placeholders(len(part))
            conn.execute(
                f"DELETE FROM record_identifiers WHERE identifier_id IN ({marks}) AND identifier_id NOT IN "
                "(SELECT identifier_id FROM record_identifiers "
                f"WHERE identifier_id IN ({marks}) AND strength = 'declared')",
                (*part, *part),
            )
            removed += conn.execute(
                f"DELETE FROM identifiers WHERE id IN ({marks}) AND id NOT IN "
                f"(SELECT identifier_id FROM record_identifiers WHERE identifier_id IN ({marks}))",
                (*part, *part),
            ).rowcount
        return removed

    def _scrub_run_notes(self, conn: sqlite3.Connection, terms: Sequence[str], pattern: re.Pattern[str] | None) -> int:
        """Replace any erased term in the load history's notes (an inferred own number that was a customer's)."""
        return _scrub_columns(conn, "ingest_runs", ("notes",), terms, pattern)

    def _scrub_audit(self, conn: sqlite3.Connection, terms: Sequence[str], pattern: re.Pattern[str] | None) -> int:
        """Replace any erased term found in the audit log (it should hold none: ids only)."""
        return _scrub_columns(conn, "audit_log", ("target", "detail"), terms, pattern)


def _scrub_columns(
    conn: sqlite3.Connection,
    table: str,
    columns: tuple[str, ...],
    terms: Sequence[str],
    pattern: re.Pattern[str] | None,
) -> int:
    """Replace every erased term in these text columns of a table (our own names, never input); rows changed."""
    if pattern is None:
        return 0
    joined = " || ' ' || ".join(columns)
    hits: set[int] = set()
    for term in {t.lower() for t in terms if t.strip()}:
        rows = conn.execute(f"SELECT id FROM {table} WHERE instr(lower({joined}), ?) > 0", (term,))
        hits.update(int(r[0]) for r in rows)
    listed, assigned = ", ".join(columns), ", ".join(f"{c} = ?" for c in columns)
    for rid in sorted(hits):
        values = conn.execute(f"SELECT {listed} FROM {table} WHERE id = ?", (rid,)).fetchone()
        conn.execute(f"UPDATE {table} SET {assigned} WHERE id = ?", (*(scrub_text(v, pattern) for v in values), rid))
    return len(hits)


def _is_json(text: str) -> bool:
    """True when text parses as JSON."""
    try:
        json.loads(text)
    except ValueError:
        return False
    return True
