"""The steward's journey in a real Chromium: the queue with names, a pair as two persons, a merge whose preview
names the split it causes, saved after a confirmation, then undone, and nothing else changed."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from identity_graph.model import MatchStatus, Verdict
from identity_graph.steward.decisions import record_judgement
from tests.steward.conftest import NOW, call, cluster, contact, edge, load
from tests.web.conftest import Live, shot, sign_in

pytestmark = pytest.mark.browser


def _chain(live: Live) -> tuple[int, int, int, int]:
    """Add persons P (a1, a2) and Q (b1, b2, b3) where a2 may not join b2 or b3, and a review link a1 ~ b1:
    approving it pulls b1 into P and splits b2 and b3 off Q. Returns a1, b1, b2 and Q's id."""
    recs = [
        contact("j-a1", "Jack", "Brooks", email="jack@example.com"),
        contact("j-a2", "Jack", "Brooks", phone="+16145550100"),
        contact("j-b1", "Jack", "Brooks", email="jack@example.com"),
        contact("j-b2", "Jack", "Brooks", phone="+16145550199"),
        contact("j-b3", "Jackie", "Brooks", phone="+16145550177"),
    ]
    a1, a2, b1, b2, b3 = load(live.store, recs, [call("j-k1", recs[3], NOW), call("j-k2", recs[4], NOW)])
    ids = [a1, a2, b1, b2, b3]
    links = [
        edge(a1, a2, MatchStatus.AUTO, 0.99),
        edge(b1, b2, MatchStatus.AUTO, 0.95),
        edge(b1, b3, MatchStatus.AUTO, 0.95),
        edge(a1, b1, MatchStatus.REVIEW, 0.9),
    ]
    live.store.replace_edges(links, record_ids=ids)
    cluster(live.store, [[a1, a2], [b1, b2, b3]])
    record_judgement(live.store, a2, b2, Verdict.DIFFERENT, "earlier")
    record_judgement(live.store, a2, b3, Verdict.DIFFERENT, "earlier")
    return a1, b1, b2, live.store.assignments([b1])[b1]


def test_steward_previews_a_merge_that_splits_approves_it_and_undoes_it(page: Page, live: Live) -> None:
    a1, b1, b2, q = _chain(live)
    everything = live.store.assignments()
    events = live.store.last_event_id()
    sign_in(page, live.world.tokens["steward"])
    page.goto("/review")
    expect(page.locator(".queue-total")).to_contain_text("2 proposed merges")
    expect(page.locator("table.queue")).to_contain_text("Jack Brooks ↔ Jack Brooks")
    shot(page, "16b-01-queue-with-names")
    page.get_by_label("Kind").select_option("edge")
    page.get_by_label("Source (either side)").select_option("crm")
    page.get_by_role("button", name="Filter").click()
    expect(page.locator(".queue-total")).to_contain_text("match these filters")
    page.locator("table.queue a", has_text="Jack Brooks").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Record {min(a1, b1)} ↔ record {max(a1, b1)}")
    persons = page.locator("article.person-side")
    expect(persons).to_have_count(2)
    expect(persons.nth(1)).to_contain_text(f"Person {q}")
    expect(persons.nth(1)).to_contain_text("3 records")
    same = page.locator(".effect-same")
    expect(same).to_contain_text("This will also:")
    expect(same.locator(".warn")).to_contain_text(
        f"Record {b2} of person {q} (Jack Brooks) splits off into a new person"
    )
    shot(page, "16b-02-pair-as-two-persons-with-preview")
    assert live.store.assignments() == everything  # a preview saves nothing
    page.get_by_role("heading", level=1).click()
    page.keyboard.press("s")
    expect(page.get_by_role("heading", level=1)).to_contain_text("does more than join the two records")
    expect(page.locator("ul.also")).to_contain_text(f"Record {b2} of person {q}")
    shot(page, "16b-03-confirm-this-will-also")
    assert live.store.assignments() == everything  # nothing saved before the confirmation
    page.get_by_role("button", name="Yes, save “same” and all of the above").click()
    expect(page.locator("section.done")).to_contain_text("Saved: decision")
    expect(page.locator("section.done")).to_contain_text("splits off into person")
    shot(page, "16b-04-saved-with-what-it-did")
    after = live.store.assignments()
    assert after[a1] == after[b1] and after[b2] != q
    page.locator("#undo-button").click()
    expect(page.locator("section.done")).to_contain_text("Undone: decision")
    expect(page.locator("section.done")).to_contain_text(f"Person {q} (Jack Brooks) comes back with")
    shot(page, "16b-05-undone")
    assert live.store.assignments() == everything  # every record of every person, ids included
    assert live.store.resolve_person_id(q) == q
    assert not [j for j in live.store.judgements([a1, b1]) if {j.left, j.right} == {a1, b1}]
    expect(page.locator("#hist-h + ul")).to_contain_text("same by steward-user#")
    expect(page.locator("#hist-h + ul")).to_contain_text("undone")
    assert live.store.last_event_id() > events  # the merge, the split and the undo are on the change feed
