"""A session is for every member of the movement: it hosts only a meeting they may all
see, and its page never shows the lobby of a meeting the reader may not see."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from colombe.groups.models import Group
from colombe.meetings.models import Meeting
from colombe.training import services
from colombe.training.models import Level, Registration, TrainingSession
from colombe.training.tests.training_helpers import make_session, make_topic, member_of
from tests.personas import World

pytestmark = pytest.mark.django_db


def meeting_of(world: World, slug: str, *, group: Group | None = None, **fields: object) -> Meeting:
    starts = timezone.now() + timedelta(minutes=2)
    values = {
        "owner": world.lyon,
        "group": group,
        "title": f"Réunion {slug}",
        "slug": slug,
        "starts_at": starts,
        "ends_at": starts + timedelta(hours=1),
        "audience": Meeting.Audience.MOVEMENT,
        **fields,
    }
    return Meeting.objects.create(**values)


def session_fields(meeting: Meeting) -> dict[str, object]:
    return {
        "title": "Atelier visio",
        "topic": make_topic(),
        "level": Level.BEGINNER,
        "trainer_kind": TrainingSession.TrainerKind.MEMBER,
        "trainer": None,
        "format": TrainingSession.Format.ONLINE,
        "meeting": meeting,
        "starts_at": meeting.starts_at,
        "ends_at": meeting.ends_at,
    }


def test_the_form_offers_only_meetings_every_member_may_see(client: Client, world: World) -> None:
    open_one = meeting_of(world, "ouverte-au-mouvement")
    public_group = meeting_of(world, "groupe-public", group=world.public_group)
    hidden = [
        meeting_of(world, "groupe-secret", group=world.secret_group),
        meeting_of(world, "groupe-prive", group=world.private_group),
        meeting_of(world, "comite-seul", audience=Meeting.Audience.OWNER),
    ]
    client.force_login(world.bob)  # he may see all of them
    page = client.get(reverse("training:session_create")).content.decode()
    choices = page.split('name="meeting"')[1].split("</select>")[0]
    assert f'<option value="{open_one.pk}"' in choices
    assert f'<option value="{public_group.pk}"' in choices
    for meeting in hidden:
        assert f'<option value="{meeting.pk}"' not in choices
        assert meeting.title not in page


def test_a_form_post_with_a_secret_groups_meeting_is_refused(client: Client, world: World) -> None:
    secret = meeting_of(world, "groupe-secret", group=world.secret_group)
    starts = timezone.localtime(secret.starts_at)
    client.force_login(world.bob)
    response = client.post(
        reverse("training:session_create"),
        {
            "title": "Atelier",
            "topic": make_topic().pk,
            "level": Level.BEGINNER,
            "structure": world.lyon.pk,
            "trainer_kind": TrainingSession.TrainerKind.MEMBER,
            "trainer": world.bob.pk,
            "format": TrainingSession.Format.ONLINE,
            "meeting": secret.pk,
            "starts_at": starts.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (starts + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert response.status_code == 422
    assert not TrainingSession.objects.exists()


def test_the_services_refuse_a_meeting_hidden_from_some_members(world: World) -> None:
    secret = meeting_of(world, "groupe-secret", group=world.secret_group)
    with pytest.raises(services.TrainingError):
        services.create_session(world.bob, structure=world.lyon, **session_fields(secret))
    assert not TrainingSession.objects.exists()

    open_one = meeting_of(world, "ouverte-au-mouvement")
    session = services.create_session(world.bob, structure=world.lyon, **session_fields(open_one))
    assert session.meeting == open_one
    with pytest.raises(services.TrainingError):
        services.update_session(world.bob, session, meeting=secret)
    session.refresh_from_db()
    assert session.meeting == open_one


def test_the_page_hides_the_lobby_of_a_meeting_the_reader_may_not_see(
    client: Client, world: World
) -> None:
    """A session linked to a secret group's meeting (as before the check existed)."""
    secret = meeting_of(world, "reunion-du-cercle-secret", group=world.secret_group)
    session = make_session(
        world,
        format=TrainingSession.Format.ONLINE,
        meeting=secret,
        place="",
        starts_at=secret.starts_at,
        ends_at=secret.ends_at,
    )
    lobby = reverse("meetings:lobby", args=[secret.slug])
    newcomer = member_of(world.lyon, "Nouvelle")
    Registration.objects.create(session=session, user=newcomer)
    for outsider in (newcomer, world.alice):  # alice: a national admin, not in the group
        client.force_login(outsider)
        page = client.get(session.get_absolute_url()).content.decode()
        assert lobby not in page
        assert secret.slug not in page

    Registration.objects.create(session=session, user=world.charlie)  # in the group
    client.force_login(world.charlie)
    assert lobby in client.get(session.get_absolute_url()).content.decode()
