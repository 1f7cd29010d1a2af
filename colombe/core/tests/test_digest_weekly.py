"""The weekly digest: what is new and visible to each follower of a hashtag, once a week,
with a one-click unsubscribe."""

from datetime import datetime, timedelta

from django.conf import settings
from django.core import signing
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from colombe.accounts.models import User
from colombe.core import tasks
from colombe.core.digest import digest_week, send_weekly_digests, unsubscribe_token
from colombe.core.hashtags import get_or_create_hashtags
from colombe.core.models import AuditEntry
from colombe.groups.models import Visibility
from colombe.mailing.models import OutboxMessage
from colombe.meetings.models import Meeting
from colombe.meetings.tests.after_helpers import make_meeting
from colombe.petitions.tests.organiser_helpers import lyon_petition
from colombe.reports.models import ActionReport
from colombe.reports.tests.feed_helpers import make_report
from tests import factories
from tests.personas import SECRET_GROUP_NAME, World

# Everything made during a test is made "now": the digest sent next week covers it.
NEXT_WEEK = timezone.now() + timedelta(days=7)


def following(person: User, tags: str) -> User:
    person.interests.set(get_or_create_hashtags(tags.split()))
    return person


def outsider_of_the_secret_group(world: World) -> User:
    """Gaston: an active member of the Lyon committee, not in the secret group."""
    gaston = factories.UserFactory.create(display_name="Gaston", email="gaston@example.org")
    factories.MembershipFactory.create(user=gaston, structure=world.lyon)
    return gaston


def digest_to(person: User) -> OutboxMessage:
    return OutboxMessage.objects.get(key__startswith="digest:", to_email=person.email)


def test_week_boundaries_are_monday_to_monday() -> None:
    wednesday = timezone.make_aware(datetime(2026, 11, 25, 15, 0))
    week = digest_week(wednesday)
    assert week.label == "2026-W48"
    assert timezone.localtime(week.covers_from).date().isoformat() == "2026-11-16"
    assert timezone.localtime(week.covers_until).date().isoformat() == "2026-11-23"


def test_digest_lists_what_is_new_with_the_followed_hashtags(world: World) -> None:
    following(world.charlie, "désarmement")
    make_report(world.lyon, title="Tractage au marché", hashtags="#Désarmement")
    make_report(world.lyon, title="Fête du climat", hashtags="#climat")
    lyon_petition(world, title="Désarmons Lyon", body="Pour le #desarmement nucléaire.")
    make_meeting(
        world.lyon,
        title="Réunion publique",
        audience=Meeting.Audience.PUBLIC,
        status=Meeting.Status.SCHEDULED,
        starts_at=NEXT_WEEK + timedelta(days=3),
        agenda="Préparer le 6 août #DÉSARMEMENT",
    )
    assert send_weekly_digests(NEXT_WEEK) == 1
    email = digest_to(world.charlie)
    assert email.key == f"digest:{digest_week(NEXT_WEEK).label}:{world.charlie.pk}"
    assert "Tractage au marché" in email.body_text
    assert "Désarmons Lyon" in email.body_text
    assert "Réunion publique" in email.body_text
    assert "Fête du climat" not in email.body_text
    assert email.priority == OutboxMessage.PRIORITY_BULK


def test_secret_things_are_only_in_the_digest_of_those_who_may_see_them(world: World) -> None:
    gaston = following(outsider_of_the_secret_group(world), "désarmement")
    following(world.charlie, "désarmement")  # a member of the secret group
    tags = get_or_create_hashtags(["désarmement"])
    world.secret_group.hashtags.set(tags)
    make_report(world.lyon, title="Action publique", hashtags="#désarmement")
    make_report(
        world.lyon,
        title="Action du cercle",
        hashtags="#désarmement",
        group=world.secret_group,
        visibility=ActionReport.Visibility.MOVEMENT,
    )
    hidden = factories.GroupFactory.create(
        owner=world.lyon, name="Nouveau cercle caché", visibility=Visibility.SECRET
    )
    hidden.hashtags.set(tags)
    make_meeting(
        world.lyon,
        group=world.secret_group,
        title="Visio du cercle",
        status=Meeting.Status.SCHEDULED,
        starts_at=NEXT_WEEK + timedelta(days=1),
        agenda="#désarmement",
    )
    send_weekly_digests(NEXT_WEEK)
    gaston_digest = digest_to(gaston).body_text
    assert "Action publique" in gaston_digest
    for secret in ["Action du cercle", "Nouveau cercle caché", "Visio du cercle"]:
        assert secret not in gaston_digest
    assert SECRET_GROUP_NAME not in gaston_digest
    charlie_digest = digest_to(world.charlie).body_text
    assert "Action du cercle" in charlie_digest and "Visio du cercle" in charlie_digest
    assert "Nouveau cercle caché" not in charlie_digest  # he is not a member of that one


