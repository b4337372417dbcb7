"""X (Twitter) API v2 search pages `social/x_pages.jsonl`: posts mentioning our brand, with their authors."""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import IO, Any

from identity_graph.generate import constants as c
from identity_graph.generate.campaigns import FLASH, FLASH_CODE, FLASH_POST_SHARE, FLASH_POSTS
from identity_graph.generate.entry import later
from identity_graph.generate.names import City
from identity_graph.generate.people import Person
from identity_graph.generate.variants import email_variant, format_phone
from identity_graph.generate.writer import Spool, TruthWriter

SOURCE = "x"
#: Twitter's snowflake epoch (ms); tweet ids encode their creation time from it.
SNOWFLAKE_EPOCH_MS = 1288834974657
#: Post texts; `{brand}` is our handle with its `@`.
POSTS = (
    "{brand} my order still hasn't shipped, any update? 😤",
    "Thanks {brand} for sorting out my refund so fast!",
    "{brand} been on hold for 40 minutes, is anyone there?",
    "Loving the new blender from {brand} 🙌",
    "{brand} the discount code from your email doesn't work",
    "Hey {brand}, DM'd you about a damaged package",
    "{brand} why was I charged twice??",
    "Shoutout to {brand} support, great service today",
)
#: Bio sentences; `{contact}` is an email or phone of the account's owner.
BIOS = (
    "Coffee, code and cats.",
    "Dad. Runner. Opinions my own.",
    "Plant mom 🌱 | home cook",
    "Sports, BBQ, more sports.",
    "",
    "Always learning.",
)
CONTACT_BIOS = ("Business inquiries: {contact}", "Reach me at {contact}", "📩 {contact}")
#: Share of accounts that show a location, and that link a personal site.
LOCATION_SHARE = 0.6
URL_SHARE = 0.15


@dataclass(slots=True)
class Account:
    """An X account about to be written: the user object and the truth label of its owner."""

    user: dict[str, Any]
    label: str


