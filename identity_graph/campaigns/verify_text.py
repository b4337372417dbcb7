"""Checks of the words in a paste: a campaign's subject line (fuzzy), a sentence of its offer (fuzzy), its codes.

Words are the weakest evidence: anyone can copy a subject or an offer into a phishing mail, so a text match says
"ours" with modest confidence and tells the agent to check the sender too. Offer codes are compared exactly
(ignoring case) as whole words.
"""

from __future__ import annotations

import re

from rapidfuzz import fuzz

from identity_graph.campaigns.verify_findings import Finding, Outcome, Registry

#: A subject scores at least this (0-100, rapidfuzz) to be the campaign's subject.
SUBJECT_MATCH = 90
#: ...and at least this to be "close to" it.
SUBJECT_NEAR = 82
#: Shortest subject or paste compared (shorter texts match too much by chance).
SUBJECT_MIN_CHARS = 12
#: A paste shorter than the subject must be at least this share of its length to be compared as a part of it.
SUBJECT_MIN_SHARE = 0.6
#: A sentence of the offer scores at least this (rapidfuzz partial ratio) to be from it.
OFFER_MATCH = 88
#: Shortest pasted text compared with an offer.
OFFER_MIN_CHARS = 25
#: Longest text compared (the start of a pasted mail holds its subject and first lines).
TEXT_MAX_CHARS = 5000
#: How sure a text finding is (0-100).
CONFIDENCE_SUBJECT = 70
CONFIDENCE_SUBJECT_NEAR = 55
CONFIDENCE_OFFER = 60
CONFIDENCE_CODE = 85

_PREFIX = re.compile(r"^\s*((re|fwd?|aw|tr|wg)\s*:\s*)+", re.IGNORECASE)
_SPACE = re.compile(r"\s+")
_COPY_WARNING = "Words can be copied into any mail: check the sender or the number too."


def _norm(text: str) -> str:
    """Lower-case, `Re:`/`Fwd:` dropped, spaces collapsed."""
    return _SPACE.sub(" ", _PREFIX.sub("", text)).strip().lower()


def subject_score(pasted: str, subject: str) -> float:
    """How alike a pasted text and a subject are (0-100): whole, reordered, or the subject inside the paste."""
    a, b = _norm(pasted), _norm(subject)
    if len(a) < SUBJECT_MIN_CHARS or len(b) < SUBJECT_MIN_CHARS:
        return 0.0
    score = fuzz.token_sort_ratio(a, b)
    if len(a) > len(b):
        score = max(score, fuzz.partial_ratio(b, a))
    elif len(a) >= SUBJECT_MIN_SHARE * len(b):
        score = max(score, fuzz.partial_ratio(a, b))
    return float(score)


def check_subject(text: str, registry: Registry) -> Finding | None:
    """The campaign whose subject line the text is (or nearly is), if any."""
    best: tuple[float, str, str] | None = None
    for campaign in registry.ordered(registry.campaigns):
        for subject in campaign.subjects:
            score = subject_score(text[:TEXT_MAX_CHARS], subject)
            if score >= SUBJECT_NEAR and (best is None or score > best[0]):
                best = (score, campaign.campaign_id, subject)
    if best is None:
        return None
    score, cid, subject = best
    exact = score >= SUBJECT_MATCH
    how = "is the subject line" if exact else "is close to the subject line"
    line = f'"{subject}" {how} of {registry.named([cid])}. {_COPY_WARNING}'
    sure = CONFIDENCE_SUBJECT if exact else CONFIDENCE_SUBJECT_NEAR
    return Finding(what="subject", value=subject, outcome=Outcome.OURS, confidence=sure, line=line, campaign_ids=[cid])


def check_offer(text: str, registry: Registry) -> Finding | None:
    """The campaign whose offer text holds the pasted sentence (or the paste holds its offer), if any."""
    pasted = _norm(text[:TEXT_MAX_CHARS])
    if len(pasted) < OFFER_MIN_CHARS:
        return None
    best: tuple[float, str] | None = None
    for campaign in registry.ordered(registry.campaigns):
        offer = _norm(campaign.offer_text)
        if len(offer) < OFFER_MIN_CHARS:
            continue
        score = fuzz.partial_ratio(pasted, offer) if len(pasted) <= len(offer) else fuzz.partial_ratio(offer, pasted)
        if score >= OFFER_MATCH and (best is None or score > best[0]):
            best = (score, campaign.campaign_id)
    if best is None:
        return None
    cid = best[1]
    line = f"The words match the offer of {registry.named([cid])}. {_COPY_WARNING}"
    return Finding(
        what="offer text", value=text[:80], outcome=Outcome.OURS, confidence=CONFIDENCE_OFFER, line=line,
        campaign_ids=[cid],
    )  # fmt: skip


def check_codes(text: str, registry: Registry) -> list[Finding]:
    """Registered offer codes written in the text as whole words (any case)."""
    out = []
    lowered = text[:TEXT_MAX_CHARS].lower()
    for code, ids in registry.codes.items():
        if re.search(rf"(?<![a-z0-9]){re.escape(code)}(?![a-z0-9])", lowered):
            shown = registry.ordered(ids)[0].offer_codes
            written = next((c for c in shown if c.lower() == code), code.upper())
            line = f"The offer code {written} belongs to {registry.named(ids)}."
            out.append(Finding(what="offer code", value=written, outcome=Outcome.OURS, confidence=CONFIDENCE_CODE,
                               line=line, campaign_ids=ids))  # fmt: skip
    return out
