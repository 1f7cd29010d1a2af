"""The registry of the movement's accounts: who sees and keeps which account, filters,
the accounts off the naming convention, the naming rules, and the identity pictures."""

import io
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image

from colombe.core.models import AuditEntry
from colombe.outreach import identity_images
from colombe.outreach.models import (
    CommunicationRole,
    NamingRule,
    Network,
    Post,
    PostTarget,
    SocialAccount,
)
from colombe.outreach.tests.registry_helpers import (
    as_persona,
    committee_rule,
    is_login_redirect,
    make_account,
)
from tests.personas import World

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _movement(settings: Any, english_pages: None) -> None:
    settings.OUTREACH_MOVEMENT_NAME = "Colombe"


def account_data(world: World, **overrides: Any) -> dict[str, Any]:
    data = {
        "network": Network.MASTODON,
        "handle": "@colombe_lyon",
        "url": "https://mastodon.example/@colombe_lyon",
        "label": "Colombe — Comité de Lyon",
        "bio": "",
        "owner": world.lyon.pk,
        "status": SocialAccount.Status.ACTIVE,
        "responsible_emails": "",
    }
    return {**data, **overrides}


# The hub and the lists -----------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    ["outreach:home", "outreach:accounts", "outreach:nonconforming", "outreach:naming_rules"],
)
def test_member_pages_answer_each_persona(client: Client, world: World, name: str) -> None:
    url = reverse(name)
    assert is_login_redirect(as_persona(client, world, "anonymous").get(url))
    refused = as_persona(client, world, "eve").get(url)
    assert refused.status_code == 403
    assert "for members of a committee" in refused.content.decode()
    for persona in ("charlie", "bob", "alice"):
        assert as_persona(client, world, persona).get(url).status_code == 200, persona


def href(name: str) -> str:
    return f'href="{reverse(name)}"'


def test_the_hub_links_the_tools_each_person_may_use(client: Client, world: World) -> None:
    page = as_persona(client, world, "charlie").get(reverse("outreach:home")).content.decode()
    for name in ("outreach:accounts", "outreach:charter", "outreach:team", "outreach:volunteer"):
        assert href(name) in page, name
    assert href("outreach:volunteers") not in page
    group_page = as_persona(client, world, "alice").get(reverse("outreach:home")).content.decode()
    assert href("outreach:volunteers") in group_page


def test_the_hub_counts_accounts_off_the_convention(client: Client, world: World) -> None:
    committee_rule()
    make_account(world.lyon, label="Colombe Lyon")
    page = as_persona(client, world, "charlie").get(reverse("outreach:home")).content.decode()
    assert "1 account does not follow the naming convention" in page


def test_the_list_shows_the_suggested_label_of_accounts_off_convention(
    client: Client, world: World
) -> None:
    committee_rule()
    make_account(world.lyon, label="Colombe Lyon", handle="@lyon_off")
    make_account(world.lyon, label="Colombe - Comité de Lyon", handle="@lyon_ok")
    page = as_persona(client, world, "charlie").get(reverse("outreach:accounts")).content.decode()
    assert "Colombe Lyon" in page and "Colombe - Comité de Lyon" in page
    assert page.count("Off the convention, suggested:") == 1
    assert "<strong>Colombe — Comité de Lyon</strong>" in page


def test_the_nonconforming_page_lists_only_accounts_off_convention(
    client: Client, world: World
) -> None:
    committee_rule()
    make_account(world.lyon, label="Colombe Lyon", handle="@lyon_off")
    make_account(world.lyon, label="Colombe — Comité de Lyon", handle="@lyon_ok")
    page = as_persona(client, world, "charlie").get(reverse("outreach:nonconforming"))
    handles = [row.account.handle for row in page.context["rows"]]
    assert handles == ["@lyon_off"]
    filtered = client.get(reverse("outreach:accounts"), {"off_convention": "on"})
    assert [row.account.handle for row in filtered.context["rows"]] == ["@lyon_off"]


