"""The planning pages for each persona: who sees an action, who organises it, who sees
volunteers' phone numbers; a secret group's action does not exist for outsiders."""

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from colombe.actions import services
from colombe.actions.models import Action, SignUp
from colombe.actions.tests.plan_helpers import move_to_the_past, plan, slot_of
from colombe.core.models import AuditEntry
from tests.personas import SECRET_GROUP_NAME, World

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_pages")]
PERSONAS = ["anonymous", "eve", "charlie", "bob", "alice"]


def client_for(world: World, persona: str) -> Client:
    client = Client()
    if persona != "anonymous":
        client.force_login(getattr(world, persona))
    return client


def is_login_redirect(response: Any) -> bool:
    return response.status_code == 302 and response["Location"].startswith(reverse("account_login"))


@pytest.fixture
def action(world: World) -> Action:
    return plan(world, slots=(("Distribuer", 3),))


@pytest.mark.parametrize("persona", PERSONAS)
def test_a_public_action_is_for_everyone(world: World, action: Action, persona: str) -> None:
    client = client_for(world, persona)
    response = client.get(action.get_absolute_url())
    assert response.status_code == 200
    assert action.title in response.text
    assert response.context["is_organiser"] is (persona in {"bob", "alice"})
    assert client.get(reverse("actions:agenda")).status_code == 200
    assert action.title in client.get(reverse("actions:agenda")).text


ORGANISER_PAGES = ["edit", "cancel", "slot_add", "volunteers"]


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name", ORGANISER_PAGES)
def test_organiser_pages(world: World, action: Action, persona: str, name: str) -> None:
    response = client_for(world, persona).get(reverse(f"actions:{name}", args=[action.slug]))
    if persona == "anonymous":
        assert is_login_redirect(response)
    else:
        expected = 200 if persona in {"bob", "alice"} else 403
        assert response.status_code == expected


@pytest.mark.parametrize("persona", PERSONAS)
def test_slot_pages(world: World, action: Action, persona: str) -> None:
    slot = slot_of(action, "Distribuer")
    client = client_for(world, persona)
    for name in ["slot_edit", "slot_remove"]:
        response = client.get(reverse(f"actions:{name}", args=[action.slug, slot.pk]))
        if persona == "anonymous":
            assert is_login_redirect(response)
        else:
            assert response.status_code == (200 if persona in {"bob", "alice"} else 403)


def test_members_only_action_is_hidden_from_outsiders(world: World) -> None:
    action = plan(world, visibility=Action.Visibility.MEMBERS)
    assert client_for(world, "anonymous").get(action.get_absolute_url()).status_code == 404
    assert client_for(world, "eve").get(action.get_absolute_url()).status_code == 404
    assert client_for(world, "charlie").get(action.get_absolute_url()).status_code == 200


def secret_action_urls(action: Action) -> list[tuple[str, str]]:
    slot = action.slots.get()
    by_slot = {"slot_edit", "slot_remove", "sign_up", "withdraw"}
    names = ["detail", "edit", "cancel", "slot_add", "volunteers", "to_report", *sorted(by_slot)]
    return [
        (
            "post" if name in {"sign_up", "withdraw", "to_report"} else "get",
            reverse(
                f"actions:{name}", args=[action.slug, slot.pk] if name in by_slot else [action.slug]
            ),
        )
        for name in names
    ]


@pytest.mark.parametrize("persona", ["anonymous", "eve", "alice"])
def test_a_secret_groups_action_does_not_exist_for_outsiders(world: World, persona: str) -> None:
    action = plan(world, title=SECRET_GROUP_NAME, group=world.secret_group, slots=(("Veille", 2),))
    client = client_for(world, persona)
    for method, url in secret_action_urls(action):
        response = getattr(client, method)(url)
        assert response.status_code == 404, url
    for page in [reverse("actions:agenda"), reverse("actions:ical")]:
        assert SECRET_GROUP_NAME not in client.get(page).content.decode()


