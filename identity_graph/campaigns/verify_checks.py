"""Checks of the concrete things in a paste: domains, addresses, links, phone numbers, handles and raw headers.

Each returns `Finding`s (`verify_findings.py`). How sure each kind of answer is lives in the named constants
below; docs/campaigns.md ("Verify: is this ours?") explains them.
"""

from __future__ import annotations

from rapidfuzz.distance import DamerauLevenshtein

from identity_graph.campaigns.domains import Host, mixed_script, parse_host, script_of, to_unicode, within
from identity_graph.campaigns.headers import MailHeaders, alignment
from identity_graph.campaigns.lookalike import SHARED_DOMAINS, LookAlikeIndex
from identity_graph.campaigns.verify_extract import Link, Phone
from identity_graph.campaigns.verify_findings import Finding, Outcome, Registry

#: How sure an "ours" finding is, by what matched (0-100).
CONFIDENCE_ADDRESS = 95  # a registered sender address, exactly
CONFIDENCE_DOMAIN = 90  # a registered domain, exactly
CONFIDENCE_SUBDOMAIN = 88  # a name under a registered domain
CONFIDENCE_LINK = 97  # a registered short link or post URL, exactly
CONFIDENCE_PHONE = 95  # a number printed in a campaign, or its DNIS
CONFIDENCE_ACCOUNT = 90  # a registered social account
CONFIDENCE_HEADERS_PASS = 98  # a From of ours that the receiving server vouched for
CONFIDENCE_FROM_UNCHECKED = 65  # a From of ours in headers that carry no Authentication-Results
#: How sure a "possibly spoofed" finding is: a From of ours that failed the receiving server's checks.
CONFIDENCE_SPOOF = 90
#: How sure a handle imitating ours is (a couple of edits away, or ours with words around it).
CONFIDENCE_HANDLE_LOOKALIKE = 60
#: Edits a look-alike handle may be from ours, and the shortest handle compared.
HANDLE_EDITS = 2
MIN_HANDLE_CHARS = 5
#: Social network hosts: the first path segment is the account (`x.com/acmebank/status/1`).
SOCIAL_HOSTS = {
    "x.com": "x", "twitter.com": "x", "instagram.com": "instagram", "facebook.com": "facebook",
    "tiktok.com": "tiktok", "threads.net": "threads", "youtube.com": "youtube", "linkedin.com": "linkedin",
}  # fmt: skip

#: First path segments of social URLs that are not accounts.
NOT_ACCOUNTS = frozenset({"i", "p", "reel", "watch", "share", "hashtag", "search", "explore", "home", "intent"})


def _role(registry: Registry, domain: str, campaign_ids: list[str]) -> str:
    """How the first campaign uses the domain: `sending domain`, `link domain`, `sending and link domain`."""
    first = registry.ordered(campaign_ids)[0].campaign_id
    roles = {role for cid, role in registry.domains[domain] if cid == first}
    return "sending and link domain" if len(roles) > 1 else f"{roles.pop()} domain"


