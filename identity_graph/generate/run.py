"""`generate(out, people, seed)`: the whole data set, channel by channel, streamed to files."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Protocol

from identity_graph.errors import ConfigError
from identity_graph.generate import constants as c
from identity_graph.generate.calls import CallsWriter
from identity_graph.generate.campaigns import LAUNCHES, SAFETY, SAFETY_CALL_MEAN_MINUTES, SAFETY_CALL_SHARE, SAFETY_LINE
from identity_graph.generate.crm import HubSpotWriter, SalesforceWriter
from identity_graph.generate.mail import MailWriter
from identity_graph.generate.manifest import write_side_files
from identity_graph.generate.marketing import Campaign, MarketingWriter, OnSent
from identity_graph.generate.names import cities
from identity_graph.generate.people import Channel, Person
from identity_graph.generate.phones import PhonePool
from identity_graph.generate.population import build_population
from identity_graph.generate.social import XWriter
from identity_graph.generate.strangers import wrong_numbers, x_strangers
from identity_graph.generate.writer import TruthWriter

#: Fewer people than this cannot hold every hard case.
MIN_PEOPLE = 20
#: Upper bound that keeps a mistyped size from filling the disk.
MAX_PEOPLE = 1_000_000


class _PersonWriter(Protocol):
    """A channel writer: takes people one by one."""

    def add(self, p: Person) -> None:
        """Write the person's items of this channel."""


@dataclass
class Summary:
    """What was written: people, strangers, and items per file."""

    people: int
    strangers: int
    files: dict[str, int] = field(default_factory=dict)
    truth_rows: int = 0
    recycled_numbers: int = 0


def _child(rng: random.Random) -> random.Random:
    """An independent random stream drawn from rng (so one channel's changes don't shift another's)."""
    return random.Random(rng.getrandbits(64))


def _burst_collector(burst: list[tuple[Person, datetime]], rng: random.Random) -> OnSent:
    """Collects the calls the safety check's recipients make to its line: a share of them, minutes after the
    send (exponential delay), before the anchor. They are written after every other call, so the calls of
    everyone else keep their ids."""

    def heard(camp: Campaign, p: Person, sent: datetime) -> None:
        if camp.campaign_id != SAFETY.esp_id or Channel.CALLS not in p.channels:
            return
        if rng.random() >= SAFETY_CALL_SHARE:
            return
        at = sent + timedelta(minutes=rng.expovariate(1 / SAFETY_CALL_MEAN_MINUTES))
        if at < c.ANCHOR:
            burst.append((p, at))

    return heard


def check_out_dir(out: Path, overwrite: bool) -> None:
    """Refuse to write into a non-empty directory unless told to."""
    if out.exists() and not out.is_dir():
        raise ConfigError(f"{out} exists and is not a directory")
    if out.exists() and any(out.iterdir()) and not overwrite:
        raise ConfigError(f"{out} is not empty (use --force to overwrite the generated files)")


def generate(
    out: Path, people: int, seed: int, *, overwrite: bool = False, progress: Callable[[int], None] | None = None
) -> Summary:
    """Write a synthetic data set of `people` customers for `seed` into `out`; the same seed gives the same bytes."""
    if not MIN_PEOPLE <= people <= MAX_PEOPLE:
        raise ConfigError(f"--people must be between {MIN_PEOPLE} and {MAX_PEOPLE:,}, not {people}")
    check_out_dir(out, overwrite)
    out.mkdir(parents=True, exist_ok=True)
    master = random.Random(seed)
    pop_rng, extra_rng = _child(master), _child(master)
    pool = PhonePool(pop_rng, c.HOTLINES)
    population = build_population(pop_rng, pool, people)
    truth = TruthWriter(out / "truth.csv")
    sf = SalesforceWriter(out, _child(master), truth)
    hs = HubSpotWriter(out, _child(master), truth)
    calls = CallsWriter(out, _child(master), truth)
    mail = MailWriter(out, _child(master), truth, lambda: pool.take(extra_rng.choice(cities()).area_codes))
    esp_rng, x_rng = _child(master), _child(master)
    launch_rng, burst_rng, flash_rng, flash_mail_rng = _child(master), _child(master), _child(master), _child(master)
    burst: list[tuple[Person, datetime]] = []
    esp = MarketingWriter(out, esp_rng, truth, launch_rng, on_sent=_burst_collector(burst, burst_rng))
    x = XWriter(out, x_rng, truth, flash_rng)
    writers: list[tuple[Channel, _PersonWriter]] = [
        (Channel.SALESFORCE, sf), (Channel.HUBSPOT, hs), (Channel.CALLS, calls),
        (Channel.MAIL, mail), (Channel.MARKETING, esp), (Channel.X, x),
    ]  # fmt: skip
    for done, p in enumerate(population.people, 1):
        for channel, writer in writers:
            if channel in p.channels:
                writer.add(p)
        if progress is not None:
            progress(done)
    wrong_numbers(extra_rng, pool, population, calls)
    for _ in range(max(c.MIN_INTERNAL_CALLS, round(people * c.INTERNAL_CALLS_PER_PERSON))):
        calls.internal()
    for _ in range(max(c.MIN_STAFF_MAILS, round(people * c.STAFF_MAIL_PER_PERSON))):
        mail.staff_note()
    x_strangers(extra_rng, population.ids, population, x)
    for p, at in burst:
        calls.campaign_call(p, at, SAFETY_LINE)
    for p in population.people:
        if Channel.MAIL in p.channels:
            mail.flash_question(p, flash_mail_rng)
    mail.phishing(population.new_stranger_id())
    for closing in (sf, hs, calls, mail, esp, x, truth):
        closing.close()
    write_side_files(out, people, seed)
    files = {
        "crm/contacts.csv": sf.spool.count,
        "crm/hubspot.csv": hs.count,
        "calls/Master.csv": calls.spool.count,
        "mail/support.mbox": mail.spool.count,
        "marketing/sends.csv": esp.spool.count,
        "social/x_pages.jsonl": x.pager.pages,
        "campaigns/campaigns.toml": len(LAUNCHES),
    }
    return Summary(people, population.stranger_count, files, truth.count, pool.recycled)
