"""What a file is by its first bytes: gzip, bzip2 and xz are read through; archives and documents are refused.

A `.gz` of a CSV is a common export, so a compressed file of any format is decompressed while it streams
(whatever its name says: the magic bytes decide). A zip archive (an `.xlsx` workbook is one) may hold many files
of any kind, so it is refused with a message naming the file; so are 7-Zip, RAR, Zstandard, PDF and old Office
files. Compressed data that ends early or is corrupt stops the load with an `InputError` naming the file.
"""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import zlib
from pathlib import Path

from identity_graph.errors import InputError

#: Bytes read at the start of a file to tell what it is.
MAGIC_BYTES = 8
#: Compressed wrappings read through: magic bytes -> name.
UNPACKERS: tuple[tuple[bytes, str], ...] = ((b"\x1f\x8b", "gzip"), (b"BZh", "bzip2"), (b"\xfd7zXZ\x00", "xz"))
#: Files that are no export of any format: magic bytes -> what they are and what to do instead.
REFUSED: tuple[tuple[bytes, str], ...] = (
    (b"PK\x03\x04", "a zip archive (an .xlsx workbook is one too): unzip it, or export the sheet as CSV"),
    (b"PK\x05\x06", "an empty zip archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive: extract it and load the file inside"),
    (b"Rar!\x1a\x07", "a RAR archive: extract it and load the file inside"),
    (b"\x28\xb5\x2f\xfd", "Zstandard-compressed: decompress it (zstd -d) first"),
    (b"%PDF-", "a PDF document, not an export"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Office document (.xls): export the sheet as CSV"),
)
#: Errors a decompressor raises on data that ends early or is corrupt.
UNPACK_ERRORS: tuple[type[Exception], ...] = (EOFError, OSError, lzma.LZMAError, zlib.error)
#: Read buffer of a decompressed stream, in bytes.
UNPACKED_BUFFER = 1 << 16


def refusal(head: bytes) -> str | None:
    """Why a file that starts with `head` cannot be read as any format, or None."""
    for magic, what in REFUSED:
        if head.startswith(magic):
            return what
    return None


def wrapping(head: bytes) -> str | None:
    """The compression a file that starts with `head` is in (`gzip`, `bzip2`, `xz`), or None."""
    for magic, name in UNPACKERS:
        if head.startswith(magic):
            return name
    return None


def probe(path: Path) -> None:
    """Raise InputError when a file is unreadable, or is an archive or document that no format reads."""
    try:
        with path.open("rb") as fh:
            head = fh.read(MAGIC_BYTES)
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror or exc}") from exc
    why = refusal(head)
    if why is not None:
        raise InputError(f"{path} is {why}")


class Unpacked(io.RawIOBase):
    """A decompressing stream whose data errors become an InputError naming the file."""

    def __init__(self, inner: io.BufferedIOBase, path: Path, kind: str) -> None:
        super().__init__()
        self._inner = inner
        self._path = path
        self._kind = kind
        self._done = 0

    def readable(self) -> bool:
        """Always readable."""
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        """Fill the buffer with decompressed bytes."""
        try:
            data = self._inner.read(len(buffer))
        except UNPACK_ERRORS as exc:
            raise InputError(
                f"{self._path}: the {self._kind} data is cut off or corrupt after {self._done:,} bytes "
                f"({exc}); what came before was read"
            ) from exc
        n = len(data)
        buffer[:n] = data
        self._done += n
        return n

    def close(self) -> None:
        """Close the decompressor and the file under it."""
        self._inner.close()
        super().close()


def unpack(raw: io.BufferedReader, path: Path) -> io.BufferedReader:
    """`raw` itself, or a decompressing reader over it; an archive or document is an InputError."""
    head = raw.peek(MAGIC_BYTES)[:MAGIC_BYTES]
    why = refusal(head)
    if why is not None:
        raw.close()
        raise InputError(f"{path} is {why}")
    kind = wrapping(head)
    if kind is None:
        return raw
    return io.BufferedReader(Unpacked(decompressor(kind, raw), path, kind), buffer_size=UNPACKED_BUFFER)


def decompressor(kind: str, raw: io.BufferedReader) -> io.BufferedIOBase:
    """A decompressing reader of one of the UNPACKERS' kinds over `raw`."""
    if kind == "gzip":
        return gzip.GzipFile(fileobj=raw, mode="rb")
    if kind == "bzip2":
        return bz2.BZ2File(raw, mode="rb")
    return lzma.LZMAFile(raw, mode="rb")
