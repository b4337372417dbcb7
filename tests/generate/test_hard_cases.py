"""Each hard case of real data is present in a generated set, found from the files and the truth alone."""

from __future__ import annotations

import re
from collections import defaultdict
from itertools import combinations

import phonenumbers
from rapidfuzz.distance import Levenshtein

from identity_graph.generate.names import female_names, male_names, nickname_table, surnames
from identity_graph.generate.variants import strip_accents
from matchers.normalize import normalize_email, normalize_phone, phone_extension
from tests.generate.readers import DataSet, body_text, message_id

CRM_PHONES = (
    ("crm", "Id", ("Phone", "MobilePhone")),
    ("hubspot", "Record ID", ("Phone Number", "Mobile Phone Number")),
)
#: A number shared by at least this many persons is a switchboard.
SWITCHBOARD_PERSONS = 5


def fold(text: str) -> str:
    """Case- and accent-insensitive form of a name."""
    return strip_accents(text).casefold().strip()


def crm_rows(data: DataSet) -> list[tuple[str, dict[str, str], str, str]]:
    """(person, row, first, last) of every CRM row of both CRMs."""
    out = [(data.person("crm", r["Id"]), r, r["FirstName"], r["LastName"]) for r in data.salesforce]
    out += [(data.person("hubspot", r["Record ID"]), r, r["First Name"], r["Last Name"]) for r in data.hubspot]
    return out


def nick_related(a: str, b: str) -> bool:
    """One name is a nickname of the other (by the bundled table)."""
    table = {fold(k): {fold(n) for n in v} for k, v in nickname_table().items()}
    return fold(b) in table.get(fold(a), set()) or fold(a) in table.get(fold(b), set())


def phone_persons(data: DataSet) -> dict[str, set[str]]:
    """E.164 number -> true persons, from CRM phone fields and inbound caller numbers."""
    out: dict[str, set[str]] = defaultdict(set)
    for source, key, fields in CRM_PHONES:
        rows = data.salesforce if source == "crm" else data.hubspot
        for row in rows:
            for f in fields:
                number = normalize_phone(row[f]) if row[f] else None
                if number:
                    out[number].add(data.person(source, row[key]))
    for call in data.calls:
        number = normalize_phone(call["src"]) if call["dcontext"] == "from-pstn" else None
        if number:
            out[number].add(data.person("calls", call["uniqueid"]))
    return out


def test_household_phone_shared_by_two_persons(dataset: DataSet) -> None:
    """A home line is used by two to four true persons (not a switchboard)."""
    shared = [p for p in phone_persons(dataset).values() if 2 <= len(p) < SWITCHBOARD_PERSONS]
    assert shared


def test_company_switchboard_used_by_many(dataset: DataSet) -> None:
    """One company main number calls in for at least five different customers."""
    assert max(len(p) for p in phone_persons(dataset).values()) >= SWITCHBOARD_PERSONS
    assert any(phone_extension(r["Phone"]) for r in dataset.salesforce if r["Phone"])


def test_twins_share_name_address_phone_and_birthday(dataset: DataSet) -> None:
    """Two persons with the same last name, birthdate, ZIP and street number."""
    key = defaultdict(set)
    for person, row, _, last in crm_rows(dataset):
        if row.get("Birthdate"):
            street_no = row["MailingStreet"].split(" ", 1)[0]
            key[(fold(last), row["Birthdate"], row["MailingPostalCode"][:5], street_no)].add(person)
    assert any(len(persons) >= 2 for persons in key.values())


def test_namesakes_in_other_cities(dataset: DataSet) -> None:
    """Two persons with the same first and last name living in different cities."""
    by_name = defaultdict(set)
    for person, row, first, last in crm_rows(dataset):
        city = row.get("MailingCity") or row.get("City", "")
        by_name[(fold(first), fold(last))].add((person, city))
    assert any(len({p for p, _ in v}) >= 2 and len({c for _, c in v}) >= 2 for v in by_name.values())


