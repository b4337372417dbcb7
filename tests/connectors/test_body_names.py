"""The name a message's text gives a customer party: an inbound signature, an outbound greeting."""

from __future__ import annotations

from pathlib import Path

import pytest

from connectors.evidence import body_claims, greeted_name, signed_name, split_signature
from connectors.ownside import OwnSide
from identity_graph.model import BODY_NAME, Strength
from identity_graph.settings import OwnSideSettings
from tests.connectors.helpers import records, run_connector


@pytest.mark.parametrize(
    ("body", "name"),
    [
        ("Hi,\nMy parcel is late.\n\nThanks,\nDagný\nMobile: +1 718 555 0151", "Dagný"),
        ("Hello\n\nBest regards,\nDagný Okafor\nGlobex Corp", "Dagný Okafor"),
        ("It works now.\n\nCheers,\n\nMary-Ann O'Neil", "Mary-Ann O'Neil"),
        ("Order 12 is wrong.\n--\nJ. Smith", "J. Smith"),
        ("Thank you, that worked!\n\nDagný", "Dagný"),  # a short reply signed on its last line
        ("Thanks,\n+1 415 555 0134", None),  # no name after the sign-off
        ("Regards,\nThe Okafor family and friends", None),  # a sentence, not a name
        ("Thanks!\nsent from iPhone", None),  # not capitalized: not a name
        ("Thanks, I will try that.\nBye now", None),  # no sign-off line, no line standing apart
        ("My order 4471 is late\nAnna", None),  # the last line does not stand apart from the text
    ],
)
def test_signed_name(body: str, name: str | None) -> None:
    assert signed_name(body) == name


@pytest.mark.parametrize(
    ("body", "name"),
    [
        ("Hi Dagný,\n\nThanks for writing.", "Dagný"),
        ("Hi Thomas, a replacement ships today.", "Thomas"),
        ("Dear Mr Okafor,\nYour refund is on its way.", "Okafor"),
        ("Good morning Anna-Lena Berg!\n", "Anna-Lena Berg"),
        ("Hello,\nThanks for writing.", None),
        ("Hi there,\nThanks.", None),
        ("Thanks for writing, Dagný.", None),  # no greeting on the first line
    ],
)
def test_greeted_name(body: str, name: str | None) -> None:
    assert greeted_name(body) == name


MBOX = """From okaforfamily@gmail.com Mon Mar  4 09:00:00 2024
From: okaforfamily@gmail.com
To: Acme Support <support@acme.example>
Subject: Parcel
Date: Mon, 04 Mar 2024 09:00:00 -0800
Message-ID: <fam-1@mail.gmail.com>
Content-Type: text/plain; charset="UTF-8"

Hi,

my parcel never came.

Thanks,
Dagný

From jane@acme.example Mon Mar  4 10:00:00 2024
From: Jane Agent <jane@acme.example>
To: okaforfamily@gmail.com
Subject: Re: Parcel
Date: Mon, 04 Mar 2024 10:00:00 -0800
Message-ID: <reply-fam-1@acme.example>
Content-Type: text/plain; charset="UTF-8"

Hi Dagný,

a new parcel ships today.

From jane@acme.example Mon Mar  4 11:00:00 2024
From: Jane Agent <jane@acme.example>
To: okaforfamily@gmail.com, Ben Okafor <ben.okafor@example.org>
Subject: Re: Parcel
Date: Mon, 04 Mar 2024 11:00:00 -0800
Message-ID: <reply-fam-2@acme.example>
Content-Type: text/plain; charset="UTF-8"

Hi Dagný,

copying Ben as asked.
"""


def test_the_body_name_is_kept_for_the_one_party_it_names(tmp_path: Path) -> None:
    path = tmp_path / "family.mbox"
    path.write_text(MBOX, encoding="utf-8")
    recs = {r.source_id: r for r in records(run_connector("mbox", [path]))}
    sender = recs["fam-1@mail.gmail.com/okaforfamily@gmail.com"]
    assert sender.full_name is None and sender.attributes == {BODY_NAME: "Dagný"}  # the header is left as it is
    greeted = recs["reply-fam-1@acme.example/okaforfamily@gmail.com"]
    assert greeted.attributes == {BODY_NAME: "Dagný"}
    # two recipients: the greeting cannot say which of them it names
    assert recs["reply-fam-2@acme.example/okaforfamily@gmail.com"].attributes == {}
    assert recs["reply-fam-2@acme.example/ben.okafor@example.org"].attributes == {}


def test_the_signature_block_is_the_writers_own_the_rest_is_only_mentioned() -> None:
    body = (
        "Hi,\nmy parcel never came. You can reach my husband Ben at (718) 555-0152.\n\n"
        "Thanks,\nDagný\nMobile: (718) 555-0151\n\nSee the note below: call 212-555-0199."
    )
    rest, block = split_signature(body)
    assert block == "Dagný\nMobile: (718) 555-0151"
    assert "555-0152" in rest and "555-0199" in rest and "555-0151" not in rest
    claims = {(c.raw, c.strength, c.field) for c in body_claims(body, OwnSide(OwnSideSettings()), frozenset())}
    assert claims == {
        ("(718) 555-0151", Strength.DECLARED, "signature"),  # the writer gives their own number there
        ("(718) 555-0152", Strength.MENTIONED, "body"),  # anyone's number: here her husband's
        ("212-555-0199", Strength.MENTIONED, "body"),
    }
    assert split_signature("no sign-off here (718) 555-0151") == ("no sign-off here (718) 555-0151", "")
