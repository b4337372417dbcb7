"""No false "ours": 1,000 random real-looking domains (seeded, from word lists and common endings) against the
registry of tests/campaigns/test_verify.py. None may be answered ours; look-alike answers must be rare."""

from __future__ import annotations

import random

import pytest

from identity_graph.campaigns.domains import parse_host, within
from identity_graph.campaigns.verify import Answer, verify
from tests.campaigns.test_verify import NOW, registry

WORD_TEXT = """
acme alpha apex atlas aurora bakery bank banking bay beacon berry best bio blue bolt book bright bridge brook
budget cafe capital card care cargo cash city cloud coast coffee color core credit crest data deal delta design
digital direct dream eagle earth eco edge electric elite energy euro event express fair family farm fast finance
first fit flash flight fly focus food fox fresh fund future garden gift global gold green group grow guard harbor
health home hotel hub insure iron jet journey key kind lake land leaf legal life light link loan local logic lucky
mail maple market media metro mile mint mobile money moon motor mountain national nature net news north nova
ocean offer office one open orange pacific park pay peak pet pine pixel plus point pond post prime pro quick
rapid red river road rock royal safe sail save savings sea secure shop silver simple smart solar south spark
spring square star stone store summer sun super swift tech terra time top tower town trade travel tree true trust
union united urban valley vault vista wave way west wild wind wise world yellow zen zone
"""
WORDS = WORD_TEXT.split()
ENDINGS = ["com", "net", "org", "co", "io", "co.uk", "de", "fr", "info", "biz", "app", "us", "ca", "com.au", "shop"]
#: Most look-alike answers accepted among the 1,000 (real domains do sit near ours now and then).
MAX_LOOKALIKES = 25
SEED = 20260510


def random_domains(count: int, seed: int = SEED) -> list[str]:
    """Real-looking domains: one to three words, sometimes hyphenated or numbered, under a common ending."""
    rng = random.Random(seed)
    ours = {d for c in registry() for d in (*c.sending_domains, *c.link_domains)}
    out: dict[str, None] = {}
    while len(out) < count:
        words = rng.sample(WORDS, rng.choice((1, 2, 2, 2, 3)))
        label = rng.choice(("", "-")).join(words) + (str(rng.randint(1, 99)) if rng.random() < 0.1 else "")
        name = f"{'www.' if rng.random() < 0.2 else ''}{label}.{rng.choice(ENDINGS)}"
        host = parse_host(name)
        if host is not None and not any(within(host.ascii, d) for d in ours):
            out.setdefault(name, None)
    return list(out)


def test_no_false_ours_on_1000_random_domains() -> None:
    campaigns = registry()
    answers = {name: verify(name, campaigns, NOW, region="US") for name in random_domains(1000)}
    ours = [n for n, v in answers.items() if v.answer in (Answer.OURS_LIVE, Answer.OURS_NOT_LIVE)]
    lookalikes = sorted(n for n, v in answers.items() if v.answer is Answer.LOOKALIKE)
    print(f"\n1,000 random domains: {len(ours)} answered ours, {len(lookalikes)} look-alike: {lookalikes}")
    assert ours == []
    assert len(lookalikes) <= MAX_LOOKALIKES
    for name in lookalikes:  # each look-alike answer names what it imitates
        assert "imitates" in answers[name].sentence


@pytest.mark.slow
def test_no_false_ours_against_a_registry_built_from_the_same_words() -> None:
    """The harder case: 20 campaigns whose 40 domains are made of the very words the random domains use."""
    rng = random.Random(SEED + 1)
    base = registry()[0]
    campaigns = [
        base.model_copy(
            update={
                "campaign_id": f"c{i}",
                "sending_domains": (f"{rng.choice(WORDS)}-{rng.choice(WORDS)}.com",),
                "link_domains": (f"{rng.choice(WORDS)}{rng.choice(WORDS)}.co.uk",),
                "sender_addresses": (),
            }
        )
        for i in range(20)
    ]
    ours_domains = {d for c in campaigns for d in (*c.sending_domains, *c.link_domains)}
    names = [
        n for n in random_domains(1000, SEED + 2) if not any(within(n.removeprefix("www."), d) for d in ours_domains)
    ]
    answers = {name: verify(name, campaigns, NOW, region="US") for name in names}
    ours = [n for n, v in answers.items() if v.answer in (Answer.OURS_LIVE, Answer.OURS_NOT_LIVE)]
    lookalikes = sorted(n for n, v in answers.items() if v.answer is Answer.LOOKALIKE)
    print(f"\n{len(names)} random domains vs 40 domains of the same words: {len(ours)} ours, {len(lookalikes)} "
          f"look-alike: {[(n, answers[n].findings[0].line.split(': ')[-1]) for n in lookalikes]}")  # fmt: skip
    assert ours == []
    assert len(lookalikes) <= MAX_LOOKALIKES
