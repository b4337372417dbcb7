"""The spike watch: contacts per hour that relate to a campaign, against its usual rate, flagged when a wave starts.

A contact is an inbound call, mail or post. It relates to a campaign when
- a call dialled one of the campaign's numbers (its DNIS or a number printed in it): `number`;
- a mail or post mentions its domains, short links, post URLs or offer codes: `mention` (not its social
  accounts: customers mention the brand's account about everything);
- a mail's subject is close to one of its subject lines (`Re:`/`Fwd:` dropped, token-sorted similarity at least
  `subject_score`): `subject`;
- or it comes from a person the campaign was sent to, within `recipient_hours` after their send: `recipient`.
Each contact counts once per campaign (the first reason in that order is kept), and a contact that names one
campaign (its number, a mention or its subject) is not counted as a recipient's reply to another.

The usual rate is the median of the hourly counts over the `baseline_days` days before the hours shown, never
below `floor`. An hour is high when its count reaches `factor` times the usual rate and at least `min_count`
contacts. A wave starts at the first of `consecutive_hours` high hours in a row, or at once at a single hour
reaching `surge_factor` times that bar (a one-hour flood). The counting is one pass over the window's
interactions, oldest first, for every campaign at once.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from functools import lru_cache

from pydantic import BaseModel, ConfigDict, Field, computed_field
from rapidfuzz import fuzz

from identity_graph.campaigns.model import Campaign
from identity_graph.campaigns.sends import Sends
from identity_graph.model import Channel, Direction
from identity_graph.store.protocol import GraphStore
from identity_graph.store.window import WindowItem
from matchers.normalize import normalize_phone

HOUR = timedelta(hours=1)
#: Channels whose inbound interactions are contacts (campaign events such as opens are not).
CONTACT_CHANNELS = (Channel.CALL, Channel.EMAIL, Channel.SOCIAL)
#: Reply and forward prefixes dropped from a subject before it is compared (`Re:`, `Fwd:`, `AW:`, `TR:`...).
_PREFIX = re.compile(r"^\s*((re|fw|fwd|aw|wg|tr|sv|vs)\s*(\[\d+\])?\s*:\s*)+", re.IGNORECASE)


class SpikeSettings(BaseModel):
    """The spike watch's named settings (docs/campaigns.md explains each)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    baseline_days: int = Field(14, ge=1, le=90, description="days before the shown hours that make the usual rate")
    floor: float = Field(1.0, gt=0, description="the usual rate is never taken below this many contacts an hour")
    factor: float = Field(3.0, ge=1, description="an hour is high at this many times the usual rate")
    min_count: int = Field(5, ge=1, description="an hour is never high with fewer contacts than this")
    consecutive_hours: int = Field(2, ge=1, le=24, description="high hours in a row that start a wave")
    surge_factor: float = Field(2.0, ge=1, description="one hour at this many times the bar starts a wave at once")
    shown_hours: int = Field(48, ge=6, le=24 * 14, description="hours drawn and searched for waves, up to now")
    recipient_hours: int = Field(72, ge=1, le=24 * 30, description="a recipient's contact counts this long after")
    subject_score: float = Field(85.0, ge=50, le=100, description="subject similarity (0-100) that counts")


class Reason(StrEnum):
    """Why a contact was counted for a campaign."""

    NUMBER = "number"
    MENTION = "mention"
    SUBJECT = "subject"
    RECIPIENT = "recipient"


class HourCount(BaseModel):
    """One hour of the chart: its start (UTC), the related contacts in it and whether it is part of a wave."""

    model_config = ConfigDict(frozen=True)

    hour: datetime
    count: int
    in_wave: bool = False


class Wave(BaseModel):
    """A run of high hours: when it started, its busiest hour and whether it is still going at the last hour."""

    model_config = ConfigDict(frozen=True)

    started_at: datetime
    hours: int
    peak_at: datetime
    peak: int
    ongoing: bool


