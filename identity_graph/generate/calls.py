"""The contact center's Asterisk CDR `Master.csv`: inbound calls, agent callbacks, internal and wrong-number calls."""

from __future__ import annotations

import calendar
import random
from datetime import datetime, timedelta
from pathlib import Path
from typing import IO

from identity_graph.generate import constants as c
from identity_graph.generate.people import Person
from identity_graph.generate.staff import Agent, agents
from identity_graph.generate.variants import carrier_number, cnam, dialled_number, strip_accents
from identity_graph.generate.writer import Spool, TruthWriter

SOURCE = "calls"
TRUNK = "trunk-voipco"
#: The contact center's clock: local time, this many hours behind UTC (standard time).
SERVER_UTC_OFFSET = -8
#: Opening hours of the contact center (local).
OPEN_HOUR, CLOSE_HOUR = 8, 19
#: Talk time range of an answered call, seconds.
TALK_SECONDS = (20, 1500)
#: Ring time before answer or give-up, seconds.
RING_SECONDS = (3, 40)
#: Caller-ID names carriers put on mobiles instead of a name.
MOBILE_PLACEHOLDERS = ("WIRELESS CALLER", "WIRELESS CALLER", "CELL PHONE", "UNKNOWN")
#: Rate of the exponential draw of calls per caller (higher: fewer calls).
CALL_COUNT_RATE = 0.8
#: Inbound calls routed through the support queue (the rest dial an agent directly).
QUEUE_SHARE = 0.7
#: A landline shows its subscriber's name (the household member it is billed to) this often.
LANDLINE_CNAM_SHARE = 0.85
#: A mobile shows a placeholder this often, the owner's name this often; otherwise just the number.
MOBILE_PLACEHOLDER_SHARE = 0.5
MOBILE_CNAM_SHARE = 0.35
#: A wrong-number caller's name is shown this often.
STRANGER_CNAM_SHARE = 0.5


def asterisk_line(fields: list[str]) -> str:
    """One CDR line quoted as cdr_csv does: every field in double quotes, quotes doubled."""
    return ",".join('"' + f.replace('"', '""') + '"' for f in fields) + "\n"


def _write_lines(file: IO[str], rows: list[list[str]]) -> None:
    """Write CDR rows (already in time order)."""
    file.writelines(asterisk_line(r) for r in rows)