def test_an_empty_registry_says_so(client: Client, world: World) -> None:
    page = as_persona(client, world, "charlie").get(reverse("outreach:accounts"))
    assert "No account in the registry yet." in page.content.decode()
    page = client.get(reverse("outreach:nonconforming"))
    assert "Every account follows the naming convention." in page.content.decode()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"network": "bluesky"}, ["@national"]),
        ({"owner": "lyon"}, ["@lyon_active", "@lyon_dormant"]),
        ({"status": "dormant"}, ["@lyon_dormant"]),
        ({"q": "secrétariat"}, ["@national"]),
        ({"q": "dormant"}, ["@lyon_dormant"]),
        ({}, ["@national", "@lyon_active", "@lyon_dormant"]),
    ],
)
def test_filters(client: Client, world: World, query: dict[str, str], expected: list[str]) -> None:
    make_account(world.lyon, handle="@lyon_active", label="Colombe — Comité de Lyon")
    make_account(
        world.lyon,
        handle="@lyon_dormant",
        label="Colombe — Comité de Lyon (ancien)",
        status=SocialAccount.Status.DORMANT,
    )
    make_account(world.national, network=Network.BLUESKY, handle="@national", label="Colombe")
    page = as_persona(client, world, "charlie").get(reverse("outreach:accounts"), query)
    assert sorted(row.account.handle for row in page.context["rows"]) == sorted(expected)


def queries_for_the_list(client: Client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("outreach:accounts")).status_code == 200
    return len(queries)


def test_the_list_is_paginated_without_a_query_per_account(client: Client, world: World) -> None:
    committee_rule()
    as_persona(client, world, "charlie")
    make_account(world.lyon, handle="@lyon-first", label="Lyon")
    queries_for_the_list(client)  # the first request of a session records it
    one_account = queries_for_the_list(client)
    for number in range(30):
        make_account(world.lyon, handle=f"@lyon{number:02}", label=f"Lyon {number}")
    assert queries_for_the_list(client) == one_account
    first = client.get(reverse("outreach:accounts"), {"network": "mastodon"})
    assert len(first.context["rows"]) == 25
    assert "network=mastodon&amp;page=2" in first.content.decode()
    second = client.get(reverse("outreach:accounts"), {"network": "mastodon", "page": "2"})
    assert len(second.context["rows"]) == 6


# One account ----------------------------------------------------------------------------


def test_an_account_is_for_members_and_unknown_to_others(client: Client, world: World) -> None:
    account = make_account(world.lyon)
    url = reverse("outreach:account", args=[account.pk])
    assert as_persona(client, world, "anonymous").get(url).status_code == 404
    assert as_persona(client, world, "eve").get(url).status_code == 404
    for persona in ("charlie", "bob", "alice"):
        assert as_persona(client, world, persona).get(url).status_code == 200, persona
    missing = reverse("outreach:account", args=[account.pk + 100])
    assert client.get(missing).status_code == 404


def test_the_account_page_gives_the_suggested_label_and_bio(client: Client, world: World) -> None:
    committee_rule(bio="Le {name} de {movement}, en {place}.")
    account = make_account(world.lyon, label="Colombe Lyon")
    account.responsible.add(world.charlie)
    page = as_persona(client, world, "charlie").get(account.get_absolute_url()).content.decode()
    assert "does not follow the naming convention" in page
    assert (
        '<textarea id="suggested-label" rows="1" readonly>Colombe — Comité de Lyon</textarea>'
        in (page)
    )
    assert "Le Comité de Lyon de Colombe, en Rhône." in page
    assert "Charlie" in page
    assert reverse("outreach:account_avatar", args=[account.pk]) in page
    assert "1500 × 500 pixels: the size Mastodon asks for its header image." in page


def test_the_account_page_says_when_the_label_conforms(client: Client, world: World) -> None:
    committee_rule()
    account = make_account(world.lyon, label="Colombe – Comité de Lyon")
    page = as_persona(client, world, "charlie").get(account.get_absolute_url()).content.decode()
    assert "The label follows the naming convention." in page


