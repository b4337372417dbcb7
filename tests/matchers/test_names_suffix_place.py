"""Issue #14's name cases: generational suffixes and caller-ID place labels, as table tests."""

from __future__ import annotations

import numpy as np
import pytest

from matchers.features import StrArray
from matchers.names import (
    NameParts,
    generation_conflict,
    is_place_label,
    normalize_generation,
    parse_name,
    same_person_name,
    split_generation,
)


def _strings(*values: str) -> StrArray:
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


@pytest.mark.parametrize(
    ("first", "last", "full", "expected"),
    [
        (None, None, "John Smith Jr.", NameParts("john", "", "smith", "jr")),
        (None, None, "John Smith Sr.", NameParts("john", "", "smith", "sr")),
        (None, None, "John Smith, Jr.", NameParts("john", "", "smith", "jr")),
        (None, None, "Smith Jr, John", NameParts("john", "", "smith", "jr")),
        (None, None, "John Smith Senior", NameParts("john", "", "smith", "sr")),
        (None, None, "John Smith Junior", NameParts("john", "", "smith", "jr")),
        (None, None, "Robert Jones II", NameParts("robert", "", "jones", "ii")),
        (None, None, "Robert Jones III", NameParts("robert", "", "jones", "iii")),
        (None, None, "Robert Jones IV", NameParts("robert", "", "jones", "iv")),
        (None, None, "Robert Jones 2nd", NameParts("robert", "", "jones", "ii")),  # digits, yet a person
        (None, None, "Robert Jones 3rd", NameParts("robert", "", "jones", "iii")),
        (None, None, "John Smith, Jr., MD", NameParts("john", "", "smith", "jr")),
        (None, None, "SMITH JOHN JR", NameParts("smith", "", "john", "jr")),  # caller-ID order kept
        (None, None, "SMITH JOHN I", NameParts("smith", "", "john")),  # a middle initial, not the first
        (None, None, "John Senior", NameParts("john", "", "senior")),  # Senior is the surname here
        (None, None, "NGUYEN THI VI", NameParts("nguyen", "", "thi")),  # nameparser drops VI, no sixth of a line
        ("John", "Smith Jr", None, NameParts("john", "", "smith", "jr")),  # the suffix in the last-name field
        ("John", "Smith, Jr.", None, NameParts("john", "", "smith", "jr")),
        ("John", "Smith III", None, NameParts("john", "", "smith", "iii")),
        ("John", "Senior", None, NameParts("john", "", "senior")),
        ("John", "Smith", None, NameParts("john", "", "smith")),
    ],
)
def test_a_generation_is_kept_apart_from_the_surname(
    first: str | None, last: str | None, full: str | None, expected: NameParts
) -> None:
    assert parse_name(first, None, last, full) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Jr.", "jr"), ("JR", "jr"), ("Junior", "jr"), ("Jnr", "jr"), ("Sr.", "sr"), ("Senior", "sr"), ("Snr", "sr"),
        ("I", "i"), ("II", "ii"), ("III", "iii"), ("IV", "iv"), ("V", "v"), ("1st", "i"), ("2nd", "ii"),
        ("3rd", "iii"), ("4th", "iv"), ("Jr., MD", "jr"), ("MD", ""), ("PhD", ""), ("", ""), (None, ""),
    ],
)  # fmt: skip
def test_suffix_columns_are_normalized(text: str | None, expected: str) -> None:
    assert normalize_generation(text) == expected


def test_split_generation_keeps_words() -> None:
    assert split_generation("Smith Jr") == ("Smith", "jr")
    assert split_generation("Smith Jr", keep=2) == ("Smith Jr", "")
    assert split_generation("Jr") == ("Jr", "")


@pytest.mark.parametrize(
    ("left", "right", "conflict"),
    [
        ("John Smith Jr.", "John Smith Sr.", True),
        ("Robert Jones II", "Robert Jones III", True),
        ("Robert Jones III", "Robert Jones 3rd", False),
        ("John Smith Jr.", "John Smith Junior", False),
        ("John Smith Jr.", "John Smith II", False),  # one step: people write either
        ("John Smith Jr.", "John Smith III", True),
        ("John Smith", "John Smith Jr", False),  # one side carries none
        ("John Smith", "John Smith", False),
    ],
)
def test_generation_conflict_of_parsed_names(left: str, right: str, conflict: bool) -> None:
    a, b = parse_name(full=left), parse_name(full=right)
    assert generation_conflict(_strings(a.generation), _strings(b.generation)).tolist() == [conflict]
    assert a.last == b.last  # the suffix never reaches the surname


def test_generation_conflict_is_element_wise() -> None:
    left = _strings("jr", "ii", "sr", "i", "", "jr", "iv")
    right = _strings("sr", "iii", "i", "ii", "sr", "", "iv")
    assert generation_conflict(left, right).tolist() == [True, True, False, True, False, False, False]
    assert generation_conflict(_strings(), _strings()).tolist() == []


def test_a_suffix_in_the_last_name_field_compares_equal() -> None:
    a, b = parse_name("John", None, "Smith Jr"), parse_name("John", None, "Smith")
    assert a.last == b.last == "smith"
    assert same_person_name(a, b, 0.9)


@pytest.mark.parametrize(
    ("label", "place"),
    [
        ("NEW PATRIC MT", True),  # Patric starts Patrick, yet a city cut at the carrier's width
        ("PORT JACOB PA", True),
        ("FORT WORTH TX", True),
        ("SAN JOSE CA", True),
        ("ST. LOUIS MO", True),
        ("MOUNT VERNON NY", True),
        ("NORTH BAY ON", True),  # a Canadian province
        ("SMITH AL", False),  # Al Smith
        ("WEST AL", False),  # Al West: two words are a name
        ("LEE MA", False),
        ("NEW PATRIC", False),  # no region code
        ("NEWMAN JOHN", False),
        ("WIRELESS CALLER", False),
        ("", False),
    ],
)
def test_caller_id_place_labels(label: str, place: bool) -> None:
    assert is_place_label(label) is place
