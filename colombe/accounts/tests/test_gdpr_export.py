"""Right of access: "download my data" gives a zip with everything we hold, and nothing
about anyone else."""

import io
import json
import zipfile
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from colombe.accounts.models import Consent, User
from colombe.actions import services as action_services
from colombe.actions.tests.plan_helpers import plan, slot_of
from colombe.core.audit import log_action
from colombe.core.models import AuditEntry
from colombe.groups.models import DocumentVersion, JoinRequest
from colombe.meetings.models import ChatMessage, Meeting, Participant, Registration
from colombe.outreach.models import CommunicationRole, OutreachVolunteer, PostComment
from colombe.outreach.models import Post as OutreachPost
from colombe.training.models import Feedback, MentoringRequest
from colombe.training.models import Registration as TrainingRegistration
from colombe.training.tests.training_helpers import (
    can_help,
    make_request,
    make_session,
    make_topic,
)
from tests import factories
from tests.personas import SECRET_GROUP_NAME, World

pytestmark = pytest.mark.django_db

PASSWORD = "demo-password-123"


def sign_in(client: Client, user: User) -> None:
    """Log in and confirm the password on allauth's page: the export asks for a recent
    authentication, which ``force_login`` alone does not give."""
    client.force_login(user)
    response = client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    assert response.status_code == 302


