"""The anti-bot proofs: the ALTCHA proof-of-work and the question for visitors without
JavaScript."""

import base64
import json
import time
from typing import Any

import altcha as altcha_lib
import pytest
from django.core import signing
from django.test import Client, override_settings
from django.urls import reverse

from colombe.petitions import altcha
from colombe.petitions.models import Signature
from colombe.petitions.tests.public_helpers import english_client, signing_data, solved_altcha
from colombe.petitions.tests.services_helpers import make_petition
from tests.personas import World


@pytest.fixture
def client() -> Client:
    return english_client()


@pytest.mark.django_db
def test_challenge_endpoint_serves_a_fresh_signed_challenge(client: Client) -> None:
    first = client.get(reverse("petitions:altcha_challenge"))
    second = client.get(reverse("petitions:altcha_challenge")).json()

    assert first.status_code == 200
    assert first["Content-Type"] == "application/json"
    assert "no-store" in first["Cache-Control"]
    challenge = first.json()
    assert challenge["parameters"]["algorithm"] == "SHA-256"
    assert challenge["parameters"]["expiresAt"] > time.time()
    assert challenge["signature"] and challenge["signature"] != second["signature"]


@override_settings(PETITION_ALTCHA_MAX_NUMBER=300)
def test_difficulty_follows_the_setting() -> None:
    for _ in range(5):
        challenge = altcha_lib.Challenge.from_dict(altcha.create_challenge())
        solution = altcha_lib.solve_challenge(challenge)
        assert solution is not None and solution.counter <= 300


def test_solved_challenge_is_accepted_once() -> None:
    payload = solved_altcha()
    assert altcha.verify_payload(payload) is True
    assert altcha.verify_payload(payload) is False  # replayed


def tampered(payload: str, change: Any) -> str:
    data = json.loads(base64.b64decode(payload))
    change(data)
    return base64.b64encode(json.dumps(data).encode()).decode()


@pytest.mark.parametrize(
    "change",
    [
        lambda d: d["solution"].update(derivedKey="00" * 32),
        lambda d: d["challenge"]["parameters"].update(keyPrefix="00"),
        lambda d: d["challenge"].update(signature="ab" * 32),
        lambda d: d["challenge"]["parameters"].update(expiresAt=int(time.time()) + 99999),
    ],
)
def test_tampered_payloads_are_refused(change: Any) -> None:
    assert altcha.verify_payload(tampered(solved_altcha(), change)) is False


@pytest.mark.parametrize(
    "garbage", ["", "not base64!", base64.b64encode(b"{}").decode(), "x" * 5000]
)
def test_garbage_is_refused(garbage: str) -> None:
    assert altcha.verify_payload(garbage) is False


def test_expired_challenge_is_refused() -> None:
    with override_settings(PETITION_ALTCHA_EXPIRES_SECONDS=-5):
        payload = solved_altcha()
    assert altcha.verify_payload(payload) is False


def test_challenge_signed_with_another_key_is_refused() -> None:
    with override_settings(PETITION_ALTCHA_HMAC_KEY="another-key-entirely"):
        payload = solved_altcha()
    assert altcha.verify_payload(payload) is False


def fallback_answer(token: str) -> str:
    data = signing.loads(token, salt=altcha.FALLBACK_SALT)
    return str(data["a"] + data["b"])


@override_settings(PETITION_FALLBACK_MIN_SECONDS=0)
def test_fallback_question_right_answer_is_accepted_once() -> None:
    question = altcha.new_fallback_question()
    answer = fallback_answer(question.token)
    assert "plus" in question.question
    assert altcha.verify_fallback(question.token, answer) is True
    assert altcha.verify_fallback(question.token, answer) is False


@override_settings(PETITION_FALLBACK_MIN_SECONDS=0)
def test_fallback_wrong_or_tampered_answers_are_refused() -> None:
    question = altcha.new_fallback_question()
    answer = fallback_answer(question.token)
    assert altcha.verify_fallback(question.token, str(int(answer) + 1)) is False
    forged = signing.dumps({"a": 1, "b": 1, "n": "x", "t": 0}, salt="another salt")
    assert altcha.verify_fallback(forged, "2") is False
    assert altcha.verify_fallback("garbage", "2") is False


def test_fallback_answered_too_fast_is_refused() -> None:
    question = altcha.new_fallback_question()
    assert altcha.verify_fallback(question.token, fallback_answer(question.token)) is False


@pytest.mark.django_db
@override_settings(PETITION_FALLBACK_MIN_SECONDS=0)
def test_signing_without_javascript_uses_the_question(client: Client, world: World) -> None:
    petition = make_petition(owner=world.lyon)
    page = client.get(petition.get_absolute_url()).content.decode()
    assert "<noscript>" in page and 'name="fallback_answer"' in page
    token = page.split('name="fallback_token" value="')[1].split('"')[0]

    data = signing_data(petition, altcha=None, fallback_token=token)
    wrong = client.post(
        reverse("petitions:sign", args=[petition.slug]), data | {"fallback_answer": "99"}
    )
    assert wrong.status_code == 422
    assert "Wrong or expired answer" in wrong.content.decode()
    assert 'value="Claire"' in wrong.content.decode()

    data["fallback_answer"] = fallback_answer(token)
    right = client.post(reverse("petitions:sign", args=[petition.slug]), data)
    assert right.status_code == 200
    assert Signature.objects.count() == 1


@pytest.mark.django_db
def test_replayed_proof_cannot_sign_twice(client: Client, world: World) -> None:
    petition = make_petition(owner=world.lyon)
    data = signing_data(petition)
    assert client.post(reverse("petitions:sign", args=[petition.slug]), data).status_code == 200
    data["email"] = "someone.else@example.org"
    replay = client.post(reverse("petitions:sign", args=[petition.slug]), data)
    assert replay.status_code == 422
    assert "anti-robot check failed" in replay.content.decode()
    assert Signature.objects.count() == 1


@pytest.mark.django_db
def test_a_typo_does_not_spend_the_proof(client: Client, world: World) -> None:
    petition = make_petition(owner=world.lyon)
    data = signing_data(petition, email="oops")
    assert client.post(reverse("petitions:sign", args=[petition.slug]), data).status_code == 422
    data["email"] = "claire@example.org"
    assert client.post(reverse("petitions:sign", args=[petition.slug]), data).status_code == 200