def test_nicknames(dataset: DataSet) -> None:
    """A person is written with the formal name in one place and the nickname in another."""
    firsts = defaultdict(set)
    for person, _, first, _ in crm_rows(dataset):
        firsts[person].add(first)
    for row in dataset.sends:
        if row["first_name"]:
            firsts[dataset.person("marketing", row["event_id"])].add(row["first_name"])
    assert any(nick_related(a, b) for names in firsts.values() for a, b in combinations(sorted(names), 2))


def test_typos(dataset: DataSet) -> None:
    """A person's name is somewhere one keystroke off (not an accent, not a nickname)."""
    names: dict[str, set[str]] = defaultdict(set)
    for person, _, first, last in crm_rows(dataset):
        names[person] |= {first, last}
    found = [
        (a, b)
        for values in names.values()
        for a, b in combinations(sorted(values), 2)
        if len(a) >= 4 and fold(a) != fold(b) and Levenshtein.distance(fold(a), fold(b)) == 1 and not nick_related(a, b)
    ]
    assert found


def test_swapped_first_and_last_names(dataset: DataSet) -> None:
    """A person's last name sits in a first-name field somewhere (CRM swap, or CNAM's LAST FIRST order)."""
    rows = defaultdict(list)
    lasts = defaultdict(set)
    for person, _, first, last in crm_rows(dataset):
        rows[person].append((fold(first), fold(last)))
        lasts[person].add(fold(last))
    swapped = [
        person
        for person, pairs in rows.items()
        for (f1, l1), (f2, l2) in combinations(pairs, 2)
        if (f1 == l2 and f1 != l1) or (f2 == l1 and f2 != l2)
    ]
    assert swapped
    cnam = [c for c in dataset.calls if re.match(r'^"[A-Z]+ [A-Z]+" <', c["clid"])]
    in_order = [
        c for c in cnam
        if (words := c["clid"][1:].split('"')[0].split(" "))
        and fold(words[0]) in lasts[dataset.person("calls", c["uniqueid"])]
    ]  # fmt: skip
    assert in_order, "caller-ID names come LAST FIRST"


def test_phone_formats(dataset: DataSet) -> None:
    """Phones are written in many shapes, with extensions on work numbers."""
    values = [r[k] for r in dataset.salesforce for k in ("Phone", "MobilePhone") if r[k]]
    shapes = {re.sub(r"\d", "9", v) for v in values}
    assert len(shapes) >= 5
    assert any(re.search(r"(x|ext\.?) ?\d+$", v, re.IGNORECASE) for v in values)


def test_gmail_dots_plus_tags_and_googlemail(dataset: DataSet) -> None:
    """Gmail addresses appear with +tags, googlemail.com, and moved dots for one mailbox."""
    emails = [r["Email"] for r in dataset.salesforce] + [r["Email"] for r in dataset.hubspot]
    emails += [r["email"] for r in dataset.sends]
    emails += [a.addr_spec for m in dataset.mails for a in m["From"].addresses]
    emails = [e for e in emails if e]
    assert any("+" in e.split("@")[0] for e in emails)
    assert any(e.lower().endswith("@googlemail.com") for e in emails)
    gmail = defaultdict(set)
    for e in emails:
        if e.lower().endswith("@gmail.com") and "+" not in e:
            gmail[normalize_email(e)].add(e.lower())
    assert any(len(v) >= 2 for v in gmail.values())


def test_family_mailbox_used_by_two_persons(dataset: DataSet) -> None:
    """One From address sends mail for two true persons, who sign with different names."""
    senders = defaultdict(set)
    for msg in dataset.mails:
        person = dataset.person("support_mail", message_id(msg))
        if person and not msg["In-Reply-To"]:
            senders[msg["From"].addresses[0].addr_spec.lower()].add(person)
    assert any(len(p) >= 2 for p in senders.values())


def test_staff_only_mail_and_internal_calls(dataset: DataSet) -> None:
    """Mail between staff and agent-to-agent calls exist, with empty truth."""
    assert any(dataset.person("support_mail", message_id(m)) == "" for m in dataset.mails)
    assert any(dataset.person("calls", c["uniqueid"]) == "" for c in dataset.calls)