def test_a_secret_groups_action_is_there_for_its_members(world: World) -> None:
    action = plan(world, title=SECRET_GROUP_NAME, group=world.secret_group)
    response = client_for(world, "charlie").get(reverse("actions:agenda"))
    assert SECRET_GROUP_NAME in response.text
    assert client_for(world, "charlie").get(action.get_absolute_url()).status_code == 200


def test_phone_numbers_only_when_agreed_and_only_for_organisers(
    world: World, action: Action
) -> None:
    slot = slot_of(action, "Distribuer")
    client_for(world, "charlie").post(
        reverse("actions:sign_up", args=[action.slug, slot.pk]),
        {"phone": "06 12 34 56 78", "share_phone": "on", "comment": "Avec ma voiture"},
    )
    client_for(world, "dana").post(
        reverse("actions:sign_up", args=[action.slug, slot.pk]), {"phone": "07 98 76 54 32"}
    )
    assert SignUp.objects.filter(slot=slot).count() == 2
    page = client_for(world, "bob").get(reverse("actions:volunteers", args=[action.slug])).text
    assert "06 12 34 56 78" in page and "Avec ma voiture" in page
    assert "Dana" in page and "07 98 76 54 32" not in page
    for persona in ["charlie", "eve", "anonymous"]:
        detail = client_for(world, persona).get(action.get_absolute_url()).text
        assert "06 12 34 56 78" not in detail


def test_volunteer_csv_is_audited(world: World, action: Action) -> None:
    slot = slot_of(action, "Distribuer")
    services.sign_up(world.charlie, slot, phone="0612", share_phone=True)
    services.sign_up(world.dana, slot)
    response = client_for(world, "bob").get(
        reverse("actions:volunteers", args=[action.slug]), {"format": "csv"}
    )
    body = response.getvalue().decode()
    assert response["Content-Type"].startswith("text/csv")
    assert "Charlie;charlie@example.org;Distribuer;0612" in body
    assert "Dana;dana@example.org;Distribuer;;" in body
    assert AuditEntry.objects.filter(
        action="actions.volunteers.exported", actor=world.bob, object_id=str(action.pk)
    ).exists()
    csv_for_charlie = client_for(world, "charlie").get(
        reverse("actions:volunteers", args=[action.slug]), {"format": "csv"}
    )
    assert csv_for_charlie.status_code == 403


def test_sign_up_and_withdraw_from_the_page(world: World, action: Action) -> None:
    slot = slot_of(action, "Distribuer")
    client = client_for(world, "eve")
    response = client.post(reverse("actions:sign_up", args=[action.slug, slot.pk]), follow=True)
    assert "You are signed up" in response.text
    response = client.post(reverse("actions:withdraw", args=[action.slug, slot.pk]), follow=True)
    assert "no longer signed up" in response.text
    assert not SignUp.objects.exists()
    anonymous = client_for(world, "anonymous")
    assert is_login_redirect(
        anonymous.post(reverse("actions:sign_up", args=[action.slug, slot.pk]))
    )


def test_sign_up_errors_are_shown_on_the_page(world: World, action: Action) -> None:
    slot = slot_of(action, "Distribuer")
    response = client_for(world, "charlie").post(
        reverse("actions:sign_up", args=[action.slug, slot.pk]), {"share_phone": "on"}
    )
    assert response.status_code == 422
    assert "error-summary" in response.text
    assert "Give the number the organisers may call." in response.text
    assert not SignUp.objects.exists()


def test_a_full_slot_says_so(world: World) -> None:
    action = plan(world, slots=(("Stand", 1),))
    slot = slot_of(action, "Stand")
    services.sign_up(world.bob, slot)
    url = reverse("actions:sign_up", args=[action.slug, slot.pk])
    response = client_for(world, "charlie").post(url, follow=True)
    assert "Every place of “Stand” is taken." in response.text
    assert "Full." in response.text


