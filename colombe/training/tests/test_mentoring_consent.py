"""Mentoring shares contact details only with the consent of the person who asked: an
offer reveals nothing until they accept it; offers are rate-limited; a helper learns that
a request was taken only if they could see it while it was open."""

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from colombe.accounts.models import User
from colombe.training import mentoring_services
from colombe.training.mentoring_views import OFFERS_PER_DAY
from colombe.training.models import MentoringRequest, Topic
from colombe.training.tests.training_helpers import can_help, make_request, make_topic, member_of
from tests.personas import World

pytestmark = pytest.mark.django_db

Status = MentoringRequest.Status


@pytest.fixture
def topic() -> Topic:
    return make_topic()


@pytest.fixture
def helper(world: World, topic: Topic) -> User:
    person = member_of(world.lyon, "Aidante")
    can_help(person, topic)
    return person


def page_of(client: Client, user: User, asked: MentoringRequest) -> str:
    client.force_login(user)
    response = client.get(asked.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def test_an_offer_shares_no_address_until_the_requester_accepts(
    client: Client, world: World, topic: Topic, helper: User
) -> None:
    asked = make_request(world.charlie, topic, details="Le son")
    client.force_login(helper)
    client.post(reverse("training:mentoring_offer", args=[asked.pk]))
    asked.refresh_from_db()
    assert (asked.status, asked.mentor, asked.accepted_at) == (Status.PAIRED, helper, None)
    [offer_email] = mail.outbox
    assert offer_email.to == [world.charlie.email]
    assert helper.email not in offer_email.body

    mentor_page = page_of(client, helper, asked)
    assert world.charlie.email not in mentor_page
    for shown in ("Charlie", topic.name, "après-midi"):
        assert shown in mentor_page
    assert reverse("training:mentoring_confirm", args=[asked.pk]) not in mentor_page
    assert helper.email not in page_of(client, world.charlie, asked)

    client.force_login(world.charlie)
    accept = reverse("training:mentoring_accept", args=[asked.pk])
    assert client.get(accept).status_code == 200  # the page says what will be shared
    assert MentoringRequest.objects.get().accepted_at is None
    client.post(accept)
    assert MentoringRequest.objects.get().accepted_at is not None
    assert helper.email in page_of(client, world.charlie, asked)
    assert world.charlie.email in page_of(client, helper, asked)
    accepted_email = mail.outbox[-1]
    assert accepted_email.to == [helper.email]
    assert world.charlie.email in accepted_email.body


def test_a_mentor_who_steps_back_before_acceptance_never_saw_the_address(
    client: Client, world: World, topic: Topic, helper: User
) -> None:
    asked = mentoring_services.offer_help(helper, make_request(world.charlie, topic))
    reopened = mentoring_services.cancel_mentoring(helper, asked)
    assert (reopened.status, reopened.mentor) == (Status.OPEN, None)
    assert all(world.charlie.email not in message.body for message in mail.outbox[1:])
    assert world.charlie.email not in page_of(client, helper, asked)


def test_only_the_requester_answers_an_offer_and_declining_reopens_it(
    client: Client, world: World, topic: Topic, helper: User
) -> None:
    asked = mentoring_services.offer_help(helper, make_request(world.charlie, topic))
    accept = reverse("training:mentoring_accept", args=[asked.pk])
    decline = reverse("training:mentoring_decline", args=[asked.pk])
    client.force_login(helper)
    assert client.post(accept).status_code == 403
    client.force_login(world.bob)  # not the requester, not the mentor: the request is hidden
    assert client.post(accept).status_code == 404
    client.force_login(world.charlie)
    assert client.get(decline).status_code == 200
    assert client.post(decline).status_code == 302
    declined = MentoringRequest.objects.get()
    assert (declined.status, declined.mentor, declined.accepted_at) == (Status.OPEN, None, None)
    assert client.post(accept).status_code == 403  # nothing to answer any more


def test_offers_are_limited_per_day(client: Client, world: World, topic: Topic) -> None:
    generous = member_of(world.lyon, "Généreuse")
    can_help(generous, topic)
    requests = [make_request(world.charlie, topic) for _n in range(OFFERS_PER_DAY + 1)]
    client.force_login(generous)
    for asked in requests:
        client.post(reverse("training:mentoring_offer", args=[asked.pk]))
    paired = MentoringRequest.objects.filter(mentor=generous).count()
    assert paired == OFFERS_PER_DAY
    assert MentoringRequest.objects.filter(status=Status.OPEN).count() == 1


def offer_as(client: Client, user: User, asked: MentoringRequest) -> int:
    client.force_login(user)
    return client.post(reverse("training:mentoring_offer", args=[asked.pk])).status_code


def test_taken_meanwhile_is_told_only_to_members_who_could_see_it(
    client: Client, world: World, topic: Topic, helper: User
) -> None:
    quicker = member_of(world.lyon, "Rapide")
    can_help(quicker, topic)
    former_member = member_of(world.lyon, "Partie")
    can_help(former_member, topic)
    former_member.memberships.all().delete()  # left the movement, kept the skill
    taken = mentoring_services.offer_help(quicker, make_request(world.charlie, topic))
    withdrawn = make_request(world.charlie, topic, status=Status.CANCELLED)

    assert offer_as(client, helper, taken) == 302  # "someone else was quicker"
    assert offer_as(client, former_member, taken) == 404
    assert offer_as(client, world.eve, taken) == 404
    assert offer_as(client, helper, withdrawn) == 404
    missing = MentoringRequest(pk=withdrawn.pk + 100)
    assert offer_as(client, helper, missing) == 404
