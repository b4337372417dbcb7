"""Streaming text input: byte counting for progress, BOM and encoding detection, line tracking.

A file is read line by line as bytes and decoded one line at a time, so memory stays constant whatever the
file size. UTF-8 (with or without BOM) is the default; a line that is not valid UTF-8 is decoded as cp1252
(Windows Latin-1) and the file gets a notice, so text is never garbled silently. A file with a UTF-16 BOM, or
an explicit `encoding` option, is decoded in that encoding.
"""

from __future__ import annotations

import codecs
import io
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from identity_graph.errors import ConfigError
from identity_graph.model import Notice

#: Bytes inspected at the start of a file for a byte order mark.
PROBE_BYTES = 4
#: Encoding used when a file (or a line) is not valid UTF-8.
FALLBACK_ENCODING = "cp1252"
#: Read buffer of binary files, in bytes.
BUFFER_BYTES = 1 << 16


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
    """Open a file for buffered binary reading, counting bytes into `counter`."""
    return io.BufferedReader(CountingReader(path.open("rb"), counter), buffer_size=BUFFER_BYTES)


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

    def _lines(self, fh: io.BufferedReader) -> Iterator[str]:
        """Decode line by line; a non-UTF-8 line is read as cp1252, with one notice per file."""
        warned = False
        for raw in fh:
            self.line_no += 1
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

    def _wrapped(self, fh: io.BufferedReader, encoding: str) -> Iterator[str]:
        """Lines of a stream in an explicit encoding (undecodable bytes replaced, with a notice)."""
        text = io.TextIOWrapper(fh, encoding=encoding, errors="replace", newline="")
        warned = False
        for line in text:
            self.line_no += 1
            if "\ufffd" in line and not warned:
                warned = True
                self.notices.append(Notice(path=str(self.path), message=f"undecodable bytes in {encoding} replaced"))
            self.taken.append(line)
            yield line

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
