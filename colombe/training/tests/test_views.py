"""Training pages for each persona (anonymous, eve, charlie, bob, alice), and the flows
people follow through them: planning and registering for a session, asking for help and
offering it, declaring skills, the demand page for the communication group, and the
large-text mode."""

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from colombe.accounts.models import User
from colombe.meetings.models import Meeting
from colombe.movement.models import Territory
from colombe.outreach.models import CommunicationRole
from colombe.training.models import (
    Level,
    MentoringRequest,
    Registration,
    Resource,
    Skill,
    TrainingSession,
)
from colombe.training.tests.training_helpers import (
    can_help,
    make_request,
    make_session,
    make_topic,
    member_of,
)
from tests.personas import World

pytestmark = pytest.mark.django_db

Status = MentoringRequest.Status
LOGIN = "login"  # an anonymous visitor is sent to the login page


@dataclass
class Scene:
    session: TrainingSession
    guide: Resource
    draft: Resource
    request: MentoringRequest


@pytest.fixture
def scene(world: World) -> Scene:
    topic = make_topic()
    can_help(world.bob, topic)  # bob may see charlie's open request, to help
    guide = Resource.objects.create(
        title="Rejoindre une visio",
        slug="rejoindre",
        summary="En trois gestes.",
        body="1. Ouvrez le lien.",
        level=Level.BEGINNER,
        topic=topic,
    )
    draft = Resource.objects.create(
        title="Brouillon secret",
        slug="brouillon",
        summary="Pas encore prêt.",
        body="…",
        level=Level.ADVANCED,
        is_published=False,
    )
    return Scene(
        session=make_session(world),
        guide=guide,
        draft=draft,
        request=make_request(world.charlie, topic),
    )


# (method, url name, argument from the scene, statuses for anonymous/eve/charlie/bob/alice)
MATRIX: list[tuple[str, str, str, tuple[Any, ...]]] = [
    ("get", "training:home", "", (200, 200, 200, 200, 200)),
    ("get", "training:sessions", "", (LOGIN, 200, 200, 200, 200)),
    ("get", "training:session", "session", (LOGIN, 404, 200, 200, 200)),
    ("get", "training:session_create", "", (LOGIN, 403, 200, 200, 200)),
    ("get", "training:session_edit", "session", (LOGIN, 404, 403, 200, 200)),
    ("get", "training:session_cancel", "session", (LOGIN, 404, 403, 200, 200)),
    ("post", "training:register", "session", (LOGIN, 404, 302, 302, 302)),
    ("post", "training:unregister", "session", (LOGIN, 404, 302, 302, 302)),
    ("get", "training:attendance", "session", (LOGIN, 404, 403, 200, 200)),
    ("get", "training:feedback", "session", (LOGIN, 404, 403, 403, 403)),
    ("get", "training:session_ical", "session", (LOGIN, 404, 200, 200, 200)),
    ("get", "training:resources", "", (200, 200, 200, 200, 200)),
    ("get", "training:resource", "guide", (200, 200, 200, 200, 200)),
    ("get", "training:resource", "draft", (404, 404, 404, 404, 200)),
    ("get", "training:resource_print", "guide", (200, 200, 200, 200, 200)),
    ("get", "training:resource_print", "draft", (404, 404, 404, 404, 200)),
    ("get", "training:resource_create", "", (LOGIN, 403, 403, 403, 200)),
    ("get", "training:resource_edit", "guide", (LOGIN, 403, 403, 403, 200)),
    ("get", "training:skills", "", (LOGIN, 403, 200, 200, 200)),
    ("get", "training:trainers", "", (LOGIN, 403, 200, 200, 200)),
    ("get", "training:mentoring", "", (LOGIN, 403, 200, 200, 200)),
    ("get", "training:mentoring_ask", "", (LOGIN, 403, 200, 200, 200)),
    ("get", "training:mentoring_request", "request", (LOGIN, 404, 200, 200, 404)),
    ("post", "training:mentoring_offer", "request", (LOGIN, 404, 403, 302, 404)),
    ("post", "training:mentoring_confirm", "request", (LOGIN, 404, 403, 403, 404)),
    ("get", "training:mentoring_cancel", "request", (LOGIN, 404, 200, 403, 404)),
    ("get", "training:demand", "", (LOGIN, 403, 403, 403, 200)),
]


