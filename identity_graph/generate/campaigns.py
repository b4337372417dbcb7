"""Marketing's launches around the anchor and the campaign registry file `campaigns/campaigns.toml`.

Four registered campaigns, each a case the contact center meets (docs/campaigns.md):
- Acme Rewards, mailed from a **new sending domain** (and a phishing mail from a look-alike of it arrives in the
  support mailbox);
- a blender safety check that says **"call us now"** and prints its own number: recipients call that line (the
  DNIS) in a burst in the hours after the send, which the spike watch flags;
- a **one-hour flash sale** posted on X, whose code customers post about while it runs;
- a summer sale that starts three days after the anchor (the briefing's "starting soon").
The domains end in `-example.com`: fictional names under a real public suffix, so their registrable domain is
their own (names under `.example` have none).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from identity_graph.generate import constants as c

#: The new sending domain of the rewards programme, and the look-alike a phisher registered (`m` written `rn`).
REWARDS_DOMAIN = "acmerewards-example.com"
PHISHING_DOMAIN = "acrnerewards-example.com"
#: The domain whose SPF the phishing mail passes (a bulk mailer's, not aligned with its From domain), and when
#: the phishing mail arrived (the day before the anchor, after the rewards mail).
PHISHING_MAILER = "bulk-mailer.example.net"
PHISHING_AT = c.ANCHOR - timedelta(hours=20, minutes=13)
#: The safety check's own line: printed in the mail and the DNIS its calls arrive on.
SAFETY_LINE = "+18005550142"
#: The flash sale's offer code and the post that announced it.
FLASH_CODE = "FLASH30"
FLASH_POST_URL = f"https://x.com/{c.OUR_BRAND_HANDLE}/status/1939719325086646272"  # posted at the start, 16:15 UTC
#: Share of the safety check's recipients (who are callers) who call its line, and their mean delay in minutes.
SAFETY_CALL_SHARE = 0.9
SAFETY_CALL_MEAN_MINUTES = 35
#: Share of X account holders who post about the flash sale while it runs, and of mail writers who write to us.
FLASH_POST_SHARE = 0.6
FLASH_MAIL_SHARE = 0.35
#: Posts customers write about the flash sale; `{brand}` is our handle with its `@`, `{code}` the offer code.
FLASH_POSTS = (
    "{brand} is {code} still on? the checkout says it expired",
    "{brand} got the {code} flash sale, ordered two blenders 🎉",
    "{brand} {code} doesn't work on the blender page??",
    "{brand} how long does the {code} sale run?",
)
#: Mails customers write about the flash sale while it runs: (subject, body); `{code}` is the offer code.
FLASH_MAILS = (
    ("{code} code not working", "Hi,\n\nThe {code} code from your post is refused at checkout. Can you help?"),
    ("Flash sale", "Hello,\n\nI saw the {code} flash sale on X. Does it work for an order I placed this morning?"),
    ("Is {code} valid?", "Hi there,\n\nIs {code} valid on the new blender too? The page says the code is unknown."),
)


@dataclass(frozen=True, slots=True)
class Launch:
    """One registered campaign: the registry's fields, and its send in the ESP log (if it was mailed)."""

    campaign_id: str
    name: str
    channel: str
    owner: str
    starts_at: datetime
    ends_at: datetime | None
    fields: dict[str, list[str] | str] = field(default_factory=dict)
    guidance: dict[str, str] = field(default_factory=dict)
    faq: tuple[tuple[str, str], ...] = ()
    #: The ESP's id of the send, when, from which address and with which subject (no send when None).
    esp_id: str | None = None
    sent_at: datetime | None = None
    sender: str = c.NEWSLETTER_ADDRESS
    subject: str = ""
    #: Share of subscribers it is sent to.
    receive_share: float = c.CAMPAIGN_RECEIVE_SHARE