class SpikeWatch(BaseModel):
    """One campaign's watch: the hourly counts shown, the usual rate, the bar an hour must reach, the waves."""

    model_config = ConfigDict(frozen=True)

    campaign_id: str
    usual_rate: float = Field(description="contacts an hour usually (median over the baseline, at least the floor)")
    bar: float = Field(description="contacts an hour must reach to be high")
    hours: list[HourCount]
    waves: list[Wave]
    total: int = Field(description="related contacts in the hours shown")
    by_reason: dict[str, int]

    @computed_field  # type: ignore[prop-decorator]
    @property
    def flagged(self) -> bool:
        """True when a wave started in the hours shown."""
        return bool(self.waves)


@lru_cache(maxsize=20_000)
def _e164(raw: str, region: str) -> str | None:
    """A dialled number in E.164 (cached: a contact center's lines are few)."""
    return normalize_phone(raw, region)


def _subject_key(text: str) -> str:
    """A subject without reply/forward prefixes, lower-cased, spaces collapsed."""
    return " ".join(_PREFIX.sub("", text).lower().split())


def _strip_scheme(url: str) -> str:
    """`https://acme.ly/x?y` -> `acme.ly/x?y` (lower case)."""
    return re.sub(r"^[a-z][a-z0-9+.-]*://", "", url.strip().lower()).rstrip("/")


def _terms(c: Campaign) -> list[str]:
    """The texts whose mention ties a message to the campaign. Its social accounts are not among them: customers
    mention the brand's account about everything, so a mention of it says nothing about one campaign."""
    links = [_strip_scheme(u) for u in (*c.short_links, *c.post_urls)]
    return [t for t in (*c.sending_domains, *c.link_domains, *links, *c.offer_codes) if t]


@dataclass(frozen=True, slots=True)
class Signals:
    """What ties a contact to one campaign, prepared once before the pass."""

    campaign_id: str
    numbers: frozenset[str]
    mention: re.Pattern[str] | None
    subjects: tuple[str, ...]
    first_sent: dict[int, datetime]

    @classmethod
    def of(cls, campaign: Campaign, sends: Sends | None) -> Signals:
        """The signals of a campaign and its recipients so far."""
        terms = sorted({t.lower() for t in _terms(campaign)}, key=len, reverse=True)
        pattern = None
        if terms:
            alternatives = "|".join(re.escape(t) for t in terms)
            pattern = re.compile(rf"(?<![a-z0-9_-])(?:{alternatives})(?![a-z0-9_-]|\.[a-z0-9])", re.IGNORECASE)
        subjects = tuple(k for k in (_subject_key(s) for s in campaign.subjects) if k)
        numbers = frozenset((*campaign.dnis, *campaign.phone_numbers))
        return cls(campaign.campaign_id, numbers, pattern, subjects, dict(sends.first_sent) if sends else {})

    def reason(self, item: WindowItem, region: str, settings: SpikeSettings) -> Reason | None:
        """Why this contact relates to the campaign, or None."""
        x = item.interaction
        if x.channel is Channel.CALL:
            dialled = x.attributes.get("dnis")
            if dialled and self.numbers and _e164(dialled, region) in self.numbers:
                return Reason.NUMBER
        else:
            text = " ".join(filter(None, (x.subject, x.summary, *x.attributes.values())))
            if self.mention is not None and self.mention.search(text):
                return Reason.MENTION
            if x.subject and self.subjects:
                key = _subject_key(x.subject)
                if any(fuzz.token_sort_ratio(key, s) >= settings.subject_score for s in self.subjects):
                    return Reason.SUBJECT
        limit = timedelta(hours=settings.recipient_hours)
        for person in item.person_ids:
            sent = self.first_sent.get(person)
            if sent is not None and sent <= x.occurred_at <= sent + limit:
                return Reason.RECIPIENT
        return None


