"""Pages of petitions served from the cache to visitors without an account: a change of
the petition shows at the next request, and each visitor still gets their own token,
question and links."""

import re
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.http import HttpRequest
from django.test import Client, RequestFactory
from django.urls import reverse

from colombe.petitions import public_cache, services
from colombe.petitions.models import Petition, Signature
from colombe.petitions.tests.public_helpers import english_client, signing_data
from colombe.petitions.tests.services_helpers import make_petition
from tests.personas import World

pytestmark = pytest.mark.django_db

MARKER = re.compile(r"colombe-(csrf-token|full-path|source|fallback-token|fallback-question)-")


def sign_url(petition: Petition) -> str:
    return reverse("petitions:sign", args=[petition.slug])


def csrf_client() -> Client:
    """A browser: CSRF is checked, as in production."""
    return Client(enforce_csrf_checks=True, headers={"accept-language": "en"})


def page_token(body: str) -> str:
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body)
    assert match, "no CSRF token in the page"
    return match.group(1)


def fallback_token(body: str) -> str:
    match = re.search(r'name="fallback_token" value="([^"]+)"', body)
    assert match, "no anti-robot question in the page"
    return match.group(1)


def test_a_closed_petition_refuses_signatures_at_once_though_cached(world: World) -> None:
    petition = make_petition(owner=world.lyon)
    visitor = english_client()
    assert "Sign the petition" in visitor.get(petition.get_absolute_url()).content.decode()

    services.close(actor=world.bob, petition=petition)

    response = visitor.post(sign_url(petition), signing_data(petition))
    assert response.status_code == 422
    assert "closed" in response.content.decode()
    assert not Signature.objects.exists()
    body = visitor.get(petition.get_absolute_url()).content.decode()
    assert 'action="' + sign_url(petition) not in body


def test_a_petition_back_to_draft_answers_404_though_cached(world: World) -> None:
    petition = make_petition(owner=world.lyon)
    visitor = english_client()
    assert visitor.get(petition.get_absolute_url()).status_code == 200
    assert visitor.post(sign_url(petition), signing_data(petition)).status_code == 200

    petition.status = Petition.Status.DRAFT
    petition.save()

    assert visitor.get(petition.get_absolute_url()).status_code == 404
    other = signing_data(petition, email="other@example.org")
    assert visitor.post(sign_url(petition), other).status_code == 404
    assert Signature.objects.count() == 1


def test_a_deleted_petition_answers_404_though_cached(world: World) -> None:
    petition = make_petition(owner=world.lyon)
    visitor = english_client()
    assert visitor.get(petition.get_absolute_url()).status_code == 200

    Petition.objects.filter(pk=petition.pk).delete()

    assert visitor.get(petition.get_absolute_url()).status_code == 404


def test_an_edit_shows_at_the_next_request(world: World) -> None:
    petition = make_petition(owner=world.lyon)
    visitor = english_client()
    assert "Pour la paix" in visitor.get(petition.get_absolute_url()).content.decode()

    services.update_petition(actor=world.bob, petition=petition, title="Pour le désarmement")

    body = visitor.get(petition.get_absolute_url()).content.decode()
    assert "Pour le désarmement" in body and "Pour la paix" not in body


def test_a_row_cached_under_an_old_generation_is_not_used(world: World) -> None:
    """A request that read the petition just before it was closed, and cached it just
    after: the closing drew a new generation, so the stale copy is ignored."""
    petition = make_petition(owner=world.lyon)
    stale = Petition.objects.get(pk=petition.pk)
    services.close(actor=world.bob, petition=petition)
    cache.set(public_cache.petition_key(petition.slug), {"generation": None, "petition": stale})

    response = english_client().post(sign_url(petition), signing_data(petition))

    assert response.status_code == 422
    assert not Signature.objects.exists()


def test_each_visitor_gets_their_own_token_and_question_and_can_sign(world: World) -> None:
    petition = make_petition(owner=world.lyon)
    first, second = csrf_client(), csrf_client()
    first_body = first.get(petition.get_absolute_url()).content.decode()
    second_body = second.get(petition.get_absolute_url()).content.decode()

    assert first.cookies["csrftoken"].value != second.cookies["csrftoken"].value
    assert page_token(first_body) != page_token(second_body)
    questions = [fallback_token(body) for body in (first_body, second_body)]
    assert questions[0] != questions[1]
    for body in (first_body, second_body):
        assert not MARKER.search(body)

    data = {**signing_data(petition), "csrfmiddlewaretoken": page_token(first_body)}
    response = first.post(sign_url(petition), data)

    assert response.status_code == 200
    assert "Check your mailbox" in response.content.decode()
    assert not MARKER.search(response.content.decode())
    assert Signature.objects.count() == 1


def test_the_language_switch_returns_to_the_visitors_own_address_escaped(world: World) -> None:
    petition = make_petition(owner=world.lyon)
    visitor = english_client()
    visitor.get(petition.get_absolute_url())  # cached for everyone from now on

    body = visitor.get(
        petition.get_absolute_url() + "?source=mail&from=newsletter"
    ).content.decode()

    address = f"{petition.get_absolute_url()}?source=mail&amp;from=newsletter"
    assert f'name="next" type="hidden" value="{address}"' in body
    assert 'name="source" value="mail"' in body


def test_people_with_an_account_get_the_page_rendered_for_them(world: World) -> None:
    petition = make_petition(owner=world.lyon)
    english_client().get(petition.get_absolute_url())
    organiser = english_client()
    organiser.force_login(world.bob)

    body = organiser.get(petition.get_absolute_url()).content.decode()

    assert "Log out" in body


def test_a_copy_cached_before_its_generation_was_evicted_is_not_served(world: World) -> None:
    """Redis may evict the generation key alone: a copy cached under no generation must
    not pass for a current one."""
    petition = make_petition(owner=world.lyon)
    stale = Petition.objects.get(pk=petition.pk)
    cache.delete(public_cache.generation_key(petition.slug))
    cache.set(
        public_cache.petition_key(petition.slug),
        {"generation": None, "petition": stale},
        public_cache.PETITION_SECONDS,
    )
    # Closed behind the signals' back, as a change the eviction made the cache miss.
    Petition.objects.filter(pk=petition.pk).update(status=Petition.Status.CLOSED)

    response = english_client().post(sign_url(petition), signing_data(petition))

    assert response.status_code == 422
    assert not Signature.objects.exists()


def anonymous_request() -> HttpRequest:
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    return request


def test_a_petition_served_once_is_read_from_neither_redis_nor_the_database_again(
    world: World, django_assert_num_queries: Any
) -> None:
    petition = make_petition(owner=world.lyon)
    public_cache.visible_petition(anonymous_request(), petition.slug)
    # Only its generation is read again: the shared copy may go.
    cache.delete(public_cache.petition_key(petition.slug))

    with django_assert_num_queries(0):
        again = public_cache.visible_petition(anonymous_request(), petition.slug)

    assert again.pk == petition.pk
    assert cache.get(public_cache.petition_key(petition.slug)) is None


def test_each_request_gets_its_own_copy_of_a_kept_petition(world: World) -> None:
    """What a request loads on its petition (its owner) or changes on it is not what the
    next request finds."""
    petition = make_petition(owner=world.lyon)
    first = public_cache.visible_petition(anonymous_request(), petition.slug)
    assert first.owner == world.lyon
    first.title = "Changed by one request"

    second = public_cache.visible_petition(anonymous_request(), petition.slug)

    assert second is not first
    assert second.title == "Pour la paix"
    assert not second._state.fields_cache
