"""The generated campaigns: a registry the loader takes whole, the launches' sends in the ESP log, a burst of
calls on the "call us now" line after its send, flash-sale posts and mails while it runs, and one phishing mail
from a look-alike of the new sending domain whose Authentication-Results fail alignment."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from identity_graph.campaigns.load import load_file
from identity_graph.generate import constants as c
from identity_graph.generate.calls import SERVER_UTC_OFFSET
from identity_graph.generate.campaigns import (
    FLASH,
    FLASH_CODE,
    PHISHING_DOMAIN,
    REWARDS,
    REWARDS_DOMAIN,
    SAFETY,
    SAFETY_LINE,
    SUMMER,
)
from identity_graph.settings import load_settings
from tests.generate.readers import DataSet, body_text, message_id


def _utc(cdr_time: str) -> datetime:
    """A CDR start (the PBX's local time) in UTC."""
    return datetime.fromisoformat(cdr_time).replace(tzinfo=UTC) - timedelta(hours=SERVER_UTC_OFFSET)


def test_registry_loads_whole_with_each_case(dataset: DataSet) -> None:
    """The manifest names the registry; every campaign builds: a new sending domain, a call line (its DNIS), a
    social offer of one hour, one starting within a week of the anchor."""
    assert dataset.manifest["campaigns"] == "campaigns/campaigns.toml"
    assert dataset.manifest["as_of"] == c.ANCHOR
    result = load_file(dataset.root / "campaigns/campaigns.toml", "US")
    assert result.problems == []
    by_id = {k.campaign_id: k for k in result.campaigns}
    assert list(by_id) == [REWARDS.campaign_id, SAFETY.campaign_id, FLASH.campaign_id, SUMMER.campaign_id]
    assert by_id[REWARDS.campaign_id].sending_domains == (REWARDS_DOMAIN,)
    assert by_id[SAFETY.campaign_id].dnis == (SAFETY_LINE,)
    flash = by_id[FLASH.campaign_id]
    assert flash.offer_codes == (FLASH_CODE,) and flash.ends_at is not None
    assert flash.ends_at - flash.starts_at == timedelta(hours=1)
    assert timedelta(0) < by_id[SUMMER.campaign_id].starts_at - c.ANCHOR < timedelta(days=7)
    assert all(by_id[k].guidance.offer_is for k in by_id)
    settings = load_settings(dataset.root / "idgraph.toml")
    assert SAFETY_LINE in settings.own_side.phone_numbers  # the line is ours, never a customer's


def test_launch_sends_are_in_the_esp_log_before_the_anchor(dataset: DataSet) -> None:
    """The rewards mail is sent from its new domain, the safety check to every subscriber; nothing after the
    anchor."""
    rows = [r for r in dataset.sends if r["campaign_id"] in (REWARDS.esp_id, SAFETY.esp_id)]
    senders = {r["campaign_id"]: r["from_address"] for r in rows}
    assert senders == {REWARDS.esp_id: f"hello@{REWARDS_DOMAIN}", SAFETY.esp_id: c.NEWSLETTER_ADDRESS}
    assert all(r["sent_at"] <= f"{c.ANCHOR:%Y-%m-%dT%H:%M:%SZ}" for r in dataset.sends)
    sent = Counter(r["campaign_id"] for r in rows if r["event"] == "sent")
    assert sent[str(SAFETY.esp_id)] > sent[str(REWARDS.esp_id)] > 0


def test_the_call_us_now_line_gets_a_burst_after_the_send(dataset: DataSet) -> None:
    """Calls to the safety check's DNIS come from its recipients, most within two hours of the send, none before."""
    line = SAFETY_LINE[-10:]
    calls = [call for call in dataset.calls if call["dst"] == line]
    assert len(calls) >= 15
    assert SAFETY.sent_at is not None
    starts = sorted(_utc(call["start"]) for call in calls)
    assert starts[0] >= SAFETY.sent_at
    soon = [t for t in starts if t < SAFETY.sent_at + timedelta(hours=2)]
    assert len(soon) >= 0.7 * len(starts)
    recipients = {
        dataset.person("marketing", r["event_id"]) for r in dataset.sends if r["campaign_id"] == SAFETY.esp_id
    }
    assert {dataset.person("calls", call["uniqueid"]) for call in calls} <= recipients
    assert all(call["dcontext"] == c.INBOUND_CONTEXT for call in calls)


def test_flash_sale_posts_and_mails_fall_inside_its_hour(dataset: DataSet) -> None:
    """Posts and mails naming the code are written while the sale runs (and before the anchor)."""
    posts = [t for page in dataset.pages for t in page["data"] if FLASH_CODE in t["text"]]
    mails = [m for m in dataset.mails if FLASH_CODE in body_text(m)]
    assert len(posts) + len(mails) >= 10
    moments = [datetime.fromisoformat(t["created_at"]) for t in posts] + [m["Date"].datetime for m in mails]
    assert all(FLASH.starts_at <= at <= c.ANCHOR for at in moments)


def test_one_phishing_mail_from_a_look_alike_failing_alignment(dataset: DataSet) -> None:
    """From the look-alike domain (`m` written `rn`), to support; SPF passes only for a bulk mailer, no DKIM,
    DMARC fails for the From domain; its truth is a stranger."""
    phish = [m for m in dataset.mails if str(m["From"]).endswith(f"@{PHISHING_DOMAIN}>")]
    assert len(phish) == 1
    msg = phish[0]
    assert PHISHING_DOMAIN.replace("rn", "m", 1) == REWARDS_DOMAIN
    results = str(msg["Authentication-Results"])
    assert "dmarc=fail" in results and f"header.from={PHISHING_DOMAIN}" in results and "dkim=none" in results
    spf_domain = results.split("smtp.mailfrom=", 1)[1].split(";", 1)[0]
    assert not spf_domain.endswith(PHISHING_DOMAIN)  # SPF passed for another domain: not aligned
    assert f"https://{PHISHING_DOMAIN}/claim" in body_text(msg)
    assert dataset.person("support_mail", message_id(msg)).startswith("S")


@pytest.mark.parametrize("seed", [3, 4])
def test_campaign_files_are_deterministic(tmp_path: Path, seed: int) -> None:
    """The same seed writes the same registry, burst and phishing mail."""
    from identity_graph.generate import generate

    for name in ("a", "b"):
        generate(tmp_path / name, 40, seed)
    for rel in ("campaigns/campaigns.toml", "calls/Master.csv", "mail/support.mbox", "marketing/sends.csv"):
        assert (tmp_path / "a" / rel).read_bytes() == (tmp_path / "b" / rel).read_bytes()