def test_edit_links_only_for_who_keeps_the_account(client: Client, world: World) -> None:
    account = make_account(world.lyon)
    edit = reverse("outreach:account_edit", args=[account.pk])
    assert (
        edit
        not in as_persona(client, world, "charlie").get(account.get_absolute_url()).content.decode()
    )
    assert edit in as_persona(client, world, "bob").get(account.get_absolute_url()).content.decode()


# Creating, editing, removing --------------------------------------------------------------


def test_only_who_keeps_accounts_may_add_one(client: Client, world: World) -> None:
    url = reverse("outreach:account_create")
    assert is_login_redirect(as_persona(client, world, "anonymous").get(url))
    assert as_persona(client, world, "eve").get(url).status_code == 403
    assert as_persona(client, world, "charlie").get(url).status_code == 403
    assert client.post(url, account_data(world)).status_code == 403
    assert not SocialAccount.objects.exists()
    assert as_persona(client, world, "bob").get(url).status_code == 200
    assert as_persona(client, world, "alice").get(url).status_code == 200


def test_a_leader_adds_an_account_for_their_committee(client: Client, world: World) -> None:
    as_persona(client, world, "bob")
    data = account_data(world, responsible_emails="charlie@example.org\nbob@example.org")
    response = client.post(reverse("outreach:account_create"), data)
    account = SocialAccount.objects.get()
    assert response.status_code == 302 and response["Location"] == account.get_absolute_url()
    assert account.owner == world.lyon and account.label == "Colombe — Comité de Lyon"
    assert set(account.responsible.all()) == {world.bob, world.charlie}
    entry = AuditEntry.objects.get(action="outreach.account.created")
    assert entry.actor == world.bob and entry.object_id == str(account.pk)


def test_a_leader_cannot_give_an_account_to_another_structure(client: Client, world: World) -> None:
    as_persona(client, world, "bob")
    page = client.get(reverse("outreach:account_create"))
    assert list(page.context["form"].fields["owner"].queryset) == [world.lyon]
    response = client.post(
        reverse("outreach:account_create"), account_data(world, owner=world.national.pk)
    )
    assert response.status_code == 422
    assert not SocialAccount.objects.exists()


def test_responsible_people_are_members_of_the_owner(client: Client, world: World) -> None:
    as_persona(client, world, "bob")
    data = account_data(world, responsible_emails="eve@example.org, nobody@example.org")
    response = client.post(reverse("outreach:account_create"), data)
    assert response.status_code == 422
    assert (
        "No active member of Comité de Lyon uses: eve@example.org, nobody@example.org."
        in response.content.decode()
    )
    assert 'class="error-summary"' in response.content.decode()


def test_the_same_handle_cannot_be_registered_twice(client: Client, world: World) -> None:
    make_account(world.lyon, handle="@colombe_lyon")
    as_persona(client, world, "bob")
    response = client.post(reverse("outreach:account_create"), account_data(world))
    assert response.status_code == 422
    assert SocialAccount.objects.count() == 1


def test_a_responsible_person_edits_the_account(client: Client, world: World) -> None:
    account = make_account(world.lyon)
    url = reverse("outreach:account_edit", args=[account.pk])
    assert as_persona(client, world, "charlie").get(url).status_code == 403
    account.responsible.add(world.charlie)
    page = client.get(url)
    assert page.status_code == 200
    assert page.context["form"].initial["responsible_emails"] == "charlie@example.org"
    data = account_data(
        world,
        label="Colombe — Comité de Lyon",
        status="dormant",
        responsible_emails="charlie@example.org",
    )
    assert client.post(url, data).status_code == 302
    account.refresh_from_db()
    assert account.status == SocialAccount.Status.DORMANT
    assert AuditEntry.objects.filter(
        action="outreach.account.updated", actor=world.charlie
    ).exists()


