"""Mail connectors: mbox (streamed), eml folders and Maildir."""

from __future__ import annotations

from pathlib import Path

from connectors.base import ConnectorOptions
from connectors.email_sources import mbox_messages
from connectors.registry import make_connector
from identity_graph.model import Direction, IdentifierKind, RecordKind, Role, Strength
from identity_graph.settings import OwnSideSettings
from tests.connectors.helpers import interactions, notices, records, rejected, run_connector


def test_mbox_messages_become_interactions_with_customer_parties() -> None:
    items = run_connector("mbox", ["mbox/support.mbox"], source="mail")
    acts = {i.source_id: i for i in interactions(items)}
    assert list(acts) == [
        "CAB+msg1@mail.gmail.com",
        "reply-77@acme.example",
        "internal-1@acme.example",
        "m-3@example.org",
    ]
    first = acts["CAB+msg1@mail.gmail.com"]
    assert first.direction is Direction.INBOUND
    assert first.subject == "Order 4471 never arrived"
    assert first.summary is not None and first.summary.startswith("Hi, my order 4471 never arrived.")
    assert "From the tracking page" in first.summary  # mboxrd ">From " unescaped
    (sender,) = first.participants
    assert (sender.record.source_id, sender.role) == ("CAB+msg1@mail.gmail.com/tdefren@gmail.com", Role.SENDER)
    reply = acts["reply-77@acme.example"]
    assert reply.direction is Direction.OUTBOUND
    assert reply.thread_key == "CAB+msg1@mail.gmail.com"
    assert reply.summary == "Hi Thomas, a replacement ships today."  # the quoted part is cut
    assert [p.role for p in reply.participants] == [Role.RECIPIENT]


def test_body_identifiers_are_mentioned_claims_of_the_customer_sender_only() -> None:
    recs = {r.source_id: r for r in records(run_connector("mbox", ["mbox/support.mbox"]))}
    tom = recs["CAB+msg1@mail.gmail.com/tdefren@gmail.com"]
    assert tom.kind is RecordKind.EMAIL_PARTY and tom.full_name == "Thomas Defren"
    claims = {(c.kind, c.raw, c.strength) for c in tom.identifiers}
    assert claims == {
        (IdentifierKind.EMAIL, "tdefren@gmail.com", Strength.DECLARED),
        (IdentifierKind.PHONE, "(415) 555-0134", Strength.MENTIONED),
        (IdentifierKind.HANDLE, "x:TDefren", Strength.MENTIONED),
    }  # our hotline, written in the same body, is left out
    # the recipient of our reply gets no body evidence (the body is ours, and quoted text is cut)
    reply_party = recs["reply-77@acme.example/tdefren@gmail.com"]
    assert [c.strength for c in reply_party.identifiers] == [Strength.DECLARED]


def test_staff_mail_has_no_participants_and_our_addresses_are_never_records() -> None:
    items = run_connector("mbox", ["mbox/support.mbox"])
    internal = next(i for i in interactions(items) if i.source_id == "internal-1@acme.example")
    assert internal.direction is Direction.INTERNAL and internal.participants == ()
    assert not any("acme.example" in c.raw for r in records(items) for c in r.identifiers)


def test_encoded_names_cc_and_reply_to() -> None:
    items = run_connector("mbox", ["mbox/support.mbox"])
    msg = next(i for i in interactions(items) if i.source_id == "m-3@example.org")
    assert msg.subject == "Factura nº 12"
    assert [(p.record.source_id.split("/")[1], p.role) for p in msg.participants] == [
        ("maria.garcia@example.org", Role.SENDER),
        ("luis.garcia@example.org", Role.CC),
        ("maria.g@example.net", Role.REPLY_TO),
    ]
    maria = next(r for r in records(items) if r.source_id == "m-3@example.org/maria.garcia@example.org")
    assert maria.full_name == "María García"
    assert {(c.raw, c.strength) for c in maria.identifiers if c.kind is IdentifierKind.PHONE} == {
        ("+44 20 7946 0958", Strength.MENTIONED)
    }
    assert "número" in (msg.summary or "")  # quoted-printable latin-1 body decoded


