"""Training services: registration within the places (also when everyone clicks at once),
attendance and feedback (only those who came, once), mentoring: who is suggested and in
what order, emails, the first offer wins, both sides confirm."""

from collections import Counter
from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import gettext

from colombe.core.models import AuditEntry
from colombe.movement.models import Territory
from colombe.training import mentoring_services, services
from colombe.training.models import Feedback, MentoringRequest, Registration, Skill
from colombe.training.tests.training_helpers import (
    approve,
    can_help,
    committee,
    make_request,
    make_session,
    make_topic,
    member_of,
    territory,
)
from tests import factories
from tests.concurrency import THREADS, database_file_for_sqlite, run_at_once
from tests.personas import World, build_world

Status = MentoringRequest.Status
Level = Territory.Level


# Registration ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_registration_stops_at_capacity(world: World) -> None:
    session = make_session(world, capacity=1)
    services.register(session, world.charlie, needs="Je viens avec ma tablette")
    with pytest.raises(services.TrainingError, match="complète"):
        services.register(session, world.bob)
    assert list(session.registrations.values_list("user", flat=True)) == [world.charlie.pk]
    assert AuditEntry.objects.filter(action="training.registration.created").count() == 1


@pytest.mark.django_db
def test_registering_twice_keeps_one_place(world: World) -> None:
    session = make_session(world, capacity=2)
    first = services.register(session, world.charlie)
    assert services.register(session, world.charlie) == first
    assert session.registrations.count() == 1


@pytest.mark.django_db
def test_no_registration_for_outsiders_cancelled_or_started_sessions(world: World) -> None:
    session = make_session(world)
    with pytest.raises(Http404):  # eve is no member: sessions do not exist for her
        services.register(session, world.eve)
    started = make_session(world, slug="deja", starts_at=timezone.now() - timedelta(minutes=5))
    with pytest.raises(services.TrainingError, match="commencé"):
        services.register(started, world.charlie)
    cancelled = make_session(world, slug="annulee", is_cancelled=True)
    with pytest.raises(PermissionDenied):
        services.register(cancelled, world.charlie)


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures(database_file_for_sqlite.__name__)
@pytest.mark.slow
def test_last_places_go_to_exactly_capacity_people_when_all_click_at_once() -> None:
    world = build_world()
    session = make_session(world, capacity=5)
    people = [factories.MembershipFactory.create(structure=world.lyon).user for _ in range(THREADS)]

    def take_a_place(number: int) -> str:
        try:
            services.register(session, people[number])
        except services.TrainingError as error:
            return error.message
        return "registered"

    outcomes = run_at_once(take_a_place)
    # The threads have no language activated: they speak the site's.
    with translation.override(settings.LANGUAGE_CODE):
        full = gettext("This session is full.")
    assert outcomes == Counter({"registered": 5, full: THREADS - 5})
    assert Registration.objects.filter(session=session).count() == 5


@pytest.mark.django_db
def test_unregister_gives_the_place_back(world: World) -> None:
    session = make_session(world, capacity=1)
    services.register(session, world.charlie)
    assert services.unregister(session, world.charlie) is True
    assert services.unregister(session, world.charlie) is False
    services.register(session, world.bob)
    assert session.registrations.get().user == world.bob


@pytest.mark.django_db
def test_cancelling_a_session_emails_those_registered(world: World) -> None:
    session = make_session(world)
    services.register(session, world.charlie)
    with pytest.raises(PermissionDenied):
        services.cancel_session(world.charlie, session)
    services.cancel_session(world.bob, session)
    session.refresh_from_db()
    assert session.is_cancelled
    [sent] = mail.outbox
    assert sent.to == [world.charlie.email] and session.title in sent.subject


# Attendance and feedback -----------------------------------------------------------------


def attended_session(world: World) -> tuple:
    session = make_session(world)
    charlie = services.register(session, world.charlie)
    dana = factories.MembershipFactory.create(structure=world.lyon).user
    absent = services.register(session, dana)
    started = timezone.now() - timedelta(hours=1)
    session.starts_at, session.ends_at = started, started + timedelta(hours=2)
    session.save()
    return session, charlie, absent