def test_someone_elses_number_in_a_mail_body(dataset: DataSet) -> None:
    """A customer writes a number that belongs to another person: weak evidence that must not link them."""
    owners = phone_persons(dataset)
    traps = []
    for msg in dataset.mails:
        person = dataset.person("support_mail", message_id(msg))
        if not person or msg["In-Reply-To"]:
            continue
        for match in phonenumbers.PhoneNumberMatcher(body_text(msg), "US"):
            number = phonenumbers.format_number(match.number, phonenumbers.PhoneNumberFormat.E164)
            if person not in owners.get(number, {person}):
                traps.append(number)
    assert traps


def test_display_names_last_first_and_encoded(dataset: DataSet) -> None:
    """Some From headers say `"Last, First"`, some carry RFC 2047-encoded non-ASCII names."""
    raw = (dataset.root / "mail/support.mbox").read_text(encoding="utf-8")
    assert re.search(r'^From: "[^"]+, [^"]+" <', raw, re.MULTILINE)
    assert re.search(r"^(From|To): =\?utf-8\?", raw, re.MULTILINE)
    decoded = [a.display_name for m in dataset.mails for a in m["From"].addresses]
    assert any(not name.isascii() for name in decoded)


def test_anonymous_handles_and_strangers_on_x(dataset: DataSet) -> None:
    """Customers with handles that carry no name, accounts of non-customers, and a namesake account."""
    vocabulary = {fold(n) for n in (*female_names(), *male_names(), *surnames())}
    vocabulary |= {fold(n) for nicks in nickname_table().values() for n in nicks}
    users = {u["id"]: u for page in dataset.pages for u in page["includes"]["users"]}
    anonymous = [
        u for uid, u in users.items()
        if dataset.person("x", uid).startswith("T")
        and not (set(re.findall(r"[^\W\d_]+", fold(u["name"]))) & vocabulary)
    ]  # fmt: skip
    assert anonymous
    strangers = [u for uid, u in users.items() if dataset.person("x", uid).startswith("S")]
    assert len(strangers) >= 3
    crm_names = {(fold(first), fold(last)) for _, _, first, last in crm_rows(dataset)}
    namesakes = [
        u for u in strangers
        if len(parts := fold(u["name"]).split(" ")) == 2
        and any(last == parts[1] and (first == parts[0] or nick_related(first, parts[0])) for first, last in crm_names)
    ]  # fmt: skip
    assert namesakes


def test_wrong_number_callers_are_strangers(dataset: DataSet) -> None:
    """Some inbound calls come from people who are not customers."""
    assert any(dataset.person("calls", c["uniqueid"]).startswith("S") for c in dataset.calls)


def test_people_who_exist_in_one_channel_only(dataset: DataSet) -> None:
    """Some customers can only be found in a single source."""
    sources = defaultdict(set)
    for row in dataset.truth:
        if row["person_id"].startswith("T"):
            sources[row["person_id"]].add(row["source"])
    assert sum(1 for s in sources.values() if len(s) == 1) >= 3
    assert any(len(s) >= 4 for s in sources.values())


def test_bios_carry_contact_details(dataset: DataSet) -> None:
    """Some X bios hold an email address or a phone number."""
    bios = [u["description"] for page in dataset.pages for u in page["includes"]["users"]]
    assert any("@" in b and "." in b.split("@")[-1] for b in bios)


def test_forwarded_note_carries_another_persons_address(dataset: DataSet) -> None:
    """A customer forwards a household member's note: their address and number sit in the body."""
    forwards = []
    for msg in dataset.mails:
        text = body_text(msg)
        found = re.search(r"Forwarded message -+\nFrom: [^<\n]+<([^>]+)>", text)
        if found:
            forwards.append((msg["From"].addresses[0].addr_spec.lower(), found.group(1).lower()))
    assert forwards
    assert any(sender != forwarded for sender, forwarded in forwards)
