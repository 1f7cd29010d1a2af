"""Profile page (visibility rule), profile edit, and the "my account" page."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from colombe.accounts.models import ProfileVisibility, User
from colombe.core.models import AuditEntry
from colombe.movement.models import Membership
from tests import factories
from tests.personas import SECRET_GROUP_NAME, World

pytestmark = pytest.mark.django_db

VIEWERS = ["eve", "charlie", "bob", "alice", "anonymous"]

# Charlie's profile, seen by each persona, for each of Charlie's choices.
EXPECTED = {
    ProfileVisibility.COMMITTEE: {
        "eve": 404,
        "charlie": 200,
        "bob": 200,
        "alice": 200,
        "anonymous": 404,
    },
    ProfileVisibility.MOVEMENT: {
        "eve": 200,
        "charlie": 200,
        "bob": 200,
        "alice": 200,
        "anonymous": 404,
    },
    ProfileVisibility.NOBODY: {
        "eve": 404,
        "charlie": 200,
        "bob": 404,
        "alice": 200,
        "anonymous": 404,
    },
}


def log_in_as(client: Client, world: World, viewer: str) -> None:
    if viewer != "anonymous":
        client.force_login(getattr(world, viewer))


@pytest.mark.parametrize("visibility", list(EXPECTED))
@pytest.mark.parametrize("viewer", VIEWERS)
def test_profile_visibility_matrix(
    client: Client, world: World, visibility: str, viewer: str
) -> None:
    User.objects.filter(pk=world.charlie.pk).update(profile_visibility=visibility)
    log_in_as(client, world, viewer)
    response = client.get(reverse("accounts:profile", args=[world.charlie.pk]))
    assert response.status_code == EXPECTED[ProfileVisibility(visibility)][viewer]
    page = response.content.decode()
    assert world.charlie.email not in page or viewer == "charlie"
    assert SECRET_GROUP_NAME not in page


def test_unknown_profile_is_404(client: Client, world: World) -> None:
    client.force_login(world.bob)
    assert client.get(reverse("accounts:profile", args=[999999])).status_code == 404


def test_profile_shows_name_languages_interests_committees_never_email_or_groups(
    client: Client, world: World
) -> None:
    bob = world.bob
    bob.profile_visibility = ProfileVisibility.MOVEMENT
    bob.languages = "français, English"
    bob.save()
    bob.interests.add(factories.HashtagFactory.create(name="désarmement"))
    client.force_login(world.eve)
    response = client.get(reverse("accounts:profile", args=[bob.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert page.count("<h1") == 1
    assert "<h1>Bob</h1>" in page
    assert "français, English" in page
    assert f'href="{reverse("core:hashtag", args=["désarmement"])}"' in page
    assert "Comité de Lyon" in page
    assert bob.email not in page
    # Groups are never listed on someone's profile: no secret group can leak.
    assert SECRET_GROUP_NAME not in page
    assert "Groupe public de Lyon" not in page


def test_pending_membership_is_not_shown_on_the_profile(client: Client, world: World) -> None:
    User.objects.filter(pk=world.dana.pk).update(profile_visibility=ProfileVisibility.MOVEMENT)
    client.force_login(world.eve)
    page = client.get(reverse("accounts:profile", args=[world.dana.pk])).content.decode()
    assert "Comité de Lyon" not in page


def test_edit_profile_saves_everything(client: Client, world: World) -> None:
    client.force_login(world.charlie)
    form = client.get(reverse("accounts:edit_profile"))
    assert form.status_code == 200
    assert '<label for="id_interests">' in form.content.decode()
    response = client.post(
        reverse("accounts:edit_profile"),
        {
            "display_name": "Charlie L.",
            "languages": "français",
            "interests": "#Paix #désarmement, climat #paix",
            "profile_visibility": ProfileVisibility.NOBODY,
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:me")
    charlie = User.objects.get(pk=world.charlie.pk)
    assert charlie.display_name == "Charlie L."
    assert charlie.languages == "français"
    assert charlie.profile_visibility == ProfileVisibility.NOBODY
    assert sorted(t.name for t in charlie.interests.all()) == ["climat", "désarmement", "paix"]
    assert AuditEntry.objects.filter(actor=charlie, action="accounts.profile.updated").exists()
    again = client.get(reverse("accounts:edit_profile")).content.decode()
    assert "#climat #désarmement #paix" in again


def test_edit_profile_with_bad_input_keeps_what_was_typed(client: Client, world: World) -> None:
    client.force_login(world.charlie)
    response = client.post(
        reverse("accounts:edit_profile"),
        {
            "display_name": "  ",
            "languages": "occitan",
            "interests": "#paix",
            "profile_visibility": "everyone",
        },
    )
    page = response.content.decode()
    assert response.status_code == 422
    assert 'class="error-summary"' in page
    assert 'value="occitan"' in page
    assert User.objects.get(pk=world.charlie.pk).display_name == "Charlie"


def test_edit_profile_needs_login(client: Client, world: World) -> None:
    response = client.get(reverse("accounts:edit_profile"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_my_account_lists_my_committees_and_groups_with_links(client: Client, world: World) -> None:
    client.force_login(world.charlie)
    response = client.get(reverse("accounts:me"))
    page = response.content.decode()
    assert response.status_code == 200
    assert page.count("<h1") == 1
    assert "Comité de Lyon" in page
    assert SECRET_GROUP_NAME in page  # my own groups, secret ones included
    assert "Groupe privé de Lyon" in page
    for name in [
        "accounts:edit_profile",
        "account_email",
        "account_change_password",
        "mfa_index",
        "usersessions_list",
        "accounts:consents",
        "accounts:my_data",
        "accounts:delete_account",
        "core:privacy",
    ]:
        assert f'href="{reverse(name)}"' in page, name


def test_my_account_shows_pending_status(client: Client, world: World) -> None:
    client.force_login(world.dana)
    page = client.get(reverse("accounts:me")).content.decode()
    assert "Comité de Lyon" in page
    with translation.override("fr"):
        assert str(Membership.Status.PENDING.label) in page


def test_my_account_of_an_outsider_never_shows_the_secret_group(
    client: Client, world: World
) -> None:
    client.force_login(world.eve)
    page = client.get(reverse("accounts:me")).content.decode()
    assert SECRET_GROUP_NAME not in page
    assert "aucun groupe pour" in page


def test_my_account_needs_login(client: Client, world: World) -> None:
    response = client.get(reverse("accounts:me"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
