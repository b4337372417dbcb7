"""Verify: "is this email, number, link or offer ours?" One pure function over the registry, no store.

An agent pastes what the caller has (a sender address, a domain, a URL, a phone number typed any way, a subject,
a sentence of the offer, an offer code, a handle or post URL, or the raw headers of a mail) and gets one of four
answers, how sure (0-100) with a sentence, and the evidence:

- **ours and live** — something in the paste is registered for a campaign running now;
- **ours, not live now** — registered for a campaign that ended (or has not started yet);
- **look-alike of ours** — something imitates a registered domain, handle or sender, or a From of ours failed the
  receiving server's sender checks (possible phishing or spoofing); this answer wins over any "ours" evidence,
  since a phishing mail copies our words and links next to its own sender;
- **not ours / unknown** — nothing matches the registry (which may lack a campaign marketing has not registered).

Precision first: "ours" needs an exact registered value (a domain or a name under it, an address, a number, a
link, an account, a code) or a close subject/offer text, which is said to be weaker.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel

from identity_graph.campaigns.lookalike import index_for
from identity_graph.campaigns.model import Campaign, CampaignStatus
from identity_graph.campaigns.verify_checks import (
    check_address,
    check_handle,
    check_headers,
    check_host,
    check_link,
    check_phone,
)
from identity_graph.campaigns.verify_extract import Pasted, Phone, extract, phones_in, regions_of
from identity_graph.campaigns.verify_findings import CampaignBrief, Finding, Outcome, Registry, brief
from identity_graph.campaigns.verify_text import check_codes, check_offer, check_subject
from identity_graph.errors import InputError
from identity_graph.limits import bad_character

#: Longest paste verify reads (raw headers of a long relay chain fit; a whole mailbox does not).
MAX_PASTE_CHARS = 64_000
#: Each further item naming the same campaign adds this much to an "ours" answer's confidence (to at most 99).
AGREEMENT_BONUS = 3
#: How sure "a copy of ours" is: raw headers whose sender is not ours, carrying our subject, links, numbers or codes.
CONFIDENCE_COPIED = 75
#: ...and without headers: an address not of ours pasted with only our words (subject, offer, code).
CONFIDENCE_COPIED_WORDS = 60
#: The findings that are words (`verify_text.py`).
TEXT_WHATS = ("subject", "offer text", "offer code")
#: What the headers' sender findings are called (`verify_checks.check_headers`).
SENDER_WHATS = ("sender", "sender's domain")
#: What a copied item is called in the sentence of a copy.
COPIED_WORDS = {
    "link's domain": "links", "link": "links", "subject": "subject line", "offer text": "offer",
    "dialled number": "phone number", "reply-to address's domain": "reply-to address",
    "return path's domain": "return path", "address's domain": "address",
}  # fmt: skip
#: Evidence lines a verdict lists (the surest first); the rest are counted, and every finding stays in `findings`.
MAX_EVIDENCE_LINES = 15
#: How sure "not ours" is: a concrete item (domain, address, link, number, handle) was checked and is not ours...
CONFIDENCE_NOT_OURS = 80
#: ...only words were compared...
CONFIDENCE_NOT_OURS_TEXT = 50
#: ...or nothing recognisable was pasted.
CONFIDENCE_NOTHING = 20


class Answer(StrEnum):
    """The four answers of verify."""

    OURS_LIVE = "ours_live"
    OURS_NOT_LIVE = "ours_not_live"  # ended, or not started yet
    LOOKALIKE = "lookalike"  # possible phishing or spoofing
    NOT_OURS = "not_ours"  # or unknown


LABELS = {
    Answer.OURS_LIVE: "Ours, and live",
    Answer.OURS_NOT_LIVE: "Ours, but not live now",
    Answer.LOOKALIKE: "Look-alike of ours: possible phishing",
    Answer.NOT_OURS: "Not ours, or unknown",
}

#: What the agent says on a look-alike verdict, in place of the real campaign's script (which says "it is ours").
LOOKALIKE_SCRIPT = (
    "That message is not from us, though it imitates one of ours. Please don't click its links, reply to it or "
    "give any details; delete it. If you already did, we can check your account together now."
)


class Verdict(BaseModel):
    """The answer, how sure, the sentence to read out, the evidence, and the campaign it concerns."""

    answer: Answer
    label: str
    confidence: int  # 0-100
    sentence: str
    evidence: list[str]
    campaign: CampaignBrief | None = None
    also: list[CampaignBrief] = []  # other campaigns the paste names
    recognised: list[str] = []  # what was found in the paste ("raw mail headers", "a phone number"...)
    findings: list[Finding] = []


def check_paste(text: str) -> str:
    """The paste as verify reads it, or InputError when it is empty, too long or not text."""
    problem = bad_character(text)
    if problem:
        raise InputError(f"the pasted text holds {problem}")
    if len(text) > MAX_PASTE_CHARS:
        raise InputError(f"the pasted text is longer than {MAX_PASTE_CHARS:,} characters; paste the headers only")
    if not text.strip():
        raise InputError("nothing to verify: paste an address, a domain, a link, a number, a subject or headers")
    return text


def findings_of(text: str, registry: Registry, region: str) -> tuple[list[Finding], list[str], list[str]]:
    """Every item of the paste checked: (findings, extra evidence lines, what was recognised)."""
    pasted = extract(text, region)
    index = index_for(registry.domains)
    findings: list[Finding] = []
    notes: list[str] = []
    words = text
    if pasted.headers is not None:
        found, notes = check_headers(pasted.headers, registry, index)
        findings.extend(found)
        words = pasted.headers.subject
    for link in pasted.links:
        findings.extend(check_link(link, registry, index))
        if link.tracking:
            notes.append(f"Tracking parameters ({', '.join(link.tracking[:4])}) were ignored in {link.bare}.")
    for address in pasted.addresses:
        found_address = check_address(address, "address", registry, index)
        if found_address is not None:
            findings.append(found_address)
    findings.extend(check_host(host, "domain", registry, index) for host in pasted.hosts)
    findings.extend(check_phone(phone, registry) for phone in _phones_of(pasted, registry, region))
    findings.extend(f for f in (check_handle(h, registry) for h in pasted.handles) if f is not None)
    text_findings = [check_subject(words, registry)]
    if pasted.headers is None or pasted.headers.body:
        text_findings.append(check_offer(pasted.headers.body if pasted.headers else text, registry))
    findings.extend(f for f in text_findings if f is not None)
    findings.extend(check_codes(text, registry))
    findings.extend(_copied(findings, registry, headers=pasted.headers is not None))
    recognised = pasted.kinds() + (["words of a campaign"] if any(f is not None for f in text_findings) else [])
    return findings, notes, recognised


def _copied(findings: list[Finding], registry: Registry, *, headers: bool) -> list[Finding]:
    """A mail whose sender is not ours but that carries our subject, links, numbers or codes imitates a campaign
    (a phishing mail copies our words and links next to its own sender): one look-alike finding, or none. Without
    headers, an address of a domain that is not ours pasted with only our words counts as such a sender."""
    whats = SENDER_WHATS if headers else ("address's domain",)
    sender = next((f for f in findings if f.what in whats), None)
    if sender is None or not (
        sender.outcome is Outcome.UNKNOWN or (headers and sender.outcome is Outcome.SHARED and not sender.campaign_ids)
    ):
        return []
    ours = [f for f in findings if f.outcome is Outcome.OURS]
    if not ours or (not headers and any(f.what not in TEXT_WHATS for f in ours)):
        return []
    ids = list(dict.fromkeys(cid for f in ours for cid in f.campaign_ids))
    things = list(dict.fromkeys(COPIED_WORDS.get(f.what, f.what) for f in ours))
    carried = things[0] if len(things) == 1 else ", ".join(things[:-1]) + " and " + things[-1]
    line = (
        f"The mail comes from {sender.value}, which is not a sender of {registry.ordered(ids)[0].name}, yet it "
        f"carries that campaign's {carried}: possibly phishing that copies it."
    )
    sure = CONFIDENCE_COPIED if headers else CONFIDENCE_COPIED_WORDS
    return [Finding(what="mail", value=sender.value, outcome=Outcome.LOOKALIKE, confidence=sure, line=line,
                    campaign_ids=ids)]  # fmt: skip


def _phones_of(pasted: Pasted, registry: Registry, region: str) -> list[Phone]:
    """The pasted numbers read in the agent's region, and in the regions of registered numbers when that makes
    one of them (`020 7946 0958` typed in a US contact center is a London campaign number)."""
    phones = {p.e164: p for p in pasted.phones}
    ours = registry.phones.keys() | registry.dnis.keys()
    for other in sorted(regions_of(ours) - {region.upper()}):
        for phone in phones_in(pasted.rest, other):
            if phone.e164 in ours:
                phones.setdefault(phone.e164, phone)
    return list(phones.values())


def verify(text: str, campaigns: Sequence[Campaign], now: datetime, *, region: str) -> Verdict:
    """Is what was pasted ours? One of four answers, how sure, and why (InputError for an unusable paste)."""
    registry = Registry.of(campaigns, now)
    findings, notes, recognised = findings_of(check_paste(text), registry, region)
    return decide(findings, notes, recognised, registry)


_ORDER = {Outcome.SPOOF: 0, Outcome.LOOKALIKE: 0, Outcome.OURS: 1, Outcome.SHARED: 2, Outcome.UNKNOWN: 3}


def decide(findings: list[Finding], notes: list[str], recognised: list[str], registry: Registry) -> Verdict:
    """The verdict of a paste's findings: a look-alike wins, then ours, else not ours."""
    findings = sorted(findings, key=lambda f: (_ORDER[f.outcome], -f.confidence))
    evidence = list(dict.fromkeys([f.line for f in findings] + notes))
    if len(evidence) > MAX_EVIDENCE_LINES:
        more = len(evidence) - MAX_EVIDENCE_LINES
        evidence = [
            *evidence[:MAX_EVIDENCE_LINES],
            f"…and {more} more lines of evidence (every finding is in the API).",
        ]
    bad = [f for f in findings if f.outcome in (Outcome.LOOKALIKE, Outcome.SPOOF)]
    ours = [f for f in findings if f.outcome is Outcome.OURS]
    common = {"evidence": evidence, "recognised": recognised, "findings": findings}
    if bad:
        top = bad[0]
        label = "Claims to be ours but failed the sender checks: possible spoof" if top.outcome is Outcome.SPOOF else ""
        campaign = _first(registry, top.campaign_ids)
        return Verdict(
            answer=Answer.LOOKALIKE,
            label=label or LABELS[Answer.LOOKALIKE],
            confidence=top.confidence,
            sentence=top.line,
            campaign=campaign,
            also=_others(registry, findings, campaign),
            **common,
        )
    if ours:
        cid, sure, top = _best_campaign(ours, registry)
        campaign = brief(registry.campaigns[cid], registry.now)
        answer = Answer.OURS_LIVE if campaign.status is CampaignStatus.LIVE else Answer.OURS_NOT_LIVE
        return Verdict(answer=answer, label=LABELS[answer], confidence=sure, sentence=top.line, campaign=campaign,
                       also=_others(registry, findings, campaign), **common)  # fmt: skip
    return _not_ours(findings, common)