def url_for(name: str, argument: str, scene: Scene) -> str:
    if not argument:
        return reverse(name)
    target = getattr(scene, argument)
    key = target.pk if isinstance(target, MentoringRequest) else target.slug
    return reverse(name, args=[key])


@pytest.mark.parametrize(("method", "name", "argument", "statuses"), MATRIX)
def test_each_persona_gets_what_the_policy_says(
    client: Client,
    world: World,
    scene: Scene,
    method: str,
    name: str,
    argument: str,
    statuses: tuple[Any, ...],
) -> None:
    url = url_for(name, argument, scene)
    people: list[User | None] = [None, world.eve, world.charlie, world.bob, world.alice]
    for person, expected in zip(people, statuses, strict=True):
        client.logout()
        if person is not None:
            client.force_login(person)
        response = getattr(client, method)(url)
        who = person.display_name if person else "anonymous"
        if expected == LOGIN:
            assert response.status_code == 302, who
            assert "/login/" in response["Location"], who
        else:
            assert response.status_code == expected, (who, response.status_code)
        if response.status_code == 200 and person is not world.alice:
            assert scene.draft.title not in response.content.decode(), who


def test_a_paired_request_is_for_its_two_people_only(
    client: Client, world: World, scene: Scene
) -> None:
    winner = member_of(world.lyon, "Aidante")
    can_help(winner, scene.request.topic)
    client.force_login(winner)
    assert (
        client.post(reverse("training:mentoring_offer", args=[scene.request.pk])).status_code == 302
    )
    for person, expected in [(winner, 200), (world.charlie, 200), (world.bob, 404)]:
        client.force_login(person)
        page = client.get(scene.request.get_absolute_url())
        assert page.status_code == expected, person
    # bob was looking at the open request and presses "I can help" too late: told, not 404.
    client.force_login(world.bob)
    late = client.post(reverse("training:mentoring_offer", args=[scene.request.pk]), follow=True)
    assert late.status_code == 200
    assert MentoringRequest.objects.get(pk=scene.request.pk).mentor == winner


def test_demand_is_for_the_communication_group(client: Client, world: World, scene: Scene) -> None:
    url = reverse("training:demand")
    client.force_login(world.bob)
    CommunicationRole.objects.create(user=world.bob, structure=world.lyon)  # a committee's lead
    assert client.get(url).status_code == 403
    CommunicationRole.objects.create(user=world.bob, structure=None)  # the national group
    assert client.get(url).status_code == 200


def test_demand_counts_by_topic_and_region_and_shows_where_nobody_helps(
    client: Client, world: World, english_pages: None
) -> None:
    topic = make_topic()
    lyon_town = Territory.objects.create(
        name="Lyon", slug="lyon-ville", level=Territory.Level.LOCAL, parent=world.lyon.territory
    )
    occitanie = Territory.objects.create(
        name="Occitanie",
        slug="occitanie",
        level=Territory.Level.REGION,
        parent=world.national.territory,
    )
    can_help(world.bob, topic)  # a helper in Lyon (Auvergne-Rhône-Alpes)
    make_request(world.charlie, topic, territory=lyon_town)
    make_request(world.charlie, topic, territory=occitanie)
    make_request(world.charlie, topic, territory=occitanie, status=Status.DONE)
    make_request(world.charlie, topic, territory=occitanie, status=Status.CANCELLED)
    client.force_login(world.alice)
    page = client.get(reverse("training:demand")).content.decode()
    assert "<svg" in page and "Requests by topic" in page
    assert (
        '<th scope="row">Rejoindre une visio</th><td>2</td><td>0</td><td>1</td><td>3</td>' in page
    )
    assert '<th scope="row">Occitanie</th><td>1</td><td>0</td><td>1</td><td>2</td>' in page
    nobody = page.split('id="gaps-heading"')[1]
    assert '<th scope="row">Occitanie</th><td>Rejoindre une visio</td><td>1</td>' in nobody
    assert "Auvergne" not in nobody