@pytest.mark.django_db
def test_attendance_waits_for_the_start(world: World) -> None:
    session = make_session(world)
    registration = services.register(session, world.charlie)
    with pytest.raises(services.TrainingError):
        services.record_attendance(world.bob, session, [registration])


@pytest.mark.django_db
def test_attendance_is_taken_by_the_trainer(world: World) -> None:
    session, charlie, absent = attended_session(world)
    with pytest.raises(PermissionDenied):
        services.record_attendance(world.charlie, session, [charlie])
    assert services.record_attendance(world.bob, session, [charlie]) == 1
    assert Registration.objects.get(pk=charlie.pk).attended is True
    assert Registration.objects.get(pk=absent.pk).attended is False


@pytest.mark.django_db
def test_feedback_only_from_attendees_and_only_once(world: World) -> None:
    session, charlie, absent = attended_session(world)
    services.record_attendance(world.bob, session, [charlie])
    with pytest.raises(PermissionDenied):
        services.give_feedback(session, absent.user, usefulness=5, clarity=5)
    with pytest.raises(PermissionDenied):
        services.give_feedback(session, world.bob, usefulness=5, clarity=5)
    assert services.may_give_feedback(session, world.charlie)
    services.give_feedback(session, world.charlie, usefulness=4, clarity=5, comment="Merci !")
    assert not services.may_give_feedback(session, world.charlie)
    with pytest.raises(services.TrainingError):
        services.give_feedback(session, world.charlie, usefulness=1, clarity=1)
    assert Feedback.objects.get().usefulness == 4
    summary = services.feedback_summary(session)
    assert (summary.answers, summary.usefulness, summary.comments) == (1, 4.0, ["Merci !"])


# Mentoring: suggestions ------------------------------------------------------------------


@pytest.fixture
def region_map(world: World) -> dict:
    """Lyon (Rhône), Grenoble (Isère, same region), Toulouse (another region)."""
    aura = Territory.objects.get(slug="auvergne-rhone-alpes")
    isere = territory("Isère", Level.DEPARTMENT, aura)
    occitanie = territory("Occitanie", Level.REGION, aura.parent)
    garonne = territory("Haute-Garonne", Level.DEPARTMENT, occitanie)
    return {
        "lyon_town": territory("Lyon", Level.LOCAL, world.lyon.territory),
        "grenoble": committee("Comité de Grenoble", territory("Grenoble", Level.LOCAL, isere)),
        "toulouse": committee("Comité de Toulouse", territory("Toulouse", Level.LOCAL, garonne)),
    }


@pytest.mark.django_db
def test_suggestions_rank_department_then_region_then_load(world: World, region_map: dict) -> None:
    topic = make_topic()
    far = member_of(region_map["toulouse"], "Toulousaine")
    same_region = member_of(region_map["grenoble"], "Grenoblois")
    busy_neighbour = member_of(world.lyon, "Lyonnaise occupée")
    free_neighbour = member_of(world.lyon, "Lyonnais libre")
    for helper in (far, same_region, busy_neighbour, free_neighbour, world.charlie):
        can_help(helper, topic)
    make_request(world.bob, topic, mentor=busy_neighbour, status=Status.PAIRED)
    asked = make_request(world.charlie, topic, territory=region_map["lyon_town"])

    ranked = mentoring_services.suggest_mentors(asked)

    assert [s.mentor for s in ranked] == [free_neighbour, busy_neighbour, same_region, far]
    assert [s.proximity for s in ranked] == [0, 0, 1, 2]
    assert ranked[1].current_pairings == 1


@pytest.mark.django_db
def test_suggestions_leave_out_non_members_and_those_who_only_want_to_learn(
    world: World,
) -> None:
    topic = make_topic()
    can_help(world.eve, topic)  # no membership
    can_help(world.dana, topic)  # her membership is still pending
    learner = member_of(world.lyon, "Apprenante")
    Skill.objects.create(user=learner, topic=topic, wants_to_learn=True)
    asked = make_request(world.charlie, topic)
    assert mentoring_services.suggest_mentors(asked) == []
    approve(world.dana, world.lyon)
    assert [s.mentor for s in mentoring_services.suggest_mentors(asked)] == [world.dana]


