"""Items for one committee's members: who sees them, who files and widens them, and a
committee meeting's recording archived as one of them."""

import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.http import Http404
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from colombe.core import policy
from colombe.core.models import AuditEntry
from colombe.mediatheque import services
from colombe.mediatheque.models import MediaItem
from colombe.mediatheque.tests.page_helpers import item_form_data, make_item, make_outlet, page_of
from colombe.meetings.models import Meeting, Minutes, Recording
from colombe.meetings.tests.after_helpers import make_meeting
from colombe.movement.models import Membership
from tests.personas import World

Visibility = MediaItem.Visibility
YOUTUBE = "https://youtu.be/dQw4w9WgXcQ"


@pytest.fixture(autouse=True)
def _media_root(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def lyon_item(world: World, author: Any = None, **fields: Any) -> MediaItem:
    return make_item(
        author or world.bob,
        title="Bilan du comité",
        visibility=Visibility.COMMITTEE,
        structure=world.lyon,
        **fields,
    )


def status_of(client: Client, user: Any, url: str) -> int:
    client.logout()
    if user is not None:
        client.force_login(user)
    return client.get(url).status_code


def leave_lyon(world: World, user: Any) -> None:
    Membership.objects.filter(user=user, structure=world.lyon).update(
        status=Membership.Status.PENDING
    )


# Who sees it ---------------------------------------------------------------------------------


def test_a_committee_item_is_for_the_committees_active_members_and_national_admins(
    world: World,
) -> None:
    item = lyon_item(world)
    readers = {
        name: policy.can_see(person, item)
        for name, person in [
            ("anonymous", AnonymousUser()),
            ("alice", world.alice),
            ("bob", world.bob),
            ("charlie", world.charlie),
            ("dana", world.dana),
            ("eve", world.eve),
            ("frank", world.frank),
        ]
    }
    assert readers == {
        "anonymous": False,
        "alice": True,  # national administrators read committee-only reports too
        "bob": True,
        "charlie": True,
        "dana": False,  # a pending membership is not one
        "eve": False,
        "frank": False,  # active, but in another structure
    }
    assert item.audit_scope == world.lyon


def test_the_scope_is_one_sql_statement(world: World, django_assert_num_queries: Any) -> None:
    lyon_item(world)
    scope = policy.visible(MediaItem, world.charlie)
    with django_assert_num_queries(1):
        assert [item.title for item in scope] == ["Bilan du comité"]


def test_an_author_who_leaves_the_committee_loses_its_item(world: World) -> None:
    item = lyon_item(world, author=world.charlie)
    assert policy.has_perm(world.charlie, "mediatheque.edit", item)
    leave_lyon(world, world.charlie)
    assert not policy.can_see(world.charlie, item)
    assert not policy.has_perm(world.charlie, "mediatheque.edit", item)
    with pytest.raises(Http404):
        services.update_item(
            world.charlie,
            item,
            services.ItemChanges(fields={"visibility": Visibility.PUBLIC, "structure": None}),
        )
    item.refresh_from_db()
    assert item.visibility == Visibility.COMMITTEE and item.structure == world.lyon


def test_the_committee_is_set_exactly_for_a_committee_item(world: World) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        make_item(world.bob, visibility=Visibility.COMMITTEE)
    with pytest.raises(IntegrityError), transaction.atomic():
        make_item(world.bob, visibility=Visibility.MEMBERS, structure=world.lyon)
    with pytest.raises(IntegrityError), transaction.atomic():
        make_item(
            world.bob,
            visibility=Visibility.COMMITTEE,
            structure=world.lyon,
            group=world.private_group,
        )


# The timeline does not tell others about it -------------------------------------------------


def test_the_timeline_counts_and_outlets_keep_committee_items_to_members(
    client: Client, world: World
) -> None:
    make_item(world.bob, title="Public", published_on=date(2026, 1, 5))
    lyon_item(world, published_on=date(2023, 6, 1), outlet=make_outlet("Radio Tournesol"))
    years_re = r'year=(\d{4})"[^>]*>\d{4}</a>\s*<span class="meta">\((\d+)\)'
    index = reverse("mediatheque:index")
    for person in (None, world.eve, world.frank, world.dana):
        client.logout()
        if person is not None:
            client.force_login(person)
        page = page_of(client, index)
        assert re.findall(years_re, page) == [("2026", "1")]
        assert "Radio Tournesol" not in page and "Bilan du comité" not in page
        assert "Bilan du comité" not in page_of(client, index, year=2023)
    client.force_login(world.charlie)
    page = page_of(client, index)
    assert re.findall(years_re, page) == [("2026", "1"), ("2023", "1")]
    assert "Radio Tournesol" in page and "Bilan du comité" in page


# Filing and editing ----------------------------------------------------------------------------


def test_the_form_offers_only_the_committees_one_is_active_in(client: Client, world: World) -> None:
    add = reverse("mediatheque:add")
    client.force_login(world.frank)
    page = page_of(client, add)
    assert 'name="structure"' in page
    assert world.collective.name in page.split('name="structure"')[1]
    assert world.lyon.name not in page.split('name="structure"')[1].split("</select>")[0]
    data = item_form_data(
        external_url=YOUTUBE, visibility=Visibility.COMMITTEE, structure=world.lyon.pk
    )
    assert client.post(add, data).status_code == 422
    client.force_login(world.alice)
    admin_choices = page_of(client, add).split('name="structure"')[1].split("</select>")[0]
    assert world.lyon.name in admin_choices and world.collective.name in admin_choices
    client.force_login(world.charlie)
    assert client.post(add, data).status_code == 302
    item = MediaItem.objects.get()
    assert item.visibility == Visibility.COMMITTEE and item.structure == world.lyon
    assert item.group is None
    assert AuditEntry.objects.get(action="mediatheque.item.created").scope == (
        f"movement.structure:{world.lyon.pk}"
    )


def test_a_committee_item_needs_its_committee(
    client: Client, world: World, english_pages: None
) -> None:
    client.force_login(world.charlie)
    data = item_form_data(external_url=YOUTUBE, visibility=Visibility.COMMITTEE)
    response = client.post(reverse("mediatheque:add"), data)
    assert response.status_code == 422
    assert "Choose the committee whose members may see it." in response.content.decode()
    assert not MediaItem.objects.exists()


def test_the_committee_is_dropped_for_another_audience(client: Client, world: World) -> None:
    client.force_login(world.charlie)
    data = item_form_data(
        external_url=YOUTUBE, visibility=Visibility.MEMBERS, structure=world.lyon.pk
    )
    assert client.post(reverse("mediatheque:add"), data).status_code == 302
    item = MediaItem.objects.get()
    assert item.visibility == Visibility.MEMBERS and item.structure is None


def test_the_service_refuses_a_committee_one_is_not_active_in(world: World) -> None:
    fields = {
        "title": "Reportage",
        "published_on": timezone.localdate(),
        "visibility": Visibility.COMMITTEE,
        "structure": world.lyon,
        "external_url": YOUTUBE,
    }
    with pytest.raises(services.ArchiveError):
        services.create_item(world.frank, services.ItemChanges(fields=fields))
    item = make_item(world.charlie, visibility=Visibility.MEMBERS)
    item.visibility, item.structure = Visibility.COMMITTEE, world.collective  # as the form does
    changes = services.ItemChanges(
        fields={"visibility": Visibility.COMMITTEE, "structure": world.collective}
    )
    with pytest.raises(services.ArchiveError):
        services.update_item(world.charlie, item, changes)
    item.refresh_from_db()
    assert item.visibility == Visibility.MEMBERS and item.structure is None


def test_a_committee_member_widens_the_item_they_filed(client: Client, world: World) -> None:
    item = lyon_item(world, author=world.charlie)
    edit = reverse("mediatheque:edit", args=[item.slug])
    assert status_of(client, world.bob, edit) == 403  # not the author
    assert status_of(client, world.frank, edit) == 404
    client.force_login(world.charlie)
    data = item_form_data(external_url=item.external_url, visibility=Visibility.PUBLIC)
    assert client.post(edit, data).status_code == 302
    item.refresh_from_db()
    assert item.visibility == Visibility.PUBLIC and item.structure is None


# A committee meeting's recording ------------------------------------------------------------


def committee_recording(world: World) -> Recording:
    meeting = make_meeting(world.lyon, audience=Meeting.Audience.OWNER, title="Bureau de Lyon")
    recording = Recording.objects.create(meeting=meeting, status=Recording.Status.READY)
    recording.file.save("reunion.webm", ContentFile(b"webm bytes"))
    return recording


def test_a_committee_meetings_recording_becomes_a_committee_item(
    client: Client, world: World, english_pages: None
) -> None:
    recording = committee_recording(world)
    Minutes.objects.create(meeting=recording.meeting, published_at=timezone.now())
    archive = reverse("mediatheque:archive_recording", args=[recording.pk])
    client.force_login(world.bob)
    page = page_of(client, reverse("meetings:minutes", args=[recording.meeting.slug]))
    assert f'action="{archive}"' in page and "Archive in La mémoire" in page
    assert client.post(archive).status_code == 302
    item = MediaItem.objects.get()
    assert item.visibility == Visibility.COMMITTEE and item.structure == world.lyon
    assert item.group is None
    url = item.get_absolute_url()
    for person, status in [
        (world.bob, 200),
        (world.charlie, 200),
        (world.alice, 200),
        (world.dana, 404),
        (world.eve, 404),
        (world.frank, 404),
        (None, 404),
    ]:
        assert status_of(client, person, url) == status, person


def test_an_organiser_outside_the_committee_does_not_archive_its_recording(
    world: World,
) -> None:
    """The meeting's creator who has since left the committee would file an item they
    could not see."""
    recording = committee_recording(world)
    recording.meeting.created_by = world.charlie
    recording.meeting.save()
    assert policy.has_perm(world.charlie, "mediatheque.archive_recording", recording)
    leave_lyon(world, world.charlie)
    assert not policy.has_perm(world.charlie, "mediatheque.archive_recording", recording)
    assert policy.has_perm(world.alice, "mediatheque.archive_recording", recording)
