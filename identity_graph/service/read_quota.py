"""Volume limits on reads: a per-token rate limit (429 with Retry-After) and a daily volume flagged in the audit.

Every lookup, who-is question and profile, timeline or why-linked read over the API counts against its token.
A token of an agent, the social team or a steward may make `service.reads_per_minute` of them in any 60 seconds
(a sliding window); the next one is answered 429 with `Retry-After` (seconds) until the oldest falls out of the
window. Admins are not limited (they hold every permission anyway, and tooling runs as admin). Past
`service.daily_read_alert` reads in one UTC day a token, whatever its role, gets one `reads.volume` audit entry
that day (its id, the count and the setting: ids and numbers only), for someone to look at.

Counts are kept in the serving process (one per `idgraph serve`): a restart starts them again.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from identity_graph.service import audit
from identity_graph.service.auth import Caller, Permission, Role
from identity_graph.settings import Settings
from identity_graph.store.protocol import GraphStore

#: The permissions whose requests are reads that count.
READ_PERMISSIONS = frozenset({Permission.LOOKUP, Permission.READ, Permission.WHOIS})
#: Roles the per-minute limit applies to.
LIMITED_ROLES = frozenset({Role.AGENT, Role.SOCIAL, Role.STEWARD})
#: The rate limit's window.
WINDOW_SECONDS = 60.0
#: The audit action written when a token passes the daily read volume.
VOLUME_ACTION = "reads.volume"


@dataclass
class _Day:
    """One token's reads on one day."""

    day: date
    count: int = 0
    flagged: bool = False


@dataclass
class ReadQuota:
    """Per-token read windows and daily counts, shared by the requests of one app."""

    per_minute: int
    daily_alert: int
    clock: Callable[[], float] = time.monotonic
    today: Callable[[], date] = field(default=lambda: datetime.now(UTC).date())
    _windows: dict[int, deque[float]] = field(default_factory=dict)
    _days: dict[int, _Day] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @classmethod
    def from_settings(cls, settings: Settings) -> ReadQuota:
        """The quota the service settings ask for."""
        return cls(per_minute=settings.service.reads_per_minute, daily_alert=settings.service.daily_read_alert)

    def retry_after(self, caller: Caller) -> int | None:
        """Seconds to wait when this read is over the caller's per-minute limit, else None (the read is counted)."""
        if self.per_minute <= 0 or caller.role not in LIMITED_ROLES:
            return None
        now = self.clock()
        with self._lock:
            window = self._windows.setdefault(caller.token_id, deque())
            while window and now - window[0] >= WINDOW_SECONDS:
                window.popleft()
            if len(window) >= self.per_minute:
                return max(1, math.ceil(WINDOW_SECONDS - (now - window[0])))
            window.append(now)
        return None

    def count_day(self, caller: Caller) -> int | None:
        """Count one read of today; returns the day's count when it just passed the daily volume, else None."""
        if self.daily_alert <= 0:
            return None
        today = self.today()
        with self._lock:
            day = self._days.get(caller.token_id)
            if day is None or day.day != today:
                day = self._days[caller.token_id] = _Day(today)
            day.count += 1
            if day.count > self.daily_alert and not day.flagged:
                day.flagged = True
                return day.count
        return None


def admit_read(quota: ReadQuota, store: GraphStore, caller: Caller) -> int | None:
    """Count one read by this caller: Retry-After seconds when it is over the limit (not counted), else None;
    the read that passes the daily volume writes the audit entry."""
    wait = quota.retry_after(caller)
    if wait is not None:
        return wait
    passed = quota.count_day(caller)
    if passed is not None:
        detail = audit.ids_detail(reads=passed, limit=quota.daily_alert, day=quota.today().isoformat())
        audit.record(store, caller, VOLUME_ACTION, caller.actor, detail)
    return None
