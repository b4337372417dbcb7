"""The steward's commands: `review`, `decide`, `split`, `unmerge`, `changes`, `quality`, `add`."""

from __future__ import annotations

import getpass
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated

import typer
from pydantic import ValidationError
from rich.markup import escape
from rich.progress import Progress, SpinnerColumn, TextColumn

from identity_graph.cli.app import app, audit, console, err_console, record_id, state
from identity_graph.cli.steward_view import KEYS_HELP, events_table, quality_table, review_panel
from identity_graph.errors import ConfigError
from identity_graph.limits import MAX_ID, checked_since
from identity_graph.model import Interaction, MatchStatus, Record, Verdict
from identity_graph.settings import Settings
from identity_graph.steward.actions import (
    UNDO_AUDIT_ACTIONS,
    action_for,
    decide_pair,
    preview_undo,
    split_action,
    undo_action,
)
from identity_graph.steward.decisions import pair_history
from identity_graph.steward.preview import Effect, preview_decision, preview_split
from identity_graph.steward.quality import estimate_precision, sample_links
from identity_graph.steward.queue import ReviewItem, build_queue, item_for_pair
from identity_graph.steward.queue_page import queue_size
from identity_graph.steward.realtime import add_interaction, add_record
from identity_graph.steward.split import SplitResult, complete_groups
from identity_graph.store import GraphStore

VERDICT_KEYS = {"s": Verdict.SAME, "d": Verdict.DIFFERENT, "u": Verdict.UNSURE}
QUIT_KEYS = {"q", "\x03", "\x04"}  # q, Ctrl-C, Ctrl-D
UNDO_KEY = "z"
#: Change-feed events printed by `changes` unless --limit says otherwise.
DEFAULT_FEED_LIMIT = 200

By = Annotated[str | None, typer.Option("--by", help="Who decides [default: your login name].")]
Reason = Annotated[str | None, typer.Option("--reason", help="Why (kept with the decision).")]


@contextmanager
def _working(what: str) -> Iterator[None]:
    """A transient spinner on stderr while a longer read or write runs."""
    with Progress(SpinnerColumn(), TextColumn("{task.description}"), console=err_console, transient=True) as bar:
        bar.add_task(what, total=None)
        yield


def _who(by: str | None) -> str:
    """The steward's name: --by or the login name."""
    return by or getpass.getuser()


def _print_effect(effect: Effect, heading: str) -> None:
    """Say in sentences what an action does (or did, or would do)."""
    console.print(heading)
    for line in effect.lines():
        console.print(f"  • {escape(line)}")


Preview = Annotated[bool, typer.Option("--preview", help="Only say what it would do; save nothing.")]


def read_key() -> str:
    """One key press from a terminal (no Enter needed); from a pipe, the first character of the next line."""
    if sys.stdin.isatty():
        import termios
        import tty

        fd = sys.stdin.fileno()
        old = termios.tcgetattr(fd)
        try:
            tty.setraw(fd)
            return sys.stdin.read(1).lower()
        finally:
            termios.tcsetattr(fd, termios.TCSADRAIN, old)
    line = sys.stdin.readline()
    if not line:
        return "q"
    return (line.strip()[:1] or "n").lower()


@dataclass
class _Session:
    """One steward's pass through the queue: who, and the decisions made so far (for undo)."""

    store: GraphStore
    settings: Settings
    by: str
    decided: list[tuple[ReviewItem, int, int]] = field(default_factory=list)  # (item, action, decision), newest last

    def decide(self, item: ReviewItem, verdict: Verdict, reason: str | None) -> None:
        """Record one decision from the queue and make it take effect at once (an undoable action)."""
        done = decide_pair(self.store, self.settings, item.left, item.right, verdict, self.by, reason=reason)
        j = done.judgement
        _print_effect(done.effect, f"[green]recorded[/] {j.verdict.value} for {item.left} ~ {item.right} (#{j.id})")
        console.print(f"[dim]{escape(done.outcome.describe())}[/]")
        self.decided.append((item, done.action_id, j.id or 0))

    def undo(self) -> ReviewItem | None:
        """Undo this session's latest decision exactly (memberships as before) and return its item."""
        if not self.decided:
            console.print("[dim]nothing to undo[/]")
            return None
        item, action_id, judgement_id = self.decided.pop()
        done = undo_action(self.store, action_for(self.store, action_id=action_id), self.by)
        _print_effect(
            done.effect, f"[yellow]undone[/]: withdrawn decision #{judgement_id} on {item.left} ~ {item.right}"
        )
        return item


