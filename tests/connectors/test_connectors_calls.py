"""Call logs: Asterisk CDR Master.csv and mapped calls CSV."""

from __future__ import annotations

from pathlib import Path

from connectors.callerid import parse_clid, plausible_name
from identity_graph.model import Direction, IdentifierKind, RecordKind, Role
from identity_graph.settings import OwnSideSettings
from tests.connectors.helpers import interactions, notices, records, rejected, run_connector

ROW = (
    '"","{src}","{dst}","{ctx}","""{name}"" <{src}>","SIP/a-1","SIP/b-2","Dial","x","{start}","","{start}",'
    '10,{billsec},"ANSWERED","DOCUMENTATION","{uid}",""\n'
)


def _row(uid: str, src: str, dst: str, name: str = "", ctx: str = "from-trunk", billsec: int = 5) -> str:
    return ROW.format(uid=uid, src=src, dst=dst, name=name, ctx=ctx, billsec=billsec, start="2024-03-01 09:00:00")


def test_asterisk_calls_yield_party_then_interaction_with_customer_side() -> None:
    items = run_connector("asterisk", ["asterisk/Master.csv"], source="pbx")
    acts = {i.source_id: i for i in interactions(items)}
    parties = {r.source_id: r for r in records(items)}
    assert len(acts) == 6 and not rejected(items)
    inbound = acts["1709284502.1"]
    assert inbound.direction is Direction.INBOUND
    assert inbound.summary == "inbound call, answered, 3m12s"
    assert inbound.attributes["dnis"] == "8005550100"  # the line the customer dialled (a campaign's own number)
    assert [(p.record.source_id, p.role) for p in inbound.participants] == [("1709284502.1", Role.CALLER)]
    tom = parties["1709284502.1"]
    assert tom.kind is RecordKind.CALL_PARTY and tom.full_name == "DEFREN THOMAS"
    assert [(c.kind, c.raw, c.field) for c in tom.identifiers] == [(IdentifierKind.PHONE, "4155550134", "src")]
    # the party record comes before the interaction that refers to it
    assert items.index(tom) < items.index(inbound)


def test_asterisk_placeholders_outbound_internal_and_anonymous_calls() -> None:
    items = run_connector("asterisk", ["asterisk/Master.csv"])
    acts = {i.source_id: i for i in interactions(items)}
    parties = {r.source_id: r for r in records(items)}
    assert parties["1709290800.2"].full_name is None  # WIRELESS CALLER is not a name
    outbound = acts["1709373600.3"]
    assert outbound.direction is Direction.OUTBOUND
    assert outbound.participants[0].role is Role.CALLEE
    assert parties["1709373600.3"].full_name is None  # the agent's caller id is not the customer's name
    assert [c.raw for c in parties["1709373600.3"].identifiers] == ["4158675309"]
    internal = acts["1709380800.4"]
    assert internal.direction is Direction.INTERNAL and internal.participants == ()
    assert "dnis" not in internal.attributes and "dnis" not in outbound.attributes  # only inbound calls dial us
    assert "1709380800.4" not in parties
    assert acts["1709454600.5"].attributes["linkedid"] == "1709454600.5"  # 21-column row
    assert parties["1709454600.5"].full_name == "GARCIA MARIA"
    assert acts["1709456400.6"].participants == ()  # anonymous: no number, no name


def test_asterisk_bad_rows_are_quarantined(tmp_path: Path) -> None:
    path = tmp_path / "Master.csv"
    path.write_text(
        _row("1.1", "4155550134", "8005550100")
        + '"","1","2"\n'
        + _row("1.2", "4155550134", "8005550100").replace("2024-03-01 09:00:00", "yesterday")
        + _row("", "4155550134", "8005550100")
        + _row("1.3", "4155550134", "8005550100")
    )
    items = run_connector("asterisk", [path])
    assert [i.source_id for i in interactions(items)] == ["1.1", "1.3"]
    assert [(r.line, r.reason) for r in rejected(items)] == [
        (2, "expected 18 or 21 columns, found 3"),
        (3, "unparseable date 'yesterday'"),
        (4, "empty uniqueid"),
    ]