def _best_campaign(ours: list[Finding], registry: Registry) -> tuple[str, int, Finding]:
    """The campaign the "ours" findings point to most surely (live first on a tie), its confidence and top finding."""
    scores: dict[str, list[Finding]] = {}
    for finding in ours:
        for cid in finding.campaign_ids:
            scores.setdefault(cid, []).append(finding)
    live_rank = {c.campaign_id: i for i, c in enumerate(registry.ordered(scores))}
    cid = min(scores, key=lambda c: (-max(f.confidence for f in scores[c]), live_rank[c]))
    top = max(scores[cid], key=lambda f: f.confidence)
    agreeing = len({f.what for f in scores[cid]})
    return cid, min(99, top.confidence + AGREEMENT_BONUS * (agreeing - 1)), top


def _first(registry: Registry, campaign_ids: list[str]) -> CampaignBrief | None:
    """The first (live first) of these campaigns, as the verdict shows it."""
    ordered = registry.ordered(campaign_ids)
    return brief(ordered[0], registry.now) if ordered else None


def _others(registry: Registry, findings: list[Finding], shown: CampaignBrief | None) -> list[CampaignBrief]:
    """The other campaigns the findings name."""
    ids = dict.fromkeys(cid for f in findings for cid in f.campaign_ids)
    return [
        brief(c, registry.now) for c in registry.ordered(ids) if shown is None or c.campaign_id != shown.campaign_id
    ]


def _not_ours(findings: list[Finding], common: dict[str, object]) -> Verdict:
    """Nothing in the paste is registered: how sure depends on whether anything concrete was checked."""
    unknown = [f for f in findings if f.outcome is Outcome.UNKNOWN]
    if unknown:
        sentence = (
            f"{unknown[0].line} Nothing in the paste belongs to a registered campaign; if marketing launched "
            "something new, it may not be registered yet."
        )
        sure = CONFIDENCE_NOT_OURS
    elif findings:
        sentence = "Only shared services were found (a mail platform, a link shortener): they do not say who sent it."
        sure = CONFIDENCE_NOT_OURS_TEXT
    elif common["recognised"]:
        sentence = "No registered campaign uses these words, and nothing else in the paste could be checked."
        sure = CONFIDENCE_NOT_OURS_TEXT
    else:
        sentence = (
            "Nothing in the paste matches a registered campaign, and it holds no address, domain, link or number "
            "to check. Ask the caller for the sender's address or the number they were given."
        )
        sure = CONFIDENCE_NOTHING
    return Verdict(answer=Answer.NOT_OURS, label=LABELS[Answer.NOT_OURS], confidence=sure, sentence=sentence,
                   **common)  # fmt: skip
