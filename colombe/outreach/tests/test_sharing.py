"""Sharing public pages: share links, the Mastodon chooser, share cards (Open Graph) and
share images."""

import io
from pathlib import Path
from unittest import mock
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client
from django.urls import reverse
from PIL import Image, ImageDraw

from colombe.outreach import identity, share_images, sharing
from colombe.outreach.models import Network
from colombe.outreach.tests.presence_helpers import og, private_pages, public_pages
from tests.personas import World

PAGE = "https://colombe.example/petitions/desarmer/"


def query_of(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


# Share links ------------------------------------------------------------------------------


def test_every_network_gets_the_page_tagged_with_its_name(db: None) -> None:
    links = {link.network: link.url for link in sharing.share_links(PAGE, "Pour la paix")}

    assert list(links) == [
        "mastodon",
        "bluesky",
        "x",
        "facebook",
        "linkedin",
        "whatsapp",
        "telegram",
        "email",
    ]
    assert query_of(links["bluesky"])["text"] == [f"Pour la paix {PAGE}?source=bluesky"]
    assert query_of(links["x"]) == {"text": ["Pour la paix"], "url": [f"{PAGE}?source=x"]}
    assert query_of(links["facebook"]) == {"u": [f"{PAGE}?source=facebook"]}
    assert query_of(links["linkedin"]) == {"url": [f"{PAGE}?source=linkedin"]}
    assert query_of(links["whatsapp"])["text"] == [f"Pour la paix {PAGE}?source=whatsapp"]
    assert query_of(links["telegram"]) == {
        "url": [f"{PAGE}?source=telegram"],
        "text": ["Pour la paix"],
    }
    assert links["email"].startswith("mailto:?subject=Pour%20la%20paix&body=")
    assert "source%3Demail" in links["email"]


def test_mastodon_goes_through_our_chooser_with_the_path_only(db: None) -> None:
    mastodon = sharing.share_links(PAGE, "Pour la paix")[0]

    assert mastodon.url.startswith(reverse("outreach:share_mastodon") + "?")
    assert query_of(mastodon.url) == {
        "path": ["/petitions/desarmer/?source=mastodon"],
        "text": ["Pour la paix"],
    }


def test_source_replaces_a_source_the_address_had() -> None:
    assert sharing.with_source(f"{PAGE}?source=x&page=2", "email") == (
        f"{PAGE}?page=2&source=email"
    )


def test_signal_text_is_plain_with_the_address_on_its_own_last_line() -> None:
    text = sharing.copy_text(PAGE, "Pour la paix", "Signez, faites signer.")
    assert text == f"Pour la paix\n\nSignez, faites signer.\n\n{PAGE}?source=signal"


def test_share_dialogs_of_networks_without_an_api() -> None:
    url = "https://colombe.example/l/abc"
    bluesky = sharing.share_dialog_url(Network.BLUESKY, "Venez samedi", url)
    x = sharing.share_dialog_url(Network.X, "Venez samedi", url)
    telegram = sharing.share_dialog_url(Network.TELEGRAM, "Venez samedi", url)

    assert (
        bluesky
        == "https://bsky.app/intent/compose?text=Venez+samedi+https%3A%2F%2Fcolombe.example%2Fl%2Fabc"
    )
    assert (
        x
        == "https://x.com/intent/post?text=Venez+samedi&url=https%3A%2F%2Fcolombe.example%2Fl%2Fabc"
    )
    assert telegram is not None and query_of(telegram) == {"url": [url], "text": ["Venez samedi"]}
    assert sharing.share_dialog_url(Network.FACEBOOK, "Venez", url) == (
        "https://www.facebook.com/sharer/sharer.php?u=https%3A%2F%2Fcolombe.example%2Fl%2Fabc"
    )
    assert sharing.share_dialog_url(Network.FACEBOOK, "Venez samedi") is None
    assert sharing.share_dialog_url(Network.TELEGRAM, "Venez samedi") is None
    for network in [Network.INSTAGRAM, Network.TIKTOK, Network.YOUTUBE, Network.MASTODON]:
        assert sharing.share_dialog_url(network, "Venez samedi", url) is None, network


# The Mastodon chooser ---------------------------------------------------------------------


def test_chooser_asks_for_the_server_then_links_to_its_share_page(
    client: Client, world: World
) -> None:
    url = reverse("outreach:share_mastodon")
    params = {"path": "/lyon/?source=mastodon", "text": "Comité de Lyon"}

    form = client.get(url, params).content.decode()
    assert 'name="instance"' in form and 'value="mastodon.social"' in form
    assert '<input type="hidden" name="path" value="/lyon/?source=mastodon">' in form

    response = client.get(url, {**params, "instance": "Piaille.fr"})
    assert response.status_code == 200
    assert (
        'href="https://piaille.fr/share?text=Comit%C3%A9+de+Lyon+'
        'http%3A%2F%2Ftestserver%2Flyon%2F%3Fsource%3Dmastodon"' in response.content.decode()
    )


@pytest.mark.parametrize(
    "path",
    [
        "https://evil.example/",
        "//evil.example/page/",
        "/\\evil.example/",
        "javascript:alert(1)",
        "evil.example/petitions/",
        "/not/a/page/of/this/site/",
        "",
    ],
)
def test_chooser_refuses_what_is_not_a_page_of_this_site(
    client: Client, db: None, path: str
) -> None:
    response = client.get(
        reverse("outreach:share_mastodon"), {"path": path, "instance": "piaille.fr"}
    )
    assert response.status_code == 404
    assert "/share?text=" not in response.content.decode()


@pytest.mark.parametrize("instance", ["javascript:alert(1)", "evil.example/../x", "a b.org", "x"])
def test_chooser_refuses_what_is_not_a_server_name(
    client: Client, world: World, instance: str
) -> None:
    response = client.get(
        reverse("outreach:share_mastodon"), {"path": "/lyon/", "instance": instance}
    )
    assert response.status_code == 422
    assert "/share?text=" not in response.content.decode()


# Share cards ------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", list(sharing.KINDS))
def test_public_pages_have_a_share_card_and_block(client: Client, world: World, kind: str) -> None:
    obj = public_pages(world)[kind]
    page = client.get(obj.get_absolute_url()).content.decode()
    card = og(client, obj.get_absolute_url())

    assert card["og:url"] == f"http://testserver{obj.get_absolute_url()}"
    assert card["og:title"] == sharing.kind_of(obj).title(obj)
    assert card["og:image"] == "http://testserver" + sharing.share_image_url(obj).url
    assert '<meta name="twitter:card" content="summary_large_image">' in page
    assert 'id="share-heading"' in page
    assert "source%3Dbluesky" in page
    assert "source=signal</textarea>" in page


def test_generated_image_unless_the_page_has_its_own(world: World) -> None:
    pages = public_pages(world)
    assert sharing.share_image_url(pages["comite"]).url == reverse(
        "outreach:share_image", args=["comite", world.lyon.pk]
    )
    assert sharing.share_image_url(pages["petition"]).url == reverse(
        "petitions:og_image", args=[pages["petition"].slug]
    )


@pytest.mark.parametrize("kind", ["groupe", "petition", "compte-rendu", "reunion", "memoire"])
def test_members_pages_do_not_invite_sharing(client: Client, world: World, kind: str) -> None:
    obj = private_pages(world)[kind]
    client.force_login(world.bob)
    page = client.get(obj.get_absolute_url()).content.decode()
    card = og(client, obj.get_absolute_url())

    assert "og:image" not in card and "og:url" not in card
    assert 'content="summary_large_image"' not in page
    assert 'id="share-heading"' not in page
    assert "source%3D" not in page


# Share images -----------------------------------------------------------------------------


@pytest.mark.parametrize("kind", [key for key in sharing.KINDS if key != "petition"])
def test_share_image_is_a_1200_by_630_png(client: Client, world: World, kind: str) -> None:
    obj = public_pages(world)[kind]
    response = client.get(reverse("outreach:share_image", args=[kind, obj.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    image = Image.open(io.BytesIO(response.content))
    assert (image.format, image.size) == ("PNG", (1200, 630))


@pytest.mark.parametrize("person", [None, "eve", "dana", "bob"])
def test_share_image_of_a_secret_or_private_group_is_404(
    client: Client, world: World, person: str | None
) -> None:
    if person:
        client.force_login(getattr(world, person))
    for group in [world.secret_group, world.private_group]:
        response = client.get(reverse("outreach:share_image", args=["groupe", group.pk]))
        assert response.status_code == 404, group


def test_share_image_of_an_unknown_kind_or_object_is_404(client: Client, world: World) -> None:
    assert client.get(reverse("outreach:share_image", args=["user", 1])).status_code == 404
    assert client.get(reverse("outreach:share_image", args=["comite", 999999])).status_code == 404


def test_long_titles_are_cut_to_four_lines_that_fit() -> None:
    title = "Pour un désarmement nucléaire complet, vérifiable et irréversible " * 6
    lines, font, _height = share_images.title_lines(title)
    measure = ImageDraw.Draw(Image.new("RGB", (1, 1)))

    assert len(lines) == share_images.TITLE_LINES
    assert all(measure.textlength(line, font=font) <= share_images.TEXT_WIDTH for line in lines)
    assert lines[-1].endswith("…")


def test_short_titles_are_drawn_large_and_whole() -> None:
    lines, font, _height = share_images.title_lines("Pour la paix")
    assert lines == ["Pour la paix"]
    assert getattr(font, "size", 0) == share_images.TITLE_SIZES[0]


def test_a_word_longer_than_the_picture_is_cut() -> None:
    lines, font, _height = share_images.title_lines("Anticonstitutionnellement" * 8)
    measure = ImageDraw.Draw(Image.new("RGB", (1, 1)))
    assert measure.textlength(lines[0], font=font) <= share_images.TEXT_WIDTH
    assert lines[0].endswith("…")


def test_share_image_is_drawn_again_only_when_what_it_shows_changes(world: World) -> None:
    with mock.patch.object(
        share_images, "draw_share_image", wraps=share_images.draw_share_image
    ) as draw:
        first = share_images.share_image_png(world.lyon)
        share_images.share_image_png(world.lyon)
        world.lyon.name = "Comité de Lyon et environs"
        world.lyon.save()
        renamed = share_images.share_image_png(world.lyon)

    assert draw.call_count == 2
    assert first != renamed


def test_pillow_font_is_used_when_dejavu_is_missing(world: World, tmp_path: Path) -> None:
    identity.font.cache_clear()
    try:
        with mock.patch.object(identity, "FONT_DIR", tmp_path):
            png = share_images.draw_share_image(
                kind_label="Comité", title="Pour la paix " * 10, owner="Lyon", movement="Colombe"
            )
    finally:
        identity.font.cache_clear()
    assert Image.open(io.BytesIO(png)).size == (1200, 630)
