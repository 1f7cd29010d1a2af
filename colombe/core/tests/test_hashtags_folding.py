"""One hashtag whatever its accents, case or Unicode composition."""

import unicodedata

import pytest
from django.test import Client
from django.urls import reverse

from colombe.core.hashtags import (
    find_hashtag,
    fold_hashtag,
    get_or_create_hashtags,
    hashtags_in_text,
    parse_hashtags,
)
from colombe.core.markdown import render_markdown
from colombe.core.models import Hashtag
from tests.personas import SECRET_GROUP_NAME, World

DECOMPOSED = unicodedata.normalize("NFD", "désarmement")


@pytest.mark.parametrize(
    "spelling", ["#Désarmement", "desarmement", "#DÉSARMEMENT", DECOMPOSED, " #désarmement "]
)
def test_every_spelling_folds_to_one_key(spelling: str) -> None:
    assert fold_hashtag(spelling) == "desarmement"


def test_parse_keeps_the_first_spelling_of_each_hashtag() -> None:
    assert parse_hashtags("#Désarmement #desarmement paix #PAIX climat") == [
        "désarmement",
        "paix",
        "climat",
    ]


def test_hashtags_in_running_text_need_the_sign_and_a_letter() -> None:
    text = "Réunion #1 sur le #Désarmement, voir https://ex.org/#ancre et &#35; #2026"
    assert hashtags_in_text(text) == ["désarmement"]


def test_two_spellings_give_one_hashtag_with_the_first_spelling(db: None) -> None:
    first = get_or_create_hashtags(["désarmement"])
    again = get_or_create_hashtags(["#DESARMEMENT", DECOMPOSED, "Désarmement"])
    assert again == first
    assert Hashtag.objects.count() == 1
    tag = Hashtag.objects.get()
    assert (tag.name, tag.key) == ("désarmement", "desarmement")


def test_first_spelling_seen_is_kept_even_without_accents(db: None) -> None:
    get_or_create_hashtags(["desarmement"])
    assert get_or_create_hashtags(["désarmement"])[0].name == "desarmement"


def test_find_hashtag_accepts_any_spelling(db: None) -> None:
    tag = get_or_create_hashtags(["désarmement"])[0]
    assert find_hashtag("#DÉSARMEMENT") == tag
    assert find_hashtag(DECOMPOSED) == tag
    assert find_hashtag("armement") is None


def test_markdown_links_hashtags_but_not_inside_links_or_code() -> None:
    html = render_markdown("Vive le #Désarmement ! [voir #paix](https://ex.org) `#code` #12")
    assert '<a href="/tags/d%C3%A9sarmement/"' in html
    assert ">#Désarmement</a>" in html
    assert '<a href="https://ex.org" rel="nofollow noopener noreferrer">voir #paix</a>' in html
    assert "<code>#code</code>" in html
    assert "/tags/12/" not in html and "/tags/code/" not in html


def test_hashtag_page_redirects_any_spelling_to_the_canonical_one(
    client: Client, world: World
) -> None:
    world.public_group.hashtags.set(get_or_create_hashtags(["désarmement"]))
    canonical = reverse("core:hashtag", args=["désarmement"])
    for spelling in ["Desarmement", "DÉSARMEMENT", DECOMPOSED]:
        response = client.get(reverse("core:hashtag", args=[spelling]))
        assert response.status_code == 301
        assert response["Location"] == canonical
    assert client.get(canonical).status_code == 200


def test_linked_spelling_in_a_text_reaches_the_page(client: Client, world: World) -> None:
    world.public_group.hashtags.set(get_or_create_hashtags(["désarmement"]))
    html = render_markdown("Pour le #DESARMEMENT.")
    href = html.split('href="', 1)[1].split('"', 1)[0]
    response = client.get(href, follow=True)
    assert response.status_code == 200
    assert world.public_group.name in response.content.decode()


def test_other_spelling_of_a_secret_tag_is_404_not_a_redirect(client: Client, world: World) -> None:
    world.secret_group.hashtags.set(get_or_create_hashtags(["hirondelle"]))
    client.force_login(world.eve)
    assert client.get(reverse("core:hashtag", args=["HIRONDELLE"])).status_code == 404
    client.force_login(world.charlie)
    response = client.get(reverse("core:hashtag", args=["HIRONDELLE"]), follow=True)
    assert SECRET_GROUP_NAME in response.content.decode()