def _review_one(session: _Session, item: ReviewItem, position: str) -> str:
    """Show one item and act on one key; returns "next", "undo" or "quit"."""
    active = [j for j in pair_history(session.store, item.left, item.right) if j.superseded_at is None]
    if active:
        console.print(f"[dim]{item.left} ~ {item.right} was decided meanwhile by {escape(active[-1].by)}[/]")
        return "next"
    left, right = session.store.get_records([item.left, item.right])
    console.print(review_panel(item, left, right, position))
    console.print(KEYS_HELP)
    key = read_key()
    reason: str | None = None
    if key == "r":
        reason = typer.prompt("reason", default="", show_default=False) or None
        key = read_key()
    if key in QUIT_KEYS:
        return "quit"
    if key == UNDO_KEY:
        return "undo"
    if key in VERDICT_KEYS:
        session.decide(item, VERDICT_KEYS[key], reason)
    else:
        console.print("[dim]skipped[/]")
    return "next"


def _review_loop(session: _Session, items: list[ReviewItem]) -> None:
    """Go through the items; an undo shows the withdrawn item again before the current one."""
    index = 0
    while index < len(items):
        action = _review_one(session, items[index], f"{index + 1}/{len(items)}")
        if action == "quit":
            return
        if action == "undo":
            undone = session.undo()
            if undone is not None:
                items.insert(index, undone)
            continue
        index += 1


@app.command()
def review(
    ctx: typer.Context,
    limit: Annotated[int, typer.Option(help="Items to go through at most.")] = 50,
    sample: Annotated[
        int, typer.Option(help="Instead of the queue, review this many random auto links (for `quality`).")
    ] = 0,
    seed: Annotated[int | None, typer.Option(help="Random seed of --sample.")] = None,
    by: By = None,
) -> None:
    """Go through the review queue, highest impact first: s same, d different, u unsure, z undo, n skip, q quit."""
    st = state(ctx)
    store, settings = st.store(), st.settings
    with _working("ranking the review queue"):
        if sample:
            items = [item_for_pair(store, settings.steward, a, b) for a, b in sample_links(store, sample, seed)]
        else:
            items = build_queue(store, settings.steward, limit=limit)
    if not items:
        console.print("nothing to review")
        return
    _review_loop(_Session(store, settings, _who(by)), items)
    console.print(f"queue now holds {queue_size(store)} items")  # counted, not ranked (seconds at 1M records)


@app.command()
def decide(
    ctx: typer.Context,
    left: Annotated[str, typer.Argument(help="A record id or source/source_id.")],
    right: Annotated[str, typer.Argument(help="The other record.")],
    verdict: Annotated[Verdict, typer.Argument(help="same, different or unsure.")],
    reason: Reason = None,
    by: By = None,
    preview: Preview = False,
) -> None:
    """Record a decision about two records; it takes effect now and binds every later run."""
    st = state(ctx)
    store = st.store()
    a, b = record_id(store, left), record_id(store, right)
    if preview:
        _print_effect(preview_decision(store, st.settings, a, b, verdict), f"{verdict.value} for {a} ~ {b} would:")
        console.print("[dim]nothing saved (without --preview it is saved)[/]")
        return
    who = _who(by)
    done = decide_pair(store, st.settings, a, b, verdict, who, reason=reason)
    earlier = len(pair_history(store, a, b)) - 1
    note = f", superseding {earlier} earlier decision(s)" if earlier else ""
    heading = f"recorded {done.judgement.verdict.value} for {a} ~ {b} by {escape(who)} (#{done.judgement.id}{note})"
    _print_effect(done.effect, heading)
    console.print(f"{escape(done.outcome.describe())}")
    console.print(f"[dim]undo it with: idgraph undo {done.action_id}[/]")
    detail = f"verdict={done.judgement.verdict.value} id={done.judgement.id} action={done.action_id}"
    audit(ctx, "decision", f"records:{min(a, b)},{max(a, b)}", detail)