@pytest.mark.django_db
def test_asking_for_help_emails_only_those_who_can_teach_the_topic(world: World) -> None:
    topic = make_topic()
    other_topic = make_topic("Utiliser Mastodon", "mastodon")
    helper = member_of(world.lyon, "Aidante")
    can_help(helper, topic)
    can_help(world.bob, other_topic)
    with pytest.raises(PermissionDenied):
        mentoring_services.ask_for_help(world.eve, topic=topic, availability="Le soir")
    asked = mentoring_services.ask_for_help(
        world.charlie, topic=topic, availability="Le soir", details="On ne m'entend pas."
    )
    [sent] = mail.outbox
    assert sent.to == [helper.email]
    assert topic.name in sent.subject and asked.get_absolute_url() in sent.body
    assert AuditEntry.objects.filter(action="training.mentoring.requested").count() == 1


# Mentoring: offer, confirm, cancel -------------------------------------------------------


@pytest.mark.django_db
def test_first_offer_pairs_and_tells_the_requester(world: World) -> None:
    topic = make_topic()
    first, second = member_of(world.lyon, "Première"), member_of(world.lyon, "Second")
    for helper in (first, second):
        can_help(helper, topic)
    asked = make_request(world.charlie, topic)
    with pytest.raises(Http404):  # bob cannot help with it: he does not see the request
        mentoring_services.offer_help(world.bob, asked)
    mentoring_services.offer_help(first, asked)
    asked.refresh_from_db()
    assert (asked.status, asked.mentor) == (Status.PAIRED, first)
    assert [message.to for message in mail.outbox] == [[world.charlie.email]]
    with pytest.raises(Http404):  # once paired, other helpers no longer see it
        mentoring_services.offer_help(second, asked)


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures(database_file_for_sqlite.__name__)
@pytest.mark.slow
def test_when_helpers_offer_at_once_exactly_one_is_paired() -> None:
    world = build_world()
    topic = make_topic()
    helpers = [member_of(world.lyon, f"Aidant {n}") for n in range(THREADS)]
    for helper in helpers:
        can_help(helper, topic)
    asked = make_request(world.charlie, topic)

    def offer(number: int) -> str:
        try:
            mentoring_services.offer_help(helpers[number], asked)
        except (services.TrainingError, Http404):
            # Locked out by the winner, or (arriving later) no longer shown the request.
            return "too late"
        return "paired"

    outcomes = run_at_once(offer)
    assert outcomes == Counter({"paired": 1, "too late": THREADS - 1})
    asked.refresh_from_db()
    assert asked.status == Status.PAIRED and asked.mentor in helpers
    assert [message.to for message in mail.outbox] == [[world.charlie.email]]


@pytest.mark.django_db
def test_both_sides_confirm_before_it_is_done(world: World) -> None:
    topic = make_topic()
    helper = member_of(world.lyon, "Aidante")
    can_help(helper, topic)
    asked = mentoring_services.offer_help(helper, make_request(world.charlie, topic))
    with pytest.raises(PermissionDenied):  # nothing to confirm before the offer is accepted
        mentoring_services.confirm_mentoring(helper, asked)
    asked = mentoring_services.accept_offer(world.charlie, asked)
    with pytest.raises(Http404):
        mentoring_services.confirm_mentoring(world.bob, asked)
    asked = mentoring_services.confirm_mentoring(world.charlie, asked)
    assert asked.status == Status.PAIRED and asked.confirmed_by_requester_at
    asked = mentoring_services.confirm_mentoring(helper, asked)
    assert asked.status == Status.DONE and asked.confirmed_by_mentor_at
    with pytest.raises(PermissionDenied):
        mentoring_services.confirm_mentoring(helper, asked)


@pytest.mark.django_db
def test_the_mentor_steps_back_and_the_request_opens_again(world: World) -> None:
    topic = make_topic()
    helper = member_of(world.lyon, "Aidante")
    can_help(helper, topic)
    asked = mentoring_services.offer_help(helper, make_request(world.charlie, topic))
    reopened = mentoring_services.cancel_mentoring(helper, asked)
    assert (reopened.status, reopened.mentor) == (Status.OPEN, None)
    cancelled = mentoring_services.cancel_mentoring(world.charlie, reopened)
    assert cancelled.status == Status.CANCELLED
    with pytest.raises(Http404):  # a cancelled request is no longer shown to helpers
        mentoring_services.cancel_mentoring(helper, cancelled)
