"""A profile's free-text location read as a place: `City, ST`, `City, Country`, a bare state code, or a bare
place name (emoji and pins dropped); anything else is left out."""

from __future__ import annotations

import pytest

from connectors.social import location_address


@pytest.mark.parametrize(
    ("text", "city", "state", "country"),
    [
        ("San Francisco, CA", "San Francisco", "CA", None),
        ("📍 Austin, TX", "Austin", "TX", None),
        ("Lyon, France", "Lyon", None, "France"),
        ("Hartford 🌎", "Hartford", None, None),
        ("Oakland", "Oakland", None, None),
        ("Salt Lake City", "Salt Lake City", None, None),
        ("St. Louis", "St. Louis", None, None),
        ("Winston-Salem", "Winston-Salem", None, None),
        ("CA", None, "CA", None),
        ("NYC / Brooklyn", None, None, None),  # two places: neither is sure
        ("Boston & Providence", None, None, None),
        ("France", None, None, None),  # a country alone names no city
        ("LA", None, "LA", None),  # two capitals read as a state code
        ("somewhere over the rainbow", None, None, None),  # more than three words
        ("", None, None, None),
        (None, None, None, None),
    ],
)
def test_location_address(text: str | None, city: str | None, state: str | None, country: str | None) -> None:
    place = location_address(text)
    assert (place.city, place.state, place.country) == (city, state, country)
