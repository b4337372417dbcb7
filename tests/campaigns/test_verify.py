"""Verify ("is this ours?") as a table: every kind of paste the issue names, each with its expected answer."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from identity_graph.campaigns.domains import parse_host, skeleton
from identity_graph.campaigns.lookalike import index_for, permutations
from identity_graph.campaigns.model import Campaign, CampaignChannel, FaqItem, Guidance
from identity_graph.campaigns.verify import MAX_PASTE_CHARS, Answer, verify
from identity_graph.errors import InputError

#: "Now" of these tests: spring savings is live, the flight mail has ended, the summer sale has not started.
NOW = datetime(2026, 5, 10, 12, 0, tzinfo=UTC)


def registry() -> list[Campaign]:
    """Three campaigns: one live (new sending domain), one ended ("call us now"), one upcoming (social)."""
    return [
        Campaign(
            campaign_id="spring",
            name="Spring savings",
            channel=CampaignChannel.EMAIL,
            owner="Retail marketing",
            starts_at=datetime(2026, 4, 1, tzinfo=UTC),
            ends_at=datetime(2026, 6, 30, 23, 59, tzinfo=UTC),
            sending_domains=("bank-offers.com", "sendgrid.net"),
            link_domains=("examplebank.co.uk",),
            sender_addresses=("news@bank-offers.com",),
            phone_numbers=("+14155550134",),
            dnis=("+18005550199",),
            short_links=("bit.ly/spring25",),
            offer_codes=("SPRING25",),
            subjects=("Your spring savings are waiting",),
            offer_text=(
                "Save 25% on the first year of our Everyday account when you open it before 30 June. "
                "Use code SPRING25 at any branch."
            ),
            guidance=Guidance(
                offer_is="25% off the first year's fee of a new Everyday account.",
                offer_is_not="Not a loan; we never ask for a PIN by mail.",
                faq=(FaqItem(question="Is bank-offers.com really you?", answer="Yes, it is our new offers domain."),),
            ),
        ),
        Campaign(
            campaign_id="flight",
            name="Flight change call-back",
            channel=CampaignChannel.EMAIL,
            starts_at=datetime(2026, 1, 1, tzinfo=UTC),
            ends_at=datetime(2026, 3, 31, tzinfo=UTC),
            sending_domains=("flyaway-travel.com",),
            phone_numbers=("+442079460958",),
            subjects=("Your flight changed - call us now",),
        ),
        Campaign(
            campaign_id="summer",
            name="Summer flash sale",
            channel=CampaignChannel.SOCIAL,
            starts_at=datetime(2026, 7, 1, tzinfo=UTC),
            ends_at=datetime(2026, 7, 1, 1, 0, tzinfo=UTC),
            link_domains=("acmeshop.com",),
            social_accounts=("x:acmeshop",),
            post_urls=("https://x.com/acmeshop/status/1790000000000000001",),
            offer_codes=("FLASH50",),
        ),
    ]


def check(text: str, region: str = "US") -> tuple[Answer, str | None, int, str, list[str]]:
    """(answer, campaign id, confidence, sentence, evidence) of one paste."""
    verdict = verify(text, registry(), NOW, region=region)
    campaign = verdict.campaign.campaign_id if verdict.campaign else None
    return verdict.answer, campaign, verdict.confidence, verdict.sentence, verdict.evidence


OURS = Answer.OURS_LIVE
ENDED = Answer.OURS_NOT_LIVE
LOOK = Answer.LOOKALIKE
NOT = Answer.NOT_OURS

# (paste, answer, campaign, a phrase the sentence holds)
TABLE = [
    # exact domain, subdomain, address
    ("bank-offers.com", OURS, "spring", "registered sending domain of Spring savings, live until 30 June 2026"),
    ("Bank-Offers.COM.", OURS, "spring", "registered sending domain"),
    ("news.bank-offers.com", OURS, "spring", "is under bank-offers.com"),
    ("news@bank-offers.com", OURS, "spring", "registered sender of Spring savings"),
    ("offers@mail.bank-offers.com", OURS, "spring", "under bank-offers.com"),
    ("examplebank.co.uk", OURS, "spring", "registered link domain"),
    # links: tracking parameters, short link, social post
    ("https://www.examplebank.co.uk/spring?utm_source=email&utm_medium=mail&fbclid=abc", OURS, "spring",
     "link domain of Spring savings"),
    ("https://bit.ly/spring25?utm_source=x", OURS, "spring", "The link bit.ly/spring25 is registered"),
    ("https://x.com/acmeshop/status/1790000000000000001?s=20", ENDED, "summer", "not started yet"),
    ("@acmeshop", ENDED, "summer", "registered social account"),
    ("https://mobile.twitter.com/acmeshop/status/1790000000000000001", ENDED, "summer", "is registered for"),
    # phones typed any way, a DNIS
    ("+1 415 555 0134", OURS, "spring", "printed in Spring savings"),
    ("(415) 555-0134", OURS, "spring", "printed in"),
    ("415.555.0134", OURS, "spring", "printed in"),
    ("001 415 555 0134", OURS, "spring", "printed in"),
    ("they said to call 4155550134 today", OURS, "spring", "printed in"),
    ("1-800-555-0199", OURS, "spring", "dialled number (DNIS)"),
    ("020 7946 0958", ENDED, "flight", "which ended on 31 March 2026"),
    ("+44 (0)20 7946-0958", ENDED, "flight", "printed in Flight change call-back"),
    # words: subject, offer sentence, code
    ("Your Spring savings are waiting!", OURS, "spring", "is the subject line of Spring savings"),
    ("Fwd: RE: your spring savings are waiting", OURS, "spring", "subject line"),
    ("Your spring saving is waiting", OURS, "spring", "subject line"),
    ("Your flight changed — call us now", ENDED, "flight", "ended"),
    ("open it before 30 June, use code SPRING25 at any branch", OURS, "spring", "offer code SPRING25"),
    ("save 25% on the first year of our everyday account when you open it", OURS, "spring", "match the offer"),
    ("flash50", ENDED, "summer", "offer code FLASH50"),
    # look-alikes by dnstwist's kinds
    ("bank-0ffers.com", LOOK, "spring", "the digit 0 in place of 'o'"),
    ("bamk-offers.com", LOOK, "spring", "'m' in place of 'n'"),
    ("balk-offers.com", LOOK, "spring", "one character changed"),  # bitsquatting
    ("bnak-offers.com", LOOK, "spring", "two letters swapped ('an' written 'na')"),  # transposition
    ("bank-ofers.com", LOOK, "spring", "a letter left out ('f' missing)"),  # omission
    ("bahnk-offers.com", LOOK, "spring", "an extra letter typed in"),  # insertion
    ("bank-of-fers.com", LOOK, "spring", "an extra hyphen"),  # hyphenation
    ("bank-offfers.com", LOOK, "spring", "a letter doubled"),  # repetition
    ("bank-9ffers.com", LOOK, "spring", "replaced by its neighbour on the keyboard"),  # replacement
    ("bank-affers.com", LOOK, "spring", "a different vowel"),  # vowel swap
    ("bank-offers1.com", LOOK, "spring", "a letter added at the end"),  # addition
    ("bank-offers.co", LOOK, "spring", "a different ending (.co instead of .com)"),  # TLD swap
    ("bank-offers.support", LOOK, "spring", ".support instead of .com"),
    ("bank-offerscom.com", LOOK, "spring", "the ending run into the name"),  # various
    ("example.bank.co.uk", LOOK, "spring", "a dot inserted"),  # subdomain
    ("bank.offers.com", LOOK, "spring", "a dot inserted"),  # subdomain (hyphen to dot, the fallback)
    ("асмеѕһор.com", LOOK, "summer", "Cyrillic letters in place of Latin ones"),  # whole-word Cyrillic
    # confusable characters and punycode
    ("bаnk-offers.com", LOOK, "spring", "a Cyrillic а in place of 'a'"),
    ("xn--bnk-offers-zqi.com", LOOK, "spring", "reads xn--bnk-offers-zqi.com"),
    ("xn--bnk-offers-zqi.com", LOOK, "spring", "It mixes letters of Cyrillic and Latin in one name"),
    ("https://xn--bnk-offers-zqi.com/login", LOOK, "spring", "a Cyrillic а"),
    ("bạnk-offers.com", LOOK, "spring", "an accented ạ"),
    # the fallback
    ("bank-offers.com.account-verify.net", LOOK, "spring", "our domain name placed in front"),
    ("http://login.bank-offers.com.evil.example.net/x", LOOK, "spring", "our domain name placed in front"),
    ("bank-offers.museum", LOOK, "spring", ".museum instead of .com"),
    ("examplebank-secure-login.com", LOOK, "spring", "our name inside a longer name"),
    ("bamk-offerz.com", LOOK, "spring", "a spelling close to ours"),
    ("@acmeshop_support", LOOK, "summer", "possibly an impostor account"),
    # not ours
    ("weather.com", NOT, None, "not a domain of any registered campaign"),
    ("support@othercompany.org", NOT, None, "not a domain of any registered campaign"),
    ("+1 212 555 0100", NOT, None, "not printed in any registered campaign"),
    ("sendgrid.net", NOT, None, "shared service"),
    ("hello, I got a strange letter", NOT, None, "Ask the caller"),
    ("Your parcel is waiting for collection", NOT, None, "Ask the caller"),
    # an address not of ours with only our words: a copy, not ours
    ("support@secure-mail.net sent 'Your spring savings are waiting'", LOOK, "spring", "not a sender of Spring"),
    ("carol@gmail.com got 'Your spring savings are waiting'", OURS, "spring", "subject line"),  # a shared domain
    ("support@secure-mail.net, call (415) 555-0134", OURS, "spring", "printed in"),  # a number of ours is no copy
]  # fmt: skip


@pytest.mark.parametrize(("paste", "answer", "campaign", "phrase"), TABLE, ids=[row[0][:40] for row in TABLE])
def test_verify_table(paste: str, answer: Answer, campaign: str | None, phrase: str) -> None:
    got, cid, sure, sentence, evidence = check(paste)
    assert (got, cid) == (answer, campaign), sentence
    assert phrase in sentence or any(phrase in line for line in evidence), (sentence, evidence)
    assert 0 <= sure <= 100
    assert sentence.endswith((".", "yet.")) and not sentence[0].isdigit()


def test_tracking_parameters_are_named_in_the_evidence() -> None:
    _, _, _, _, evidence = check("https://examplebank.co.uk/x?utm_source=mail&utm_campaign=spring&gclid=1")
    assert any("Tracking parameters (utm_source, utm_campaign, gclid) were ignored" in line for line in evidence)


def test_uk_number_in_the_uk_region_and_a_us_number_in_national_form() -> None:
    assert check("020 7946 0958", region="GB")[:2] == (ENDED, "flight")
    assert check("0044 20 7946 0958", region="GB")[:2] == (ENDED, "flight")
    assert check("(800) 555 0199")[:2] == (OURS, "spring")


def test_answers_carry_the_campaign_and_its_guidance() -> None:
    verdict = verify("bank-offers.com", registry(), NOW, region="US")
    assert verdict.campaign is not None
    assert verdict.campaign.guidance.offer_is_not.startswith("Not a loan")
    assert verdict.campaign.when == "live until 30 June 2026"
    assert verdict.label == "Ours, and live"
    assert verdict.recognised == ["a domain"]


def test_confidence_orders_the_kinds_of_evidence() -> None:
    exact = check("bank-offers.com")[2]
    subject = check("Your spring savings are waiting")[2]
    dnstwist_kind = check("bank-0ffers.com")[2]
    fallback = check("examplebank-secure-login.com")[2]
    assert exact > subject
    assert dnstwist_kind > fallback
    assert check("weather.com")[2] > check("just some words here")[2]


HEADERS_PASS = """Delivered-To: carol@gmail.com
Received: from o1.em.bank-offers.com (o1.em.bank-offers.com. [167.89.1.2])
        by mx.google.com with ESMTPS id abc
