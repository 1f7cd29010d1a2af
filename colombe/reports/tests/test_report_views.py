from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from colombe.core.models import AuditEntry
from colombe.reports import services
from colombe.reports.models import ActionReport, Comment, Reaction
from colombe.reports.tests.report_helpers import form_data, jpeg_with_gps, make_report
from tests.personas import SECRET_GROUP_NAME, World

pytestmark = pytest.mark.django_db


def as_user(client: Client, user: Any) -> Client:
    client.logout()
    if user is not None:
        client.force_login(user)
    return client


PERSONAS = [None, "eve", "charlie", "bob", "alice"]


@pytest.mark.parametrize(
    ("persona", "public", "secret", "draft"),
    [
        (None, 200, 404, 404),
        ("eve", 200, 404, 404),
        ("charlie", 200, 200, 404),
        ("bob", 200, 200, 200),
        ("alice", 200, 404, 404),
    ],
)
def test_detail_status_per_persona(
    client: Client, world: World, persona: str | None, public: int, secret: int, draft: int
) -> None:
    public_report = make_report(world, title="Public")
    secret_report = make_report(world, group=world.secret_group, title="Secret")
    draft_report = make_report(world, title="Brouillon", publish=False)
    as_user(client, getattr(world, persona) if persona else None)
    for report, expected in [
        (public_report, public),
        (secret_report, secret),
        (draft_report, draft),
    ]:
        response = client.get(report.get_absolute_url())
        assert response.status_code == expected, (persona, report.title)
        if expected == 404:
            assert SECRET_GROUP_NAME not in response.content.decode()


def test_secret_report_urls_are_404_for_outsiders(client: Client, world: World) -> None:
    report = make_report(world, group=world.secret_group)
    photo = services.add_photo(report, jpeg_with_gps((60, 40)), "Photo", actor=world.bob)
    for persona in [None, world.eve, world.alice]:
        as_user(client, persona)
        for name in ["edit", "delete", "publish", "autosave", "react", "comment", "reuse"]:
            url = reverse(f"reports:{name}", args=[report.slug])
            assert client.get(url).status_code == 404, name
            assert client.post(url, {"kind": "bravo", "body": "x"}).status_code == 404, name
        for name in ["photo", "thumbnail"]:
            url = reverse(f"reports:{name}", args=[report.slug, photo.pk])
            assert client.get(url).status_code == 404


def test_photo_served_to_readers_only(client: Client, world: World) -> None:
    report = make_report(world, visibility=ActionReport.Visibility.COMMITTEE)
    photo = services.add_photo(report, jpeg_with_gps((60, 40)), "Photo", actor=world.bob)
    url = reverse("reports:thumbnail", args=[report.slug, photo.pk])
    as_user(client, world.charlie)
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    as_user(client, world.eve)
    assert client.get(url).status_code == 404


def test_create_and_publish_with_photo(client: Client, world: World) -> None:
    as_user(client, world.bob)
    page = client.get(reverse("reports:create"))
    assert page.status_code == 200 and b'value="publish"' in page.content
    response = client.post(
        reverse("reports:create"),
        form_data(action="publish", photo=jpeg_with_gps((300, 200)), photo_alt="Des tracts"),
    )
    report = ActionReport.objects.get()
    assert response.status_code == 302 and response["Location"] == report.get_absolute_url()
    assert report.status == ActionReport.Status.PUBLISHED and report.structure == world.lyon
    assert report.photos.get().alt_text == "Des tracts"
    detail = client.get(report.get_absolute_url()).content.decode()
    assert 'alt="Des tracts"' in detail
    assert reverse("core:hashtag", args=["désarmement"]) in detail


def test_photo_without_alt_text_is_refused(client: Client, world: World) -> None:
    as_user(client, world.bob)
    response = client.post(
        reverse("reports:create"), form_data(action="publish", photo=jpeg_with_gps((30, 20)))
    )
    assert response.status_code == 422
    assert not ActionReport.objects.exists()