def download(client: Client) -> dict[str, Any]:
    response = client.post(reverse("accounts:download_my_data"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert "attachment" in response["Content-Disposition"]
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        assert archive.namelist() == ["colombe-data.json"]
        return json.loads(archive.read("colombe-data.json"))


@pytest.fixture
def charlie_world(world: World) -> World:
    """Charlie has written, uploaded, asked to join; Bob has written too."""
    charlie = world.charlie
    charlie.languages = "français"
    charlie.save()
    charlie.interests.add(factories.HashtagFactory.create(name="désarmement"))
    Consent.objects.create(user=charlie, kind=Consent.Kind.TERMS, text_version="2026-11")
    thread = factories.ThreadFactory.create(
        group=world.private_group, author=charlie, title="Tractage samedi"
    )
    factories.PostFactory.create(
        thread=thread, author=charlie, body="Charlie écrit : rendez-vous à 10 h."
    )
    factories.PostFactory.create(
        thread=thread, author=world.bob, body="Bob répond : message de Bob."
    )
    factories.PostFactory.create(
        thread=thread,
        author=charlie,
        body="Texte effacé par Charlie.",
        deleted_at=timezone.now(),
    )
    document = factories.DocumentFactory.create(
        group=world.public_group, title="Tract de Charlie", created_by=charlie
    )
    DocumentVersion.objects.create(
        document=document,
        number=1,
        file="groups/x/abc",
        original_name="tract.pdf",
        content_type="application/pdf",
        size=1234,
        uploaded_by=charlie,
    )
    other_group = factories.GroupFactory.create(owner=world.lyon, name="Groupe vélo")
    JoinRequest.objects.create(group=other_group, user=charlie, message="Je roule !")
    log_action(charlie, "groups.post.created", thread, {"post": 1})
    log_action(world.bob, "groups.member.removed", world.private_group, {"user": 99})
    return world


def test_export_contains_everything_about_me(client: Client, charlie_world: World) -> None:
    charlie = charlie_world.charlie
    sign_in(client, charlie)
    data = download(client)

    assert data["account"]["email"] == "charlie@example.org"
    assert data["profile"]["display_name"] == "Charlie"
    assert data["profile"]["languages"] == "français"
    assert data["profile"]["interests"] == ["#désarmement"]
    assert [c["text_version"] for c in data["consents"]] == ["2026-11"]
    assert [(m["structure"], m["status"]) for m in data["memberships"]] == [
        ("Comité de Lyon", "active")
    ]
    assert {g["group"] for g in data["group_memberships"]} == {
        "Groupe public de Lyon",
        "Groupe privé de Lyon",
        SECRET_GROUP_NAME,  # Charlie is a member: it is her own data.
    }
    assert [t["title"] for t in data["threads_started"]] == ["Tractage samedi"]
    assert [p["text"] for p in data["posts"]] == [
        "Charlie écrit : rendez-vous à 10 h.",
        None,  # deleted: its text is gone
    ]
    assert [d["title"] for d in data["documents_created"]] == ["Tract de Charlie"]
    assert data["files_uploaded"][0]["file_name"] == "tract.pdf"
    assert data["files_uploaded"][0]["size_bytes"] == 1234
    assert [(r["group"], r["message"]) for r in data["join_requests"]] == [
        ("Groupe vélo", "Je roule !")
    ]
    actions = [a["action"] for a in data["actions_recorded"]]
    assert "groups.post.created" in actions


def test_export_contains_nothing_about_other_people(client: Client, charlie_world: World) -> None:
    sign_in(client, charlie_world.charlie)
    raw = json.dumps(download(client), ensure_ascii=False)
    for foreign in [
        "bob@example.org",
        "Bob répond",
        "alice@example.org",
        "groups.member.removed",
        "Bob",
    ]:
        assert foreign not in raw


def test_export_keeps_no_text_of_a_deleted_post(client: Client, charlie_world: World) -> None:
    sign_in(client, charlie_world.charlie)
    data = download(client)
    deleted = [p for p in data["posts"] if p["deleted_at"]]
    assert [p["text"] for p in deleted] == [None]
    assert "Texte effacé" not in json.dumps(data, ensure_ascii=False)


def test_export_of_an_outsider_does_not_name_the_secret_group(client: Client, world: World) -> None:
    sign_in(client, world.eve)
    raw = json.dumps(download(client), ensure_ascii=False)
    assert SECRET_GROUP_NAME not in raw
    assert "eve@example.org" in raw


def test_export_never_contains_second_factor_secrets(client: Client, world: World) -> None:
    from allauth.mfa.models import Authenticator

    sign_in(client, world.alice)
    data = download(client)
    assert [f["type"] for f in data["account"]["second_factors"]] == ["totp"]
    secret = Authenticator.objects.get(user=world.alice).data["secret"]
    assert secret not in json.dumps(data)


def test_export_is_audited(client: Client, world: World) -> None:
    sign_in(client, world.charlie)
    download(client)
    entry = AuditEntry.objects.get(action="accounts.data.exported")
    assert entry.actor == world.charlie
    assert entry.data == {}


def test_export_page_explains_and_offers_a_button(client: Client, world: World) -> None:
    sign_in(client, world.charlie)
    response = client.get(reverse("accounts:my_data"))
    page = response.content.decode()
    assert response.status_code == 200
    assert page.count("<h1") == 1
    assert f'action="{reverse("accounts:download_my_data")}"' in page


def test_export_needs_login_and_a_post(client: Client, world: World) -> None:
    assert client.post(reverse("accounts:download_my_data")).status_code == 302
    sign_in(client, world.charlie)
    assert client.get(reverse("accounts:download_my_data")).status_code == 405


def test_consents_page_lists_text_version_and_date(client: Client, world: World) -> None:
    Consent.objects.create(user=world.charlie, kind=Consent.Kind.TERMS, text_version="2026-11")
    Consent.objects.create(user=world.bob, kind=Consent.Kind.TERMS, text_version="1999-01")
    client.force_login(world.charlie)
    response = client.get(reverse("accounts:consents"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "2026-11" in page
    assert "1999-01" not in page
    assert f'href="{reverse("core:privacy")}"' in page


def test_consents_page_needs_login(client: Client, world: World) -> None:
    assert client.get(reverse("accounts:consents")).status_code == 302


def test_export_contains_my_meetings(client: Client, world: World) -> None:
    charlie = world.charlie
    starts_at = timezone.now() - timedelta(days=2)
    meeting = Meeting.objects.create(
        owner=world.lyon,
        title="Visio de Lyon",
        slug="visio-de-lyon",
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=1),
    )
    Registration.objects.create(meeting=meeting, user=charlie, status="confirmed")
    seat = Participant.objects.create(
        meeting=meeting,
        user=charlie,
        display_name="Charlie L.",
        engine_token="seat-token",
        joined_at=starts_at,
        left_at=starts_at + timedelta(minutes=50),
    )
    ChatMessage.objects.create(
        meeting=meeting, author=seat, author_name="Charlie L.", body="Bonjour"
    )
    sign_in(client, charlie)
    data = download(client)
    assert [r["meeting"] for r in data["meeting_registrations"]] == ["Visio de Lyon"]
    assert [a["display_name"] for a in data["meeting_attendance"]] == ["Charlie L."]
    assert [m["text"] for m in data["meeting_chat_messages"]] == ["Bonjour"]


def test_export_contains_my_actions_training_and_outreach(client: Client, world: World) -> None:
    charlie = world.charlie
    action = plan(world, slots=(("Tracts", 3),))
    action_services.sign_up(
        charlie,
        slot_of(action, "Tracts"),
        phone="06 12 34 56 78",
        share_phone=True,
        comment="Je viens à vélo",
    )
    topic = make_topic()
    session = make_session(world)
    registration = TrainingRegistration.objects.create(
        session=session, user=charlie, needs="J'entends mal", attended=True
    )
    Feedback.objects.create(registration=registration, usefulness=5, clarity=4, comment="Clair")
    can_help(charlie, topic)
    asked = make_request(charlie, topic, details="Partager une pétition")
    bob_asked = make_request(world.bob, topic)
    MentoringRequest.objects.filter(pk=bob_asked.pk).update(
        mentor=charlie, status=MentoringRequest.Status.PAIRED, paired_at=timezone.now()
    )
    OutreachVolunteer.objects.create(user=charlie, is_young=True, networks="Instagram")
    CommunicationRole.objects.create(user=charlie, structure=world.lyon, appointed_by=world.bob)
    post = OutreachPost.objects.create(structure=world.lyon, text="Rassemblement", author=world.bob)
    PostComment.objects.create(post=post, author=charlie, body="Ajoutons l'heure")
    PostComment.objects.create(post=post, author=world.bob, body="Commentaire de Bob")

    sign_in(client, charlie)
    data = download(client)

    [sign_up] = data["action_sign_ups"]
    assert (sign_up["action"], sign_up["slot"]) == (action.title, "Tracts")
    assert (sign_up["phone"], sign_up["comment"]) == ("06 12 34 56 78", "Je viens à vélo")
    assert [(r["session"], r["needs"], r["attended"]) for r in data["training_registrations"]] == [
        (session.title, "J'entends mal", True)
    ]
    assert [(f["usefulness"], f["comment"]) for f in data["training_feedback"]] == [(5, "Clair")]
    assert [(s["topic"], s["can_teach"]) for s in data["training_skills"]] == [(topic.name, True)]
    assert [(r["id"], r["details"]) for r in data["mentoring_requests"]] == [
        (asked.pk, "Partager une pétition")
    ]
    assert [o["request_id"] for o in data["mentoring_offers"]] == [bob_asked.pk]
    assert data["outreach_volunteer"]["networks"] == "Instagram"
    assert data["outreach_volunteer"]["is_young"] is True
    assert [r["structure"] for r in data["communication_roles"]] == ["Comité de Lyon"]
    assert [c["text"] for c in data["post_comments"]] == ["Ajoutons l'heure"]
    raw = json.dumps(data, ensure_ascii=False)
    assert "Commentaire de Bob" not in raw and "bob@example.org" not in raw


def test_export_does_not_name_a_secret_groups_action_to_someone_who_left(
    client: Client, world: World
) -> None:
    action = plan(world, title="Action du cercle", group=world.secret_group, slots=(("Tracts", 3),))
    action_services.sign_up(world.charlie, slot_of(action, "Tracts"))
    world.secret_group.memberships.filter(user=world.charlie).delete()
    sign_in(client, world.charlie)
    data = download(client)
    assert [(s["action_id"], s["action"]) for s in data["action_sign_ups"]] == [(action.pk, None)]
    assert "Action du cercle" not in json.dumps(data, ensure_ascii=False)