Authentication-Results: mx.google.com;
       dkim=pass header.i=@bank-offers.com header.s=s1 header.b=AbCd;
       spf=pass (google.com: domain of bounces+123@em.bank-offers.com designates 167.89.1.2 as permitted
 sender) smtp.mailfrom="bounces+123@em.bank-offers.com";
       dmarc=pass (p=REJECT sp=REJECT dis=NONE) header.from=bank-offers.com
Return-Path: <bounces+123@em.bank-offers.com>
From: Example Bank <news@bank-offers.com>
To: carol@gmail.com
Subject: =?utf-8?q?Your_spring_savings_are_waiting?=
Date: Mon, 4 May 2026 09:00:00 +0000
Message-ID: <abc@bank-offers.com>
"""

HEADERS_FAIL = """Received: from mail.evil-host.net (mail.evil-host.net [203.0.113.9])
        by mx.google.com with ESMTP id xyz
Authentication-Results: mx.google.com;
       dkim=pass header.i=@evil-host.net header.s=k1;
       spf=pass (google.com: domain of x@evil-host.net designates 203.0.113.9) smtp.mailfrom=x@evil-host.net;
       dmarc=fail (p=REJECT sp=REJECT dis=QUARANTINE) header.from=bank-offers.com
Authentication-Results: forged.example; dmarc=pass header.from=bank-offers.com
Return-Path: <x@evil-host.net>
From: "Example Bank" <news@bank-offers.com>
Subject: Your spring savings are waiting
Message-ID: <1@evil-host.net>

