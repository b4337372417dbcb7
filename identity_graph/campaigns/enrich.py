"""Enrich registered campaigns from the send logs already loaded (`esp-csv` CAMPAIGN interactions).

A send log row carries the ESP's campaign id and name, the sender address and the subject line
(`connectors/esp.py`: attributes `campaign_id`, `campaign_name`, `from_address`; the interaction's subject).
Each ESP campaign is matched to a registered campaign by external id (or campaign id), else by name (case and
spacing aside); the match gains the ESP's id, the sender addresses, their registrable sending domains and the
subject lines it does not have yet. ESP campaigns that match nothing are reported, never registered by guess.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from identity_graph.campaigns import normalize
from identity_graph.campaigns.load import register
from identity_graph.campaigns.model import Campaign
from identity_graph.model import Channel, StoredInteraction
from identity_graph.store.protocol import GraphStore

#: How far back send logs are read (the whole history by default).
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
#: Subject lines kept per campaign (the most frequent first); more are rarely a real campaign's.
MAX_SUBJECTS = 20
#: Sender addresses kept per campaign.
MAX_SENDERS = 20


@dataclass
class EspCampaign:
    """What the send logs say about one ESP campaign."""

    esp_id: str
    name: str
    sends: int = 0
    senders: dict[str, int] = field(default_factory=dict)
    subjects: dict[str, int] = field(default_factory=dict)


@dataclass
class EnrichResult:
    """What enrichment did: sends read, campaigns changed, ESP campaigns that matched nothing (their names)."""

    sends: int = 0
    enriched: list[str] = field(default_factory=list)
    unmatched: list[str] = field(default_factory=list)


def _key(text: str) -> str:
    """A name compared without case or extra spaces."""
    return " ".join(text.lower().split())


def esp_campaigns(store: GraphStore, since: datetime = EPOCH, until: datetime | None = None) -> list[EspCampaign]:
    """The ESP campaigns in the loaded send logs, with their senders and subjects counted."""
    found: dict[tuple[str, str], EspCampaign] = {}
    end = until or datetime.now(UTC) + timedelta(days=366)
    for item in store.interactions_between(since, end, [Channel.CAMPAIGN]):
        act: StoredInteraction = item.interaction
        attrs = act.attributes
        esp_id, name = attrs.get("campaign_id", ""), attrs.get("campaign_name", "")
        sender = attrs.get("from_address", "")
        if not (esp_id or name) or not (sender or act.subject):
            continue  # not a send log row (a Salesforce member, a row without its campaign)
        entry = found.setdefault((esp_id, name), EspCampaign(esp_id, name))
        entry.sends += 1
        if sender:
            entry.senders[sender] = entry.senders.get(sender, 0) + 1
        if act.subject:
            entry.subjects[act.subject] = entry.subjects.get(act.subject, 0) + 1
    return list(found.values())


def match(esp: EspCampaign, registry: Sequence[Campaign]) -> Campaign | None:
    """The registered campaign an ESP campaign is: by id among external ids (or the campaign id), else by name."""
    if esp.esp_id:
        for campaign in registry:
            if esp.esp_id in campaign.external_ids or esp.esp_id == campaign.campaign_id:
                return campaign
    if esp.name:
        return next((c for c in registry if _key(c.name) == _key(esp.name)), None)
    return None


def _top(counts: dict[str, int], n: int) -> list[str]:
    """The n most frequent values (ties in first-seen order)."""
    return [v for v, _ in sorted(counts.items(), key=lambda kv: -kv[1])[:n]]


def enriched(campaign: Campaign, esp: EspCampaign) -> Campaign:
    """The campaign with the ESP campaign's id, senders, sending domains and subjects added (nothing removed)."""
    senders, domains = [], []
    for raw in _top(esp.senders, MAX_SENDERS):
        try:
            senders.append(normalize.sender_address(raw))
            domains.append(normalize.registrable_domain(raw))
        except ValueError:
            continue  # a malformed From in a log is no reason to stop
    return campaign.model_copy(
        update={
            "external_ids": tuple(dict.fromkeys([*campaign.external_ids, *([esp.esp_id] if esp.esp_id else [])])),
            "sender_addresses": tuple(dict.fromkeys([*campaign.sender_addresses, *senders])),
            "sending_domains": tuple(dict.fromkeys([*campaign.sending_domains, *domains])),
            "subjects": tuple(dict.fromkeys([*campaign.subjects, *_top(esp.subjects, MAX_SUBJECTS)])),
        }
    )


def enrich_from_send_logs(store: GraphStore, actor: str) -> EnrichResult:
    """Add what the loaded send logs know to the matching registered campaigns; each change audited."""
    registry = {c.campaign_id: c for c in store.campaigns()}
    before = dict(registry)
    result = EnrichResult()
    for esp in esp_campaigns(store):
        result.sends += esp.sends
        known = match(esp, list(registry.values()))
        if known is None:
            result.unmatched.append(esp.name or esp.esp_id)
            continue
        registry[known.campaign_id] = enriched(known, esp)
    changed = [c for c in registry.values() if c != before[c.campaign_id]]
    register(store, changed, actor)
    result.enriched = [c.campaign_id for c in changed]
    return result
