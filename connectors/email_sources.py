"""The mail connectors: `mbox` (streamed, one message in memory at a time), `eml` (a folder of .eml files)
and `maildir` (cur/ and new/). Own domains and addresses are inferred from a header pre-scan when unset.

Files may be gzip, bzip2 or xz compressed (`.eml.gz` included). A message cut off by the end of its file (an
mbox ending mid-line, a message file ending inside its headers) is quarantined with its line, never loaded under
a cut Message-ID. NUL bytes are stripped (counted in a notice); a second `From:` header is ignored (counted).
A folder with nothing of its format in it is an InputError.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import islice
from pathlib import Path
from typing import ClassVar

from connectors.base import ROW_ERRORS, Connector, ConnectorOptions, row_reason
from connectors.dropped import DroppedFields
from connectors.email_message import header_addresses, message_items
from connectors.ownside import PUBLIC_MAIL_DOMAINS, ShareCounter, email_domain, inferred_notice
from connectors.textio import CR, LF, NUL, LineSplitter, LineTally, line_list, open_counted
from identity_graph.errors import InputError
from identity_graph.model import Notice, SourceItem

#: Bytes of one message kept in memory; the rest of a huge message (attachments) is skipped.
MAX_MESSAGE_BYTES = 25 * 1024 * 1024
#: Bytes of a rejected message kept as its raw text in quarantine.
RAW_KEEP_BYTES = 2_000
#: File names listed in the notice of stripped NUL bytes.
NOTE_FILES = 3
#: Names of message files the `eml` format reads (compressed ones are decompressed).
EML_SUFFIXES = (".eml", ".eml.gz", ".eml.bz2", ".eml.xz")
#: The folders of a Maildir that hold messages.
MAILDIR_FOLDERS = ("cur", "new")
_FROM_ESCAPED = re.compile(rb"^>+From ")
_ENVELOPE_DATE = re.compile(rb"(\w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d \d{4})")


@dataclass(frozen=True)
class RawMessage:
    """One message's bytes with where it was found."""

    path: Path
    line: int
    data: bytes
    envelope: datetime | None = None
    broken: str | None = None  # why the message cannot be read whole (cut off, corrupt compressed data)


def cut_in_headers(data: bytes) -> bool:
    """True when a message ends mid-line before the blank line that ends its headers (its file was cut)."""
    if not data or data.endswith((LF, CR)):
        return False
    flat = data.replace(b"\r\n", LF).replace(CR, LF)
    return not flat.startswith(LF) and b"\n\n" not in flat


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
    splitter = LineSplitter()
    with open_counted(path, connector.counter) as fh:
        for line in splitter.lines(fh):
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
        cut = f"message cut off: the file ends mid-line at line {line_no}" if splitter.unended else None
        yield RawMessage(path, start, b"".join(parts), envelope, cut)


def _read_message(path: Path, connector: Connector) -> RawMessage:
    """A message file's bytes, cut at MAX_MESSAGE_BYTES; a corrupt compressed file is a broken message."""
    try:
        with open_counted(path, connector.counter) as fh:
            data = fh.read(MAX_MESSAGE_BYTES)
    except InputError as exc:
        return RawMessage(path, 1, b"", broken=str(exc))
    cut = "message cut off in its headers: the file ends mid-line" if cut_in_headers(data) else None
    return RawMessage(path, 1, data, broken=cut)


def _files_under(root: Path, wanted: Sequence[str] | None, suffix: tuple[str, ...] | None) -> Iterator[Path]:
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

    def __init__(self, options: ConnectorOptions) -> None:
        super().__init__(options)
        self.dropped = DroppedFields()
        self.nuls = LineTally()
        self._nul_files: list[str] = []

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

    def read(self, paths: Sequence[Path]) -> Iterator[SourceItem]:
        """Every item of every input, then notices of stripped NUL bytes and ignored headers."""
        yield from super().read(paths)
        yield from self.dropped.notices()
        if self.nuls.count:
            where = "; ".join(dict.fromkeys(self._nul_files))
            places = line_list(self.nuls.lines, self.nuls.count)
            message = f"NUL bytes stripped from {self.nuls.count:,} message(s) ({where}: {places})"
            yield Notice(path=self._nul_files[0], message=message)

    def read_file(self, path: Path) -> Iterator[SourceItem]:
        """Party records and the interaction of every message; a bad or cut-off message is Rejected."""
        for raw in self.messages(path):
            data = raw.data
            if NUL in data:
                data = data.replace(NUL, b"")
                self.nuls.add(raw.line)
                if len(self._nul_files) < NOTE_FILES:
                    self._nul_files.append(raw.path.name)
            text = data[:RAW_KEEP_BYTES].decode("utf-8", errors="replace")
            if raw.broken is not None:
                yield self.reject(raw.path, raw.line, raw.broken, text)
                continue
            dropped: list[tuple[str, str]] = []
            try:
                yield from message_items(self.source, data, self.own, self.options.snippet_chars, raw.envelope, dropped)
            except ROW_ERRORS as exc:
                yield self.reject(raw.path, raw.line, row_reason(exc), text)
                continue
            for name, reason in dropped:
                self.dropped.add(name, reason, raw.path, raw.line)


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

    def check(self, paths: Sequence[Path]) -> None:
        """A folder must hold .eml files (compressed ones count)."""
        super().check(paths)
        for path in paths:
            if path.is_dir() and next(_files_under(path, None, EML_SUFFIXES), None) is None:
                raise InputError(f"{path}: no .eml files in this folder (nor .eml.gz, .eml.bz2 or .eml.xz)")

    def messages(self, path: Path) -> Iterator[RawMessage]:
        """One message per .eml file, in name order."""
        for file in _files_under(path, None, EML_SUFFIXES):
            yield _read_message(file, self)


class MaildirConnector(MailConnector):
    """A Maildir: message files under `cur/` and `new/` (subfolders included)."""

    format: ClassVar[str] = "maildir"
    description: ClassVar[str] = "a Maildir folder (messages under cur/ and new/)"

    def check(self, paths: Sequence[Path]) -> None:
        """A folder must be a Maildir (cur/ or new/ inside it) with at least one message."""
        super().check(paths)
        for path in paths:
            if not path.is_dir():
                continue
            if not any(name in MAILDIR_FOLDERS for _, dirs, _ in os.walk(path) for name in dirs):
                raise InputError(f"{path} is not a Maildir: it has no cur/ or new/ folder")
            if next(_files_under(path, MAILDIR_FOLDERS, None), None) is None:
                raise InputError(f"{path}: the Maildir holds no messages (cur/ and new/ are empty)")

    def messages(self, path: Path) -> Iterator[RawMessage]:
        """One message per file under cur/ and new/, in name order."""
        for file in _files_under(path, MAILDIR_FOLDERS, None):
            yield _read_message(file, self)