Claim it at https://bank-offers.com/claim?utm_source=spring before Friday.
"""

HEADERS_NO_DMARC_FAIL = """Authentication-Results: mx.example.net; spf=pass smtp.mailfrom=bounce@evil-host.net;
 dkim=none
From: news@bank-offers.com
Subject: Spring offer
"""

HEADERS_NO_DMARC_PASS = """Authentication-Results: mx.example.net; spf=softfail smtp.mailfrom=bounce@evil-host.net;
 dkim=pass header.d=mail.bank-offers.com
From: news@bank-offers.com
Subject: Spring offer
"""

HEADERS_COPIED = """Authentication-Results: mx.example.net; spf=pass smtp.mailfrom=support@secure-mail.net;
 dkim=pass header.d=secure-mail.net; dmarc=pass header.from=secure-mail.net
From: Example Bank <support@secure-mail.net>
Subject: Your spring savings are waiting

Your offer is at https://www.examplebank.co.uk/spring?utm_source=mail
"""

HEADERS_UNCHECKED = """From: Example Bank <news@bank-offers.com>
To: carol@example.net
Subject: Your spring savings are waiting
Date: Mon, 4 May 2026 09:00:00 +0000
"""


def test_headers_that_pass_alignment() -> None:
    verdict = verify(HEADERS_PASS, registry(), NOW, region="US")
    assert verdict.answer is OURS and verdict.confidence >= 98
    assert "confirmed the sender (DMARC pass for bank-offers.com)" in verdict.sentence
    assert "raw mail headers" in verdict.recognised
    assert "DKIM pass for bank-offers.com, aligned with the From address." in verdict.evidence
    assert any("subject line of Spring savings" in line for line in verdict.evidence)


def test_headers_that_fail_alignment_are_a_possible_spoof_not_ours() -> None:
    verdict = verify(HEADERS_FAIL, registry(), NOW, region="US")
    assert verdict.answer is LOOK
    assert verdict.label.endswith("possible spoof")
    assert "DMARC fail" in verdict.sentence and "possibly forged" in verdict.sentence
    assert "SPF pass for evil-host.net, not for the From domain." in verdict.evidence
    assert verdict.campaign is not None and verdict.campaign.campaign_id == "spring"


def test_headers_without_dmarc_use_spf_and_dkim_alignment() -> None:
    failed = verify(HEADERS_NO_DMARC_FAIL, registry(), NOW, region="US")
    assert failed.answer is LOOK and "no SPF or DKIM pass for that domain" in failed.sentence
    passed = verify(HEADERS_NO_DMARC_PASS, registry(), NOW, region="US")
    assert passed.answer is OURS and "DKIM pass, aligned" in passed.sentence


def test_a_mail_from_someone_else_carrying_our_campaign_is_a_copy() -> None:
    verdict = verify(HEADERS_COPIED, registry(), NOW, region="US")
    assert verdict.answer is LOOK and verdict.campaign is not None and verdict.campaign.campaign_id == "spring"
    assert "comes from support@secure-mail.net, which is not a sender of Spring savings" in verdict.sentence
    assert "carries that campaign's links and subject line" in verdict.sentence
    plain = verify(HEADERS_COPIED.replace("Your spring savings are waiting", "Hello").split("\n\n")[0], registry(),
                   NOW, region="US")  # fmt: skip
    assert plain.answer is NOT  # nothing of ours in it: simply not ours


def test_headers_without_authentication_results_are_ours_but_less_sure() -> None:
    verdict = verify(HEADERS_UNCHECKED, registry(), NOW, region="US")
    assert verdict.answer is OURS
    assert verdict.confidence < verify(HEADERS_PASS, registry(), NOW, region="US").confidence
    assert any("no Authentication-Results" in line for line in verdict.evidence)


def test_a_lookalike_beats_our_copied_words_and_links() -> None:
    paste = "Your spring savings are waiting! Claim at https://bank-offers.com.evil.net/claim, code SPRING25"
    answer, cid, _, sentence, _ = check(paste)
    assert (answer, cid) == (LOOK, "spring")
    assert "placed in front" in sentence


@pytest.mark.parametrize("bad", ["", "   \n", "a\x00b", "x" * (MAX_PASTE_CHARS + 1)])
def test_unusable_pastes_are_input_errors(bad: str) -> None:
    with pytest.raises(InputError):
        verify(bad, registry(), NOW, region="US")


def test_a_long_paste_lists_the_surest_evidence_and_counts_the_rest() -> None:
    paste = "bank-0ffers.com " + " ".join(f"site{i}.example.org" for i in range(30))
    verdict = verify(paste, registry(), NOW, region="US")
    assert verdict.answer is LOOK and len(verdict.evidence) == 16 and len(verdict.findings) == 20
    assert "imitates bank-offers.com" in verdict.evidence[0]
    assert verdict.evidence[-1] == "…and 5 more lines of evidence (every finding is in the API)."


def test_an_empty_registry_answers_not_ours() -> None:
    verdict = verify("bank-offers.com", [], NOW, region="US")
    assert verdict.answer is NOT


def test_international_domains_are_shown_as_people_read_them() -> None:
    spring = registry()[0].model_copy(update={"sending_domains": ("xn--bcher-kva.de",)})
    ours = verify("www.Bücher.de", [spring], NOW, region="US")
    assert ours.answer is OURS and "under bücher.de" in ours.sentence
    near = verify("büchers.de", [spring], NOW, region="US")
    assert near.answer is LOOK and "imitates bücher.de" in near.sentence


def test_skeleton_and_hosts() -> None:
    assert skeleton("bаnk") == skeleton("bank") == "bank"
    assert skeleton("exarnple") == skeleton("example")
    host = parse_host("XN--BNK-OFFERS-ZQI.com.")
    assert host is not None and host.unicode == "bаnk-offers.com" and host.registrable == "xn--bnk-offers-zqi.com"
    assert parse_host("3.14") is None and parse_host("e.g") is None and parse_host("localhost") is None
    sub = parse_host("a.b.bank.co.uk")
    assert sub is not None and sub.registrable == "bank.co.uk" and sub.suffix == "co.uk"


def test_the_index_is_built_once_per_set_of_domains() -> None:
    first = index_for(["bank-offers.com", "flyaway-travel.com"])
    assert index_for(("flyaway-travel.com", "bank-offers.com")) is first
    assert permutations("bank-offers.com") is permutations("bank-offers.com")
    assert permutations("bank-offers.com")["bnak-offers.com"] == "transposition"
    assert "sendgrid.net" not in index_for(["sendgrid.net"]).domains
    near = parse_host("www.bank-0ffers.com")
    assert near is not None and first.near(near) == ["bank-offers.com"]
    far = parse_host("weather.com")
    assert far is not None and first.near(far) == []


ODD_PASTES = [
    "xn--", "xn--a.com", "xn--zz-.com", "a..com", "@@@", "From: x\nSubject: y", "From: <>\nTo: a\n", "http://[::1]/",
    "http://[zz/", "http://exa mple.com", "a" * 70 + ".com", "a." * 130 + "com", "https://%%%.com", "mailto:@",
    "From: =?utf-8?b?////?= <a@b.com>\nDate: x\n", "Authentication-Results: ;;;\nFrom: a@bank-offers.com\nTo: b\n",
    "Authentication-Results: x; dmarc\nFrom: a@bank-offers.com\nTo: b\n", "ß.com", "ﬁ.com", "0.0.0.0", "+" * 100,
    "00" * 40, "@" + "a" * 40, "www.", "http://", "ａｂｃ.com", "bank-offers.com\u200b", "bank\u00adoffers.com",
]  # fmt: skip
PIECES = st.sampled_from(
    [*"abcdefghijklmnopqrstuvwxyz0123456789.-@:/?&=+() \nаеоıạ_%#", "xn--", ".com", "http://", "From: ", "Subject: ",
     "Authentication-Results: mx; ", "dmarc=pass header.from=", "bank-offers.com", "00", "+44", "SPRING25"]
)  # fmt: skip


@pytest.mark.parametrize("paste", ODD_PASTES)
def test_odd_pastes_get_an_answer(paste: str) -> None:
    assert verify(paste, registry(), NOW, region="US").sentence


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(PIECES, max_size=40).map("".join) | st.text(max_size=200))
def test_any_text_gets_an_answer_or_a_sentence(paste: str) -> None:
    try:
        verdict = verify(paste, registry(), NOW, region="US")
    except InputError as exc:
        assert str(exc)
    else:
        assert verdict.sentence and 0 <= verdict.confidence <= 100
