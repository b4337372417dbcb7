"""The campaign registry of the embedded store: the `campaigns` table (schema version 6)."""

from __future__ import annotations

from identity_graph.campaigns.model import Campaign
from identity_graph.store.campaigns import (
    AUDIT_DELETE,
    AUDIT_SAVE,
    campaign_from_data,
    campaign_target,
    campaign_values,
    save_detail,
)
from identity_graph.store.sqlite_base import SQLiteBase, utcnow

_UPSERT = (
    "INSERT INTO campaigns (campaign_id, name, channel, starts_at, ends_at, data, changed_at, changed_by) "
    "VALUES (:campaign_id, :name, :channel, :starts_at, :ends_at, :data, :changed_at, :changed_by) "
    "ON CONFLICT (campaign_id) DO UPDATE SET name = excluded.name, channel = excluded.channel, "
    "starts_at = excluded.starts_at, ends_at = excluded.ends_at, data = excluded.data, "
    "changed_at = excluded.changed_at, changed_by = excluded.changed_by"
)
_AUDIT = "INSERT INTO audit_log(at, actor, action, target, detail) VALUES (?, ?, ?, ?, ?)"


class SQLiteCampaignsMixin(SQLiteBase):
    """Saves, reads and removes registered campaigns; every change is audited in the same transaction."""

    def save_campaign(self, campaign: Campaign, actor: str) -> None:
        """Insert or replace a campaign by its id; audited as a change by `actor`."""
        values = campaign_values(campaign) | {"changed_at": utcnow(), "changed_by": actor}
        with self.transaction() as conn:
            existed = conn.execute("SELECT 1 FROM campaigns WHERE campaign_id = ?", (campaign.campaign_id,)).fetchone()
            conn.execute(_UPSERT, values)
            target = campaign_target(campaign.campaign_id)
            conn.execute(_AUDIT, (values["changed_at"], actor, AUDIT_SAVE, target, save_detail(existed is not None)))

    def campaign(self, campaign_id: str) -> Campaign | None:
        """One campaign by id (None when there is none)."""
        rows = self.query("SELECT data FROM campaigns WHERE campaign_id = ?", (campaign_id,))
        return campaign_from_data(rows[0]["data"]) if rows else None

    def campaigns(self) -> list[Campaign]:
        """Every registered campaign, by start (then id)."""
        rows = self.query("SELECT data FROM campaigns ORDER BY starts_at, campaign_id")
        return [campaign_from_data(r["data"]) for r in rows]

    def delete_campaign(self, campaign_id: str, actor: str) -> bool:
        """Remove a campaign; False when there was none. Audited as a change by `actor` when one went."""
        with self.transaction() as conn:
            gone = conn.execute("DELETE FROM campaigns WHERE campaign_id = ?", (campaign_id,)).rowcount
            if gone:
                conn.execute(_AUDIT, (utcnow(), actor, AUDIT_DELETE, campaign_target(campaign_id), ""))
        return bool(gone)
