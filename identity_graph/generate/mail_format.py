"""RFC 5322 / MIME text of one message and its mbox envelope, built deterministically (no random boundaries)."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.header import Header
from email.utils import format_datetime, formataddr

_FROM_LINE = re.compile(r"^(>*From )", re.MULTILINE)


@dataclass(slots=True)
class Mail:
    """One message before formatting: addresses as (display name, address) pairs."""

    sender: tuple[str, str]
    to: list[tuple[str, str]]
    subject: str
    date: datetime
    message_id: str
    body: str
    cc: list[tuple[str, str]] = field(default_factory=list)
    reply_to: tuple[str, str] | None = None
    in_reply_to: str | None = None
    references: list[str] = field(default_factory=list)
    html: bool = False
    #: Headers written above From, as a receiving server prepends them (`Authentication-Results`, `Received`).
    trace: list[tuple[str, str]] = field(default_factory=list)


def address(pair: tuple[str, str]) -> str:
    """`Name <addr>`, quoted when needed (`"Smith, Bob"`) and RFC 2047-encoded when not ASCII."""
    name, addr = pair
    return formataddr((name, addr), charset="utf-8") if name else addr


def _subject(text: str) -> str:
    """The Subject value, encoded when not ASCII."""
    return text if text.isascii() else Header(text, "utf-8").encode()


def _plain_headers(body: str) -> list[str]:
    """Content headers of a single text/plain body."""
    cte = "7bit" if body.isascii() else "8bit"
    return ['Content-Type: text/plain; charset="utf-8"', f"Content-Transfer-Encoding: {cte}"]


def _alternative(body: str, boundary: str) -> tuple[list[str], str]:
    """Headers and body of a multipart/alternative message with text and HTML parts."""
    paragraphs = "".join(f"<p>{html.escape(p).replace(chr(10), '<br>')}</p>" for p in body.split("\n\n"))
    html_body = f"<html><body>{paragraphs}</body></html>"
    parts = [
        f"--{boundary}",
        *_plain_headers(body),
        "",
        body,
        f"--{boundary}",
        'Content-Type: text/html; charset="utf-8"',
        f"Content-Transfer-Encoding: {'7bit' if html_body.isascii() else '8bit'}",
        "",
        html_body,
        f"--{boundary}--",
    ]
    return [f'Content-Type: multipart/alternative; boundary="{boundary}"'], "\n".join(parts)


def render(mail: Mail) -> str:
    """The message as mbox text: `From ` envelope line, headers, body (From-escaped), blank line."""
    headers = [f"{name}: {value}" for name, value in mail.trace]
    headers += [f"From: {address(mail.sender)}", f"To: {', '.join(address(a) for a in mail.to)}"]
    if mail.cc:
        headers.append(f"Cc: {', '.join(address(a) for a in mail.cc)}")
    if mail.reply_to:
        headers.append(f"Reply-To: {address(mail.reply_to)}")
    headers += [
        f"Subject: {_subject(mail.subject)}",
        f"Date: {format_datetime(mail.date)}",
        f"Message-ID: <{mail.message_id}>",
    ]
    if mail.in_reply_to:
        headers.append(f"In-Reply-To: <{mail.in_reply_to}>")
    if mail.references:
        headers.append("References: " + "\n ".join(f"<{r}>" for r in mail.references))
    headers.append("MIME-Version: 1.0")
    if mail.html:
        boundary = "=_alt_" + mail.message_id.split("@", 1)[0].replace(".", "_")[:40]
        content, body = _alternative(mail.body, boundary)
    else:
        content, body = _plain_headers(mail.body), mail.body
    utc = mail.date.astimezone(UTC)
    envelope = f"{utc:%a %b} {utc.day:2d} {utc:%H:%M:%S %Y}"  # asctime, as mbox writers use
    text = "\n".join(headers + content) + "\n\n" + _FROM_LINE.sub(r">\1", body.rstrip("\n")) + "\n"
    return f"From {mail.sender[1]} {envelope}\n{text}\n"
