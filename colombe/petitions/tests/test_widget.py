"""The embeddable widget: the one page partner sites may show in a frame."""

import pytest
from django.http import HttpResponseBase
from django.test import Client
from django.urls import reverse

from colombe.petitions import services
from colombe.petitions.tests.public_helpers import english_client
from colombe.petitions.tests.services_helpers import make_petition, sign
from tests.personas import World

pytestmark = pytest.mark.django_db


@pytest.fixture
def client() -> Client:
    return english_client()


def frame_ancestors(response: HttpResponseBase) -> str:
    policy = response["Content-Security-Policy"]
    return next(part.strip() for part in policy.split(";") if "frame-ancestors" in part)


def test_widget_shows_title_counter_progress_and_a_link_to_sign(
    client: Client, world: World
) -> None:
    petition = make_petition(owner=world.lyon, slug="desarmer", goal=100)
    services.confirm(sign(petition).token)

    response = client.get(reverse("petitions:widget", args=[petition.slug]))
    body = response.content.decode()

    assert response.status_code == 200
    assert "<h1>Pour la paix</h1>" in body
    assert "<strong>1</strong> signature" in body
    assert '<progress class="petition-progress" max="100" value="1"' in body
    assert (
        '<a class="button" href="http://testserver/petitions/desarmer/?source=widget" '
        'target="_blank" rel="noopener">' in body
    )
    assert 'class="site-header"' not in body  # no site navigation inside a partner's page
    assert "<script" not in body


def test_widget_may_be_framed_by_any_site(client: Client, world: World) -> None:
    petition = make_petition(owner=world.lyon)
    response = client.get(reverse("petitions:widget", args=[petition.slug]))
    assert "X-Frame-Options" not in response
    assert frame_ancestors(response) == "frame-ancestors *"


def test_every_other_page_refuses_frames(client: Client, world: World) -> None:
    petition = make_petition(owner=world.lyon)
    token = sign(petition).token
    urls = [
        reverse("petitions:list"),
        petition.get_absolute_url(),
        reverse("petitions:counter", args=[petition.slug]),
        reverse("petitions:og_image", args=[petition.slug]),
        reverse("petitions:share_mastodon", args=[petition.slug]),
        reverse("petitions:altcha_challenge"),
        reverse("petitions:confirm", args=[token]),
        reverse("petitions:withdraw", args=[token]),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["X-Frame-Options"] == "DENY", url
        assert frame_ancestors(response) == "frame-ancestors 'none'", url


def test_widget_keeps_the_rest_of_the_policy_strict(client: Client, world: World) -> None:
    petition = make_petition(owner=world.lyon)
    policy = client.get(reverse("petitions:widget", args=[petition.slug]))[
        "Content-Security-Policy"
    ]
    assert "script-src 'self'" in policy
    assert "unsafe" not in policy