def _print_split(result: SplitResult, action_id: int) -> None:
    """Say where each group went, which judgements were recorded, and how to undo it."""
    for group, person in zip(result.groups, result.persons, strict=True):
        kept = " (keeps the id)" if person == result.old_person else " (new person)"
        console.print(f"person {person}{kept}: records {', '.join(map(str, group))}")
    console.print(
        f"recorded {result.different} 'different' and {result.same} 'same' judgements; "
        f"{result.changes.moved_records} records moved with their interactions"
    )
    console.print(f"[dim]undo it with: idgraph undo {action_id}[/]")


def _parse_group(text: str, store: GraphStore) -> list[int]:
    """A group given as comma-separated record ids or source/source_id references."""
    refs = [part.strip() for part in text.split(",") if part.strip()]
    if not refs:
        raise ConfigError("an empty --group")
    return [record_id(store, ref) for ref in refs]


@app.command()
def split(
    ctx: typer.Context,
    person: Annotated[int, typer.Argument(min=1, max=MAX_ID, help="The person to split.")],
    group: Annotated[
        list[str], typer.Option("--group", "-g", help="Records of one group, comma-separated; repeat per group.")
    ],
    reason: Reason = None,
    by: By = None,
    preview: Preview = False,
) -> None:
    """Split a person into groups of its records (records not named form one more group)."""
    st = state(ctx)
    store = st.store()
    groups = [_parse_group(g, store) for g in group]
    if preview:
        members = store.person_record_ids([person]).get(person, [])
        if not members:
            raise ConfigError(f"person {person} holds no records")
        _print_effect(preview_split(store, complete_groups(members, groups)), f"splitting person {person} would:")
        console.print("[dim]nothing saved (without --preview it is saved)[/]")
        return
    with _working(f"splitting person {person}"):
        result, action_id = split_action(store, st.settings, person, groups, _who(by), reason=reason)
    _print_split(result, action_id)
    audit(ctx, "person.split", f"person:{person}", f"persons={','.join(map(str, result.persons))} action={action_id}")


@app.command()
def unmerge(
    ctx: typer.Context,
    record: Annotated[str, typer.Argument(help="A record id or source/source_id.")],
    reason: Reason = None,
    by: By = None,
) -> None:
    """Take one record (and its interactions) out of its person, for good."""
    st = state(ctx)
    store = st.store()
    rid = record_id(store, record)
    result, action_id = split_action(store, st.settings, 0, [], _who(by), reason=reason, unmerge=rid)
    _print_split(result, action_id)
    audit(ctx, "record.unmerge", f"person:{result.old_person}", f"record={rid} action={action_id}")