_DAY = timedelta(days=1)
REWARDS = Launch(
    "acme-rewards-2025", "Acme Rewards launch", "email", "Loyalty marketing",
    starts_at=c.ANCHOR - 6 * _DAY - timedelta(hours=3), ends_at=None,
    fields={
        "sending_domains": [REWARDS_DOMAIN], "link_domains": [REWARDS_DOMAIN],
        "sender_addresses": [f"hello@{REWARDS_DOMAIN}"],
        "subjects": ["Welcome to Acme Rewards: your points are waiting"],
        "offer_text": "Join Acme Rewards for free and get 500 welcome points on your next order.",
    },
    guidance={
        "offer_is": f"Our new loyalty programme, mailed from our new domain {REWARDS_DOMAIN}. Joining is free and "
        "the 500 welcome points are real.",
        "offer_is_not": "It never asks for a password, a card number or a payment to keep points. Mail from a "
        f"look-alike such as {PHISHING_DOMAIN} is not ours.",
        "script": f"Yes, that mail is ours: Acme Rewards is our new programme at {REWARDS_DOMAIN}. I can check "
        "your points with you now.",
    },
    faq=(
        (f"Is {REWARDS_DOMAIN} really Acme?", "Yes: it is the Acme Rewards domain since June 2025."),
        ("Do my points expire?", "Not for the first year; the mail never asks to confirm a card."),
    ),
    esp_id="cmp_202506_rewards", sent_at=c.ANCHOR - 6 * _DAY - 2 * timedelta(hours=1),
    sender=f"hello@{REWARDS_DOMAIN}", subject="Welcome to Acme Rewards: your points are waiting",
)  # fmt: skip
SAFETY = Launch(
    "blender-safety-check", "Blender safety check: call us now", "call", "Product safety",
    starts_at=c.ANCHOR - _DAY - timedelta(minutes=30), ends_at=c.ANCHOR + 6 * _DAY,
    fields={
        "phone_numbers": [SAFETY_LINE], "dnis": [SAFETY_LINE],
        "subjects": ["Important: a safety check for your Acme blender - call us now"],
        "offer_text": "Some blenders of the 2024 series need a free blade check; call 1-800-555-0142.",
    },
    guidance={
        "offer_is": "A free blade check for 2024-series blenders; we send a replacement blade if the serial "
        "number is on the list.",
        "offer_is_not": "Not a recall of every blender and not a refund; nobody needs to stop using it today.",
        "script": "Thanks for calling about the safety check. May I have the serial number under the base?",
    },
    faq=(("Is my blender dangerous?", "Only serial numbers starting B24-07 need the new blade; it ships free."),),
    esp_id="cmp_202506_safety", sent_at=c.ANCHOR - _DAY,
    subject="Important: a safety check for your Acme blender - call us now", receive_share=1.0,
)  # fmt: skip
FLASH = Launch(
    "flash-sale-30", "One-hour flash sale", "social", "Social team",
    starts_at=c.ANCHOR - timedelta(minutes=45), ends_at=c.ANCHOR + timedelta(minutes=15),
    fields={
        "social_accounts": [f"x:{c.OUR_BRAND_HANDLE.lower()}"], "post_urls": [FLASH_POST_URL],
        "offer_codes": [FLASH_CODE], "offer_text": "30% off every blender for one hour with code FLASH30.",
    },
    guidance={
        "offer_is": "30% off blenders on the web shop with code FLASH30, for one hour only.",
        "offer_is_not": "Not valid on orders already placed, and not by phone.",
        "script": "The flash sale ran for one hour on the web shop; I'm sorry, I cannot apply it to an order.",
    },
)  # fmt: skip
SUMMER = Launch(
    "summer-sale-2025", "Summer Sale", "email", "Retail marketing",
    starts_at=c.ANCHOR + 3 * _DAY - timedelta(hours=2), ends_at=c.ANCHOR + 10 * _DAY,
    fields={
        "sending_domains": [REWARDS_DOMAIN], "sender_addresses": [f"sale@{REWARDS_DOMAIN}"],
        "subjects": ["Summer Sale: 25% off blenders"], "offer_codes": ["SUMMER25"],
    },
    guidance={"offer_is": "25% off blenders in July with code SUMMER25, online and by phone."},
)  # fmt: skip
#: Every registered campaign, in registry order.
LAUNCHES = (REWARDS, SAFETY, FLASH, SUMMER)


def _stamp(at: datetime) -> str:
    """A TOML offset date-time in UTC."""
    return at.strftime("%Y-%m-%dT%H:%M:%SZ")


def _value(value: list[str] | str) -> str:
    """A TOML string or array of strings."""
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    return "[" + ", ".join(json.dumps(v, ensure_ascii=False) for v in value) + "]"


def registry_text() -> str:
    """`campaigns/campaigns.toml`: one `[[campaign]]` table per launch, its guidance and FAQ."""
    parts = ['# Campaigns marketing registered for this data set (docs/campaigns.md, "The registry").\n']
    for launch in LAUNCHES:
        parts.append(f'\n[[campaign]]\ncampaign_id = "{launch.campaign_id}"\nname = {_value(launch.name)}\n')
        parts.append(f'channel = "{launch.channel}"\nowner = {_value(launch.owner)}\n')
        parts.append(f"starts_at = {_stamp(launch.starts_at)}\n")
        if launch.ends_at is not None:
            parts.append(f"ends_at = {_stamp(launch.ends_at)}\n")
        parts.extend(f"{name} = {_value(value)}\n" for name, value in launch.fields.items())
        if launch.esp_id:
            parts.append(f"external_ids = {_value([launch.esp_id])}\n")
        if launch.guidance:
            parts.append("\n[campaign.guidance]\n")
            parts.extend(f"{name} = {_value(text)}\n" for name, text in launch.guidance.items())
        for question, answer in launch.faq:
            parts.append(f"\n[[campaign.guidance.faq]]\nquestion = {_value(question)}\nanswer = {_value(answer)}\n")
    return "".join(parts)
