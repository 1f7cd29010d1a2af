"""The Open Graph picture shared on social networks."""

import io
from unittest import mock

import pytest
from django.test import Client
from django.urls import reverse
from PIL import Image

from colombe.petitions import og_image, services
from colombe.petitions.tests.public_helpers import english_client
from colombe.petitions.tests.services_helpers import make_petition, sign
from tests.personas import World


@pytest.fixture
def client() -> Client:
    return english_client()


@pytest.mark.django_db
def test_og_image_is_a_png_of_the_right_size(client: Client, world: World) -> None:
    petition = make_petition(owner=world.lyon, title=("Un titre " * 22).strip())
    services.confirm(sign(petition).token)

    response = client.get(reverse("petitions:og_image", args=[petition.slug]))

    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert "max-age=600" in response["Cache-Control"]
    image = Image.open(io.BytesIO(response.content))
    assert image.format == "PNG"
    assert image.size == (1200, 630)


@pytest.mark.django_db
def test_og_image_is_cached_per_count_bucket(world: World) -> None:
    petition = make_petition(owner=world.lyon)
    with mock.patch.object(og_image, "render", wraps=og_image.render) as render:
        og_image.petition_image(petition, 1234, "fr")
        og_image.petition_image(petition, 1239, "fr")
        og_image.petition_image(petition, 1300, "fr")
    assert render.call_count == 2


@pytest.mark.parametrize(
    ("count", "bucket"), [(0, 0), (7, 7), (99, 99), (123, 120), (1234, 1200), (98765, 98000)]
)
def test_count_bucket_keeps_two_significant_digits(count: int, bucket: int) -> None:
    assert og_image.count_bucket(count) == bucket


def test_different_counts_draw_different_pictures() -> None:
    assert og_image.render("Pour la paix", 10) != og_image.render("Pour la paix", 11)
