"""The febrl-pool customer set: deterministic, the size asked for, febrl's columns and ids, corrupted copies."""

from __future__ import annotations

import random

from benchmarks.bench_matching import febrl_truth
from benchmarks.febrl_pool import febrl_pool, typo


def test_the_same_size_and_seed_give_the_same_rows() -> None:
    assert febrl_pool(500, seed=3).equals(febrl_pool(500, seed=3))
    assert not febrl_pool(500, seed=3).equals(febrl_pool(500, seed=4))


def test_whole_people_of_one_to_three_records_with_febrls_ids() -> None:
    frame = febrl_pool(2_000)
    assert 2_000 <= len(frame) <= 2_002
    people = febrl_truth(frame)
    sizes = {}
    for person in people.values():
        sizes[person] = sizes.get(person, 0) + 1
    assert set(sizes.values()) == {1, 2, 3}
    assert frame["soc_sec_id"].isna().all()  # customers' records carry no national id here


def test_copies_are_corrupted_and_originals_whole() -> None:
    frame = febrl_pool(3_000)
    originals = frame[frame.index.str.endswith("-0")]
    copies = frame[~frame.index.str.endswith("-0")]
    assert originals["given_name"].notna().mean() > copies["given_name"].notna().mean()
    first = originals.set_index(originals.index.str.rsplit("-", n=1).str[0])["surname"]
    later = copies.set_index(copies.index.str.rsplit("-", n=1).str[0])["surname"]
    changed = sum(1 for k, v in later.items() if v is not None and v != first[k])
    assert 0.05 < changed / len(later) < 0.3


def test_a_typo_is_one_edit() -> None:
    rng = random.Random(7)
    for word in ("smith", "jordan", "clark"):  # no letter twice: every typo changes the word
        for _ in range(20):
            out = typo(word, rng)
            assert out != word and abs(len(out) - len(word)) <= 1
    assert typo("al", rng) == "al"
