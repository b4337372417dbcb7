"""The email platform's send log `marketing/sends.csv`: campaign sends, opens, clicks, bounces, unsubscribes."""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from identity_graph.generate import constants as c
from identity_graph.generate.campaigns import LAUNCHES
from identity_graph.generate.people import Person
from identity_graph.generate.variants import email_variant
from identity_graph.generate.writer import Spool, TruthWriter, csv_writer_for

SOURCE = "marketing"
HEADER = "event_id,campaign_id,campaign_name,email,first_name,sent_at,from_address,subject,event"
#: Campaign themes, cycled over the history, with their subject lines.
THEMES = (
    ("Spring Sale", "Spring is here: 20% off everything"),
    ("Summer Clearance", "Last chance: summer prices end Sunday"),
    ("Back to School", "Get ready for the new term"),
    ("Black Friday Early Access", "You're on the list ⚡ early access starts now"),
    ("Holiday Gift Guide", "Gifts they'll actually use"),
    ("New Year Reset", "New year, new kitchen"),
    ("Product News", "Meet the new Acme blender"),
    ("Loyalty Rewards", "Your points are waiting"),
)
#: Delay ranges after the send, seconds: open, then click or unsubscribe after the open.
OPEN_DELAY = (60, 3 * 86400)
CLICK_DELAY = (5, 600)
#: Share of subscribers whose merge field holds no first name.
NO_FIRST_NAME_SHARE = 0.1


@dataclass(frozen=True, slots=True)
class Campaign:
    """One campaign: id, name, subject, send time and the address it is sent from."""

    campaign_id: str
    name: str
    subject: str
    sent: datetime
    sender: str = c.NEWSLETTER_ADDRESS
    receive_share: float = c.CAMPAIGN_RECEIVE_SHARE


#: Called for every send: the campaign, the person it reached and when (the safety check's calls follow it).
OnSent = Callable[[Campaign, Person, datetime], None]


def campaigns() -> tuple[Campaign, ...]:
    """CAMPAIGN_COUNT campaigns spread evenly over the history, the last one before the anchor, then the
    registered launches that were mailed (campaigns.py)."""
    step = timedelta(days=c.HISTORY_DAYS / c.CAMPAIGN_COUNT)
    start = c.ANCHOR - timedelta(days=c.HISTORY_DAYS)
    out = []
    for i in range(c.CAMPAIGN_COUNT):
        sent = (start + step * (i + 0.5)).replace(hour=15, minute=0, second=0)
        name, subject = THEMES[i % len(THEMES)]
        out.append(Campaign(f"cmp_{sent:%Y%m}_{i + 1:02d}", f"{name} {sent.year}", subject, sent))
    for launch in LAUNCHES:
        if launch.esp_id and launch.sent_at is not None:
            sent = launch.sent_at
            out.append(Campaign(launch.esp_id, launch.name, launch.subject, sent, launch.sender, launch.receive_share))
    return tuple(out)


def _stamp(moment: datetime) -> str:
    """ISO 8601 UTC with a Z."""
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


class MarketingWriter:
    """Writes every event of every campaign a subscriber received, and its truth.

    The registered launches (campaigns.py) draw from their own random stream, so adding them left the older
    campaigns' events as they were."""

    def __init__(
        self,
        out: Path,
        rng: random.Random,
        truth: TruthWriter,
        launch_rng: random.Random | None = None,
        on_sent: OnSent | None = None,
    ) -> None:
        """Open the send log; `on_sent` hears of every send."""
        self.rng = rng
        self.launch_rng = launch_rng or rng
        self.truth = truth
        self.on_sent = on_sent
        everything = campaigns()
        launch_ids = {launch.esp_id for launch in LAUNCHES}
        self.campaigns = tuple(k for k in everything if k.campaign_id not in launch_ids)
        self.launches = tuple(k for k in everything if k.campaign_id in launch_ids)
        self.spool: Spool[list[str]] = Spool(
            out / "marketing" / "sends.csv", key=lambda r: r[5] + r[0], write=csv_writer_for, header=HEADER + "\r\n"
        )

    def _event(
        self, rng: random.Random, camp: Campaign, email: str, first: str, moment: datetime, event: str, pid: str
    ) -> None:
        """One row of the log (an event after the anchor has not happened yet and is not written)."""
        event_id = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        if moment > c.ANCHOR:
            return
        row = [event_id, camp.campaign_id, camp.name, email, first, _stamp(moment), camp.sender]
        self.spool.add([*row, camp.subject, event])
        self.truth.add(SOURCE, event_id, pid)

    def add(self, p: Person) -> None:
        """The person's events for each campaign sent after they subscribed, until a bounce or unsubscribe."""
        rng = self.rng
        email = email_variant(rng, p.email) if rng.random() < c.ESP_TAGGED_ADDRESS_SHARE else p.email
        first = "" if rng.random() < NO_FIRST_NAME_SHARE else rng.choice((p.given, p.first))
        for camp in self.campaigns:
            if not self._receive(rng, camp, p, email, first):
                return
        for camp in self.launches:
            if not self._receive(self.launch_rng, camp, p, email, first):
                return

    def _receive(self, rng: random.Random, camp: Campaign, p: Person, email: str, first: str) -> bool:
        """The person's events of one campaign; False when they bounced or unsubscribed (no more sends)."""
        if camp.sent < p.since or rng.random() >= camp.receive_share:
            return True
        sent = camp.sent + timedelta(seconds=rng.randrange(3600))
        self._event(rng, camp, email, first, sent, "sent", p.pid)
        if self.on_sent is not None:
            self.on_sent(camp, p, sent)
        if rng.random() < c.BOUNCE_SHARE:
            self._event(rng, camp, email, first, sent + timedelta(seconds=rng.randrange(1, 90)), "bounce", p.pid)
            return False
        if rng.random() >= c.OPEN_SHARE:
            return True
        opened = sent + timedelta(seconds=rng.randrange(*OPEN_DELAY))
        self._event(rng, camp, email, first, opened, "open", p.pid)
        if rng.random() < c.CLICK_SHARE:
            clicked = opened + timedelta(seconds=rng.randrange(*CLICK_DELAY))
            self._event(rng, camp, email, first, clicked, "click", p.pid)
        if rng.random() < c.UNSUBSCRIBE_SHARE:
            moment = opened + timedelta(seconds=rng.randrange(*CLICK_DELAY))
            self._event(rng, camp, email, first, moment, "unsubscribe", p.pid)
            return False
        return True

    def close(self) -> None:
        """Finish the file."""
        self.spool.close()
