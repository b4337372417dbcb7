"""What a candidate's evidence can carry (identity_graph.whois_evidence): the basis of each kind of evidence, its
cap, the sentence a capped line ends with, names a partial name and a handle spell, rare names, own sites."""

from __future__ import annotations

import pytest

from identity_graph.model import Evidence, RecordKind
from identity_graph.whois_evidence import (
    CAPS,
    NAME_ONLY_CAP,
    Basis,
    basis_of,
    cap_note,
    capped,
    handle_names,
    names_agree,
    own_site,
    rare_name,
)


def ev(*pieces: str) -> tuple[Evidence, ...]:
    """Evidence from `comparison:level` pieces; a leading `-` speaks against the pair."""
    out = []
    for p in pieces:
        comparison, level = p.lstrip("-").split(":")
        out.append(Evidence(comparison=comparison, level=level, weight=-2.0 if p.startswith("-") else 3.0, detail=p))
    return tuple(out)


@pytest.mark.parametrize(
    ("evidence", "basis"),
    [
        (ev("email:mentioned", "first_name:exact"), Basis.IDENTIFIER),  # their email written in the bio
        (ev("phone:personal"), Basis.IDENTIFIER),
        (ev("handle:exact"), Basis.IDENTIFIER),
        (ev("username:exact"), Basis.IDENTIFIER),  # the handle is their email name, not just their name
        (ev("first_name:exact", "last_name:exact", "city:exact"), Basis.NAME_AND_PLACE),
        (ev("first_name:nickname", "last_name:exact", "postcode:exact"), Basis.NAME_AND_PLACE),
        (ev("first_name:exact", "last_name:exact", "phone:household"), Basis.NAME_AND_PLACE),  # a shared line
        (ev("first_name:exact", "last_name:exact", "state:exact"), Basis.NAME_AND_REGION),
        (ev("first_name:exact", "last_name:exact"), Basis.NAME),
        (ev("first_name:exact", "last_name:exact", "username:name", "-city:else"), Basis.NAME),
        (ev("first_name:exact", "last_name:initial", "username:name"), Basis.PARTIAL),  # unless names_agree reads it
        (ev("last_name:exact", "-first_name:else"), Basis.PARTIAL),  # Jack / Andrea Moreno
        (ev("last_name:initial", "city:exact", "state:exact", "-first_name:else"), Basis.PARTIAL),
        (ev("first_name:exact", "username:name"), Basis.PARTIAL),  # a first name and a handle built from it
        (ev("city:exact"), Basis.PARTIAL),
        (ev("-handle:different", "-state:else"), Basis.NOTHING),
        ((), Basis.NOTHING),
    ],
)
def test_the_basis_of_each_kind_of_evidence(evidence: tuple[Evidence, ...], basis: Basis) -> None:
    assert basis_of(evidence) is basis


def test_a_rare_name_or_the_records_own_names_or_site_change_the_basis() -> None:
    names = ev("first_name:exact", "last_name:exact")
    assert basis_of(names, rare=True) is Basis.RARE_NAME
    assert basis_of(names, site=True) is Basis.NAME_AND_PLACE  # a link to the customer's own site
    assert basis_of(ev("username:name"), named=True) is Basis.NAME  # the model left the names out
    assert basis_of(ev("first_name:exact", "username:name", "state:exact"), named=True) is Basis.NAME_AND_REGION
    assert basis_of(ev("first_name:exact", "last_name:exact", "email:personal"), rare=True) is Basis.IDENTIFIER


def test_caps_order_the_kinds_and_a_name_alone_stays_below_likely() -> None:
    from identity_graph.whois import LIKELY_FLOOR, POSSIBLE_FLOOR

    order = [Basis.NAME_AND_PLACE, Basis.NAME_AND_REGION, Basis.NAME, Basis.PARTIAL, Basis.NOTHING]
    assert [CAPS[b] for b in order] == sorted((CAPS[b] for b in order), reverse=True)
    assert CAPS[Basis.IDENTIFIER] == 1.0 and POSSIBLE_FLOOR <= NAME_ONLY_CAP < LIKELY_FLOOR
    assert CAPS[Basis.PARTIAL] < POSSIBLE_FLOOR and CAPS[Basis.RARE_NAME] >= LIKELY_FLOOR
    assert capped(0.99, Basis.NAME) == NAME_ONLY_CAP and capped(0.41, Basis.NAME) == 0.41


def test_a_capped_line_says_why_and_an_uncapped_one_says_nothing() -> None:
    assert cap_note(0.99, Basis.NAME) == "Only the name matches, and many people share a name: at most 60%."
    assert cap_note(0.55, Basis.NAME) == ""
    assert cap_note(0.99, Basis.IDENTIFIER) == ""


