"""The hashtag page also lists open petitions and coming meetings whose text carries the
hashtag, in any spelling — and never a meeting the viewer may not see."""

from datetime import timedelta
from typing import Any

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from colombe.core.models import Hashtag
from colombe.meetings.models import Meeting
from colombe.meetings.tests.after_helpers import make_meeting
from colombe.petitions.tests.organiser_helpers import lyon_petition
from tests.personas import SECRET_GROUP_NAME, World

PAGE = reverse("core:hashtag", args=["désarmement"])


def coming_meeting(world: World, title: str, **fields: Any) -> Meeting:
    return make_meeting(
        world.lyon,
        title=title,
        status=Meeting.Status.SCHEDULED,
        starts_at=timezone.now() + timedelta(days=3),
        **fields,
    )


def test_petitions_and_meetings_carrying_the_hashtag_in_their_text(
    client: Client, world: World
) -> None:
    lyon_petition(world, title="Désarmons Lyon", body="Signez pour le #DESARMEMENT.")
    lyon_petition(world, title="Brouillon secret", body="#désarmement", publish=False)
    lyon_petition(world, title="Pour le climat", body="#climat #désarmementnucléaire")
    coming_meeting(
        world, "Débat public", audience=Meeting.Audience.PUBLIC, agenda="1. #Désarmement"
    )
    coming_meeting(world, "Visio du cercle", group=world.secret_group, agenda="#désarmement")
    body = client.get(PAGE).content.decode()
    assert "Désarmons Lyon" in body
    assert "Débat public" in body
    for hidden in ["Brouillon secret", "Pour le climat", "Visio du cercle", SECRET_GROUP_NAME]:
        assert hidden not in body
    client.force_login(world.charlie)  # a member of the secret group
    assert "Visio du cercle" in client.get(PAGE).content.decode()


def test_a_hashtag_only_in_a_secret_meeting_is_404_for_outsiders(
    client: Client, world: World
) -> None:
    coming_meeting(world, "Visio du cercle", group=world.secret_group, agenda="#hirondelle")
    url = reverse("core:hashtag", args=["hirondelle"])
    client.force_login(world.eve)
    assert client.get(url).status_code == 404
    client.force_login(world.charlie)
    assert client.get(url).status_code == 200
    assert not Hashtag.objects.filter(key="hirondelle").exists()


def test_following_a_hashtag_seen_only_in_texts_creates_it(client: Client, world: World) -> None:
    lyon_petition(world, title="Désarmons Lyon", body="Signez pour le #désarmement.")
    client.force_login(world.charlie)
    response = client.post(reverse("core:hashtag_follow", args=["désarmement"]))
    assert response.status_code == 302
    assert list(world.charlie.interests.values_list("key", flat=True)) == ["desarmement"]