def test_plan_an_action_with_the_form(world: World) -> None:
    client = client_for(world, "bob")
    choose = client.get(reverse("actions:create"))
    assert world.lyon.name in choose.text and SECRET_GROUP_NAME in choose.text
    url = reverse("actions:create") + f"?comite={world.lyon.slug}"
    data = {
        "kind": "leaflets",
        "title": "Tracts au marché de la Croix-Rousse",
        "date": "2031-05-17",
        "start_time": "10:00",
        "end_time": "12:00",
        "place": "Boulevard de la Croix-Rousse",
        "town": "Lyon",
        "territory": world.lyon.territory_id,
        "visibility": "public",
        "latitude": "45.77470",
        "longitude": "4.83100",
        "hashtags": "#paix",
    }
    response = client.post(url, data)
    action = Action.objects.get()
    assert response.status_code == 302 and response["Location"] == action.get_absolute_url()
    assert action.slug == "tracts-au-marche-de-la-croix-rousse-2031-05-17"
    page = client.get(action.get_absolute_url()).text
    assert "https://www.openstreetmap.org/?mlat=45.77470&amp;mlon=4.83100" in page
    assert "Rhône" in page  # the department highlighted on the map


def test_the_form_shows_its_errors(world: World) -> None:
    url = reverse("actions:create") + f"?comite={world.lyon.slug}"
    response = client_for(world, "bob").post(url, {"kind": "leaflets", "latitude": "45.1"})
    assert response.status_code == 422
    assert "error-summary" in response.text
    assert not Action.objects.exists()


@pytest.mark.parametrize(
    ("persona", "status"), [("eve", 403), ("charlie", 200), ("bob", 200), ("alice", 200)]
)
def test_who_may_plan(world: World, persona: str, status: int) -> None:
    assert client_for(world, persona).get(reverse("actions:create")).status_code == status


def test_slots_are_managed_from_the_pages(world: World, action: Action) -> None:
    client = client_for(world, "bob")
    response = client.post(
        reverse("actions:slot_add", args=[action.slug]),
        {"kind": "remote", "label": "Appeler les adhérents", "capacity": ""},
    )
    assert response.status_code == 302
    remote = slot_of(action, "Appeler les adhérents")
    assert (remote.kind, remote.capacity) == ("remote", None)
    client.post(
        reverse("actions:slot_edit", args=[action.slug, remote.pk]),
        {"kind": "remote", "label": "Partager la pétition", "capacity": "10"},
    )
    remote.refresh_from_db()
    assert (remote.label, remote.capacity) == ("Partager la pétition", 10)
    client.post(reverse("actions:slot_remove", args=[action.slug, remote.pk]))
    assert list(action.slots.values_list("label", flat=True)) == ["Distribuer"]


@pytest.mark.parametrize("persona", PERSONAS)
def test_turn_an_action_into_a_report(world: World, action: Action, persona: str) -> None:
    move_to_the_past(action)
    response = client_for(world, persona).post(reverse("actions:to_report", args=[action.slug]))
    if persona == "anonymous":
        assert is_login_redirect(response)
    elif persona in {"bob", "alice"}:
        action.refresh_from_db()
        assert action.report is not None
        assert response["Location"] == reverse("reports:edit", args=[action.report.slug])
    else:
        assert response.status_code == 403


def test_cancel_asks_first(world: World, action: Action) -> None:
    client = client_for(world, "bob")
    url = reverse("actions:cancel", args=[action.slug])
    assert "Yes, cancel the action" in client.get(url).text
    action.refresh_from_db()
    assert action.status == Action.Status.PLANNED
    client.post(url)
    action.refresh_from_db()
    assert action.status == Action.Status.CANCELLED


def test_a_past_action_takes_no_volunteers(world: World) -> None:
    action = plan(world, starts_in=timedelta(hours=-4), slots=(("Distribuer", None),))
    page = client_for(world, "charlie").get(action.get_absolute_url()).text
    assert "This action is over." in page
    assert reverse("actions:sign_up", args=[action.slug, action.slots.get().pk]) not in page
