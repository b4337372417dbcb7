"""truth.csv lists every native item of every file exactly once, and only those."""

from __future__ import annotations

import csv
from collections import Counter

from tests.generate.readers import DataSet, message_id

OUR_DOMAIN = "@acme-support.example"


def native_items(data: DataSet) -> list[tuple[str, str]]:
    """(source, source_id) of every item in the files, read from the files themselves."""
    items = [("crm", r["Id"]) for r in data.salesforce]
    items += [("hubspot", r["Record ID"]) for r in data.hubspot]
    items += [("calls", c["uniqueid"]) for c in data.calls]
    items += [("support_mail", message_id(m)) for m in data.mails]
    items += [("marketing", r["event_id"]) for r in data.sends]
    users = {u["id"] for page in data.pages for u in page["includes"]["users"]}
    items += [("x", uid) for uid in sorted(users)]
    items += [("x", t["id"]) for page in data.pages for t in page["data"]]
    return items


def test_truth_covers_every_item_exactly_once(dataset: DataSet) -> None:
    """The truth's keys are exactly the files' items, none listed twice."""
    with (dataset.root / "truth.csv").open(encoding="utf-8", newline="") as f:
        reader = csv.reader(f)
        assert next(reader) == ["source", "source_id", "person_id"]
        keys = [(row[0], row[1]) for row in reader]
    duplicates = [k for k, n in Counter(keys).items() if n > 1]
    assert not duplicates
    items = native_items(dataset)
    assert len(items) == len(set(items))
    assert set(keys) == set(items)


def test_labels_are_customers_strangers_or_nobody(dataset: DataSet) -> None:
    """Customers are T#####, strangers S#####, items with no customer are empty."""
    labels = {r["person_id"] for r in dataset.truth}
    assert all(label == "" or (label[0] in "TS" and label[1:].isdigit()) for label in labels)
    assert any(label.startswith("S") for label in labels)
    assert "" in labels


def test_items_without_customer_are_staff_only(dataset: DataSet) -> None:
    """An empty truth is an agent-to-agent call or a mail whose every address is ours."""
    for call in dataset.calls:
        internal = call["dcontext"] == "from-internal" and len(call["dst"]) == 4
        assert (dataset.person("calls", call["uniqueid"]) == "") == internal
    for msg in dataset.mails:
        addresses = [a.addr_spec for h in ("From", "To", "Cc") if msg[h] for a in msg[h].addresses]
        staff_only = all(a.endswith(OUR_DOMAIN) for a in addresses)
        assert (dataset.person("support_mail", message_id(msg)) == "") == staff_only


def test_a_thread_belongs_to_one_person(dataset: DataSet) -> None:
    """A reply has the same true person as the message it answers."""
    person = {message_id(m): dataset.person("support_mail", message_id(m)) for m in dataset.mails}
    for msg in dataset.mails:
        if msg["In-Reply-To"]:
            assert person[message_id(msg)] == person[str(msg["In-Reply-To"]).strip("<>")]


def test_posts_belong_to_their_author(dataset: DataSet) -> None:
    """Every post has the truth of its author's account."""
    for page in dataset.pages:
        for tweet in page["data"]:
            assert dataset.person("x", tweet["id"]) == dataset.person("x", tweet["author_id"])
