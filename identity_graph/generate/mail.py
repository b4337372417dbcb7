"""The support mailbox `mail/support.mbox`: customer threads with agent replies, and mail between staff."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from email.utils import format_datetime
from pathlib import Path
from typing import IO

from identity_graph.generate import constants as c
from identity_graph.generate import mail_text as t
from identity_graph.generate.campaigns import (
    FLASH,
    FLASH_CODE,
    FLASH_MAIL_SHARE,
    FLASH_MAILS,
    PHISHING_AT,
    PHISHING_DOMAIN,
    PHISHING_MAILER,
)
from identity_graph.generate.entry import later
from identity_graph.generate.mail_format import Mail, render
from identity_graph.generate.people import Person
from identity_graph.generate.staff import agents
from identity_graph.generate.variants import email_variant, format_phone, strip_accents
from identity_graph.generate.writer import Spool, TruthWriter

SOURCE = "support_mail"
#: Mail host names that write the Message-ID, by the sender's domain.
MAILERS = {"gmail.com": "mail.gmail.com", "yahoo.com": "mail.yahoo.com", "icloud.com": "icloud.com"}
#: Agent reply delay range, seconds.
REPLY_DELAY = (600, 2 * 86400)
#: A customer writes from the family mailbox (when they share one) this often.
FAMILY_MAILBOX_USE = 0.75
#: A customer writes from the work address (when they have one) this often.
WORK_ADDRESS_USE = 0.3
#: Lines of the previous message quoted in a reply.
QUOTED_LINES = 2
#: A number mentioned in a mail is a household member's (rather than a stranger's) this often.
HOUSEHOLD_MENTION_SHARE = 0.7
#: Mail from a work address asks for replies to the personal one this often.
REPLY_TO_SHARE = 0.5
#: Agents reply from their own address this often (else from the support address).
AGENT_SIGNED_SHARE = 0.7
#: A customer's From has no display name this often, an accent-free one this often.
BARE_ADDRESS_SHARE = 0.07
ASCII_DISPLAY_SHARE = 0.1


def _write_messages(file: IO[str], items: list[tuple[str, str]]) -> None:
    """Write rendered messages in date order."""
    file.writelines(text for _, text in items)


class MailWriter:
    """Writes support threads to the mbox and the truth of every message."""

    def __init__(self, out: Path, rng: random.Random, truth: TruthWriter, stranger_number: Callable[[], str]) -> None:
        """Open the mbox."""
        self.rng = rng
        self.truth = truth
        self.stranger_number = stranger_number
        self.agents = agents()
        self.sequence = rng.randrange(10**6, 10**7)
        self.traps = 0
        self.forwards = 0
        self.spool: Spool[tuple[str, str]] = Spool(
            out / "mail" / "support.mbox", key=lambda item: item[0], write=_write_messages
        )

    def _message_id(self, addr: str) -> str:
        """A unique Message-ID (without angle brackets) in the style of the sender's mail host."""
        self.sequence += 1
        domain = addr.rsplit("@", 1)[1].lower()
        host = MAILERS.get(domain, f"mail.{domain}" if domain != c.OUR_DOMAIN else c.OUR_DOMAIN)
        if domain == "outlook.com":
            host = f"BY5PR{self.rng.randrange(10, 20)}MB{self.rng.randrange(1000, 9999)}.namprd.prod.outlook.com"
        return f"{self.sequence:x}.{self.rng.getrandbits(48):012x}@{host}"

    def _emit(self, mail: Mail, person_id: str) -> None:
        """Queue a message and record its truth."""
        key = mail.date.astimezone(UTC).strftime("%Y%m%d%H%M%S") + mail.message_id
        self.spool.add((key, render(mail)))
        self.truth.add(SOURCE, mail.message_id, person_id)

    def _identity(self, p: Person) -> tuple[str, str]:
        """(display name, address) the person writes from: family mailbox, work, or a personal variant."""
        rng = self.rng
        if p.family_mailbox and rng.random() < FAMILY_MAILBOX_USE:
            name = rng.choice((p.full, f"The {p.last}s", f"{p.last} Family", p.full))
            return name, p.family_mailbox
        if p.work_email and rng.random() < WORK_ADDRESS_USE:
            return f"{p.first} {p.last}", p.work_email
        addr = email_variant(rng, p.email) if rng.random() < c.GMAIL_VARIANT_SHARE else p.email
        roll = rng.random()
        if roll < c.LAST_FIRST_DISPLAY_SHARE:
            return f"{p.last}, {p.first}", addr
        if roll < c.LAST_FIRST_DISPLAY_SHARE + BARE_ADDRESS_SHARE:
            return "", addr
        if roll < c.LAST_FIRST_DISPLAY_SHARE + BARE_ADDRESS_SHARE + ASCII_DISPLAY_SHARE:
            return strip_accents(p.full), addr
        return rng.choice((p.full, f"{p.first} {p.last}")), addr

    def _signature(self, p: Person) -> str:
        """Sign-off, the name the person signs with, and maybe a phone line."""
        rng = self.rng
        lines = [rng.choice(t.SIGN_OFFS), rng.choice((p.given, p.full))]
        numbers: list[tuple[str, str | None]] = [(n, None) for n in (p.mobile, p.home_phone) if n]
        if p.company:
            numbers.append((p.company.switchboard, p.work_ext))
            lines.append(p.company.name)
        if numbers and rng.random() < c.SIGNATURE_PHONE_SHARE:
            number, ext = rng.choice(numbers)
            lines.append(rng.choice(("", "Mobile: ", "Tel ", "Phone: ")) + format_phone(rng, number, ext))
        return "\n".join(lines)

    def _mention(self, p: Person) -> str:
        """A sentence giving someone else's number: a household member's, or a stranger's (weak evidence)."""
        rng = self.rng
        others = [(m.given, m.sex, m.mobile) for m in p.others_in_household() if m.mobile]
        if others and rng.random() < HOUSEHOLD_MENTION_SHARE:
            name, sex, mobile = rng.choice(others)
            kind = "couple" if len(p.household_members) == 2 and "twin" not in p.traits else "other"
            who = "roommate" if "roommate" in p.traits else rng.choice(t.RELATIONS[(kind, sex)])
            phone = format_phone(rng, mobile)
            return rng.choice(t.HOUSEHOLD_MENTIONS).format(who=who, name=name, phone=phone, pronoun=t.PRONOUNS[sex])
        return rng.choice(t.STRANGER_MENTIONS).format(phone=format_phone(rng, self.stranger_number()))

    def _forward(self, p: Person, when: datetime) -> str | None:
        """A forwarded note from a household member, with their address and number (weak evidence), if any."""
        rng = self.rng
        others = [m for m in p.others_in_household() if m.mobile or m.home_phone]
        if not others:
            return None
        other = rng.choice(others)
        phone = format_phone(rng, other.mobile or other.home_phone or "")
        sent = format_datetime(when - timedelta(days=rng.randrange(1, 20)))
        return t.FORWARDED.format(name=other.full, email=other.email, date=sent, phone=phone, given=other.given)

    def add(self, p: Person) -> None:
        """One to THREADS_PER_WRITER_MAX support threads started by the person."""
        for _ in range(1 + self.rng.randrange(c.THREADS_PER_WRITER_MAX)):
            self._thread(p)

    def _thread(self, p: Person) -> None:
        """A customer's question, the agent's reply, sometimes a follow-up and a closing reply."""
        rng = self.rng
        tz = timezone(timedelta(hours=p.address.city.utc_offset))
        me = self._identity(p)
        subject, issue = rng.choice(t.ISSUES)
        order = str(rng.randrange(100000, 999999))
        paragraphs = [rng.choice(("Hi,", "Hello,", "Hi there,", "Dear Acme support,")), issue.format(order=order)]
        if rng.random() < c.MENTION_OTHER_PHONE_SHARE or self.traps == 0:
            paragraphs.append(self._mention(p))
            self.traps += 1
        when = later(rng, p.since, c.HISTORY_DAYS).astimezone(tz)
        forward = self._forward(p, when) if rng.random() < c.FORWARD_SHARE or self.forwards == 0 else None
        if forward:
            paragraphs.append("See the note below.")
        paragraphs.append(self._signature(p))
        if forward:
            paragraphs.append(forward)
            self.forwards += 1
        cc = []
        spouse = [m for m in p.others_in_household() if m.family_mailbox != me[1]]
        if spouse and rng.random() < c.CC_HOUSEHOLD_SHARE:
            cc.append((spouse[0].full, spouse[0].email))
        reply_to = (me[0], p.email) if p.work_email == me[1] and rng.random() < REPLY_TO_SHARE else None
        first = Mail(
            sender=me, to=[("Acme Support", rng.choice(c.SUPPORT_ADDRESSES))], cc=cc, reply_to=reply_to,
            subject=subject.format(order=order), date=when,
            message_id=self._message_id(me[1]), body="\n\n".join(paragraphs) + "\n",
            html=rng.random() < c.HTML_PART_SHARE,
        )  # fmt: skip
        self._emit(first, p.pid)
        reply = self._agent_reply(first, reply_to or me, rng.choice(t.REPLIES), p)
        if rng.random() >= c.FOLLOW_UP_SHARE:
            return
        follow = Mail(
            sender=me, to=[reply.sender], subject=f"Re: {first.subject}",
            date=reply.date.astimezone(tz) + timedelta(seconds=rng.randrange(*REPLY_DELAY)),
            message_id=self._message_id(me[1]), body=f"{rng.choice(t.FOLLOW_UPS)}\n\n{p.given}\n",
            in_reply_to=reply.message_id, references=[first.message_id, reply.message_id],
        )  # fmt: skip
        self._emit(follow, p.pid)
        self._agent_reply(follow, me, rng.choice(t.CLOSINGS), p, [first.message_id, reply.message_id])

    def _agent_reply(
        self, to: Mail, customer: tuple[str, str], text: str, p: Person, chain: list[str] | None = None
    ) -> Mail:
        """An agent's reply to a customer message, threaded and quoting its first lines."""
        rng = self.rng
        agent = rng.choice(self.agents)
        sender = (agent.name, agent.email) if rng.random() < AGENT_SIGNED_SHARE else ("Acme Support", to.to[0][1])
        quoted = "\n".join(["> " + line for line in to.body.splitlines() if line.strip()][:QUOTED_LINES])
        subject = to.subject if to.subject.startswith("Re: ") else f"Re: {to.subject}"
        reply = Mail(
            sender=sender, to=[customer], subject=subject,
            date=(to.date + timedelta(seconds=rng.randrange(*REPLY_DELAY))).astimezone(UTC),
            message_id=self._message_id(sender[1]),
            body=f"Hi {p.given},\n\n{text}\n\nBest regards,\n{agent.name}\nAcme Support\n\n{quoted}\n",
            in_reply_to=to.message_id, references=[*(chain or []), to.message_id],
        )  # fmt: skip
        self._emit(reply, p.pid)
        return reply

    def staff_note(self) -> None:
        """Mail between two agents only: no customer takes part."""
        rng = self.rng
        a, b = rng.sample(self.agents, 2)
        subject, body = rng.choice(t.STAFF_NOTES)
        moment = later(rng, c.ANCHOR - timedelta(days=c.HISTORY_DAYS), c.HISTORY_DAYS)
        mail = Mail(
            sender=(a.name, a.email), to=[(b.name, b.email)], subject=subject, date=moment,
            message_id=self._message_id(a.email), body=f"Hi {b.name.split()[0]},\n\n{body}\n\n{a.name}\n",
        )  # fmt: skip
        self._emit(mail, "")

    def flash_question(self, p: Person, rng: random.Random) -> None:
        """Maybe a mail about the flash sale's code while it runs (drawn from `rng`, written after every thread)."""
        if rng.random() >= FLASH_MAIL_SHARE:
            return
        room = int((min(c.ANCHOR, FLASH.ends_at or c.ANCHOR) - FLASH.starts_at).total_seconds())
        when = FLASH.starts_at + timedelta(seconds=rng.randrange(60, room))
        subject, body = rng.choice(FLASH_MAILS)
        me = self._identity(p)
        tz = timezone(timedelta(hours=p.address.city.utc_offset))
        mail = Mail(
            sender=me, to=[("Acme Support", c.SUPPORT_ADDRESSES[0])], subject=subject.format(code=FLASH_CODE),
            date=when.astimezone(tz), message_id=self._message_id(me[1]),
            body=body.format(code=FLASH_CODE) + f"\n\n{p.given}\n",
        )  # fmt: skip
        self._emit(mail, p.pid)

    def phishing(self, label: str) -> None:
        """A phishing mail to support from a look-alike of the rewards domain: SPF passes only for a bulk mailer's
        domain, nothing signs for the From domain, so DMARC fails (the From domain is not aligned)."""
        sender = ("Acme Rewards", f"points@{PHISHING_DOMAIN}")
        ours = c.SUPPORT_ADDRESSES[0]
        results = (
            f"mx.{c.OUR_DOMAIN}; spf=pass (sender IP is 203.0.113.47) smtp.mailfrom=bounce.{PHISHING_MAILER}; "
            f"dkim=none (message not signed); dmarc=fail (p=NONE sp=NONE dis=NONE) header.from={PHISHING_DOMAIN}"
        )
        mail = Mail(
            sender=sender, to=[("Acme Support", ours)], subject=t.PHISHING_SUBJECT, date=PHISHING_AT,
            message_id=self._message_id(sender[1]), body=t.PHISHING_BODY.format(domain=PHISHING_DOMAIN),
            trace=[("Authentication-Results", results)],
        )  # fmt: skip
        self._emit(mail, label)

    def close(self) -> None:
        """Finish the mbox."""
        self.spool.close()