def test_save_draft_needs_only_a_title(client: Client, world: World) -> None:
    as_user(client, world.charlie)
    response = client.post(
        reverse("reports:create"), {"title": "À finir", "action": "draft", "kind": "", "town": ""}
    )
    report = ActionReport.objects.get()
    assert response["Location"] == reverse("reports:edit", args=[report.slug])
    assert report.status == ActionReport.Status.DRAFT
    # Publishing it asks for the town.
    response = client.post(
        reverse("reports:edit", args=[report.slug]), {"title": "À finir", "action": "publish"}
    )
    assert response.status_code == 422


def test_create_for_a_committee_refused_to_outsider(client: Client, world: World) -> None:
    as_user(client, world.eve)
    assert client.get(reverse("reports:create") + "?structure=lyon").status_code == 403
    assert (
        client.get(reverse("reports:create") + "?group=" + world.secret_group.slug).status_code
        == 404
    )
    choice = client.get(reverse("reports:create"))
    assert choice.status_code == 200 and b"?structure=" not in choice.content


def test_create_in_secret_group_hides_visibility(client: Client, world: World) -> None:
    as_user(client, world.charlie)
    url = reverse("reports:create") + "?group=" + world.secret_group.slug
    page = client.get(url)
    assert page.status_code == 200 and b'name="visibility"' not in page.content
    client.post(url, form_data(action="publish"))
    report = ActionReport.objects.get()
    assert report.group == world.secret_group
    assert report.visibility == ActionReport.Visibility.COMMITTEE


def test_autosave_creates_then_updates_the_draft(client: Client, world: World) -> None:
    as_user(client, world.charlie)
    response = client.post(reverse("reports:autosave_new") + "?structure=lyon", {"title": "Stand"})
    assert response.status_code == 200
    data = response.json()
    report = ActionReport.objects.get()
    assert data["saved_at"] and data["edit_url"] == reverse("reports:edit", args=[report.slug])
    assert report.status == ActionReport.Status.DRAFT and report.author == world.charlie
    response = client.post(data["autosave_url"], {"title": "Stand", "town": "Bron"})
    assert response.status_code == 200
    assert ActionReport.objects.get().town == "Bron"
    assert ActionReport.objects.count() == 1


def test_autosave_without_title_is_422(client: Client, world: World) -> None:
    as_user(client, world.charlie)
    response = client.post(reverse("reports:autosave_new"), {"title": ""})
    assert response.status_code == 422 and "title" in response.json()["errors"]


def test_autosave_of_someone_elses_draft_is_404(client: Client, world: World) -> None:
    report = make_report(world, publish=False)
    as_user(client, world.charlie)
    response = client.post(reverse("reports:autosave", args=[report.slug]), {"title": "Pirate"})
    assert response.status_code == 404


def test_publish_button(client: Client, world: World) -> None:
    report = make_report(world, publish=False)
    as_user(client, world.charlie)
    assert client.post(reverse("reports:publish", args=[report.slug])).status_code == 404
    as_user(client, world.bob)
    client.post(reverse("reports:publish", args=[report.slug]))
    report.refresh_from_db()
    assert report.status == ActionReport.Status.PUBLISHED


def test_delete_asks_for_confirmation(client: Client, world: World) -> None:
    report = make_report(world)
    as_user(client, world.charlie)
    assert client.get(reverse("reports:delete", args=[report.slug])).status_code == 403
    as_user(client, world.bob)
    page = client.get(reverse("reports:delete", args=[report.slug]))
    assert page.status_code == 200 and ActionReport.objects.filter(pk=report.pk).exists()
    assert b'type="submit"' in page.content
    client.post(reverse("reports:delete", args=[report.slug]))
    assert not ActionReport.objects.filter(pk=report.pk).exists()


