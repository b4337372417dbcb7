"""Raw mail headers pasted by an agent: who the mail says it is from, and what the receiving server checked.

The headers are read with the standard library's `email` parser. `Authentication-Results` (RFC 8601) carries the
receiving server's verdicts: `spf=` (with `smtp.mailfrom=`), `dkim=` (with `header.d=` or `header.i=`) and
`dmarc=` (with `header.from=`). Only the topmost such header counts: it is the one the customer's own mail
provider added; lower ones were written by servers on the way and could be forged by the sender.

Alignment is DMARC's relaxed alignment: a check passes *for the From domain* when the domain it vouches for has
the same registrable domain as the From address.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from email import message_from_string, policy
from email.header import decode_header, make_header
from email.message import Message
from email.utils import getaddresses

from identity_graph.campaigns.domains import parse_host

#: Header names that, with a From line, mark a paste as raw headers.
MAIL_HEADER_NAMES = frozenset(
    {"received", "authentication-results", "return-path", "message-id", "dkim-signature", "subject", "to", "date",
     "reply-to", "arc-authentication-results", "delivered-to", "mime-version", "x-mailer", "list-unsubscribe"}
)  # fmt: skip
_HEADER_LINE = re.compile(r"^([A-Za-z][A-Za-z0-9-]{0,60}):[ \t]?", re.MULTILINE)
_COMMENT = re.compile(r"\([^()]*\)")


@dataclass(frozen=True)
class AuthCheck:
    """One method's verdict in Authentication-Results: `spf=pass smtp.mailfrom=bounce@em.bank.com`."""

    method: str  # spf, dkim, dmarc, arc...
    result: str  # pass, fail, softfail, none, neutral, temperror, permerror...
    domain: str  # the domain the check vouches for ('' when not given)


@dataclass(frozen=True)
class MailHeaders:
    """What raw headers say: the addresses, the subject, and the receiving server's checks."""

    from_address: str = ""
    from_name: str = ""
    reply_to: str = ""
    return_path: str = ""
    subject: str = ""
    checks: tuple[AuthCheck, ...] = ()
    has_auth_results: bool = False
    body: str = ""

    def check(self, method: str) -> list[AuthCheck]:
        """The verdicts of one method."""
        return [c for c in self.checks if c.method == method]


@dataclass(frozen=True)
class Alignment:
    """Whether the From domain is vouched for by the receiving server's checks."""

    dmarc: str = ""  # the DMARC result for the From domain ('' when none was reported)
    spf_aligned: bool = False  # SPF passed for a domain under the From's registrable domain
    dkim_aligned: bool = False  # a DKIM signature of the From's registrable domain verified
    notes: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        """DMARC passed, or (with no DMARC verdict) SPF or DKIM passed for the From domain."""
        if self.dmarc:
            return self.dmarc == "pass"
        return self.spf_aligned or self.dkim_aligned


def looks_like_headers(text: str) -> bool:
    """True when the text holds a From line and at least one other mail header line."""
    names = {m.group(1).lower() for m in _HEADER_LINE.finditer(text[:20000])}
    return "from" in names and bool(names & MAIL_HEADER_NAMES)


def _text(value: object) -> str:
    """A header value as plain text (encoded words decoded; undecodable values kept as written)."""
    raw = str(value) if value is not None else ""
    try:
        return str(make_header(decode_header(raw))).strip()
    except (UnicodeError, LookupError, ValueError):
        return raw.strip()


def _address(message: Message, name: str) -> tuple[str, str]:
    """(display name, lower-cased address) of the first address in a header ('' when none)."""
    values = message.get_all(name) or []
    pairs = getaddresses([_text(v) for v in values])
    for display, address in pairs:
        if "@" in address:
            return display.strip(), address.strip().lower()
    return "", ""


def parse_auth_results(value: str) -> list[AuthCheck]:
    """The method verdicts of one Authentication-Results value (its authserv-id and comments dropped)."""
    text = _COMMENT.sub(" ", _COMMENT.sub(" ", value))
    checks = []
    for part in text.split(";")[1:]:
        words = part.split()
        if not words or "=" not in words[0]:
            continue
        method, _, result = words[0].partition("=")
        props = dict(w.split("=", 1) for w in words[1:] if "=" in w)
        domain = ""
        for key in ("header.from", "header.d", "smtp.mailfrom", "header.i", "smtp.helo"):
            if props.get(key):
                domain = props[key].rsplit("@", 1)[-1].strip("\"'<>").lower()
                break
        checks.append(AuthCheck(method.strip().lower(), result.strip().lower(), domain))
    return checks


def parse_headers(text: str) -> MailHeaders:
    """The addresses, subject and topmost Authentication-Results of pasted raw headers (and any body)."""
    message = message_from_string(text.lstrip(), policy=policy.compat32)
    name, sender = _address(message, "From")
    auth = message.get_all("Authentication-Results") or []
    payload = message.get_payload()
    return MailHeaders(
        from_address=sender,
        from_name=name,
        reply_to=_address(message, "Reply-To")[1],
        return_path=_address(message, "Return-Path")[1],
        subject=_text(message.get("Subject", "")),
        checks=tuple(parse_auth_results(_text(auth[0]))) if auth else (),
        has_auth_results=bool(auth),
        body=payload if isinstance(payload, str) else "",
    )


def _registrable(domain: str) -> str:
    """The registrable domain of a name ('' when it has none)."""
    host = parse_host(domain)
    return host.registrable if host is not None else ""


def alignment(headers: MailHeaders) -> Alignment:
    """Whether the receiving server's checks vouch for the From address's domain (relaxed alignment)."""
    from_domain = _registrable(headers.from_address.rsplit("@", 1)[-1]) if headers.from_address else ""
    dmarc = next(
        (c.result for c in headers.check("dmarc") if not c.domain or _registrable(c.domain) == from_domain), ""
    )
    spf = any(c.result == "pass" and _registrable(c.domain) == from_domain for c in headers.check("spf"))
    dkim = any(c.result == "pass" and _registrable(c.domain) == from_domain for c in headers.check("dkim"))
    notes = []
    for method, aligned in (("spf", spf), ("dkim", dkim)):
        for check in headers.check(method):
            where = f" for {check.domain}" if check.domain else ""
            state = "aligned with the From address" if aligned and check.result == "pass" else "not for the From domain"
            if check.result != "pass":
                state = "so it does not vouch for the sender"
            notes.append(f"{method.upper()} {check.result}{where}, {state}.")
    if dmarc:
        notes.append(f"DMARC {dmarc} for the From domain.")
    return Alignment(dmarc=dmarc, spf_aligned=spf, dkim_aligned=dkim, notes=notes)
