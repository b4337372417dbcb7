"""Native-script names: Greek, Cyrillic and Chinese compare with their Latin spelling; others stay unknown."""

from __future__ import annotations

import pytest

from matchers.names import NameParts, names_conflict, parse_name, same_person_name
from matchers.text import clean_name, fold, romanize

FUZZY = 0.88


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Дмитрий Иванов", "dmitriy ivanov"),
        ("ИВАНОВ ДМИТРИЙ", "ivanov dmitriy"),
        ("Юлия Щукина", "yuliya shchukina"),
        ("Γιώργος Παπαδόπουλος", "giorgos papadopoulos"),  # `ου` is `ou`, as Greeks write it in Latin
        ("ΝΙΚΟΣ ΠΑΠΑΔΟΠΟΥΛΟΣ", "nikos papadopoulos"),
        ("王小明", "wang xiaoming"),  # family name, then given name
        ("王 小明", "wang xiaoming"),
        ("José Núñez", "jose nunez"),  # Latin accents fold as before
        ("محمد علي", ""),  # Arabic writes few vowels: `mhmd` would conflict with Mohammed, so unknown
        ("יוסי כהן", ""),  # Hebrew likewise
        ("김민준", ""),  # Hangul's romanization (`Gim`) is not how Kims write their name
        ("山田太郎", ""),  # four kanji: a Japanese name, read as Chinese it would be someone else
        ("やまだ 太郎", ""),  # kana mark a Japanese name
    ],
)
def test_fold_romanizes_scripts_people_spell_the_same_in_latin(raw: str, expected: str) -> None:
    assert " ".join(filter(None, map(clean_name, fold(raw).split()))) == expected


def test_romanize_leaves_latin_alone() -> None:
    assert romanize("José Núñez") == "José Núñez"
    assert romanize("John Smith") == "John Smith"


@pytest.mark.parametrize(
    ("native", "latin", "expected"),
    [
        ("Дмитрий Иванов", "Dmitriy Ivanov", NameParts("dmitriy", "", "ivanov")),
        ("Дмитрий Иванов", "Dmitry Ivanov", NameParts("dmitriy", "", "ivanov")),
        ("Иванов, Дмитрий", "Dmitri Ivanov", NameParts("dmitriy", "", "ivanov")),
        ("Юлия Щукина", "Yulia Shchukina", NameParts("yuliya", "", "shchukina")),
        ("Ольга Петрова", "Olga Petrova", NameParts("olga", "", "petrova")),
        ("Γιώργος Παπαδόπουλος", "Giorgos Papadopoulos", NameParts("giorgos", "", "papadopoulos")),
        ("王小明", "Xiaoming Wang", NameParts("wang", "", "xiaoming")),  # Chinese order: comparisons cross it
        ("王小明", "Wang Xiaoming", NameParts("wang", "", "xiaoming")),
    ],
)
def test_a_native_name_compares_with_its_latin_spelling(native: str, latin: str, expected: NameParts) -> None:
    a, b = parse_name(full=native), parse_name(full=latin)
    assert a == expected
    assert not names_conflict(a, b, FUZZY)
    assert same_person_name(a, b, FUZZY)


@pytest.mark.parametrize(
    ("first", "last", "expected"),
    [
        ("Дмитрий", "Иванов", NameParts("dmitriy", "", "ivanov")),
        ("小明", "王", NameParts("xiaoming", "", "wang")),
        ("Γιώργος", "Παπαδόπουλος", NameParts("giorgos", "", "papadopoulos")),
    ],
)
def test_native_name_fields(first: str, last: str, expected: NameParts) -> None:
    assert parse_name(first, None, last) == expected


@pytest.mark.parametrize("native", ["محمد علي", "김민준", "山田太郎"])
def test_a_name_in_a_script_left_alone_is_unknown_and_conflicts_with_no_one(native: str) -> None:
    a = parse_name(full=native)
    assert a.empty
    assert not names_conflict(a, parse_name(full="Mohammed Ali"), FUZZY)