def test_a_responsible_person_cannot_hand_the_account_to_another_owner(
    client: Client, world: World
) -> None:
    account = make_account(world.lyon)
    account.responsible.add(world.charlie)
    as_persona(client, world, "charlie")
    url = reverse("outreach:account_edit", args=[account.pk])
    data = account_data(world, owner=world.national.pk, responsible_emails="charlie@example.org")
    assert client.post(url, data).status_code == 422
    account.refresh_from_db()
    assert account.owner == world.lyon


def test_a_communication_lead_keeps_the_committee_accounts(client: Client, world: World) -> None:
    CommunicationRole.objects.create(user=world.charlie, structure=world.lyon)
    account = make_account(world.lyon)
    as_persona(client, world, "charlie")
    assert client.get(reverse("outreach:account_edit", args=[account.pk])).status_code == 200
    assert client.get(reverse("outreach:account_create")).status_code == 200


def test_removing_an_account_asks_first(client: Client, world: World) -> None:
    account = make_account(world.lyon)
    url = reverse("outreach:account_delete", args=[account.pk])
    assert as_persona(client, world, "charlie").post(url).status_code == 403
    assert as_persona(client, world, "eve").post(url).status_code == 404
    page = as_persona(client, world, "bob").get(url)
    assert page.status_code == 200 and "Remove from the registry" in page.content.decode()
    assert SocialAccount.objects.filter(pk=account.pk).exists()
    assert client.post(url)["Location"] == reverse("outreach:accounts")
    assert not SocialAccount.objects.filter(pk=account.pk).exists()
    assert AuditEntry.objects.filter(action="outreach.account.deleted").exists()


def test_an_account_posts_went_to_stays(client: Client, world: World) -> None:
    account = make_account(world.lyon)
    post = Post.objects.create(structure=world.lyon, text="Rassemblement samedi")
    PostTarget.objects.create(post=post, account=account)
    as_persona(client, world, "bob")
    response = client.post(reverse("outreach:account_delete", args=[account.pk]), follow=True)
    assert "Mark it dormant" in response.content.decode()
    assert SocialAccount.objects.filter(pk=account.pk).exists()


# Pictures ----------------------------------------------------------------------------------


def png_size(content: bytes) -> tuple[int, int]:
    image = Image.open(io.BytesIO(content))
    assert image.format == "PNG"
    return image.size


@pytest.mark.parametrize(
    ("network", "size"),
    [
        (Network.MASTODON, (1500, 500)),
        (Network.FACEBOOK, (1640, 624)),
        (Network.YOUTUBE, (2560, 1440)),
        (Network.PEERTUBE, (1920, 317)),
    ],
)
def test_avatar_and_banner_are_pngs_of_the_right_size(
    client: Client, world: World, network: str, size: tuple[int, int]
) -> None:
    account = make_account(world.lyon, network=network)
    as_persona(client, world, "charlie")
    avatar = client.get(reverse("outreach:account_avatar", args=[account.pk]))
    assert avatar["Content-Type"] == "image/png"
    assert png_size(avatar.content) == (400, 400)
    banner = client.get(reverse("outreach:account_banner", args=[account.pk]))
    assert banner["Content-Type"] == "image/png"
    assert png_size(banner.content) == size


def test_the_pictures_use_the_identity_colours(client: Client, world: World) -> None:
    account = make_account(world.lyon)
    as_persona(client, world, "charlie")
    content = client.get(reverse("outreach:account_avatar", args=[account.pk])).content
    image = Image.open(io.BytesIO(content)).convert("RGB")
    assert image.getpixel((2, 2)) == (0x0B, 0x4F, 0x8A)  # identity.PRIMARY
    colours = {colour for _count, colour in image.getcolors(maxcolors=100_000) or []}
    assert (0xFF, 0xFF, 0xFF) in colours and (0xFF, 0xD1, 0x66) in colours