def test_plan_a_session_then_register_and_get_the_ics(
    client: Client, world: World, english_pages: None
) -> None:
    topic = make_topic()
    starts = timezone.localtime() + timedelta(days=7)
    client.force_login(world.bob)
    response = client.post(
        reverse("training:session_create"),
        {
            "title": "Atelier pétitions",
            "topic": topic.pk,
            "level": Level.BEGINNER,
            "structure": world.lyon.pk,
            "description": "On **signe** ensemble.",
            "trainer_kind": TrainingSession.TrainerKind.MEMBER,
            "trainer": world.bob.pk,
            "format": TrainingSession.Format.IN_PERSON,
            "place": "Local du comité",
            "starts_at": starts.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (starts + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
            "capacity": "1",
        },
    )
    session = TrainingSession.objects.get(slug="atelier-petitions")
    assert response.status_code == 302 and response["Location"] == session.get_absolute_url()
    assert "<strong>signe</strong>" in session.description_html

    client.force_login(world.charlie)
    page = client.post(
        reverse("training:register", args=[session.slug]), {"needs": "J'entends mal"}, follow=True
    )
    assert "You are registered." in page.content.decode()
    assert Registration.objects.get(session=session).needs == "J'entends mal"
    client.force_login(world.alice)
    full = client.post(reverse("training:register", args=[session.slug]), follow=True)
    assert "This session is full." in full.content.decode()
    ics = client.get(reverse("training:session_ical", args=[session.slug]))
    assert ics["Content-Type"].startswith("text/calendar")
    assert b"SUMMARY:Atelier p" in ics.content and b"LOCATION:Local du comit" in ics.content


def test_session_form_says_what_is_missing(
    client: Client, world: World, english_pages: None
) -> None:
    client.force_login(world.charlie)
    response = client.post(
        reverse("training:session_create"),
        {
            "title": "Sans lieu",
            "trainer_kind": TrainingSession.TrainerKind.GUEST,
            "format": TrainingSession.Format.IN_PERSON,
        },
    )
    page = response.content.decode()
    assert response.status_code == 422 and "error-summary" in page
    assert "Give the name of the outside expert." in page
    assert "Give the address of a session in person." in page


def test_online_session_shows_join_when_it_is_time(client: Client, world: World) -> None:
    now = timezone.now()
    meeting = Meeting.objects.create(
        owner=world.lyon,
        title="Visio formation",
        slug="visio-formation",
        starts_at=now + timedelta(minutes=2),
        ends_at=now + timedelta(hours=1),
    )
    session = make_session(
        world,
        format=TrainingSession.Format.ONLINE,
        meeting=meeting,
        place="",
        starts_at=now + timedelta(minutes=2),
        ends_at=now + timedelta(hours=1),
    )
    lobby = reverse("meetings:lobby", args=[meeting.slug])
    client.force_login(world.charlie)
    assert lobby not in client.get(session.get_absolute_url()).content.decode()
    Registration.objects.create(session=session, user=world.charlie)
    assert lobby in client.get(session.get_absolute_url()).content.decode()
    session.starts_at = meeting.starts_at = now + timedelta(days=2)
    session.ends_at = meeting.ends_at = now + timedelta(days=2, hours=1)
    session.save()
    meeting.save()
    assert lobby not in client.get(session.get_absolute_url()).content.decode()


def test_ask_for_help_then_a_helper_offers_and_both_confirm(
    client: Client, world: World, english_pages: None
) -> None:
    topic = make_topic()
    helper = member_of(world.lyon, "Dana bis")
    can_help(helper, topic)
    client.force_login(world.charlie)
    form = client.get(reverse("training:mentoring_ask")).content.decode()
    assert f'<option value="{world.lyon.territory.pk}" selected>' in form
    response = client.post(
        reverse("training:mentoring_ask"),
        {"topic": topic.pk, "availability": "Le mardi", "territory": world.lyon.territory.pk},
    )
    asked = MentoringRequest.objects.get()
    assert response["Location"] == asked.get_absolute_url()
    assert [message.to for message in mail.outbox] == [[helper.email]]
    assert (
        "1 member who can help has been told." in client.get(response["Location"]).content.decode()
    )

    client.force_login(helper)
    assert asked.get_absolute_url() in client.get(reverse("training:mentoring")).content.decode()
    client.post(reverse("training:mentoring_offer", args=[asked.pk]))
    assert world.charlie.email not in client.get(asked.get_absolute_url()).content.decode()
    client.force_login(world.charlie)
    offered = client.get(asked.get_absolute_url()).content.decode()
    assert helper.email not in offered  # not before charlie accepts
    accept = reverse("training:mentoring_accept", args=[asked.pk])
    assert accept in offered
    assert world.charlie.email in client.get(accept).content.decode()  # what will be shared
    page = client.post(accept, follow=True).content.decode()
    assert helper.email in page  # accepted: they may now write to each other
    client.force_login(helper)
    assert world.charlie.email in client.get(asked.get_absolute_url()).content.decode()
    client.post(reverse("training:mentoring_confirm", args=[asked.pk]))
    client.force_login(world.charlie)
    done = client.post(reverse("training:mentoring_confirm", args=[asked.pk]), follow=True)
    assert "Both of you confirmed" in done.content.decode()
    assert MentoringRequest.objects.get().status == Status.DONE


def test_withdrawing_a_request_asks_first(client: Client, world: World, scene: Scene) -> None:
    url = reverse("training:mentoring_cancel", args=[scene.request.pk])
    client.force_login(world.charlie)
    assert client.get(url).status_code == 200
    assert MentoringRequest.objects.get().status == Status.OPEN
    assert client.post(url).status_code == 302
    assert MentoringRequest.objects.get().status == Status.CANCELLED


def test_skills_are_saved_and_only_helpers_are_listed(
    client: Client, world: World, english_pages: None
) -> None:
    topic = make_topic()
    other = make_topic("Utiliser Mastodon", "mastodon")
    client.force_login(world.charlie)
    client.post(
        reverse("training:skills"),
        {
            f"teach_{topic.pk}": "on",
            f"listed_{topic.pk}": "on",
            f"learn_{other.pk}": "on",
            f"listed_{other.pk}": "on",
        },
    )
    mine = {s.topic_id: s for s in Skill.objects.filter(user=world.charlie)}
    assert mine[topic.pk].can_teach and mine[topic.pk].listed_as_trainer
    assert mine[other.pk].wants_to_learn and not mine[other.pk].listed_as_trainer
    client.force_login(world.bob)
    directory = client.get(reverse("training:trainers")).content.decode()
    assert "Charlie" in directory and "Rhône" in directory
    only_other = client.get(reverse("training:trainers"), {"topic": other.pk}).content.decode()
    assert "Charlie" not in only_other
    client.force_login(world.charlie)
    client.post(reverse("training:skills"), {})
    assert not Skill.objects.filter(user=world.charlie).exists()


def test_large_text_mode_is_remembered(client: Client, world: World) -> None:
    page = client.get(reverse("training:home"), {"texte": "grand"})
    assert '<body class="large-text">' in page.content.decode()
    assert "texte=normal" in page.content.decode()
    assert '<body class="large-text">' in client.get(reverse("training:resources")).content.decode()
    client.get(reverse("training:home"), {"texte": "normal"})
    assert '<body class="">' in client.get(reverse("training:resources")).content.decode()
