"""Streaming text input: byte counting for progress, BOM and encoding detection, line tracking.

A file is read line by line as bytes and decoded one line at a time, so memory stays constant whatever the
file size. UTF-8 (with or without BOM) is the default; a line that is not valid UTF-8 is decoded as cp1252
(Windows Latin-1) and the file gets a notice, so text is never garbled silently. A file with a UTF-16 BOM, or
an explicit `encoding` option, is decoded in that encoding. A gzip, bzip2 or xz file is decompressed as it is
read (`connectors.packed`). Lines end at LF, CRLF or a bare CR (classic Mac OS files, and files mixing them);
bare CRs are told in a notice. NUL bytes are stripped and counted in a notice.
"""

from __future__ import annotations

import codecs
import io
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from connectors.packed import unpack
from identity_graph.errors import ConfigError
from identity_graph.model import Notice

#: Bytes inspected at the start of a file for a byte order mark.
PROBE_BYTES = 4
#: Encoding used when a file (or a line) is not valid UTF-8.
FALLBACK_ENCODING = "cp1252"
#: Read buffer of binary files, in bytes.
BUFFER_BYTES = 1 << 16
#: Line numbers listed in a notice about some lines (the count says how many in all).
NOTE_LINES = 10
NUL = b"\x00"
CR, LF = b"\r", b"\n"


class ByteCounter:
    """Bytes read so far across the files of one load (polled by the pipeline for its progress bar)."""

    def __init__(self) -> None:
        self.done = 0

    def add(self, n: int) -> None:
        """Count n more bytes."""
        self.done += n


class CountingReader(io.RawIOBase):
    """A raw binary stream that counts what passes through it."""

    def __init__(self, inner: BinaryIO, counter: ByteCounter) -> None:
        super().__init__()
        self._inner = inner
        self._counter = counter

    def readable(self) -> bool:
        """Always readable."""
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        """Fill the buffer from the inner stream and count the bytes."""
        data = self._inner.read(len(buffer))
        n = len(data)
        buffer[:n] = data
        self._counter.add(n)
        return n

    def close(self) -> None:
        """Close the inner stream too."""
        self._inner.close()
        super().close()


def open_counted(path: Path, counter: ByteCounter) -> io.BufferedReader:
    """Open a file for buffered binary reading (decompressed when it is gzip, bzip2 or xz), counting the bytes
    of the file itself into `counter`; an archive or document is an InputError (`connectors.packed`)."""
    return unpack(io.BufferedReader(CountingReader(path.open("rb"), counter), buffer_size=BUFFER_BYTES), path)


def line_list(lines: list[int], count: int) -> str:
    """`line 3, 9, 12` or `line 3, 9 and 40 more`."""
    text = "line " + ", ".join(str(n) for n in lines)
    return text + (f" and {count - len(lines):,} more" if count > len(lines) else "")


class LineTally:
    """Counts lines of one kind (with a bare CR, with NUL bytes) and keeps the first line numbers."""

    def __init__(self) -> None:
        self.count = 0
        self.lines: list[int] = []

    def add(self, line: int) -> None:
        """Count one line."""
        self.count += 1
        if len(self.lines) < NOTE_LINES:
            self.lines.append(line)


class LineSplitter:
    """Lines of a binary stream with their endings, at LF, CRLF or a bare CR; bare CRs are counted."""

    def __init__(self) -> None:
        self.bare_cr = LineTally()
        self.newline = 0
        self.unended = False

    def lines(self, fh: io.BufferedReader) -> Iterator[bytes]:
        """Every line, streamed: a line ending in LF or CRLF as `readline` gives it; text with bare CRs split at
        them, in pieces of at most BUFFER_BYTES (a CR-only file is never one line held whole)."""
        pending: list[bytes] = []  # the start of a line not ended yet (a list: a long line is not copied per read)
        while raw := fh.readline(BUFFER_BYTES):
            if not pending and raw.endswith(LF) and raw.find(CR, 0, len(raw) - 2) < 0:
                self.newline += 1
                yield raw
                continue
            if LF not in raw and CR not in raw:
                pending.append(raw)
                continue
            pieces = (b"".join(pending) + raw if pending else raw).splitlines(keepends=True)
            last = pieces.pop()
            if last.endswith(LF):
                pieces.append(last)
                last = b""
            pending = [last] if last else []
            yield from self._counted(pieces)
        if pending:
            carry = b"".join(pending)
            self.unended = not carry.endswith(CR)
            yield from self._counted([carry])

    def _counted(self, pieces: list[bytes]) -> Iterator[bytes]:
        """The pieces, counting which end in a bare CR."""
        for piece in pieces:
            if piece.endswith(LF):
                self.newline += 1
            elif piece.endswith(CR):
                self.bare_cr.add(self.newline + self.bare_cr.count + 1)
            yield piece

    def notice(self, path: Path) -> Notice | None:
        """What the file's line endings were, when some were bare CRs."""
        tally = self.bare_cr
        if not tally.count:
            return None
        if not self.newline:
            message = "line endings are CR only (classic Mac OS): read as line breaks"
        else:
            places = line_list(tally.lines, tally.count)
            message = f"mixed line endings: {tally.count:,} line(s) end in a bare CR ({places}), read as line breaks"
        return Notice(path=str(path), message=message)