def _iso(moment: datetime) -> str:
    """X's timestamp format, `2024-03-05T14:22:10.000Z`."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S.000Z")


class XPager:
    """Turns a batch of posts (oldest first) into search result pages, newest first, with next_token links."""

    def __init__(self, rng: random.Random) -> None:
        """No page yet."""
        self.rng = rng
        self.pending: dict[str, Any] | None = None
        self.pages = 0

    def _token(self) -> str:
        """An opaque pagination token."""
        return f"{self.rng.getrandbits(160):040x}"

    def _put(self, file: IO[str], page: dict[str, Any]) -> None:
        """Write the pending page linked to this one, and keep this one pending."""
        if self.pending is not None:
            self.pending["meta"]["next_token"] = self._token()
            file.write(json.dumps(self.pending, ensure_ascii=False) + "\n")
            self.pages += 1
        self.pending = page

    def write(self, file: IO[str], items: list[tuple[str, dict[str, Any], dict[str, Any]]]) -> None:
        """Paginate one sorted batch of (key, tweet, author) items."""
        items = items[::-1]
        for start in range(0, len(items), c.X_PAGE_SIZE):
            chunk = items[start : start + c.X_PAGE_SIZE]
            users: dict[str, dict[str, Any]] = {}
            for _, _, user in chunk:
                users.setdefault(user["id"], user)
            meta = {"newest_id": chunk[0][1]["id"], "oldest_id": chunk[-1][1]["id"], "result_count": len(chunk)}
            page = {"data": [t for _, t, _ in chunk], "includes": {"users": list(users.values())}, "meta": meta}
            self._put(file, page)

    def finish(self, file: IO[str]) -> None:
        """Write the last page (it has no next_token)."""
        if self.pending is not None:
            file.write(json.dumps(self.pending, ensure_ascii=False) + "\n")
            self.pages += 1
            self.pending = None


class XWriter:
    """Writes accounts and posts of customers and strangers, and their truth."""

    def __init__(
        self, out: Path, rng: random.Random, truth: TruthWriter, flash_rng: random.Random | None = None
    ) -> None:
        """Open the pages file; the flash sale's posts draw from `flash_rng`."""
        self.rng = rng
        self.flash_rng = flash_rng or rng
        self.truth = truth
        self.pager = XPager(rng)
        self.tweet_ids: set[int] = set()
        self.spool: Spool[tuple[str, dict[str, Any], dict[str, Any]]] = Spool(
            out / "social" / "x_pages.jsonl", key=lambda item: item[0], write=self.pager.write,
            finish=self.pager.finish,
        )  # fmt: skip

    def _tweet_id(self, moment: datetime, rng: random.Random) -> str:
        """A snowflake id for a post made at that moment (unique)."""
        ms = int(moment.timestamp() * 1000) + rng.randrange(1000)
        while True:
            tid = ((ms - SNOWFLAKE_EPOCH_MS) << 22) | rng.getrandbits(22)
            if tid not in self.tweet_ids:
                self.tweet_ids.add(tid)
                return str(tid)

    def _bio(self, contact: str | None) -> str:
        """A bio, with the contact written in it when given."""
        text = self.rng.choice(BIOS)
        if contact:
            text = (text + " " + self.rng.choice(CONTACT_BIOS).format(contact=contact)).strip()
        return text

    def _location(self, city: City) -> str:
        """Where the account says it is."""
        if self.rng.random() >= LOCATION_SHARE:
            return ""
        return self.rng.choice((f"{city.name}, {city.state}", city.name, f"{city.name} 🌎", city.state))

    def account(
        self, uid: str, handle: str, name: str, bio: str, city: City, since: datetime, label: str
    ) -> dict[str, Any]:
        """An account and one to POSTS_PER_ACCOUNT_MAX posts mentioning our brand; returns the user object."""
        rng = self.rng
        created = since - timedelta(days=rng.randrange(1, 3000))
        user = {
            "id": uid, "username": handle, "name": name, "description": bio, "location": self._location(city),
            "url": f"https://{handle.lower()}.example.net" if rng.random() < URL_SHARE else "",
            "created_at": _iso(created),
        }  # fmt: skip
        self.truth.add(SOURCE, uid, label)
        brand = f"@{c.OUR_BRAND_HANDLE}"
        for _ in range(1 + rng.randrange(c.POSTS_PER_ACCOUNT_MAX)):
            moment = later(rng, since, c.HISTORY_DAYS)
            self._post(rng, user, rng.choice(POSTS).format(brand=brand), moment, label)
        return user

    def _post(self, rng: random.Random, user: dict[str, Any], text: str, moment: datetime, label: str) -> None:
        """One post by `user` mentioning our brand (its first `@` mention)."""
        brand = f"@{c.OUR_BRAND_HANDLE}"
        at = text.index(brand)
        mention = {"start": at, "end": at + len(brand), "username": c.OUR_BRAND_HANDLE, "id": c.OUR_BRAND_USER_ID}
        tid = self._tweet_id(moment, rng)
        tweet = {
            "id": tid, "text": text, "author_id": user["id"], "created_at": _iso(moment),
            "entities": {"mentions": [mention]},
        }  # fmt: skip
        self.spool.add((f"{moment:%Y%m%d%H%M%S}{tid}", tweet, user))
        self.truth.add(SOURCE, tid, label)

    def flash_post(self, user: dict[str, Any], label: str) -> None:
        """Maybe a post about the flash sale while it runs (its own random stream, so other posts stay as they were)."""
        rng = self.flash_rng
        if rng.random() >= FLASH_POST_SHARE:
            return
        room = int((min(c.ANCHOR, FLASH.ends_at or c.ANCHOR) - FLASH.starts_at).total_seconds())
        moment = FLASH.starts_at + timedelta(seconds=rng.randrange(60, room))
        text = rng.choice(FLASH_POSTS).format(brand=f"@{c.OUR_BRAND_HANDLE}", code=FLASH_CODE)
        self._post(rng, user, text, moment, label)

    def add(self, p: Person) -> None:
        """The customer's account: a real or anonymous name, maybe an email or phone in the bio."""
        if not (p.handle and p.x_user_id and p.x_display):
            return
        rng = self.rng
        contact = None
        if rng.random() < c.BIO_EMAIL_SHARE:
            contact = email_variant(rng, p.email)
        elif p.mobile and rng.random() < c.BIO_PHONE_SHARE:
            contact = format_phone(rng, p.mobile)
        user = self.account(p.x_user_id, p.handle, p.x_display, self._bio(contact), p.address.city, p.since, p.pid)
        self.flash_post(user, p.pid)

    def close(self) -> None:
        """Finish the pages file."""
        self.spool.close()
