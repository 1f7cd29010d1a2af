"""The minutes page: drafts for organisers (403 for members, 404 for those who may not
know the meeting), published minutes for everyone who may see the meeting, with the kept
chat and the recordings."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from colombe.meetings.models import ActionItem, ChatMessage, Decision, Meeting, Minutes, Recording
from colombe.meetings.tests.after_helpers import make_meeting
from tests.personas import SECRET_GROUP_NAME, World

pytestmark = pytest.mark.django_db


def page_url(meeting: Meeting) -> str:
    return reverse("meetings:minutes", args=[meeting.slug])


def minutes_for(meeting: Meeting, world: World, *, published: bool, **extra: object) -> Minutes:
    minutes = Minutes.objects.create(
        meeting=meeting,
        body="Texte",
        body_html="<p>Texte du compte rendu</p>",
        author=world.bob,
        published_at=timezone.now() if published else None,
        **extra,
    )
    Decision.objects.create(minutes=minutes, text="Stand le 21 septembre")
    ActionItem.objects.create(
        minutes=minutes, text="Réserver la salle", assignee=world.charlie, due_on="2026-04-01"
    )
    return minutes


def test_draft_is_for_organisers(client: Client, world: World) -> None:
    meeting = make_meeting(world.lyon)
    minutes_for(meeting, world, published=False)
    client.force_login(world.charlie)
    assert client.get(page_url(meeting)).status_code == 403
    client.force_login(world.bob)
    response = client.get(page_url(meeting))
    assert response.status_code == 200
    assert "Texte du compte rendu" in response.content.decode()


def test_published_minutes_show_decisions_and_actions(client: Client, world: World) -> None:
    meeting = make_meeting(world.lyon)
    minutes_for(meeting, world, published=True)
    client.force_login(world.charlie)
    response = client.get(page_url(meeting))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Stand le 21 septembre" in body
    assert "Réserver la salle" in body and "Charlie" in body
    assert reverse("meetings:minutes_edit", args=[meeting.slug]) not in body


def test_public_meeting_minutes_for_anonymous_visitors(client: Client, world: World) -> None:
    meeting = make_meeting(world.lyon, audience=Meeting.Audience.PUBLIC)
    assert client.get(page_url(meeting)).status_code == 302  # no minutes yet: log in
    minutes_for(meeting, world, published=True)
    assert client.get(page_url(meeting)).status_code == 200


def test_secret_group_minutes_are_missing_for_outsiders(client: Client, world: World) -> None:
    meeting = make_meeting(world.lyon, group=world.secret_group, title=SECRET_GROUP_NAME)
    minutes_for(meeting, world, published=True)
    client.force_login(world.eve)
    response = client.get(page_url(meeting))
    assert response.status_code == 404
    assert SECRET_GROUP_NAME not in response.content.decode()
    client.force_login(world.charlie)  # a member of the secret group
    assert client.get(page_url(meeting)).status_code == 200


def test_kept_chat_leaves_out_hidden_messages(client: Client, world: World) -> None:
    meeting = make_meeting(world.lyon)
    minutes = minutes_for(meeting, world, published=True)
    ChatMessage.objects.create(meeting=meeting, author_name="Charlie", body="Bonsoir à tous")
    ChatMessage.objects.create(
        meeting=meeting, author_name="Troll", body="Message masqué", hidden_at=timezone.now()
    )
    client.force_login(world.charlie)
    body = client.get(page_url(meeting)).content.decode()
    assert "Bonsoir à tous" in body
    assert "Message masqué" not in body
    Minutes.objects.filter(pk=minutes.pk).update(keep_chat=False)
    assert "Bonsoir à tous" not in client.get(page_url(meeting)).content.decode()


def test_recordings_listed_with_their_status(client: Client, world: World) -> None:
    meeting = make_meeting(world.lyon)
    minutes_for(meeting, world, published=True)
    Recording.objects.create(meeting=meeting, status=Recording.Status.PROCESSING)
    Recording.objects.create(
        meeting=meeting, status=Recording.Status.FAILED, error="janus-pp-rec: no video frames"
    )
    client.force_login(world.bob)
    body = client.get(page_url(meeting)).content.decode()
    assert "En traitement" in body
    assert "janus-pp-rec: no video frames" in body
    # Members see finished recordings only, never the organisers' error messages.
    client.force_login(world.charlie)
    body = client.get(page_url(meeting)).content.decode()
    assert "janus-pp-rec" not in body
    assert 'id="recordings-heading"' not in body
