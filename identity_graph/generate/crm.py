"""The two CRMs: a Salesforce Contact export and the acquired brand's HubSpot contacts export."""

from __future__ import annotations

import csv
import random
from datetime import datetime, timedelta
from pathlib import Path

from identity_graph.generate import constants as c
from identity_graph.generate.entry import (
    country,
    entered_address,
    entered_email,
    entered_name,
    entered_phones,
    later,
)
from identity_graph.generate.people import Person
from identity_graph.generate.writer import Spool, TruthWriter, quoted_csv_line, quoted_csv_writer_for

SALESFORCE_HEADER = (
    "Id,FirstName,LastName,Email,Phone,MobilePhone,MailingStreet,MailingCity,MailingState,MailingPostalCode,"
    "MailingCountry,Birthdate,CreatedDate,LastModifiedDate,Twitter__c,Customer_Tier__c"
)
HUBSPOT_HEADER = (
    "Record ID,First Name,Last Name,Email,Phone Number,Mobile Phone Number,Street Address,City,State/Region,"
    "Postal Code,Country/Region,Create Date,Last Modified Date"
)
SALESFORCE_SOURCE = "crm"
HUBSPOT_SOURCE = "hubspot"
#: Salesforce key prefix of Contact, then a pod id and a reserved character.
CONTACT_PREFIX = "0035e0"
_BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_CHECKSUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"
#: Ids of duplicate contacts (created later) start this far above the first ids.
DUPLICATE_ID_OFFSET = 10**12
#: Share of Salesforce contacts whose Twitter__c holds the handle, when the person has one.
TWITTER_FIELD_SHARE = 0.5
#: The acquired brand knew its customers up to this many days before we did.
HUBSPOT_HEAD_START_DAYS = 700


def salesforce_id(n: int) -> str:
    """An 18-character Salesforce Contact id (`003...`) with its real case-checksum suffix."""
    digits = ""
    for _ in range(9):
        n, r = divmod(n, 62)
        digits = _BASE62[r] + digits
    base = CONTACT_PREFIX + digits
    suffix = ""
    for chunk in (base[0:5], base[5:10], base[10:15]):
        bits = sum(1 << i for i, ch in enumerate(chunk) if "A" <= ch <= "Z")
        suffix += _CHECKSUM[bits]
    return base + suffix


def _sf_time(moment: datetime) -> str:
    """Salesforce's export timestamp, `2024-03-05T14:22:10.000+0000`."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S.000+0000")


def _twitter_field(rng: random.Random, p: Person) -> str:
    """The Twitter__c value: blank, `@handle`, the bare handle or a profile URL."""
    if not p.handle or rng.random() >= TWITTER_FIELD_SHARE:
        return ""
    return rng.choice((f"@{p.handle}", p.handle, f"https://twitter.com/{p.handle}", f"https://x.com/{p.handle}"))


class SalesforceWriter:
    """Writes `crm/contacts.csv`; some people get a duplicate contact created later."""

    def __init__(self, out: Path, rng: random.Random, truth: TruthWriter) -> None:
        """Open the export and choose where the id counter starts."""
        self.rng = rng
        self.truth = truth
        self.next_id = rng.randrange(62**6, 62**7)
        self.swapped = 0
        self.spool: Spool[list[str]] = Spool(
            out / "crm" / "contacts.csv",
            key=lambda row: row[0],
            write=quoted_csv_writer_for,
            header=quoted_csv_line(SALESFORCE_HEADER.split(",")),
        )

    def add(self, p: Person) -> None:
        """One contact for the person, and sometimes a duplicate."""
        self.spool.add(self._row(p, self.next_id, p.since))
        self.next_id += self.rng.randrange(1, 50)
        if self.rng.random() < c.CRM_DUPLICATE_SHARE:
            created = later(self.rng, p.since)
            swap = self.swapped < c.MIN_SWAPPED_DUPLICATES
            self.swapped += swap
            self.spool.add(self._row(p, self.next_id + DUPLICATE_ID_OFFSET, created, swap))

    def _row(self, p: Person, number: int, created: datetime, swap: bool = False) -> list[str]:
        """One Contact row as a user typed it (names swapped when asked)."""
        rng = self.rng
        first, last = entered_name(rng, p, swap)
        phone, mobile = entered_phones(rng, p)
        street, city, state, postal = entered_address(rng, p)
        known = "twin" in p.traits or rng.random() < c.BIRTHDATE_KNOWN_SHARE  # twins: the dob is the trap
        birthdate = p.dob.isoformat() if known else ""
        record_id = salesforce_id(number)
        self.truth.add(SALESFORCE_SOURCE, record_id, p.pid)
        return [
            record_id, first, last, entered_email(rng, p), phone, mobile, street, city, state, postal,
            country(rng), birthdate, _sf_time(created), _sf_time(later(rng, created)), _twitter_field(rng, p),
            p.tier,
        ]  # fmt: skip

    def close(self) -> None:
        """Finish the file."""
        self.spool.close()


class HubSpotWriter:
    """Writes `crm/hubspot.csv` in HubSpot's default export columns."""

    def __init__(self, out: Path, rng: random.Random, truth: TruthWriter) -> None:
        """Open the export and choose where record ids start."""
        self.rng = rng
        self.truth = truth
        self.next_id = rng.randrange(10**10, 5 * 10**10)
        self.file = (out / "crm" / "hubspot.csv").open("w", encoding="utf-8", newline="")
        self.csv = csv.writer(self.file)
        self.csv.writerow(HUBSPOT_HEADER.split(","))
        self.count = 0

    def add(self, p: Person) -> None:
        """One HubSpot contact for the person."""
        rng = self.rng
        record_id = str(self.next_id)
        self.next_id += rng.randrange(1, 400)
        first, last = entered_name(rng, p)
        phone, mobile = entered_phones(rng, p)
        street, city, state, postal = entered_address(rng, p, state_names=True)
        created = later(rng, p.since - timedelta(days=rng.randrange(HUBSPOT_HEAD_START_DAYS)))
        self.csv.writerow(
            [
                record_id, first, last, entered_email(rng, p), phone, mobile, street, city, state, postal,
                country(rng), created.strftime("%Y-%m-%d %H:%M"), later(rng, created).strftime("%Y-%m-%d %H:%M"),
            ]
        )  # fmt: skip
        self.truth.add(HUBSPOT_SOURCE, record_id, p.pid)
        self.count += 1

    def close(self) -> None:
        """Finish the file."""
        self.file.close()