def check_host(host: Host, what: str, registry: Registry, index: LookAlikeIndex) -> Finding:
    """One domain: ours (exactly or a subdomain), a look-alike of ours, a shared service, or unknown."""
    shown = host.unicode
    if host.registrable in SHARED_DOMAINS:
        users = [cid for cid, _ in registry.domains.get(host.registrable, [])]
        line = f"{shown} belongs to a shared service anyone can use, so it does not tell who sent it."
        if users:
            line = (
                f"{shown} is a shared service that {registry.named(users)} uses; anyone can use it, "
                "so alone it proves nothing."
            )
        return Finding(what=what, value=shown, outcome=Outcome.SHARED, confidence=0, line=line, campaign_ids=users)
    for domain, uses in registry.domains.items():
        if within(host.ascii, domain):
            ids = list(dict.fromkeys(cid for cid, _ in uses))
            role = _role(registry, domain, ids)
            if host.ascii == domain:
                line = f"The {what} {shown} is the registered {role} of {registry.named(ids)}."
                sure = CONFIDENCE_DOMAIN
            else:
                line = (
                    f"The {what} {shown} is under {to_unicode(domain)}, the registered {role} of {registry.named(ids)}."
                )
                sure = CONFIDENCE_SUBDOMAIN
            return Finding(what=what, value=shown, outcome=Outcome.OURS, confidence=sure, line=line, campaign_ids=ids)
    found = index.find(host)
    if found:
        best = found[0]
        ids = list(dict.fromkeys(cid for cid, _ in registry.domains.get(best.registered, [])))
        role = _role(registry, best.registered, ids)
        line = (
            f"The {what} {shown} imitates {to_unicode(best.registered)}, the {role} of {registry.named(ids)}: "
            f"{best.description}. Possibly phishing."
        )
        if host.is_idn:
            line += f" In an address bar it reads {host.ascii}."
            if mixed_script(host.unicode):
                scripts = sorted({script_of(c) for c in host.unicode if c.isalpha()})
                line += f" It mixes letters of {' and '.join(scripts)} in one name, a common trick of look-alike names."
        return Finding(
            what=what, value=shown, outcome=Outcome.LOOKALIKE, confidence=best.confidence, line=line, campaign_ids=ids
        )
    line = f"The {what} {shown} is not a domain of any registered campaign."
    return Finding(what=what, value=shown, outcome=Outcome.UNKNOWN, confidence=0, line=line)


def check_address(address: str, what: str, registry: Registry, index: LookAlikeIndex) -> Finding | None:
    """An email address: a registered sender exactly, else what its domain is (None when it has no domain)."""
    ids = registry.addresses.get(address.lower())
    if ids:
        line = f"The {what} {address} is a registered sender of {registry.named(ids)}."
        return Finding(
            what=what, value=address, outcome=Outcome.OURS, confidence=CONFIDENCE_ADDRESS, line=line, campaign_ids=ids
        )
    host = parse_host(address.rsplit("@", 1)[-1])
    if host is None:
        return None
    finding = check_host(host, f"{what}'s domain", registry, index)
    return finding.model_copy(update={"value": address})


def check_link(link: Link, registry: Registry, index: LookAlikeIndex) -> list[Finding]:
    """A URL: a registered short link or post exactly, a social account, and what its domain is."""
    out: list[Finding] = []
    ids = registry.links.get(link.bare)
    if ids:
        line = f"The link {link.bare} is registered for {registry.named(ids)}."
        out.append(Finding(what="link", value=link.bare, outcome=Outcome.OURS, confidence=CONFIDENCE_LINK, line=line,
                           campaign_ids=ids))  # fmt: skip
    if link.host is not None and link.host.registrable in SOCIAL_HOSTS:
        segments = [s for s in link.path.split("/") if s]
        if segments and segments[0] in ("company", "in", "c"):
            segments = segments[1:]
        if segments and segments[0] not in NOT_ACCOUNTS:
            found = check_handle(segments[0].lstrip("@"), registry, SOCIAL_HOSTS[link.host.registrable])
            if found is not None:
                out.append(found)
    if link.host is not None and not ids:
        finding = check_host(link.host, "link's domain", registry, index)
        if finding.outcome is not Outcome.SHARED or not out:
            out.append(finding.model_copy(update={"value": link.bare}))
    return out


def check_phone(phone: Phone, registry: Registry) -> Finding:
    """A phone number: printed in a campaign, a campaign's dialled number (DNIS), or unknown."""
    printed = registry.phones.get(phone.e164, [])
    dialled = registry.dnis.get(phone.e164, [])
    if printed:
        line = f"The number {phone.e164} is printed in {registry.named(printed)}."
        return Finding(what="phone number", value=phone.e164, outcome=Outcome.OURS, confidence=CONFIDENCE_PHONE,
                       line=line, campaign_ids=printed)  # fmt: skip
    if dialled:
        line = f"The number {phone.e164} is a dialled number (DNIS) that routes calls of {registry.named(dialled)}."
        return Finding(what="dialled number", value=phone.e164, outcome=Outcome.OURS, confidence=CONFIDENCE_PHONE,
                       line=line, campaign_ids=dialled)  # fmt: skip
    line = f"The number {phone.e164} is not printed in any registered campaign nor one of their dialled numbers."
    return Finding(what="phone number", value=phone.e164, outcome=Outcome.UNKNOWN, confidence=0, line=line)


