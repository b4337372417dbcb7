"""`social-jsonl`: accounts (and optionally their posts) of any platform as JSON Lines, with a mapping."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

from connectors.base import ROW_ERRORS, Connector, ConnectorOptions, clean, row_reason
from connectors.crm import as_text, lookup
from connectors.dates import parse_datetime, zone
from connectors.jsonlines import json_lines
from connectors.mapping import Mapping, check_mapping
from connectors.social import SeenAccounts, account_record, post_interaction
from identity_graph.errors import ConfigError
from identity_graph.model import IdentifierClaim, IdentifierKind, SourceItem

#: Canonical fields of `social-jsonl`.
SOCIAL_FIELDS = frozenset(
    {
        "id",
        "handle",
        "full_name",
        "bio",
        "location",
        "url",
        "email",
        "phone",
        "post_id",
        "post_text",
        "posted_at",
        "thread",
    }
)


class SocialJsonlConnector(Connector):
    """Accounts (and optionally their posts) of any platform as JSON Lines, mapped by --mapping."""

    format: ClassVar[str] = "social-jsonl"
    description: ClassVar[str] = "social accounts and posts as JSON Lines, mapped by --mapping"
    needs_mapping: ClassVar[bool] = True

    def __init__(self, options: ConnectorOptions) -> None:
        super().__init__(options)
        mapping = options.mapping
        if mapping is None:
            raise ConfigError("format social-jsonl needs --mapping FILE")
        check_mapping(mapping, SOCIAL_FIELDS, self.format, allowed_options=frozenset({"platform"}))
        platform = mapping.option("platform")
        if not platform:
            raise ConfigError(f'{mapping.path}: social-jsonl needs [options] platform = "..."')
        self.mapping: Mapping = mapping
        self.platform = platform.lower()
        self.tz = zone(mapping.option("timezone"))
        self.seen = SeenAccounts()

    def read_file(self, path: Path) -> Iterator[SourceItem]:
        """Per line: the account record (when new or changed), then the post if the line has one."""
        for item in json_lines(path, self.counter, self.mapping.option("encoding")):
            if not isinstance(item, tuple):
                yield item
                continue
            line, obj, raw = item
            try:
                yield from self._items(obj)
            except ROW_ERRORS as exc:
                yield self.reject(path, line, row_reason(exc), raw)

    def _get(self, obj: dict[str, Any], name: str) -> str | None:
        """A mapped field's first value as text."""
        for key in self.mapping.columns(name):
            value = clean(as_text(lookup(obj, key)))
            if value:
                return value
        return None

    def _items(self, obj: Any) -> list[SourceItem]:
        """One line's items."""
        if not isinstance(obj, dict):
            raise ValueError("line is not a JSON object")
        account_id = self._get(obj, "id")
        if account_id is None:
            raise ValueError("empty account id")
        handle = self._get(obj, "handle")
        if handle and self.own.is_own_handle(handle, self.platform):
            record = None
        else:
            extra = [
                IdentifierClaim(kind=kind, raw=value, field=name)
                for name, kind in (("email", IdentifierKind.EMAIL), ("phone", IdentifierKind.PHONE))
                for value in [self._get(obj, name)]
                if value
            ]
            record = account_record(
                self.source,
                account_id,
                platform=self.platform,
                handle=handle,
                name=self._get(obj, "full_name"),
                bio=self._get(obj, "bio"),
                location=self._get(obj, "location"),
                url=self._get(obj, "url"),
                own=self.own,
                declared=tuple(extra),
            )
        items: list[SourceItem] = []
        post_id = self._get(obj, "post_id")
        when = self._get(obj, "posted_at")
        if post_id is not None and when is None:
            raise ValueError("post without posted_at")
        if record is not None and self.seen.is_new(record):
            items.append(record)
        if post_id is not None and when is not None:
            author = record.ref if record is not None else None
            items.append(
                post_interaction(
                    self.source,
                    post_id,
                    parse_datetime(when, self.mapping.option("date_format"), self.tz),
                    self._get(obj, "post_text") or "",
                    author=author,
                    ours=record is None,
                    region=self.own.region,
                    thread=self._get(obj, "thread"),
                    attributes={"account_id": account_id},
                )
            )
        return items
