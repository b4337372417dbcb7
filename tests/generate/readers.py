"""Read a generated data set back with the standard tools (csv, mailbox, json, tomllib) for the tests."""

from __future__ import annotations

import csv
import json
import mailbox
import tomllib
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from functools import cached_property
from pathlib import Path
from typing import Any

CDR_FIELDS = [
    "accountcode",
    "src",
    "dst",
    "dcontext",
    "clid",
    "channel",
    "dstchannel",
    "lastapp",
    "lastdata",
    "start",
    "answer",
    "end",
    "duration",
    "billsec",
    "disposition",
    "amaflags",
    "uniqueid",
    "userfield",
]


@dataclass
class DataSet:
    """A generated directory, parsed lazily."""

    root: Path
    _cache: dict[str, Any] = field(default_factory=dict)

    def _csv(self, name: str) -> list[dict[str, str]]:
        with (self.root / name).open(encoding="utf-8", newline="") as f:
            return list(csv.DictReader(f))

    @cached_property
    def salesforce(self) -> list[dict[str, str]]:
        """Rows of crm/contacts.csv."""
        return self._csv("crm/contacts.csv")

    @cached_property
    def hubspot(self) -> list[dict[str, str]]:
        """Rows of crm/hubspot.csv."""
        return self._csv("crm/hubspot.csv")

    @cached_property
    def sends(self) -> list[dict[str, str]]:
        """Rows of marketing/sends.csv."""
        return self._csv("marketing/sends.csv")

    @cached_property
    def calls(self) -> list[dict[str, str]]:
        """Rows of calls/Master.csv, keyed by the CDR column names."""
        with (self.root / "calls/Master.csv").open(encoding="utf-8", newline="") as f:
            return [dict(zip(CDR_FIELDS, row, strict=True)) for row in csv.reader(f)]

    @cached_property
    def mails(self) -> list[EmailMessage]:
        """Messages of mail/support.mbox, parsed with the modern email policy."""
        parser = BytesParser(policy=policy.default)
        box = mailbox.mbox(self.root / "mail/support.mbox", create=False)
        try:
            out = []
            for key in box.iterkeys():
                msg = parser.parsebytes(box.get_bytes(key))
                assert isinstance(msg, EmailMessage)
                out.append(msg)
            return out
        finally:
            box.close()

    @cached_property
    def pages(self) -> list[dict[str, Any]]:
        """Pages of social/x_pages.jsonl."""
        with (self.root / "social/x_pages.jsonl").open(encoding="utf-8") as f:
            return [json.loads(line) for line in f]

    @cached_property
    def truth(self) -> list[dict[str, str]]:
        """Rows of truth.csv."""
        return self._csv("truth.csv")

    @cached_property
    def truth_map(self) -> dict[tuple[str, str], str]:
        """(source, source_id) -> person_id."""
        return {(r["source"], r["source_id"]): r["person_id"] for r in self.truth}

    @cached_property
    def manifest(self) -> dict[str, Any]:
        """manifest.toml."""
        return tomllib.loads((self.root / "manifest.toml").read_text(encoding="utf-8"))

    def person(self, source: str, source_id: str) -> str:
        """The true person of an item."""
        return self.truth_map[(source, source_id)]


def message_id(msg: EmailMessage) -> str:
    """A message's Message-ID without angle brackets."""
    return str(msg["Message-ID"]).strip().strip("<>")


def body_text(msg: EmailMessage) -> str:
    """The text/plain body."""
    part = msg.get_body(preferencelist=("plain",))
    assert part is not None and isinstance(part, EmailMessage)
    return str(part.get_content())
