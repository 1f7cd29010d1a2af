"""Publishing the minutes: one post in the owning group, one email per assignee,
publishing again or editing afterwards rewrites the post instead of adding one."""

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from colombe.core.models import AuditEntry
from colombe.groups.models import Post, Thread
from colombe.meetings import minutes as minutes_services
from colombe.meetings.models import ActionItem, Decision, Meeting, Minutes
from colombe.meetings.tests.after_helpers import make_meeting, management, minutes_post
from tests.personas import World

pytestmark = pytest.mark.django_db


def publish_url(meeting: Meeting) -> str:
    return reverse("meetings:minutes_publish", args=[meeting.slug])


def written_minutes(meeting: Meeting, world: World) -> Minutes:
    minutes = Minutes.objects.create(
        meeting=meeting, body="Nous étions **huit**.", body_html="", author=world.bob
    )
    Decision.objects.create(minutes=minutes, text="Stand le 21 septembre")
    ActionItem.objects.create(minutes=minutes, text="Réserver la salle", assignee=world.charlie)
    ActionItem.objects.create(minutes=minutes, text="Imprimer les tracts", assignee=world.charlie)
    ActionItem.objects.create(minutes=minutes, text="Prévenir la presse", assignee=world.bob)
    return minutes


def group_threads(meeting: Meeting) -> list[Thread]:
    return list(Thread.objects.filter(group=meeting.group, title__contains=meeting.title))


def test_confirmation_page_before_publishing(client: Client, world: World) -> None:
    meeting = make_meeting(world.lyon, group=world.private_group)
    written_minutes(meeting, world)
    client.force_login(world.bob)
    response = client.get(publish_url(meeting))
    assert response.status_code == 200
    assert world.private_group.name in response.content.decode()
    assert Minutes.objects.get().published_at is None


def test_publish_posts_once_in_the_group_and_emails_assignees(client: Client, world: World) -> None:
    meeting = make_meeting(world.lyon, group=world.private_group, title="Réunion de mars")
    written_minutes(meeting, world)
    client.force_login(world.bob)
    response = client.post(publish_url(meeting))
    assert response.status_code == 302
    minutes = Minutes.objects.get()
    assert minutes.published_at is not None
    [thread] = group_threads(meeting)
    assert thread.author == world.bob
    [post] = thread.posts.all()
    assert minutes.published_post == post
    assert "<strong>huit</strong>" in post.body_html
    assert "<li>Stand le 21 septembre</li>" in post.body_html
    assert "Réserver la salle — Charlie" in post.body
    # One email per person, listing all their actions.
    assert sorted(message.to[0] for message in mail.outbox) == [
        world.bob.email,
        world.charlie.email,
    ]
    to_charlie = next(m for m in mail.outbox if m.to == [world.charlie.email])
    assert "Réserver la salle" in to_charlie.body and "Imprimer les tracts" in to_charlie.body
    assert "Prévenir la presse" not in to_charlie.body
    assert reverse("meetings:minutes", args=[meeting.slug]) in to_charlie.body
    entry = AuditEntry.objects.get(action="meetings.minutes.published")
    assert entry.data == {"post": post.pk, "assignees_notified": 2}


def test_publishing_again_edits_the_post_and_emails_nobody_twice(
    client: Client, world: World
) -> None:
    meeting = make_meeting(world.lyon, group=world.private_group)
    minutes = written_minutes(meeting, world)
    client.force_login(world.bob)
    client.post(publish_url(meeting))
    mail.outbox.clear()
    Minutes.objects.filter(pk=minutes.pk).update(body="Nous étions *neuf*.")
    client.post(publish_url(meeting))
    [thread] = group_threads(meeting)
    [post] = thread.posts.all()
    assert "<em>neuf</em>" in post.body_html
    assert post.edited_at is not None
    assert mail.outbox == []
    assert AuditEntry.objects.filter(action="meetings.minutes.republished").count() == 1


def test_editing_published_minutes_updates_the_post_and_tells_new_assignees(
    client: Client, world: World
) -> None:
    meeting = make_meeting(world.lyon, group=world.private_group)
    minutes = written_minutes(meeting, world)
    client.force_login(world.bob)
    client.post(publish_url(meeting))
    mail.outbox.clear()
    decision = minutes.decisions.get()
    data = minutes_post(["Stand le 22 septembre"], [])
    data |= management("decisions", 1, initial=1) | {"decisions-0-id": decision.pk}
    items = list(minutes.action_items.all())
    data |= management("actions", len(items) + 1, initial=len(items))
    for index, item in enumerate(items):
        data |= {
            f"actions-{index}-id": item.pk,
            f"actions-{index}-text": item.text,
            f"actions-{index}-assignee": item.assignee_id,
        }
    data |= {
        f"actions-{len(items)}-text": "Écrire au maire",
        f"actions-{len(items)}-assignee": world.frank.pk,
    }
    # Frank may be given an action only once he took part; he did not: the form refuses.
    assert (
        client.post(reverse("meetings:minutes_edit", args=[meeting.slug]), data).status_code == 422
    )
    data[f"actions-{len(items)}-assignee"] = world.charlie.pk
    response = client.post(reverse("meetings:minutes_edit", args=[meeting.slug]), data)
    assert response.status_code == 302
    [post] = Post.objects.filter(thread__in=group_threads(meeting))
    assert "Stand le 22 septembre" in post.body and "Écrire au maire" in post.body
    assert post.edited_at is not None
    # Charlie hears about the new action only; Bob hears nothing new.
    [message] = mail.outbox
    assert message.to == [world.charlie.email]
    assert "Écrire au maire" in message.body and "Réserver la salle" not in message.body


def test_publish_without_group_makes_the_page_the_publication(client: Client, world: World) -> None:
    meeting = make_meeting(world.lyon)
    written_minutes(meeting, world)
    threads_before = Thread.objects.count()
    client.force_login(world.bob)
    client.post(publish_url(meeting))
    assert Minutes.objects.get().published_at is not None
    assert Thread.objects.count() == threads_before
    client.force_login(world.charlie)
    assert client.get(reverse("meetings:minutes", args=[meeting.slug])).status_code == 200


def test_nothing_to_publish_before_writing(client: Client, world: World) -> None:
    meeting = make_meeting(world.lyon, group=world.private_group)
    client.force_login(world.bob)
    assert client.post(publish_url(meeting)).status_code == 404
    with pytest.raises(minutes_services.MinutesError):
        minutes_services.publish_minutes(actor=world.bob, meeting=meeting)


def test_member_may_not_publish(client: Client, world: World) -> None:
    meeting = make_meeting(world.lyon, group=world.private_group)
    written_minutes(meeting, world)
    client.force_login(world.charlie)
    assert client.post(publish_url(meeting)).status_code == 403
    assert Minutes.objects.get().published_at is None
    assert mail.outbox == []
