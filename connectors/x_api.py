"""`x-api-v2`: X (Twitter) API v2 response pages, one JSON object per line or one page per file."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, ClassVar

from connectors.base import ROW_ERRORS, Connector, ConnectorOptions, clean, row_reason
from connectors.crm import as_text
from connectors.dates import parse_datetime
from connectors.evidence import find_handles
from connectors.jsonlines import json_lines, parse_json
from connectors.ownside import ShareCounter, inferred_notice
from connectors.social import SeenAccounts, account_record, post_interaction
from connectors.textio import ByteCounter, TextLines, open_counted
from identity_graph.model import Notice, RecordRef, SourceItem

#: A file that is one pretty-printed response page is read whole up to this size (X pages are small).
MAX_PAGE_BYTES = 64 * 1024 * 1024
X_PLATFORM = "x"
Page = tuple[int, Any, str]


def _first_line_is_json(path: Path) -> bool:
    """True when the first non-blank line of a file is a complete JSON value (JSON Lines)."""
    for line in TextLines(path, ByteCounter()):
        if line.strip():
            try:
                parse_json(line.strip())
            except ValueError:
                return False
            return True
    return True


def x_pages(path: Path, counter: ByteCounter) -> Iterator[Page | SourceItem]:
    """Response pages of a file: one per line, or the whole file as one pretty-printed page.

    A file whose first line is not JSON is tried as one page; when that fails too it is read line by line, so
    a broken first line costs that line only.
    """
    if not _first_line_is_json(path) and path.stat().st_size <= MAX_PAGE_BYTES:
        with open_counted(path, ByteCounter()) as fh:
            text = fh.read(MAX_PAGE_BYTES).decode("utf-8-sig", errors="replace")
        try:
            page = parse_json(text)
        except ValueError:
            page = None
        if page is not None:
            counter.add(len(text))
            yield (1, page, text)
            return
    yield from json_lines(path, counter)


def _tweet_mentions(tweet: dict[str, Any]) -> list[str]:
    """Usernames a tweet mentions (from entities, else from its text)."""
    entities = tweet.get("entities")
    if isinstance(entities, dict) and isinstance(entities.get("mentions"), list):
        return [str(m["username"]) for m in entities["mentions"] if isinstance(m, dict) and m.get("username")]
    return find_handles(str(tweet.get("text", "")))


def _objects(page: Any) -> tuple[list[Any], list[Any]]:
    """(users, tweets) of a page: `data` may hold either, `includes` holds users and referenced tweets."""
    if not isinstance(page, dict):
        raise ValueError("page is not a JSON object")
    data = page.get("data", [])
    data = [data] if isinstance(data, dict) else data if isinstance(data, list) else []
    includes = page.get("includes") if isinstance(page.get("includes"), dict) else {}
    assert isinstance(includes, dict)
    users = [o for o in includes.get("users", []) or [] if isinstance(o, dict)]
    users += [o for o in data if isinstance(o, dict) and "username" in o]
    tweets = [o for o in data if not (isinstance(o, dict) and "username" in o)]
    tweets += [o for o in includes.get("tweets", []) or [] if isinstance(o, dict)]
    return users, tweets


class XApiV2Connector(Connector):
    """X API v2 responses: `{"data": [tweets], "includes": {"users": [...]}}`, a page per line or per file."""

    format: ClassVar[str] = "x-api-v2"
    description: ClassVar[str] = "X (Twitter) API v2 response pages, one JSON object per line or per file"

    def __init__(self, options: ConnectorOptions) -> None:
        super().__init__(options)
        self.seen = SeenAccounts()
        self.own_ids: set[str] = set()

    def prescan(self, paths: Sequence[Path]) -> Iterator[Notice]:
        """Infer our account: a handle mentioned in a large share of posts (when none is configured)."""
        settings = self.own.settings
        if self.own.handles or not settings.infer:
            return
        counter = ShareCounter()
        saved = self.counter.done
        pages = (p for path in paths for p in x_pages(path, self.counter) if isinstance(p, tuple))
        scanned = 0
        for _, page, _ in pages:
            try:
                _, tweets = _objects(page)
            except ValueError:
                continue
            for tweet in tweets:
                counter.add_item(h.lower() for h in _tweet_mentions(tweet))
            scanned += len(tweets)
            if scanned >= settings.infer_scan_items:
                break
        self.counter.done = saved
        found = counter.frequent(settings.infer_min_share, settings.infer_min_items)
        if found:
            self.own.handles.update(found)
            yield inferred_notice(str(paths[0]) if paths else "", "accounts", found, "handles")

    def read_file(self, path: Path) -> Iterator[SourceItem]:
        """Account records then post interactions of every page."""
        for page in x_pages(path, self.counter):
            if not isinstance(page, tuple):
                yield page
                continue
            line, obj, raw = page
            try:
                users, tweets = _objects(obj)
            except ValueError as exc:
                yield self.reject(path, line, str(exc), raw)
                continue
            for user in users:
                item = self._user(path, line, user)
                if item is not None:
                    yield item
            for tweet in tweets:
                yield self._tweet(path, line, tweet)

    def _user(self, path: Path, line: int, user: dict[str, Any]) -> SourceItem | None:
        """An account record (only when new or changed in this load), or Rejected; our account is skipped."""
        try:
            user_id, username = clean(as_text(user.get("id"))), clean(as_text(user.get("username")))
            if user_id is None or username is None:
                raise ValueError("user without id or username")
            if self.own.is_own_handle(username, X_PLATFORM):
                self.own_ids.add(user_id)
                return Notice(path=str(path), message="our own account's posts are loaded without a customer")
            record = account_record(
                self.source,
                user_id,
                platform=X_PLATFORM,
                handle=username,
                name=clean(as_text(user.get("name"))),
                bio=clean(as_text(user.get("description"))),
                location=clean(as_text(user.get("location"))),
                url=_expanded_url(user),
                own=self.own,
                attributes=_user_attributes(user),
            )
        except ROW_ERRORS as exc:
            return self.reject(path, line, f"user: {row_reason(exc)}", json.dumps(user)[:2000])
        return record if self.seen.is_new(record) else None

    def _tweet(self, path: Path, line: int, tweet: dict[str, Any]) -> SourceItem:
        """A post interaction, or Rejected."""
        try:
            tweet_id = clean(as_text(tweet.get("id")))
            if tweet_id is None:
                raise ValueError("post without id")
            created = parse_datetime(as_text(tweet.get("created_at")))
            author_id = clean(as_text(tweet.get("author_id")))
            ours = author_id in self.own_ids
            author = (
                RecordRef(source=self.source, source_id=author_id)
                if author_id is not None and not ours and author_id in self.seen
                else None
            )
            attrs = {"author_id": author_id} if author_id else {}
            mentions = _tweet_mentions(tweet)
            if mentions:
                attrs["mentioned_handles"] = ",".join(mentions)
            for key in ("lang", "in_reply_to_user_id"):
                if clean(as_text(tweet.get(key))):
                    attrs[key] = as_text(tweet[key])
            return post_interaction(
                self.source,
                tweet_id,
                created,
                as_text(tweet.get("text")),
                author=author,
                ours=ours,
                region=self.own.region,
                thread=clean(as_text(tweet.get("conversation_id"))),
                attributes=attrs,
            )
        except ROW_ERRORS as exc:
            return self.reject(path, line, f"post: {row_reason(exc)}", json.dumps(tweet)[:2000])


def _expanded_url(user: dict[str, Any]) -> str | None:
    """The profile's real url (entities' expanded url over the t.co link)."""
    try:
        urls = user["entities"]["url"]["urls"]
        expanded = urls[0].get("expanded_url") if urls and isinstance(urls[0], dict) else None
    except (KeyError, TypeError, IndexError):
        expanded = None
    return clean(as_text(expanded)) or clean(as_text(user.get("url")))


def _user_attributes(user: dict[str, Any]) -> dict[str, str]:
    """Account fields worth keeping beside the record (creation time, verification, protected)."""
    out = {}
    for key in ("created_at", "verified", "protected"):
        value = clean(as_text(user.get(key)))
        if value:
            out[key] = value
    return out