def check_handle(handle: str, registry: Registry, platform: str = "") -> Finding | None:
    """A social handle: a registered account, one imitating it, or None when it is nothing of ours."""
    handle = handle.lower()
    uses = registry.accounts.get(handle, [])
    if uses and (not platform or any(p in ("", platform) for _, p in uses)):
        ids = [cid for cid, _ in uses]
        line = f"The account @{handle} is the registered social account of {registry.named(ids)}."
        return Finding(what="social account", value="@" + handle, outcome=Outcome.OURS, confidence=CONFIDENCE_ACCOUNT,
                       line=line, campaign_ids=ids)  # fmt: skip
    for ours, ours_uses in registry.accounts.items():
        if len(ours) < MIN_HANDLE_CHARS or ours == handle:
            continue
        near = DamerauLevenshtein.distance(handle, ours, score_cutoff=HANDLE_EDITS + 1) <= HANDLE_EDITS
        if near or ours in handle:
            ids = [cid for cid, _ in ours_uses]
            how = "is spelled nearly like" if near else "wraps"
            line = (
                f"The account @{handle} {how} @{ours}, the registered account of {registry.named(ids)}: "
                "possibly an impostor account."
            )
            return Finding(what="social account", value="@" + handle, outcome=Outcome.LOOKALIKE,
                           confidence=CONFIDENCE_HANDLE_LOOKALIKE, line=line, campaign_ids=ids)  # fmt: skip
    return None


def check_headers(headers: MailHeaders, registry: Registry, index: LookAlikeIndex) -> tuple[list[Finding], list[str]]:
    """The From (with the receiving server's verdicts), Reply-To and Return-Path; and the checks as evidence lines."""
    findings: list[Finding] = []
    notes: list[str] = []
    if headers.from_address:
        sender = check_address(headers.from_address, "sender", registry, index)
        if sender is not None:
            findings.append(_judged_sender(sender, headers, notes))
    for what, address in (("reply-to address", headers.reply_to), ("return path", headers.return_path)):
        if address and address != headers.from_address:
            found = check_address(address, what, registry, index)
            if found is not None:
                findings.append(found)
    return findings, notes


def _judged_sender(sender: Finding, headers: MailHeaders, notes: list[str]) -> Finding:
    """A From of ours weighed by Authentication-Results: confirmed, possibly spoofed, or unchecked."""
    if sender.outcome is not Outcome.OURS:
        return sender
    if not headers.has_auth_results:
        notes.append("The headers carry no Authentication-Results, so nothing shows the From line was not forged.")
        return sender.model_copy(update={"confidence": CONFIDENCE_FROM_UNCHECKED})
    aligned = alignment(headers)
    notes.extend(aligned.notes)
    domain = headers.from_address.rsplit("@", 1)[-1]
    if aligned.passed:
        how = "DMARC pass" if aligned.dmarc else ("DKIM" if aligned.dkim_aligned else "SPF") + " pass, aligned"
        line = sender.line + f" The receiving mail server confirmed the sender ({how} for {domain})."
        return sender.model_copy(update={"confidence": CONFIDENCE_HEADERS_PASS, "line": line})
    failed = f"DMARC {aligned.dmarc}" if aligned.dmarc else "no SPF or DKIM pass for that domain"
    line = f"{sender.line} But the receiving mail server's checks failed ({failed}): the From line was possibly forged."
    return sender.model_copy(update={"outcome": Outcome.SPOOF, "confidence": CONFIDENCE_SPOOF, "line": line})