def test_our_numbers_are_inferred_when_not_configured(tmp_path: Path) -> None:
    rows = [_row(f"{n}.1", f"415555{n:04d}", "8005550100", f"PERSON {chr(65 + n % 26)}") for n in range(30)]
    rows += [_row(f"{n}.2", "8005550100", f"212555{n:04d}", ctx="from-pstn") for n in range(10)]
    path = tmp_path / "Master.csv"
    path.write_text("".join(rows))
    items = run_connector("asterisk", [path], own=OwnSideSettings())
    assert any("inferred our own numbers" in n and "+18005550100" in n for n in notices(items))
    claims = {c.raw for r in records(items) for c in r.identifiers}
    assert "8005550100" not in claims  # the hotline never becomes a customer's number
    outbound = [i for i in interactions(items) if i.source_id.endswith(".2")]
    assert all(i.direction is Direction.OUTBOUND for i in outbound)


def test_inference_can_be_switched_off(tmp_path: Path) -> None:
    path = tmp_path / "Master.csv"
    path.write_text("".join(_row(f"{n}.1", f"415555{n:04d}", "8005550100") for n in range(30)))
    items = run_connector("asterisk", [path], own=OwnSideSettings(infer=False))
    assert not notices(items)


def test_caller_id_names_shared_by_many_numbers_are_placeholders(tmp_path: Path) -> None:
    rows = [_row(f"{n}.1", f"415555{n:04d}", "8005550100", "SAN FRANCISCO CA") for n in range(6)]
    rows.append(_row("9.1", "4155559999", "8005550100", "LEE ANN"))
    path = tmp_path / "Master.csv"
    path.write_text("".join(rows))
    names = {r.source_id: r.full_name for r in records(run_connector("asterisk", [path]))}
    assert names["0.1"] is None and names["9.1"] == "LEE ANN"


def test_clid_parsing_and_name_rules() -> None:
    assert parse_clid('"SMITH JOHN" <4155550134>') == ("SMITH JOHN", "4155550134")
    assert parse_clid("SMITH JOHN <4155550134>") == ("SMITH JOHN", "4155550134")
    assert parse_clid("<4155550134>") == ("", "4155550134")
    assert parse_clid("4155550134") == ("", "4155550134")
    assert plausible_name("SMITH JOHN")
    assert not plausible_name("WIRELESS CALLER")
    assert not plausible_name("415-555-0134")
    assert not plausible_name("Unknown")
    assert not plausible_name("X")
    # the number's rule is asked per call (the rest is remembered per name)
    assert plausible_name("AL 12", "4155550134") and not plausible_name("AL 12", "12")
    assert plausible_name("SMITH JOHN", "12") and plausible_name("SMITH JOHN")
    assert not plausible_name("AL 123", "4155550134")


def test_calls_csv_with_mapping_uses_the_direction_column() -> None:
    items = run_connector("calls-csv", ["calls-csv/calls.csv"], "calls-csv/mapping.toml")
    acts = {i.source_id: i for i in interactions(items)}
    parties = {r.source_id: r for r in records(items)}
    assert acts["CA0001"].direction is Direction.INBOUND
    assert acts["CA0001"].summary == "inbound call, completed, 2m05s"
    assert acts["CA0001"].attributes["agent"] == "alice"
    assert parties["CA0001"].full_name == "Thomas Defren"
    assert acts["CA0002"].direction is Direction.OUTBOUND  # outbound-api
    assert [c.raw for c in parties["CA0002"].identifiers] == ["+16502530000"]
    assert not rejected(items)


def test_outside_line_code_is_stripped_from_dialed_numbers(tmp_path: Path) -> None:
    path = tmp_path / "Master.csv"
    path.write_text(_row("1.1", "201", "97185550111", ctx="from-internal") + _row("1.2", "201", "919165550141"))
    items = run_connector("asterisk", [path])
    assert [c.raw for r in records(items) for c in r.identifiers] == ["7185550111", "19165550141"]
    assert interactions(items)[0].attributes["dialed"] == "97185550111"