def nul_notice(path: Path, tally: LineTally, what: str = "line") -> Notice | None:
    """`NUL bytes stripped from 2 lines (line 3, 7)`, when there were any."""
    if not tally.count:
        return None
    places = line_list(tally.lines, tally.count)
    return Notice(path=str(path), message=f"NUL bytes stripped from {tally.count:,} {what}(s) ({places})")


def fallback_decode(data: bytes) -> str:
    """Decode bytes as cp1252; the five bytes cp1252 leaves undefined are read as Latin-1."""
    try:
        return data.decode(FALLBACK_ENCODING)
    except UnicodeDecodeError:
        return data.decode("latin-1")


class TextLines:
    """Iterate a file's lines as text (line endings kept), tracking line numbers and encoding notices.

    `line_no` is the number of the last line handed out; `taken` holds the lines handed out since the caller
    last cleared it (the raw text of the current row, for quarantine); `notices` collects encoding notices
    for the caller to yield.
    """

    def __init__(self, path: Path, counter: ByteCounter, encoding: str | None = None) -> None:
        self.path = path
        self.line_no = 0
        self.taken: list[str] = []
        self.notices: list[Notice] = []
        self.nuls = LineTally()
        self.splitter = LineSplitter()
        self._counter = counter
        self._forced = encoding
        if encoding is not None:
            try:
                codecs.lookup(encoding)
            except LookupError as exc:
                raise ConfigError(f"unknown encoding {encoding!r} in mapping options") from exc

    def __iter__(self) -> Iterator[str]:
        with open_counted(self.path, self._counter) as fh:
            head = fh.peek(PROBE_BYTES)[:PROBE_BYTES]
            if head.startswith(codecs.BOM_UTF8):
                fh.read(len(codecs.BOM_UTF8))
            elif head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
                yield from self._wrapped(fh, "utf-16")
                return
            if self._forced is not None:
                yield from self._wrapped(fh, self._forced)
                return
            yield from self._lines(fh)

    def _ended(self) -> None:
        """Notices due at the end of the file: bare CR line endings, stripped NUL bytes."""
        self.notices.extend(n for n in (self.splitter.notice(self.path), nul_notice(self.path, self.nuls)) if n)

    def _lines(self, fh: io.BufferedReader) -> Iterator[str]:
        """Decode line by line; a non-UTF-8 line is read as cp1252, with one notice per file."""
        warned = False
        for raw in self.splitter.lines(fh):
            self.line_no += 1
            if NUL in raw:
                raw = raw.replace(NUL, b"")
                self.nuls.add(self.line_no)
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError:
                text = fallback_decode(raw)
                if not warned:
                    warned = True
                    self.notices.append(
                        Notice(
                            path=str(self.path),
                            message=f"not UTF-8 from line {self.line_no}: such lines were read as {FALLBACK_ENCODING}",
                        )
                    )
            self.taken.append(text)
            yield text
        self._ended()

    def _wrapped(self, fh: io.BufferedReader, encoding: str) -> Iterator[str]:
        """Lines of a stream in an explicit encoding (undecodable bytes replaced, with a notice)."""
        text = io.TextIOWrapper(fh, encoding=encoding, errors="replace", newline="")
        warned = False
        for line in text:
            self.line_no += 1
            if "\ufffd" in line and not warned:
                warned = True
                self.notices.append(Notice(path=str(self.path), message=f"undecodable bytes in {encoding} replaced"))
            if "\x00" in line:
                line = line.replace("\x00", "")
                self.nuls.add(self.line_no)
            self.taken.append(line)
            yield line
        self._ended()

    def take_raw(self) -> str:
        """The text of the lines handed out since the last call, and forget them."""
        raw = "".join(self.taken)
        self.taken.clear()
        return raw

    def drain_notices(self) -> list[Notice]:
        """Notices collected so far, and forget them."""
        out = list(self.notices)
        self.notices.clear()
        return out