@app.command()
def undo(
    ctx: typer.Context,
    action: Annotated[
        int | None, typer.Argument(min=1, max=MAX_ID, help="The action to undo (decide, split and unmerge print it).")
    ] = None,
    decision: Annotated[
        int | None, typer.Option("--decision", min=1, max=MAX_ID, help="Undo the action that stored this decision.")
    ] = None,
    by: By = None,
    preview: Preview = False,
) -> None:
    """Undo a decision, split or unmerge exactly: every record back in its person, the persons' own ids."""
    if (action is None) == (decision is None):
        raise ConfigError("give an action id or --decision, not both")
    store = state(ctx).store()
    found = action_for(store, action_id=action, judgement_id=decision)
    if preview:
        _print_effect(preview_undo(store, found), f"undoing {found.kind} {found.id} would:")
        console.print("[dim]nothing saved (without --preview it is saved)[/]")
        return
    done = undo_action(store, found, _who(by))
    _print_effect(done.effect, f"undone {found.kind} {found.id} ({len(done.withdrawn)} decisions withdrawn)")
    detail = f"action={found.id} withdrawn={len(done.withdrawn)} moved={len(done.effect.moved)}"
    audit(ctx, UNDO_AUDIT_ACTIONS.get(found.kind, "undo"), f"action:{found.id}", detail)


@app.command()
def changes(
    ctx: typer.Context,
    since: Annotated[
        str | None, typer.Option(help="An event id (42), a UTC time (2026-11-23T08:00) or a span (15m, 2h, 3d).")
    ] = None,
    limit: Annotated[int, typer.Option(help="Events to print at most.")] = DEFAULT_FEED_LIMIT,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per line.")] = False,
) -> None:
    """Print the change feed: persons created, merged and split, records attached and detached, with causes."""
    start = checked_since(since)
    events = state(ctx).store().events(since_id=start.event_id, since=start.time, limit=limit)
    if as_json:
        for e in events:
            typer.echo(e.model_dump_json())
        return
    console.print(events_table(events))
    if events:
        console.print(f"[dim]continue with --since {events[-1].id}[/]")


@app.command()
def quality(
    ctx: typer.Context,
    sample: Annotated[int, typer.Option(help="Also list this many undecided auto links to review.")] = 0,
    seed: Annotated[int | None, typer.Option(help="Random seed of --sample.")] = None,
) -> None:
    """Estimate precision from stewards' decisions on auto links (Wilson interval), and on review-band links."""
    st = state(ctx)
    store, confidence = st.store(), st.settings.steward.quality_confidence
    with _working("counting decisions on links"):
        estimates = [estimate_precision(store, s, confidence) for s in (MatchStatus.AUTO, MatchStatus.REVIEW)]
    console.print(quality_table(estimates))
    if estimates[0].precision is None:
        err_console.print("no decisions on auto links yet: run `idgraph review --sample 50` for an unbiased sample")
    if sample:
        for a, b in sample_links(store, sample, seed):
            typer.echo(f"{a} {b}")


def _read_json(path: Path) -> object:
    """JSON from a file or from standard input (`-`)."""
    try:
        text = sys.stdin.read() if str(path) == "-" else path.read_text(encoding="utf-8")
        return json.loads(text)
    except (OSError, json.JSONDecodeError) as exc:
        raise ConfigError(f"cannot read JSON from {path}: {exc}") from exc


@app.command()
def add(
    ctx: typer.Context,
    record: Annotated[Path | None, typer.Option("--record", help="A record as JSON (file, or - for stdin).")] = None,
    interaction: Annotated[
        Path | None, typer.Option("--interaction", help="An interaction as JSON (file, or - for stdin).")
    ] = None,
) -> None:
    """Add one record (resolved against the whole store now) or one interaction, and say what happened."""
    if (record is None) == (interaction is None):
        raise ConfigError("give exactly one of --record or --interaction")
    st = state(ctx)
    store, settings = st.store(), st.settings
    try:
        if record is not None:
            outcome = add_record(store, Record.model_validate(_read_json(record)), settings)
            console.print(escape(outcome.describe()))
            if outcome.unusable_identifiers:
                err_console.print(f"identifiers that could not be normalized: {outcome.unusable_identifiers}")
        elif interaction is not None:
            added = add_interaction(store, Interaction.model_validate(_read_json(interaction)), settings)
            console.print(escape(added.describe()))
    except ValidationError as exc:
        raise ConfigError(f"not a valid {'record' if record else 'interaction'}: {exc}") from exc