def hour_floor(at: datetime) -> datetime:
    """The start of the UTC hour holding `at`."""
    return at.astimezone(UTC).replace(minute=0, second=0, microsecond=0)


def usual_rate(counts: Sequence[int], floor: float) -> float:
    """The median hourly count of the baseline hours, never below the floor."""
    return max(floor, float(statistics.median(counts))) if counts else floor


def find_waves(hours: Sequence[HourCount], bar: float, settings: SpikeSettings) -> list[Wave]:
    """Runs of high hours that start a wave: `consecutive_hours` in a row, or one hour at `surge_factor` x bar."""
    waves: list[Wave] = []
    run: list[HourCount] = []
    for i, h in enumerate([*hours, None]):
        if h is not None and h.count >= bar:
            run.append(h)
            continue
        surged = any(r.count >= settings.surge_factor * bar for r in run)
        if run and (len(run) >= settings.consecutive_hours or surged):
            peak = max(run, key=lambda r: r.count)
            ongoing = i == len(hours)
            waves.append(
                Wave(started_at=run[0].hour, hours=len(run), peak_at=peak.hour, peak=peak.count, ongoing=ongoing)
            )
        run = []
    return waves


def _series(counts: list[int], first_hour: datetime, shown: int, settings: SpikeSettings, cid: str) -> SpikeWatch:
    """The watch of one campaign from its hourly counts over baseline + shown hours."""
    base = counts[: len(counts) - shown]
    rate = usual_rate(base, settings.floor)
    bar = max(settings.factor * rate, float(settings.min_count))
    start = len(counts) - shown
    hours = [HourCount(hour=first_hour + HOUR * (start + k), count=n) for k, n in enumerate(counts[start:])]
    waves = find_waves(hours, bar, settings)
    wave_hours = {w.started_at + HOUR * k for w in waves for k in range(w.hours)}
    hours = [h.model_copy(update={"in_wave": h.hour in wave_hours}) for h in hours]
    return SpikeWatch(
        campaign_id=cid, usual_rate=rate, bar=bar, hours=hours, waves=waves, total=sum(counts[start:]), by_reason={}
    )


def watch(
    store: GraphStore,
    campaigns: Sequence[Campaign],
    sends: dict[str, Sends],
    at: datetime,
    region: str,
    settings: SpikeSettings | None = None,
) -> dict[str, SpikeWatch]:
    """Each campaign's spike watch up to `at` (the hour holding `at` is the last one shown), by campaign id."""
    settings = settings or SpikeSettings()
    last = hour_floor(at)
    shown, base = settings.shown_hours, settings.baseline_days * 24
    first = last - HOUR * (shown + base - 1)
    signals = [Signals.of(c, sends.get(c.campaign_id)) for c in campaigns]
    counts = {s.campaign_id: [0] * (shown + base) for s in signals}
    reasons: dict[str, dict[str, int]] = {s.campaign_id: {} for s in signals}
    for item in store.interactions_between(first, min(last + HOUR, at), CONTACT_CHANNELS):
        if item.interaction.direction is not Direction.INBOUND:
            continue
        slot = int((item.interaction.occurred_at - first).total_seconds() // 3600)
        found = [(s.campaign_id, why) for s in signals if (why := s.reason(item, region, settings)) is not None]
        if any(why is not Reason.RECIPIENT for _, why in found):  # named by one campaign: not another's reply
            found = [(cid, why) for cid, why in found if why is not Reason.RECIPIENT]
        for cid, why in found:
            counts[cid][slot] += 1
            if slot >= base:
                tally = reasons[cid]
                tally[why.value] = tally.get(why.value, 0) + 1
    out = {}
    for s in signals:
        w = _series(counts[s.campaign_id], first, shown, settings, s.campaign_id)
        out[s.campaign_id] = w.model_copy(update={"by_reason": reasons[s.campaign_id]})
    return out