def test_a_network_without_banner_has_none(client: Client, world: World) -> None:
    account = make_account(world.lyon, network=Network.INSTAGRAM)
    as_persona(client, world, "charlie")
    assert client.get(reverse("outreach:account_banner", args=[account.pk])).status_code == 404
    page = client.get(account.get_absolute_url()).content.decode()
    assert "Instagram shows no banner on a profile." in page


def test_pictures_are_for_members(client: Client, world: World) -> None:
    account = make_account(world.lyon)
    for name in ("outreach:account_avatar", "outreach:account_banner"):
        url = reverse(name, args=[account.pk])
        assert as_persona(client, world, "anonymous").get(url).status_code == 404
        assert as_persona(client, world, "eve").get(url).status_code == 404


def test_a_long_name_still_fits(world: World) -> None:
    world.lyon.name = "Comité de la paix et du désarmement de la métropole de Lyon " * 3
    account = make_account(world.lyon)
    assert png_size(identity_images.avatar_png(account)) == (400, 400)


# Naming rules ----------------------------------------------------------------------------


def test_only_the_communication_group_edits_naming_rules(client: Client, world: World) -> None:
    url = reverse("outreach:naming_rule", args=["committee"])
    assert is_login_redirect(as_persona(client, world, "anonymous").get(url))
    for persona in ("eve", "charlie", "bob"):
        assert as_persona(client, world, persona).get(url).status_code == 403, persona
        assert client.post(url, {"label_template": "{name}"}).status_code == 403
    assert not NamingRule.objects.exists()
    CommunicationRole.objects.create(user=world.charlie, structure=None)
    assert as_persona(client, world, "charlie").get(url).status_code == 200
    assert (
        as_persona(client, world, "alice")
        .get(reverse("outreach:naming_rule", args=["nope"]))
        .status_code
        == 404
    )


def test_saving_a_rule(client: Client, world: World) -> None:
    as_persona(client, world, "alice")
    url = reverse("outreach:naming_rule", args=["committee"])
    data = {"label_template": "{movement} — {name}", "bio_template": "{name} ({place})"}
    assert client.post(url, data)["Location"] == reverse("outreach:naming_rules")
    rule = NamingRule.objects.get(owner_kind="committee")
    assert rule.label_template == "{movement} — {name}"
    assert AuditEntry.objects.filter(action="outreach.naming_rule.saved").exists()
    client.post(url, {**data, "label_template": "{name}"})
    assert NamingRule.objects.get().label_template == "{name}"


def test_preview_shows_the_example_and_counts_without_saving(client: Client, world: World) -> None:
    make_account(world.lyon, label="Colombe — Comité de Lyon")
    as_persona(client, world, "alice")
    url = reverse("outreach:naming_rule", args=["committee"])
    data = {"label_template": "{name} — {movement}", "bio_template": "", "preview": "1"}
    page = client.post(url, data)
    assert page.status_code == 200
    text = page.content.decode()
    assert "<strong>Comité de Lyon — Colombe</strong>" in text
    assert "1 of its 1 account is off this convention." in text
    assert not NamingRule.objects.exists()


def test_a_broken_template_is_refused(client: Client, world: World) -> None:
    as_persona(client, world, "alice")
    url = reverse("outreach:naming_rule", args=["committee"])
    page = client.post(url, {"label_template": "{movement} — {nom}", "bio_template": ""})
    assert page.status_code == 422
    assert "{nom} is not a placeholder Colombe knows." in page.content.decode()
    assert not NamingRule.objects.exists()


def test_the_convention_page_shows_each_rule_with_a_real_example(
    client: Client, world: World
) -> None:
    committee_rule()
    page = as_persona(client, world, "charlie").get(reverse("outreach:naming_rules"))
    text = page.content.decode()
    assert "<code>{movement} — {name}</code>" in text
    assert "<strong>Colombe — Comité de Lyon</strong>" in text
    assert reverse("outreach:naming_rule", args=["committee"]) not in text
    group = as_persona(client, world, "alice").get(reverse("outreach:naming_rules"))
    assert reverse("outreach:naming_rule", args=["committee"]) in group.content.decode()
