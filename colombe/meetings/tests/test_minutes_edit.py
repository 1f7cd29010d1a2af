"""The minutes editor: Markdown body, decisions and action items as formsets that work
without JavaScript (add a row, remove a row), with their errors shown."""

import pytest
from django.test import Client
from django.urls import reverse

from colombe.core.models import AuditEntry
from colombe.meetings.models import ActionItem, Decision, Meeting, Minutes
from colombe.meetings.tests.after_helpers import make_meeting, management, minutes_post, seat
from tests.personas import SECRET_GROUP_NAME, World

pytestmark = pytest.mark.django_db


def edit_url(meeting: Meeting) -> str:
    return reverse("meetings:minutes_edit", args=[meeting.slug])


def test_new_minutes_page_offers_one_empty_row_of_each(client: Client, world: World) -> None:
    meeting = make_meeting(world.lyon)
    client.force_login(world.bob)
    response = client.get(edit_url(meeting))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'name="decisions-TOTAL_FORMS" value="1"' in body
    assert 'name="actions-TOTAL_FORMS" value="1"' in body


def test_add_row_button_adds_a_row_and_saves_nothing(client: Client, world: World) -> None:
    meeting = make_meeting(world.lyon)
    client.force_login(world.bob)
    data = minutes_post(["Stand le 21 septembre"], [], add_decision="1")
    response = client.post(edit_url(meeting), data)
    assert response.status_code == 200
    body = response.content.decode()
    assert 'name="decisions-TOTAL_FORMS" value="2"' in body
    assert 'value="Stand le 21 septembre"' in body
    assert 'name="decisions-1-text"' in body
    assert not Minutes.objects.exists()


def test_save_minutes_with_decisions_and_actions(client: Client, world: World) -> None:
    meeting = make_meeting(world.lyon)
    seat(meeting, "Charlie", joined=0, left=30, user=world.charlie)
    client.force_login(world.bob)
    data = minutes_post(
        ["Stand le 21 septembre", "", "Projection en octobre"],
        [{"text": "Réserver la salle", "assignee": str(world.charlie.pk), "due_on": "2026-04-01"}],
    )
    response = client.post(edit_url(meeting), data)
    assert response.status_code == 302
    assert response["Location"] == reverse("meetings:minutes", args=[meeting.slug])
    minutes = Minutes.objects.get(meeting=meeting)
    assert minutes.body_html == "<p>Nous étions <strong>huit</strong>.</p>\n"
    assert minutes.author == world.bob
    assert minutes.published_at is None
    assert [(d.text, d.position) for d in minutes.decisions.all()] == [
        ("Stand le 21 septembre", 0),
        ("Projection en octobre", 1),
    ]
    action = minutes.action_items.get()
    assert (action.assignee, str(action.due_on)) == (world.charlie, "2026-04-01")
    assert AuditEntry.objects.filter(action="meetings.minutes.saved").count() == 1


def saved_minutes(meeting: Meeting, world: World) -> Minutes:
    minutes = Minutes.objects.create(meeting=meeting, body="Texte", author=world.bob)
    Decision.objects.create(minutes=minutes, text="Garder", position=0)
    Decision.objects.create(minutes=minutes, text="Retirer", position=1)
    ActionItem.objects.create(minutes=minutes, text="Appeler la mairie", assignee=world.bob)
    return minutes


def test_remove_a_row_and_mark_an_action_done(client: Client, world: World) -> None:
    meeting = make_meeting(world.lyon)
    minutes = saved_minutes(meeting, world)
    keep, remove = minutes.decisions.all()
    action = minutes.action_items.get()
    client.force_login(world.bob)
    data = minutes_post(
        ["Garder", "Retirer"],
        [{"text": "Appeler la mairie", "assignee": str(world.bob.pk), "done": "on"}],
    )
    data |= management("decisions", 2, initial=2) | management("actions", 1, initial=1)
    data |= {"decisions-0-id": keep.pk, "decisions-1-id": remove.pk, "decisions-1-DELETE": "on"}
    data |= {"actions-0-id": action.pk}
    assert client.post(edit_url(meeting), data).status_code == 302
    assert list(minutes.decisions.values_list("text", flat=True)) == ["Garder"]
    action.refresh_from_db()
    assert action.done_at is not None


def test_errors_are_shown_and_nothing_is_saved(client: Client, world: World) -> None:
    meeting = make_meeting(world.lyon)
    client.force_login(world.bob)
    # Eve is neither a participant nor a member of the committee: not a valid assignee.
    data = minutes_post(
        ["x" * 501],
        [{"text": "Tracts", "assignee": str(world.eve.pk), "due_on": "demain"}],
    )
    response = client.post(edit_url(meeting), data)
    assert response.status_code == 422
    body = response.content.decode()
    assert 'class="error-summary"' in body
    assert 'href="#id_decisions-0-text"' in body
    assert 'href="#id_actions-0-assignee"' in body
    assert 'href="#id_actions-0-due_on"' in body
    assert not Minutes.objects.exists()


def test_assignees_are_participants_and_committee_members(client: Client, world: World) -> None:
    meeting = make_meeting(world.lyon)
    seat(meeting, "Frank", joined=0, left=10, user=world.frank)
    client.force_login(world.bob)
    body = client.get(edit_url(meeting)).content.decode()
    for person in (world.bob, world.charlie, world.frank):
        assert f'<option value="{person.pk}">{person.display_name}</option>' in body
    # Dana's membership is still pending, Eve belongs to nothing.
    assert f'<option value="{world.dana.pk}">' not in body
    assert f'<option value="{world.eve.pk}">' not in body


def test_member_may_not_edit(client: Client, world: World) -> None:
    meeting = make_meeting(world.lyon)
    client.force_login(world.charlie)
    assert client.get(edit_url(meeting)).status_code == 403
    assert client.post(edit_url(meeting), minutes_post(["Non"], [])).status_code == 403
    assert not Minutes.objects.exists()


def test_secret_group_meeting_is_missing_for_outsiders(client: Client, world: World) -> None:
    meeting = make_meeting(world.lyon, group=world.secret_group, title=SECRET_GROUP_NAME)
    client.force_login(world.eve)
    response = client.post(edit_url(meeting), minutes_post(["Non"], []))
    assert response.status_code == 404
    assert SECRET_GROUP_NAME not in response.content.decode()
