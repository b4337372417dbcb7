"""The campaign registry of the Neo4j store: `(:Campaign)` nodes keyed by `campaign_id` (the stored form of
`store/campaigns.py`, as in the embedded store)."""

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
from identity_graph.store.neo4j import cypher
from identity_graph.store.neo4j.base import Neo4jBase, Tx, count_of, now, run

#: The `(:Counter)` that numbers audit entries (shared with the service mixin's `add_audit`).
AUDIT_COUNTER = "audit"


def _audit(tx: Tx, ids: list[int], at: str, actor: str, action: str, campaign_id: str, detail: str) -> None:
    """One audit entry about a campaign, inside the caller's transaction."""
    (entry_id,) = ids
    target = campaign_target(campaign_id)
    run(tx, cypher.ADD_AUDIT, id=entry_id, now=at, actor=actor, action=action, target=target, detail=detail)


class Neo4jCampaignsMixin(Neo4jBase):
    """Saves, reads and removes registered campaigns; every change is audited in the same transaction."""

    def save_campaign(self, campaign: Campaign, actor: str) -> None:
        """Insert or replace a campaign by its id; audited as a change by `actor`."""
        values = campaign_values(campaign)

        def work(tx: Tx) -> None:
            at = now()
            existed = bool(run(tx, cypher.CAMPAIGN_DATA, campaign_id=campaign.campaign_id))
            run(
                tx,
                cypher.SAVE_CAMPAIGN,
                campaign_id=values["campaign_id"],
                name=values["name"],
                channel=values["channel"],
                starts_at=values["starts_at"],
                ends_at=values["ends_at"],
                data=values["data"],
                changed_at=at,
                changed_by=actor,
            )
            ids = self._next_ids(tx, AUDIT_COUNTER, 1)
            _audit(tx, ids, at, actor, AUDIT_SAVE, campaign.campaign_id, save_detail(existed))

        self._write(work)

    def campaign(self, campaign_id: str) -> Campaign | None:
        """One campaign by id (None when there is none)."""
        rows = self._query(cypher.CAMPAIGN_DATA, campaign_id=campaign_id)
        return campaign_from_data(rows[0]["data"]) if rows else None

    def campaigns(self) -> list[Campaign]:
        """Every registered campaign, by start (then id)."""
        return [campaign_from_data(r["data"]) for r in self._query(cypher.ALL_CAMPAIGNS)]

    def delete_campaign(self, campaign_id: str, actor: str) -> bool:
        """Remove a campaign; False when there was none. Audited as a change by `actor` when one went."""

        def work(tx: Tx) -> bool:
            gone = count_of(run(tx, cypher.DELETE_CAMPAIGN, campaign_id=campaign_id))
            if gone:
                ids = self._next_ids(tx, AUDIT_COUNTER, 1)
                _audit(tx, ids, now(), actor, AUDIT_DELETE, campaign_id, "")
            return bool(gone)

        return self._write(work)