class CallsWriter:
    """Writes `calls/Master.csv` (no header) and the truth of every call."""

    def __init__(self, out: Path, rng: random.Random, truth: TruthWriter) -> None:
        """Open the CDR file."""
        self.rng = rng
        self.truth = truth
        self.agents: tuple[Agent, ...] = agents()
        self.dids = tuple(h[-10:] for h in c.HOTLINES)
        self.sequence = 0
        self.channel_seq = rng.randrange(0x1000, 0xFFFF)
        self.spool: Spool[list[str]] = Spool(
            out / "calls" / "Master.csv", key=lambda r: r[9] + r[16], write=_write_lines
        )

    def _channel(self, endpoint: str) -> str:
        """A channel name like `PJSIP/trunk-voipco-0000a1b2`."""
        self.channel_seq += 1
        return f"PJSIP/{endpoint}-{self.channel_seq:08x}"

    def _start(self, after: datetime) -> datetime:
        """A moment within opening hours between `after` and the anchor, on the server's local clock."""
        local_after = (after + timedelta(hours=SERVER_UTC_OFFSET)).replace(tzinfo=None)
        local_anchor = (c.ANCHOR + timedelta(hours=SERVER_UTC_OFFSET)).replace(tzinfo=None)
        days = max(1, (local_anchor - local_after).days)
        day = local_after.date() + timedelta(days=self.rng.randrange(days))
        seconds = self.rng.randrange(OPEN_HOUR * 3600, CLOSE_HOUR * 3600)
        return datetime(day.year, day.month, day.day) + timedelta(seconds=seconds)

    def _emit(self, fields: dict[str, str], start: datetime, answered_by: str | None, person_id: str) -> None:
        """Time the call, pick its outcome, write the row and its truth."""
        rng = self.rng
        disposition = rng.choices([d for d, _ in c.CALL_DISPOSITIONS], [w for _, w in c.CALL_DISPOSITIONS])[0]
        ring = rng.randrange(*RING_SECONDS)
        talk = rng.randrange(*TALK_SECONDS) if disposition == "ANSWERED" else 0
        if disposition in {"BUSY", "FAILED"}:
            ring = rng.randrange(0, 3)
        end = start + timedelta(seconds=ring + talk)
        answer = (start + timedelta(seconds=ring)).strftime("%Y-%m-%d %H:%M:%S") if talk else ""
        self.sequence += 1
        epoch = calendar.timegm(start.timetuple()) - SERVER_UTC_OFFSET * 3600
        uniqueid = f"{epoch}.{self.sequence}"
        dstchannel = fields["dstchannel"] if talk or answered_by is None else ""
        row = [
            fields.get("accountcode", ""), fields["src"], fields["dst"], fields["dcontext"], fields["clid"],
            fields["channel"], dstchannel, fields["lastapp"], fields["lastdata"],
            start.strftime("%Y-%m-%d %H:%M:%S"), answer, end.strftime("%Y-%m-%d %H:%M:%S"),
            str(ring + talk), str(talk), disposition, "DOCUMENTATION", uniqueid, "",
        ]  # fmt: skip
        self.spool.add(row)
        self.truth.add(SOURCE, uniqueid, person_id)

    def inbound(self, number: str, name: str, start: datetime, person_id: str, dialled: str | None = None) -> None:
        """A call from an outside number to one of our hotlines (or the line `dialled`), queued to an agent."""
        rng = self.rng
        src = carrier_number(rng, number)
        shown = src if name == "" else name
        agent = rng.choice(self.agents)
        queue = rng.random() < QUEUE_SHARE
        fields = {
            "src": src,
            "dst": dialled or rng.choice(self.dids),
            "dcontext": c.INBOUND_CONTEXT,
            "clid": f'"{shown}" <{src}>',
            "channel": self._channel(TRUNK),
            "dstchannel": self._channel(agent.extension),
            "lastapp": "Queue" if queue else "Dial",
            "lastdata": "support,t,,,300" if queue else f"PJSIP/{agent.extension},30",
            "accountcode": "support" if queue else "",
        }
        self._emit(fields, start, agent.extension, person_id)

    def outbound(self, number: str, start: datetime, person_id: str) -> None:
        """An agent's callback to a customer's number."""
        rng = self.rng
        agent = rng.choice(self.agents)
        dst = dialled_number(rng, number)
        fields = {
            "src": agent.extension,
            "dst": dst,
            "dcontext": c.AGENT_CONTEXT,
            "clid": f'"{agent.name}" <{agent.extension}>',
            "channel": self._channel(agent.extension),
            "dstchannel": self._channel(TRUNK),
            "lastapp": "Dial",
            "lastdata": f"PJSIP/{dst}@{TRUNK},60,tT",
        }
        self._emit(fields, start, None, person_id)

    def internal(self) -> None:
        """An agent calling another agent (no customer)."""
        a, b = self.rng.sample(self.agents, 2)
        fields = {
            "src": a.extension,
            "dst": b.extension,
            "dcontext": c.AGENT_CONTEXT,
            "clid": f'"{a.name}" <{a.extension}>',
            "channel": self._channel(a.extension),
            "dstchannel": self._channel(b.extension),
            "lastapp": "Dial",
            "lastdata": f"PJSIP/{b.extension},30",
        }
        start = self._start(c.ANCHOR - timedelta(days=c.HISTORY_DAYS))
        self._emit(fields, start, b.extension, "")

    def caller_name(self, p: Person, number: str) -> str:
        """The caller-ID name a carrier shows for this number ('' means the number itself)."""
        rng = self.rng
        if p.company and number == p.company.switchboard:
            return strip_accents(p.company.name).upper()[: c.CNAM_MAX].rstrip()
        if number == p.home_phone and p.home_phone_owner:
            return cnam(*p.home_phone_owner) if rng.random() < LANDLINE_CNAM_SHARE else ""
        roll = rng.random()
        if roll < MOBILE_PLACEHOLDER_SHARE:
            return rng.choice(MOBILE_PLACEHOLDERS)
        if roll < MOBILE_PLACEHOLDER_SHARE + MOBILE_CNAM_SHARE:
            return cnam(p.last, p.first)
        return ""  # the number itself

    def add(self, p: Person) -> None:
        """The person's calls: inbound from their numbers, callbacks; an employee's first call is from the office."""
        rng = self.rng
        own = [n for n in (p.mobile, p.home_phone) if n]
        office = p.company.switchboard if p.company else None
        if not own and not office:
            return
        count = 1 + min(int(rng.expovariate(CALL_COUNT_RATE)), c.CALLS_PER_CALLER_MAX - 1)
        for k in range(count):
            start = self._start(p.since)
            if own and k > 0 and rng.random() < c.OUTBOUND_SHARE:
                self.outbound(rng.choice(own), start, p.pid)
                continue
            from_office = office is not None and (k == 0 or rng.random() < c.SWITCHBOARD_CALL_SHARE)
            number = office if office is not None and (from_office or not own) else rng.choice(own)
            self.inbound(number, self.caller_name(p, number), start, p.pid)

    def campaign_call(self, p: Person, at: datetime, line: str) -> bool:
        """The person calls a campaign's own line (E.164) at the UTC moment `at`, from their mobile or landline;
        False when they have neither."""
        own = [n for n in (p.mobile, p.home_phone) if n]
        if not own:
            return False
        number = self.rng.choice(own)
        local = (at + timedelta(hours=SERVER_UTC_OFFSET)).replace(tzinfo=None)
        self.inbound(number, self.caller_name(p, number), local, p.pid, dialled=line[-10:])
        return True

    def wrong_number(self, label: str, number: str, last: str, first: str) -> None:
        """A stranger who dialled us by mistake: a short call from a number no customer has."""
        name = cnam(last, first) if self.rng.random() < STRANGER_CNAM_SHARE else self.rng.choice(MOBILE_PLACEHOLDERS)
        self.inbound(number, name, self._start(c.ANCHOR - timedelta(days=c.HISTORY_DAYS)), label)

    def close(self) -> None:
        """Finish the file."""
        self.spool.close()
