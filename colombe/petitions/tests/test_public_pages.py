"""Reading petitions: the list, the petition page, its live counter and sharing."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from colombe.petitions import services
from colombe.petitions.models import Petition, Signature
from colombe.petitions.tests.public_helpers import english_client
from colombe.petitions.tests.services_helpers import make_petition, sign
from tests.personas import SECRET_GROUP_NAME, World

pytestmark = pytest.mark.django_db


@pytest.fixture
def client() -> Client:
    return english_client()


def confirmed_signer(petition: Petition, email: str, *, shown: bool, **fields: str) -> None:
    result = sign(petition, email=email, show_publicly=shown, **fields)
    services.confirm(result.token)


def test_list_shows_published_and_closed_petitions_with_their_counters(
    client: Client, world: World
) -> None:
    published = make_petition(title="Désarmer maintenant", owner=world.lyon)
    make_petition(title="Ancienne campagne", owner=world.lyon, status=Petition.Status.CLOSED)
    make_petition(title="Brouillon discret", owner=world.lyon, status=Petition.Status.DRAFT)
    confirmed_signer(published, "a@example.org", shown=False)

    body = client.get(reverse("petitions:list")).content.decode()

    assert "Désarmer maintenant" in body
    assert "Ancienne campagne" in body
    assert "Brouillon discret" not in body
    assert "<strong>1</strong> signature" in body


def test_list_shows_drafts_to_their_organisers_only(client: Client, world: World) -> None:
    make_petition(title="Brouillon discret", owner=world.lyon, status=Petition.Status.DRAFT)
    client.force_login(world.bob)
    assert "Brouillon discret" in client.get(reverse("petitions:list")).content.decode()
    client.force_login(world.eve)
    assert "Brouillon discret" not in client.get(reverse("petitions:list")).content.decode()


def test_empty_list_says_so(client: Client, db: None) -> None:
    assert "No petition for now." in client.get(reverse("petitions:list")).content.decode()


def test_list_counts_with_one_query_whatever_the_number_of_petitions(
    client: Client, world: World
) -> None:
    make_petition(owner=world.lyon)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("petitions:list"))
    for _ in range(5):
        make_petition(owner=world.lyon)
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("petitions:list"))
    assert response.status_code == 200
    assert len(many) == len(few)


def test_detail_shows_text_addressee_owner_counter_and_goal(client: Client, world: World) -> None:
    petition = make_petition(owner=world.lyon, goal=100)
    for number in range(3):
        confirmed_signer(petition, f"s{number}@example.org", shown=False)

    response = client.get(petition.get_absolute_url())
    body = response.content.decode()

    assert response.status_code == 200
    assert "<h1>Pour la paix</h1>" in body
    assert "<p>Signez <strong>maintenant</strong>.</p>" in body
    assert "Addressed to Le gouvernement" in body
    assert "Comité de Lyon" in body
    assert '<progress class="petition-progress" max="100" value="3"' in body
    assert "Next goal: 100 signatures (3 % reached)" in body


def test_an_open_petition_offers_a_jump_to_its_form(client: Client, world: World) -> None:
    petition = make_petition(owner=world.lyon)
    body = client.get(petition.get_absolute_url()).content.decode()
    assert '<a class="button" href="#sign-title">Sign the petition</a>' in body
    assert 'id="sign-title"' in body


def test_a_closed_petition_offers_no_jump_to_a_form(client: Client, world: World) -> None:
    petition = make_petition(owner=world.lyon)
    services.close(actor=world.bob, petition=petition)
    body = client.get(petition.get_absolute_url()).content.decode()
    assert 'href="#sign-title"' not in body


def test_goal_is_raised_once_reached(client: Client, world: World) -> None:
    petition = make_petition(owner=world.lyon, goal=2)
    for number in range(2):
        confirmed_signer(petition, f"s{number}@example.org", shown=False)
    body = client.get(petition.get_absolute_url()).content.decode()
    assert 'max="100" value="2"' in body


def test_detail_lists_only_confirmed_signers_who_agreed(client: Client, world: World) -> None:
    petition = make_petition(owner=world.lyon)
    confirmed_signer(petition, "a@example.org", shown=True, first_name="Amina", town="Vénissieux")
    confirmed_signer(petition, "b@example.org", shown=False, first_name="Bertrand", town="Bron")
    sign(petition, email="c@example.org", first_name="Chloé", town="Givors", show_publicly=True)

    body = client.get(petition.get_absolute_url()).content.decode()

    assert "Amina" in body and "Vénissieux" in body
    assert "Bertrand" not in body and "Bron" not in body
    assert "Chloé" not in body  # not confirmed
    assert "Dupont" not in body  # last names are never shown


def test_drafts_are_404_for_visitors_and_outsiders(client: Client, world: World) -> None:
    petition = make_petition(owner=world.lyon, status=Petition.Status.DRAFT)
    urls = [
        petition.get_absolute_url(),
        reverse("petitions:counter", args=[petition.slug]),
        reverse("petitions:widget", args=[petition.slug]),
        reverse("petitions:og_image", args=[petition.slug]),
        reverse("petitions:share_mastodon", args=[petition.slug]),
    ]
    for url in urls:
        assert client.get(url).status_code == 404, url
    client.force_login(world.eve)
    for url in urls:
        assert client.get(url).status_code == 404, url
    client.force_login(world.bob)
    for url in urls:
        assert client.get(url).status_code == 200, url


def test_unknown_petition_is_404(client: Client, db: None) -> None:
    assert client.get(reverse("petitions:detail", args=["nothing-here"])).status_code == 404


@pytest.mark.parametrize("person", [None, "eve", "dana"])
def test_secret_group_is_never_named_on_public_pages(
    client: Client, world: World, person: str | None
) -> None:
    petition = make_petition(owner=world.lyon, group=world.secret_group)
    if person:
        client.force_login(getattr(world, person))
    urls = [
        reverse("petitions:list"),
        petition.get_absolute_url(),
        reverse("petitions:counter", args=[petition.slug]),
        reverse("petitions:widget", args=[petition.slug]),
        reverse("petitions:share_mastodon", args=[petition.slug]),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert SECRET_GROUP_NAME not in response.content.decode(), url
    assert "Comité de Lyon" in client.get(petition.get_absolute_url()).content.decode()


def test_members_of_the_secret_group_see_it_named(client: Client, world: World) -> None:
    petition = make_petition(owner=world.lyon, group=world.secret_group)
    client.force_login(world.charlie)
    assert SECRET_GROUP_NAME in client.get(petition.get_absolute_url()).content.decode()


def test_public_group_is_named(client: Client, world: World) -> None:
    petition = make_petition(owner=world.lyon, group=world.public_group)
    body = client.get(petition.get_absolute_url()).content.decode()
    assert f"with the group {world.public_group.name}" in body


def test_counter_fragment_refreshes_itself_and_is_cached_briefly(
    client: Client, world: World
) -> None:
    petition = make_petition(owner=world.lyon)
    confirmed_signer(petition, "a@example.org", shown=False)

    response = client.get(reverse("petitions:counter", args=[petition.slug]))
    body = response.content.decode()

    assert response.status_code == 200
    assert "<strong>1</strong> signature" in body
    assert 'hx-trigger="every 5s"' in body
    assert f'hx-get="{reverse("petitions:counter", args=[petition.slug])}"' in body
    assert response["Cache-Control"] == "max-age=1"
    assert "<html" not in body


def test_counter_moves_within_two_seconds_of_a_confirmation(client: Client, world: World) -> None:
    petition = make_petition(owner=world.lyon)
    url = reverse("petitions:counter", args=[petition.slug])
    assert "<strong>0</strong>" in client.get(url).content.decode()
    confirmed_signer(petition, "a@example.org", shown=False)
    assert "<strong>1</strong>" in client.get(url).content.decode()


def test_detail_page_has_the_counter_without_javascript(client: Client, world: World) -> None:
    petition = make_petition(owner=world.lyon)
    body = client.get(petition.get_absolute_url()).content.decode()
    assert "<strong>0</strong> signatures" in body
    assert 'id="petition-counter"' in body


def test_share_links_carry_their_source(client: Client, world: World) -> None:
    petition = make_petition(owner=world.lyon, slug="desarmer")
    body = client.get(petition.get_absolute_url()).content.decode()
    shared = "http%3A%2F%2Ftestserver%2Fpetitions%2Fdesarmer%2F%3Fsource%3D"
    assert f"https://bsky.app/intent/compose?text=Pour+la+paix+{shared}bluesky" in body
    assert f"https://x.com/intent/post?text=Pour+la+paix&amp;url={shared}x" in body
    assert f"https://www.facebook.com/sharer/sharer.php?u={shared}facebook" in body
    assert f"https://wa.me/?text=Pour+la+paix+{shared}whatsapp" in body
    assert f"https://t.me/share/url?url={shared}telegram&amp;text=Pour+la+paix" in body
    assert "mailto:?subject=Pour%20la%20paix&amp;body=" in body
    assert "%3Fsource%3Demail" in body
    assert reverse("petitions:share_mastodon", args=["desarmer"]) in body


def test_mastodon_share_asks_for_the_server_then_links_to_it(client: Client, world: World) -> None:
    petition = make_petition(owner=world.lyon, slug="desarmer")
    url = reverse("petitions:share_mastodon", args=[petition.slug])

    form_page = client.get(url).content.decode()
    assert 'name="instance"' in form_page and 'value="mastodon.social"' in form_page

    response = client.get(url, {"instance": "https://Piaille.fr/"})
    body = response.content.decode()
    assert response.status_code == 200
    assert (
        'href="https://piaille.fr/share?text=Pour+la+paix+http%3A%2F%2Ftestserver%2Fpetitions'
        '%2Fdesarmer%2F%3Fsource%3Dmastodon"' in body
    )


@pytest.mark.parametrize("instance", ["javascript:alert(1)", "evil.example/../x", "a b.org", "x"])
def test_mastodon_share_refuses_what_is_not_a_server_name(
    client: Client, world: World, instance: str
) -> None:
    petition = make_petition(owner=world.lyon)
    response = client.get(
        reverse("petitions:share_mastodon", args=[petition.slug]), {"instance": instance}
    )
    assert response.status_code == 422
    assert "/share?text=" not in response.content.decode()


def test_source_of_the_visit_goes_into_the_form(client: Client, world: World) -> None:
    petition = make_petition(owner=world.lyon)
    body = client.get(petition.get_absolute_url(), {"source": "Mastodon<script>"}).content.decode()
    assert '<input type="hidden" name="source" value="mastodonscript"' in body


def test_og_meta_tags_point_at_the_image(client: Client, world: World) -> None:
    petition = make_petition(owner=world.lyon, slug="desarmer")
    body = client.get(petition.get_absolute_url()).content.decode()
    assert (
        '<meta property="og:image" content="http://testserver/petitions/desarmer/image.png">'
        in body
    )
    assert '<meta property="og:title" content="Pour la paix">' in body
    assert '<meta property="og:url" content="http://testserver/petitions/desarmer/">' in body
    assert '<meta name="twitter:card" content="summary_large_image">' in body


def test_embed_code_is_offered(client: Client, world: World) -> None:
    petition = make_petition(owner=world.lyon, slug="desarmer")
    body = client.get(petition.get_absolute_url()).content.decode()
    assert (
        '&lt;iframe src="http://testserver/petitions/desarmer/widget/" title="Pour la paix"' in body
    )


def test_closed_petition_shows_no_form(client: Client, world: World) -> None:
    petition = make_petition(owner=world.lyon, status=Petition.Status.CLOSED)
    body = client.get(petition.get_absolute_url()).content.decode()
    assert "This petition is closed" in body
    assert reverse("petitions:sign", args=[petition.slug]) not in body
    assert "altcha-widget" not in body


def test_signature_rows_are_never_listed_with_emails(client: Client, world: World) -> None:
    petition = make_petition(owner=world.lyon)
    confirmed_signer(petition, "amina.secret@example.org", shown=True, first_name="Amina")
    body = client.get(petition.get_absolute_url()).content.decode()
    assert "amina.secret" not in body
    assert Signature.objects.count() == 1