def test_nothing_new_means_no_email(world: World) -> None:
    following(world.charlie, "désarmement")
    make_report(world.lyon, title="Fête du climat", hashtags="#climat")
    make_report(world.lyon, title="Brouillon", hashtags="#désarmement", status="draft")
    assert send_weekly_digests(NEXT_WEEK) == 0
    assert not OutboxMessage.objects.exists()


def test_last_weeks_news_is_not_sent_again(world: World) -> None:
    following(world.charlie, "désarmement")
    make_report(world.lyon, title="Tractage", hashtags="#désarmement")
    assert send_weekly_digests(NEXT_WEEK + timedelta(days=7)) == 0


def test_one_digest_per_week_however_often_it_runs(world: World) -> None:
    following(world.charlie, "désarmement")
    make_report(world.lyon, title="Tractage", hashtags="#désarmement")
    assert send_weekly_digests(NEXT_WEEK) == 1
    make_report(world.lyon, title="Stand", hashtags="#désarmement")
    assert send_weekly_digests(NEXT_WEEK + timedelta(hours=1)) == 0
    assert OutboxMessage.objects.count() == 1
    assert AuditEntry.objects.filter(action="core.digest.sent").count() == 1


def test_the_scheduled_task_sends_the_digest(world: World) -> None:
    following(world.charlie, "désarmement")
    week = digest_week(timezone.now())
    make_report(
        world.lyon,
        title="Tractage de la semaine dernière",
        hashtags="#désarmement",
        published_at=week.covers_from + timedelta(hours=30),
    )
    tasks.send_weekly_digests.enqueue()
    assert "Tractage de la semaine dernière" in digest_to(world.charlie).body_text


def test_people_who_turned_it_off_get_nothing(world: World) -> None:
    following(world.charlie, "désarmement")
    world.charlie.weekly_digest = False
    world.charlie.save()
    make_report(world.lyon, title="Tractage", hashtags="#désarmement")
    assert send_weekly_digests(NEXT_WEEK) == 0


def test_digest_carries_one_click_unsubscribe_headers(world: World) -> None:
    following(world.charlie, "désarmement")
    make_report(world.lyon, title="Tractage", hashtags="#désarmement")
    send_weekly_digests(NEXT_WEEK)
    email = digest_to(world.charlie)
    url = settings.SITE_URL.rstrip("/") + reverse(
        "core:digest_unsubscribe", args=[unsubscribe_token(world.charlie)]
    )
    assert email.headers["List-Unsubscribe"] == f"<{url}>"
    assert email.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert url in email.body_text


# --- unsubscribing ------------------------------------------------------------------------


def unsubscribe_url(person: User) -> str:
    return reverse("core:digest_unsubscribe", args=[unsubscribe_token(person)])


def test_one_click_post_turns_it_off_without_login_csrf_or_redirect(world: World) -> None:
    mail_client = Client(enforce_csrf_checks=True)
    response = mail_client.post(unsubscribe_url(world.charlie), {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    world.charlie.refresh_from_db()
    assert world.charlie.weekly_digest is False
    assert AuditEntry.objects.filter(action="core.digest.unsubscribed").count() == 1
    # A second click (or the mail client retrying) is fine.
    assert mail_client.post(unsubscribe_url(world.charlie)).status_code == 200


def test_get_shows_a_button_and_changes_nothing(
    client: Client, world: World, english_pages: None
) -> None:
    response = client.get(unsubscribe_url(world.charlie))
    assert response.status_code == 200
    assert "Stop the weekly digest</button>" in response.content.decode()
    world.charlie.refresh_from_db()
    assert world.charlie.weekly_digest is True


def test_forged_or_foreign_tokens_are_refused(client: Client, world: World) -> None:
    forged = reverse("core:digest_unsubscribe", args=[f"{world.charlie.pk}:forged"])
    unsalted = reverse("core:digest_unsubscribe", args=[signing.dumps(world.charlie.pk)])
    for url in (forged, unsalted):
        assert client.post(url).status_code == 404
    world.charlie.refresh_from_db()
    assert world.charlie.weekly_digest is True


def test_profile_turns_it_back_on(client: Client, world: World) -> None:
    world.charlie.weekly_digest = False
    world.charlie.save()
    client.force_login(world.charlie)
    response = client.post(
        reverse("accounts:edit_profile"),
        {
            "display_name": "Charlie",
            "languages": "",
            "interests": "#désarmement",
            "profile_visibility": "committee",
            "weekly_digest": "on",
            "show_interests": "on",
        },
    )
    assert response.status_code == 302
    world.charlie.refresh_from_db()
    assert world.charlie.weekly_digest is True
    assert world.charlie.show_interests is True


def test_show_interests_is_off_by_default(world: World) -> None:
    assert factories.UserFactory.create().show_interests is False


def test_group_created_last_week_is_in_the_digest(world: World) -> None:
    following(world.charlie, "désarmement")
    group = factories.GroupFactory.create(owner=world.lyon, name="Atelier désarmement")
    group.hashtags.set(get_or_create_hashtags(["désarmement"]))
    send_weekly_digests(NEXT_WEEK)
    assert "Atelier désarmement" in digest_to(world.charlie).body_text
