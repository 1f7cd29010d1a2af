"""Shared helpers for the public pages tests: a solved ALTCHA proof and form data."""

from typing import Any

import altcha as altcha_lib
from django.test import Client, override_settings

from colombe.petitions import altcha
from colombe.petitions.models import Petition

TEST_MAX_NUMBER = 500


def english_client() -> Client:
    """A visitor reading English, so assertions hold whatever the French catalogue says."""
    return Client(headers={"accept-language": "en"})


def solved_altcha() -> str:
    """What the browser widget posts after solving a fresh challenge."""
    with override_settings(PETITION_ALTCHA_MAX_NUMBER=TEST_MAX_NUMBER):
        challenge = altcha_lib.Challenge.from_dict(altcha.create_challenge())
    solution = altcha_lib.solve_challenge(challenge)
    assert solution is not None
    return altcha_lib.Payload(challenge, solution).to_base64()


def signing_data(petition: Petition, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "first_name": "Claire",
        "last_name": "Dupont",
        "email": "claire@example.org",
        "altcha": solved_altcha(),
    }
    if petition.collect_postcode:
        data.update(postcode="69003", town="Lyon")
    if petition.collect_country:
        data["country"] = "FR"
    data.update(overrides)
    return {name: value for name, value in data.items() if value is not None}
