"""Following a hashtag from its page: the followed hashtags are the person's interests."""

from django.test import Client
from django.urls import reverse

from colombe.accounts.forms import MAX_INTERESTS
from colombe.core.hashtags import get_or_create_hashtags
from colombe.core.models import AuditEntry, Hashtag
from tests.personas import World

PAGE = reverse("core:hashtag", args=["désarmement"])
FOLLOW = reverse("core:hashtag_follow", args=["désarmement"])
UNFOLLOW = reverse("core:hashtag_unfollow", args=["désarmement"])


def tag_of_public_group(world: World, name: str = "désarmement") -> Hashtag:
    tag = get_or_create_hashtags([name])[0]
    world.public_group.hashtags.add(tag)
    return tag


def test_member_follows_and_stops_following(
    client: Client, world: World, english_pages: None
) -> None:
    tag = tag_of_public_group(world)
    client.force_login(world.charlie)
    assert "Follow" in client.get(PAGE).content.decode()

    response = client.post(FOLLOW, follow=True)
    assert response.redirect_chain[-1][0] == PAGE
    assert list(world.charlie.interests.all()) == [tag]
    body = response.content.decode()
    assert "Stop following" in body
    # One concept: the profile's interests show the hashtag followed from its page.
    profile_form = client.get(reverse("accounts:edit_profile")).content.decode()
    assert "#désarmement" in profile_form

    client.post(UNFOLLOW)
    assert not world.charlie.interests.exists()
    actions = list(AuditEntry.objects.filter(actor=world.charlie).values_list("action", flat=True))
    assert "core.hashtag.followed" in actions and "core.hashtag.unfollowed" in actions


def test_following_with_another_spelling_follows_the_same_hashtag(
    client: Client, world: World
) -> None:
    tag = tag_of_public_group(world)
    client.force_login(world.bob)
    client.post(reverse("core:hashtag_follow", args=["DESARMEMENT"]))
    assert list(world.bob.interests.all()) == [tag]


def test_following_twice_keeps_one_interest(client: Client, world: World) -> None:
    tag_of_public_group(world)
    client.force_login(world.charlie)
    client.post(FOLLOW)
    client.post(FOLLOW)
    assert world.charlie.interests.count() == 1
    assert AuditEntry.objects.filter(action="core.hashtag.followed").count() == 1


def test_outsider_sees_no_button_and_may_not_follow(
    client: Client, world: World, english_pages: None
) -> None:
    tag_of_public_group(world)
    client.force_login(world.eve)
    assert "Follow</button>" not in client.get(PAGE).content.decode()
    assert client.post(FOLLOW).status_code == 403
    assert not world.eve.interests.exists()


def test_anonymous_visitor_is_sent_to_log_in(client: Client, world: World) -> None:
    tag_of_public_group(world)
    response = client.post(FOLLOW)
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_follow_needs_post(client: Client, world: World) -> None:
    tag_of_public_group(world)
    client.force_login(world.charlie)
    assert client.get(FOLLOW).status_code == 405
    assert not world.charlie.interests.exists()


def test_hashtag_of_a_secret_group_cannot_be_probed_by_following(
    client: Client, world: World
) -> None:
    world.secret_group.hashtags.set(get_or_create_hashtags(["hirondelle"]))
    client.force_login(world.bob)  # a member of the movement, not of the secret group
    world.secret_group.memberships.filter(user=world.bob).delete()
    response = client.post(reverse("core:hashtag_follow", args=["hirondelle"]))
    assert response.status_code == 404
    assert client.post(reverse("core:hashtag_follow", args=["inconnu"])).status_code == 404
    client.logout()
    for method in (client.get, client.post):
        assert method(reverse("core:hashtag_unfollow", args=["hirondelle"])).status_code == 404


def test_at_most_the_profile_limit_of_followed_hashtags(
    client: Client, world: World, english_pages: None
) -> None:
    world.charlie.interests.set(get_or_create_hashtags([f"sujet{n}" for n in range(MAX_INTERESTS)]))
    tag_of_public_group(world)
    client.force_login(world.charlie)
    response = client.post(FOLLOW, follow=True)
    assert "stop following one first" in response.content.decode()
    assert world.charlie.interests.count() == MAX_INTERESTS
