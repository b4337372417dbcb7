"""The mail connectors: `mbox` (streamed, one message in memory at a time), `eml` (a folder of .eml files)
and `maildir` (cur/ and new/). Own domains and addresses are inferred from a header pre-scan when unset."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import islice
from pathlib import Path
from typing import ClassVar

from connectors.base import ROW_ERRORS, Connector, row_reason
from connectors.email_message import header_addresses, message_items
from connectors.ownside import PUBLIC_MAIL_DOMAINS, ShareCounter, email_domain, inferred_notice
from connectors.textio import open_counted
from identity_graph.model import Notice, SourceItem

#: Bytes of one message kept in memory; the rest of a huge message (attachments) is skipped.
MAX_MESSAGE_BYTES = 25 * 1024 * 1024
#: Bytes of a rejected message kept as its raw text in quarantine.
RAW_KEEP_BYTES = 2_000
_FROM_ESCAPED = re.compile(rb"^>+From ")
_ENVELOPE_DATE = re.compile(rb"(\w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d \d{4})")


@dataclass(frozen=True)
class RawMessage:
    """One message's bytes with where it was found."""

    path: Path
    line: int
    data: bytes
    envelope: datetime | None = None


def _envelope_date(line: bytes) -> datetime | None:
    """The date of an mbox `From sender Sat Jan  3 01:05:34 1996` line, in UTC."""
    m = _ENVELOPE_DATE.search(line)
    if m is None:
        return None
    try:
        return datetime.strptime(" ".join(m.group(1).decode("ascii").split()), "%a %b %d %H:%M:%S %Y").replace(
            tzinfo=UTC
        )
    except ValueError:
        return None


def mbox_messages(path: Path, connector: Connector) -> Iterator[RawMessage]:
    """The messages of an mbox file, streamed: a `From ` line after a blank line (or first) starts one."""
    line_no, start, size, prev_blank = 0, 0, 0, True
    parts: list[bytes] = []
    envelope: datetime | None = None
    with open_counted(path, connector.counter) as fh:
        for line in fh:
            line_no += 1
            if line.startswith(b"From ") and prev_blank:
                if start:
                    yield RawMessage(path, start, b"".join(parts), envelope)
                start, size, parts, envelope = line_no, 0, [], _envelope_date(line)
                prev_blank = False
                continue
            prev_blank = not line.strip()
            if not start:
                start = line_no  # text before any From line: read it as a message
            if size < MAX_MESSAGE_BYTES:
                if _FROM_ESCAPED.match(line):
                    line = line[1:]
                parts.append(line)
                size += len(line)
    if start:
        yield RawMessage(path, start, b"".join(parts), envelope)


def _read_capped(path: Path, connector: Connector) -> bytes:
    """A message file's bytes, cut at MAX_MESSAGE_BYTES."""
    with open_counted(path, connector.counter) as fh:
        return fh.read(MAX_MESSAGE_BYTES)


def _files_under(root: Path, wanted: Sequence[str] | None, suffix: str | None) -> Iterator[Path]:
    """Files under a folder in sorted order: inside folders named in `wanted`, or with `suffix`."""
    if root.is_file():
        yield root
        return
    for folder, dirs, files in os.walk(root):
        dirs.sort()
        here = Path(folder)
        if wanted is not None and here.name not in wanted:
            continue
        for name in sorted(files):
            if name.startswith(".") or (suffix is not None and not name.lower().endswith(suffix)):
                continue
            yield here / name


class MailConnector(Connector):
    """Shared own-side pre-scan and message handling of the mail formats."""

    def messages(self, path: Path) -> Iterator[RawMessage]:
        """The raw messages of one input path."""
        raise NotImplementedError

    def prescan(self, paths: Sequence[Path]) -> Iterator[Notice]:
        """Infer our addresses and domains from the headers of the first messages, when none configured."""
        settings = self.own.settings
        if self.own.email_configured or not settings.infer:
            return
        by_address, by_domain = ShareCounter(), ShareCounter()
        saved = self.counter.done
        scan = (m for path in paths for m in self.messages(path))
        for raw in islice(scan, settings.infer_scan_items):
            try:
                found = header_addresses(raw.data)
            except ROW_ERRORS:
                continue
            by_address.add_item(found)
            by_domain.add_item(d for d in map(email_domain, found) if d and d not in PUBLIC_MAIL_DOMAINS)
        self.counter.done = saved
        addresses = by_address.frequent(settings.infer_min_share, settings.infer_min_items)
        domains = by_domain.frequent(settings.infer_min_share, settings.infer_min_items)
        for address, share in addresses.items():
            domain = email_domain(address)
            if domain not in PUBLIC_MAIL_DOMAINS:
                domains.setdefault(domain, share)
        where = str(paths[0]) if paths else ""
        if addresses:
            self.own.addresses.update(addresses)
            yield inferred_notice(where, "mail addresses", addresses, "email_addresses")
        if domains:
            self.own.domains.update(domains)
            yield inferred_notice(where, "mail domains", domains, "email_domains")

    def read_file(self, path: Path) -> Iterator[SourceItem]:
        """Party records and the interaction of every message; a bad message is Rejected."""
        for raw in self.messages(path):
            try:
                yield from message_items(self.source, raw.data, self.own, self.options.snippet_chars, raw.envelope)
            except ROW_ERRORS as exc:
                text = raw.data[:RAW_KEEP_BYTES].decode("utf-8", errors="replace")
                yield self.reject(raw.path, raw.line, row_reason(exc), text)


class MboxConnector(MailConnector):
    """A Unix mbox file (mboxo or mboxrd), as Thunderbird, Gmail Takeout and mail servers write it."""

    format: ClassVar[str] = "mbox"
    description: ClassVar[str] = "an mbox mail file (Gmail Takeout, Thunderbird, mail servers)"

    def messages(self, path: Path) -> Iterator[RawMessage]:
        """Messages of the mbox file."""
        return mbox_messages(path, self)


class EmlConnector(MailConnector):
    """A folder of `.eml` files (one message each), or a single .eml file."""

    format: ClassVar[str] = "eml"
    description: ClassVar[str] = "a folder of .eml files (one message per file)"

    def messages(self, path: Path) -> Iterator[RawMessage]:
        """One message per .eml file, in name order."""
        for file in _files_under(path, None, ".eml"):
            yield RawMessage(file, 1, _read_capped(file, self))


class MaildirConnector(MailConnector):
    """A Maildir: message files under `cur/` and `new/` (subfolders included)."""

    format: ClassVar[str] = "maildir"
    description: ClassVar[str] = "a Maildir folder (messages under cur/ and new/)"

    def messages(self, path: Path) -> Iterator[RawMessage]:
        """One message per file under cur/ and new/, in name order."""
        for file in _files_under(path, ("cur", "new"), None):
            yield RawMessage(file, 1, _read_capped(file, self))