@pytest.mark.parametrize(
    ("display", "handle", "names"),
    [
        ("Will ✈️", "x:vazquezwill", ["will vazquez"]),
        ("Julia P.", "x:juliapetrov", ["julia petrov"]),
        ("Ronald K.", "x:rking", ["ronald king"]),
        ("Dave ✈️", "x:dave_soto", ["dave soto"]),
        ("Jason G.", "x:jason_gardne", ["jason gardne"]),  # a cut handle: the search takes it as a prefix
        ("just browsing", "x:noodle_gadget26", []),  # no given name
        ("Will ✈️", "x:willxy", []),  # too little left for a surname
        ("•", "x:night_owl77", []),
    ],
)
def test_names_a_partial_name_and_its_handle_spell(display: str, handle: str, names: list[str]) -> None:
    assert handle_names(display, handle, {}) == names


def test_a_rare_name_is_none_of_the_census_names_and_uncommon_with_us() -> None:
    assert not rare_name("maria", None)  # a census given name is never rare
    assert rare_name("thandiwe", None)  # seen once or never in our records
    assert rare_name("thandiwe", 0.0005)
    assert not rare_name("thandiwe", 0.01)  # one in a hundred of our records: common here
    assert not rare_name("", None) and not rare_name("x", None)


def test_names_agree_on_whole_person_names_only() -> None:
    from identity_graph.model import StoredRecord

    def stored(name: str, source: str = "x", kind: RecordKind = RecordKind.SOCIAL_ACCOUNT) -> StoredRecord:
        return StoredRecord(id=1, source=source, source_id=name, kind=kind, full_name=name)

    crm = stored("Matthew Sharma", "crm", RecordKind.CONTACT)
    assert names_agree(stored("Matt Sharma"), crm, {})  # a nickname
    assert names_agree(stored("SHARMA MATTHEW"), crm, {})  # crossed, as caller-ID writes it
    assert not names_agree(stored("Jack Sharma"), crm, {})
    assert not names_agree(stored("Matt"), crm, {})
    assert not names_agree(stored("Matt S."), crm, {})  # an initial, and no handle that spells the rest
    browsing = stored("just browsing", "crm", RecordKind.CONTACT)
    assert not names_agree(stored("just browsing"), browsing, {})  # a phrase is no person's name


def test_a_handle_spells_the_last_name_beside_a_first_name_or_an_initial() -> None:
    from identity_graph.model import ClaimedIdentifier, Identifier, IdentifierKind, StoredRecord

    def account(name: str, handle: str) -> StoredRecord:
        claim = ClaimedIdentifier(
            identifier=Identifier(kind=IdentifierKind.HANDLE, value=handle), field="u", raw=handle
        )
        return StoredRecord(id=1, source="x", source_id=handle, kind=RecordKind.SOCIAL_ACCOUNT, full_name=name,
                            claimed=(claim,))  # fmt: skip

    will = StoredRecord(
        id=2, source="crm", source_id="c", kind=RecordKind.CONTACT, first_name="Will", last_name="Vazquez"
    )
    assert names_agree(account("Will ✈️", "x:vazquezwill"), will, {})
    assert names_agree(account("Will V.", "x:willvazquez"), will, {})
    assert not names_agree(account("Will ✈️", "x:willv"), will, {})  # a first name and an initial: partial
    assert not names_agree(account("Will R.", "x:willvazquez"), will, {})  # the initial is another name's


def test_own_site_is_the_domain_of_their_email_not_a_mailbox_provider() -> None:
    from identity_graph.model import ClaimedIdentifier, Identifier, IdentifierKind, StoredRecord

    def holding(kind: IdentifierKind, value: str) -> StoredRecord:
        claim = ClaimedIdentifier(identifier=Identifier(kind=kind, value=value), field="f", raw=value)
        return StoredRecord(id=1, source="s", source_id=value, kind=RecordKind.CONTACT, claimed=(claim,))

    site = holding(IdentifierKind.URL, "https://www.juliapetrov.example.net/about")
    assert own_site(site, holding(IdentifierKind.EMAIL, "julia@juliapetrov.example.net"))
    assert not own_site(site, holding(IdentifierKind.EMAIL, "julia@other.example.net"))
    assert not own_site(site, holding(IdentifierKind.EMAIL, "julia@example.net"))  # the parent is not hers
    gmail = holding(IdentifierKind.URL, "https://sites.google.com/view/julia")
    assert not own_site(gmail, holding(IdentifierKind.EMAIL, "julia@google.com"))  # a mailbox provider
    assert not own_site(holding(IdentifierKind.URL, "not a url at all"), holding(IdentifierKind.EMAIL, "a@b.example"))
    assert not own_site(holding(IdentifierKind.EMAIL, "a@b.example"), holding(IdentifierKind.EMAIL, "a@b.example"))