def test_members_react_and_comment_outsiders_are_refused(client: Client, world: World) -> None:
    report = make_report(world)
    as_user(client, world.eve)
    assert (
        client.post(reverse("reports:react", args=[report.slug]), {"kind": "bravo"}).status_code
        == 403
    )
    assert (
        client.post(reverse("reports:comment", args=[report.slug]), {"body": "x"}).status_code
        == 403
    )
    page = client.get(report.get_absolute_url()).content.decode()
    assert "Bravo" in page and "reutiliser" not in page
    as_user(client, world.charlie)
    client.post(reverse("reports:react", args=[report.slug]), {"kind": "bravo"})
    client.post(reverse("reports:comment", args=[report.slug]), {"body": "Super idée !"})
    assert Reaction.objects.filter(report=report, user=world.charlie).exists()
    assert Comment.objects.get().body == "Super idée !"
    page = client.get(report.get_absolute_url()).content.decode()
    assert "Super idée !" in page and 'aria-pressed="true"' in page


def test_reuse_redirects_to_new_draft(client: Client, world: World) -> None:
    report = make_report(world)
    as_user(client, world.charlie)
    response = client.post(
        reverse("reports:reuse", args=[report.slug]), {"structure": world.lyon.pk}
    )
    copy = ActionReport.objects.exclude(pk=report.pk).get()
    assert response["Location"] == reverse("reports:edit", args=[copy.slug])
    assert copy.reused_from == report and copy.author == world.charlie
    as_user(client, world.eve)
    response = client.post(
        reverse("reports:reuse", args=[report.slug]), {"structure": world.lyon.pk}
    )
    assert response.status_code == 403


def test_drafts_lists_my_drafts_only(client: Client, world: World) -> None:
    make_report(world, title="Brouillon de Bob", publish=False)
    as_user(client, world.charlie)
    assert "Brouillon de Bob" not in client.get(reverse("reports:drafts")).content.decode()
    as_user(client, world.bob)
    assert "Brouillon de Bob" in client.get(reverse("reports:drafts")).content.decode()


def test_editing_a_published_report_keeps_it_published(client: Client, world: World) -> None:
    report = make_report(world)
    as_user(client, world.bob)
    page = client.get(reverse("reports:edit", args=[report.slug]))
    assert b"data-autosave-url" not in page.content  # no autosave on a live report
    response = client.post(
        reverse("reports:edit", args=[report.slug]), form_data(title="Nouveau titre", action="save")
    )
    report.refresh_from_db()
    assert response["Location"] == report.get_absolute_url()
    assert report.title == "Nouveau titre" and report.status == ActionReport.Status.PUBLISHED
    assert (
        client.post(reverse("reports:autosave", args=[report.slug]), {"title": "x"}).status_code
        == 409
    )


def test_leaders_hide_a_comment_and_can_show_it_again(client: Client, world: World) -> None:
    report = make_report(world)
    services.comment(report, world.charlie, "Hors sujet, achetez mes chaussures")
    comment = Comment.objects.get()
    hide_url = reverse("reports:hide_comment", args=[report.slug, comment.pk])

    as_user(client, world.charlie)
    assert client.post(hide_url, {"action": "hide"}).status_code == 403
    as_user(client, world.bob)  # leads the committee
    client.post(hide_url, {"action": "hide"})
    comment.refresh_from_db()
    assert comment.hidden_at is not None
    assert "achetez mes chaussures" in client.get(report.get_absolute_url()).content.decode()
    as_user(client, world.charlie)
    assert "achetez mes chaussures" not in client.get(report.get_absolute_url()).content.decode()

    as_user(client, world.bob)
    client.post(hide_url, {"action": "show"})
    as_user(client, world.charlie)
    assert "achetez mes chaussures" in client.get(report.get_absolute_url()).content.decode()
    actions = AuditEntry.objects.filter(action__startswith="reports.comment.")
    assert list(actions.order_by("pk").values_list("action", flat=True)) == [
        "reports.comment.created",
        "reports.comment.hidden",
        "reports.comment.shown",
    ]