def test_message_without_message_id_is_quarantined_with_its_line() -> None:
    (bad,) = rejected(run_connector("mbox", ["mbox/support.mbox"]))
    assert (bad.line, bad.reason) == (44, "message has no Message-ID")
    assert "no id here" in bad.raw


def test_message_with_unparseable_date_is_quarantined(tmp_path: Path) -> None:
    path = tmp_path / "m.eml"
    path.write_text("From: a@example.org\nTo: b@acme.example\nDate: someday\nMessage-ID: <x@y>\n\nhi\n")
    (bad,) = rejected(run_connector("eml", [path]))
    assert bad.reason == "unparseable Date header"


def test_eml_folder_and_maildir() -> None:
    eml = run_connector("eml", ["eml"])
    assert [i.source_id for i in interactions(eml)] == ["eml-1@example.net", "eml-2@acme.example"]
    assert interactions(eml)[1].thread_key == "eml-1@example.net"
    maildir = run_connector("maildir", ["maildir"])
    acts = interactions(maildir)
    assert [i.source_id for i in acts] == ["md-1@example.com", "md-2@acme.example"]
    assert [i.direction for i in acts] == [Direction.INBOUND, Direction.OUTBOUND]


def _message(n: int, sender: str, to: str) -> str:
    return (
        f"From {sender} Mon Mar  4 10:00:00 2024\nFrom: {sender}\nTo: {to}\nSubject: s{n}\n"
        f"Date: Mon, 04 Mar 2024 10:00:{n % 60:02d} +0000\nMessage-ID: <m{n}@x>\n\nbody {n}\n\n"
    )


def test_support_address_and_domain_are_inferred_when_not_configured(tmp_path: Path) -> None:
    path = tmp_path / "box.mbox"
    text = "".join(_message(n, f"cust{n}@gmail.com", "support@shop.example") for n in range(25))
    text += "".join(_message(100 + n, "agent@shop.example", f"cust{n}@gmail.com") for n in range(5))
    path.write_text(text)
    items = run_connector("mbox", [path], own=OwnSideSettings())
    said = " ".join(notices(items))
    assert "support@shop.example" in said and "shop.example" in said
    assert "gmail.com (" not in said  # a public mail provider is never inferred as ours
    parties = {c.raw for r in records(items) for c in r.identifiers}
    assert "support@shop.example" not in parties and "agent@shop.example" not in parties
    assert len(records(items)) == 30


def test_mbox_reader_streams_one_message_at_a_time(tmp_path: Path) -> None:
    path = tmp_path / "box.mbox"
    last = _message(2, "a@x.org", "b@y.org").replace("body 2\n", "body 2\nFrom inside a body line\n")
    path.write_text("".join(_message(n, "a@x.org", "b@y.org") for n in range(2)) + last)
    connector = make_connector("mbox", ConnectorOptions(source="s"))
    messages = mbox_messages(path, connector)
    first = next(messages)
    assert first.line == 1 and b"Message-ID: <m0@x>" in first.data
    rest = list(messages)
    assert [m.line for m in rest] == [10, 19]
    assert b"From inside a body line" in rest[-1].data  # not after a blank line: not a separator


def test_html_only_body_and_attachments(tmp_path: Path) -> None:
    path = tmp_path / "m.eml"
    path.write_text(
        "From: Ann Lee <ann@example.org>\nTo: help@acme.example\nSubject: invoice\n"
        "Date: Tue, 05 Mar 2024 16:20:00 +0000\nMessage-ID: <h-1@example.org>\nMIME-Version: 1.0\n"
        'Content-Type: multipart/mixed; boundary="XX"\n\n'
        "--XX\nContent-Type: text/html; charset=utf-8\n\n<p>Please call <b>+1 650 253 0000</b></p>\n"
        '--XX\nContent-Type: application/pdf\nContent-Disposition: attachment; filename="a.pdf"\n'
        "Content-Transfer-Encoding: base64\n\nJVBERi0xLjQK\n--XX--\n"
    )
    items = run_connector("eml", [path])
    (msg,) = interactions(items)
    assert msg.summary == "Please call +1 650 253 0000"
    assert msg.attributes == {"attachments": "1"}
    (ann,) = records(items)
    assert ("+1 650 253 0000", Strength.MENTIONED) in {(c.raw, c.strength) for c in ann.identifiers}
