"""Postcode → department, for statistics by region."""

import pytest

from colombe.petitions.postcodes import department_from_postcode


@pytest.mark.parametrize(
    ("postcode", "country", "department"),
    [
        ("69003", "", "69"),
        ("01000", "FR", "01"),
        ("75 011", "fr", "75"),
        ("20000", "", "2A"),  # Ajaccio
        ("20167", "", "2A"),
        ("20200", "", "2B"),  # Bastia
        ("20600", "", "2B"),
        ("20700", "", ""),
        ("97110", "", "971"),  # Guadeloupe
        ("97400", "RE", "974"),  # La Réunion
        ("97600", "", "976"),  # Mayotte
        ("97900", "", ""),
        ("98000", "", ""),  # Monaco
        ("98800", "", ""),  # Nouvelle-Calédonie
        ("00100", "", ""),
        ("69003", "BE", ""),
        ("1000", "", ""),
        ("6900", "", ""),
        ("690033", "", ""),
        ("SW1A 1AA", "GB", ""),
        ("", "", ""),
    ],
)
def test_department_from_postcode(postcode: str, country: str, department: str) -> None:
    assert department_from_postcode(postcode, country) == department
