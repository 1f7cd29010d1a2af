"""The post pages: list, composer, one post, review, recording a post made by hand —
with the statuses each persona gets and the emails the workflow sends."""

import re
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from colombe.outreach import services
from colombe.outreach.models import ChecklistItem, Post, PostImage, PostReview, PostTarget
from colombe.outreach.tests.test_posts import (
    QUIET_LINK,
    Accounts,
    draft,
    in_review,
    lyon_communication_lead,
    media,
    png,
    scheduled,
)
from tests.personas import World

pytestmark = pytest.mark.usefixtures("english_pages", media.__name__)


@pytest.fixture
def accounts(world: World) -> Accounts:
    return Accounts(world)


def logged_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def composer_data(known: Accounts, **overrides: Any) -> dict[str, Any]:
    return {
        "structure": str(known.mastodon.owner_id),
        "campaign": "",
        "text": "Rassemblement samedi #paix",
        "link_url": QUIET_LINK,
        "accounts": [str(known.mastodon.pk), str(known.facebook.pk)],
        **overrides,
    }


# The list ------------------------------------------------------------------------------


def test_the_list_is_for_members(world: World, accounts: Accounts) -> None:
    url = reverse("outreach:posts")
    assert Client().get(url).status_code == 302
    assert logged_in(world.eve).get(url).status_code == 403
    assert logged_in(world.dana).get(url).status_code == 403
    assert logged_in(world.charlie).get(url).status_code == 200


def test_tabs_sort_posts_for_each_person(world: World, accounts: Accounts) -> None:
    mine = draft(world, accounts, author=world.charlie, text="Le mien, brouillon")
    waiting = in_review(world, accounts, text="En relecture de Bob")
    planned = scheduled(world, accounts, text="Programmé pour demain")

    def texts(user: Any, tab: str, query: str = "") -> str:
        response = logged_in(user).get(reverse("outreach:posts"), {"onglet": tab, "q": query})
        assert response.status_code == 200
        return response.content.decode()

    assert mine.text in texts(world.charlie, "mine")
    assert waiting.text not in texts(world.charlie, "mine")
    assert waiting.text in texts(world.alice, "review")
    assert waiting.text not in texts(world.charlie, "review")
    assert planned.text in texts(world.frank, "scheduled")
    committees = texts(world.charlie, "committees")
    assert mine.text in committees and waiting.text in committees
    assert planned.text not in committees
    # Frank (another structure) does not read Lyon's drafts.
    assert mine.text not in texts(world.frank, "committees")
    searched = texts(world.charlie, "committees", "brouillon")
    assert mine.text in searched and waiting.text not in searched


# The composer ------------------------------------------------------------------------------


def test_who_may_open_the_composer(world: World) -> None:
    url = reverse("outreach:post_create")
    assert Client().get(url).status_code == 302
    assert logged_in(world.eve).get(url).status_code == 403
    response = logged_in(world.charlie).get(url)
    assert response.status_code == 200
    assert 'id="composer-data"' in response.content.decode()


def test_composing_a_post_with_an_image(world: World, accounts: Accounts) -> None:
    data = composer_data(accounts, image_1=png(), alt_1="Une colombe bleue")
    response = logged_in(world.charlie).post(reverse("outreach:post_create"), data)
    post = Post.objects.get()
    assert response.status_code == 302
    assert response["Location"] == post.get_absolute_url()
    assert post.author == world.charlie
    assert post.link_url == QUIET_LINK
    assert set(post.accounts.all()) == {accounts.mastodon, accounts.facebook}
    image = PostImage.objects.get(post=post)
    assert image.alt_text == "Une colombe bleue"
    page = logged_in(world.bob).get(post.get_absolute_url()).content.decode()
    assert 'alt="Une colombe bleue"' in page
    served = logged_in(world.bob).get(reverse("outreach:post_image", args=[post.pk, image.pk]))
    assert served.status_code == 200
    assert served["Content-Type"] == "image/png"
    assert (
        logged_in(world.eve)
        .get(reverse("outreach:post_image", args=[post.pk, image.pk]))
        .status_code
        == 404
    )


def test_an_image_without_description_is_refused(world: World, accounts: Accounts) -> None:
    data = composer_data(accounts, image_1=png(), alt_1="")
    response = logged_in(world.charlie).post(reverse("outreach:post_create"), data)
    assert response.status_code == 422
    assert "Please describe the image" in response.content.decode()
    assert not Post.objects.exists()


def test_a_text_too_long_names_the_network_and_the_excess(world: World, accounts: Accounts) -> None:
    data = composer_data(accounts, text="a" * 305, link_url="", accounts=[str(accounts.bluesky.pk)])
    response = logged_in(world.charlie).post(reverse("outreach:post_create"), data)
    assert response.status_code == 422
    assert "too long for Bluesky: 305 characters, 5 more than its limit of 300" in (
        response.content.decode()
    )


def test_a_committee_member_cannot_target_the_national_account(
    world: World, accounts: Accounts
) -> None:
    data = composer_data(accounts, accounts=[str(accounts.national_x.pk)])
    response = logged_in(world.charlie).post(reverse("outreach:post_create"), data)
    # The national account is not even offered to Charlie.
    assert response.status_code == 422
    assert not Post.objects.exists()


def test_editing_is_for_the_committee_before_review(world: World, accounts: Accounts) -> None:
    post = draft(world, accounts)
    url = reverse("outreach:post_edit", args=[post.pk])
    assert logged_in(world.eve).get(url).status_code == 404
    assert logged_in(world.frank).get(url).status_code == 404
    response = logged_in(world.charlie).post(url, composer_data(accounts, text="Corrigé"))
    assert response.status_code == 302
    post.refresh_from_db()
    assert post.text == "Corrigé"
    services.submit_for_review(world.bob, post)
    assert logged_in(world.charlie).get(url).status_code == 403


def test_removing_an_image(world: World, accounts: Accounts) -> None:
    post = draft(world, accounts)
    image = services.add_image(world.bob, post, png(), "Affiche")
    url = reverse("outreach:post_image_remove", args=[post.pk, image.pk])
    assert logged_in(world.charlie).get(url).status_code == 405
    assert logged_in(world.eve).post(url).status_code == 404
    assert logged_in(world.charlie).post(url).status_code == 302
    assert not post.images.exists()


# One post ----------------------------------------------------------------------------------


def test_a_draft_is_read_by_its_committee_only(world: World, accounts: Accounts) -> None:
    post = draft(world, accounts)
    url = post.get_absolute_url()
    assert Client().get(url).status_code == 404
    assert logged_in(world.eve).get(url).status_code == 404
    assert logged_in(world.frank).get(url).status_code == 404
    assert logged_in(world.charlie).get(url).status_code == 200
    assert logged_in(world.alice).get(url).status_code == 200


def test_a_scheduled_post_is_read_by_every_member(world: World, accounts: Accounts) -> None:
    post = scheduled(world, accounts)
    assert logged_in(world.frank).get(post.get_absolute_url()).status_code == 200
    assert logged_in(world.eve).get(post.get_absolute_url()).status_code == 404


def test_submitting_emails_the_reviewers(world: World, accounts: Accounts) -> None:
    lyon_communication_lead(world, world.charlie)
    post = draft(world, accounts)
    url = reverse("outreach:post_submit", args=[post.pk])
    assert logged_in(world.frank).post(url).status_code == 404
    response = logged_in(world.bob).post(url)
    assert response.status_code == 302
    post.refresh_from_db()
    assert post.status == Post.Status.IN_REVIEW
    assert sorted(message.to[0] for message in mail.outbox) == [
        "alice@example.org",
        "charlie@example.org",
    ]
    body = str(mail.outbox[0].body)
    assert post.text in body
    assert f"/reseaux/publications/{post.pk}/relecture/" in body


def test_the_review_form_shows_the_checklist(world: World, accounts: Accounts) -> None:
    ChecklistItem.objects.create(text="Is the image described?")
    ChecklistItem.objects.create(text="Retired question", is_active=False)
    post = in_review(world, accounts)
    url = reverse("outreach:post_review", args=[post.pk])
    assert logged_in(world.eve).get(url).status_code == 404
    assert logged_in(world.charlie).get(url).status_code == 403
    assert logged_in(world.bob).get(url).status_code == 403
    page = logged_in(world.alice).get(url).content.decode()
    assert "Is the image described?" in page
    assert "Retired question" not in page


def test_approving_schedules_and_emails_the_author(world: World, accounts: Accounts) -> None:
    item = ChecklistItem.objects.create(text="Is the image described?")
    post = in_review(world, accounts)
    mail.outbox.clear()
    when = timezone.localtime() + timedelta(days=3)
    response = logged_in(world.alice).post(
        reverse("outreach:post_review", args=[post.pk]),
        {
            "decision": "approved",
            "checked_items": [str(item.pk)],
            "scheduled_at": when.strftime("%Y-%m-%dT%H:%M"),
            "comment": "Très bien",
        },
    )
    assert response.status_code == 302
    post.refresh_from_db()
    assert post.status == Post.Status.SCHEDULED
    assert post.scheduled_at == when.replace(second=0, microsecond=0)
    review = PostReview.objects.get(post=post)
    assert list(review.checked_items.all()) == [item]
    assert [message.to for message in mail.outbox] == [["bob@example.org"]]
    assert "approuvée" in str(mail.outbox[0].subject)  # emails are always in French
    page = logged_in(world.charlie).get(post.get_absolute_url()).content.decode()
    assert "Is the image described?" in page and "Très bien" in page


def test_asking_for_changes_needs_a_comment(world: World, accounts: Accounts) -> None:
    post = in_review(world, accounts)
    url = reverse("outreach:post_review", args=[post.pk])
    refused = logged_in(world.alice).post(url, {"decision": "changes_requested", "comment": ""})
    assert refused.status_code == 422
    mail.outbox.clear()
    response = logged_in(world.alice).post(
        url, {"decision": "changes_requested", "comment": "Ajoutez l'heure."}
    )
    assert response.status_code == 302
    post.refresh_from_db()
    assert post.status == Post.Status.CHANGES_REQUESTED
    assert "Ajoutez l'heure." in str(mail.outbox[0].body)


def test_unscheduling(world: World, accounts: Accounts) -> None:
    post = scheduled(world, accounts)
    url = reverse("outreach:post_unschedule", args=[post.pk])
    assert logged_in(world.eve).post(url).status_code == 404
    assert logged_in(world.charlie).post(url).status_code == 403
    assert logged_in(world.alice).post(url).status_code == 302
    post.refresh_from_db()
    assert post.status == Post.Status.IN_REVIEW


def test_comments(world: World, accounts: Accounts) -> None:
    post = draft(world, accounts)
    url = reverse("outreach:post_comment", args=[post.pk])
    assert logged_in(world.eve).post(url, {"body": "Coucou"}).status_code == 404
    response = logged_in(world.charlie).post(url, {"body": "Ajoutons une photo"})
    assert response.status_code == 302
    page = logged_in(world.bob).get(post.get_absolute_url()).content.decode()
    assert "Ajoutons une photo" in page


def test_deleting_asks_for_confirmation(world: World, accounts: Accounts) -> None:
    post = draft(world, accounts)
    url = reverse("outreach:post_delete", args=[post.pk])
    assert logged_in(world.eve).get(url).status_code == 404
    assert logged_in(world.charlie).get(url).status_code == 403
    assert logged_in(world.bob).get(url).status_code == 200
    assert Post.objects.filter(pk=post.pk).exists()
    assert logged_in(world.bob).post(url).status_code == 302
    assert not Post.objects.filter(pk=post.pk).exists()


# Networks without an open API --------------------------------------------------------------


def test_publishing_by_hand_on_facebook(world: World, accounts: Accounts) -> None:
    post = scheduled(world, accounts, accounts=[accounts.facebook], link_url=QUIET_LINK)
    target = PostTarget.objects.get(post=post)
    url = reverse("outreach:target_record", args=[post.pk, target.pk])
    assert logged_in(world.eve).get(url).status_code == 404
    assert logged_in(world.frank).get(url).status_code == 403
    page = logged_in(world.charlie).get(url).content.decode()
    assert "https://www.facebook.com/sharer/sharer.php?u=https%3A%2F%2F10.1.2.3%2Fappel" in page
    assert "Rassemblement samedi place Bellecour #paix\n\nhttps://10.1.2.3/appel" in page
    response = logged_in(world.charlie).post(
        url, {"remote_url": "https://www.facebook.com/colombe.lyon/posts/1"}
    )
    assert response.status_code == 302
    target.refresh_from_db()
    post.refresh_from_db()
    assert target.state == PostTarget.State.PUBLISHED
    assert target.published_by == world.charlie
    assert post.status == Post.Status.PUBLISHED
    # Once published, there is nothing left to record.
    assert logged_in(world.charlie).get(url).status_code == 404


def test_the_prepared_text_has_a_copy_button(world: World, accounts: Accounts) -> None:
    post = scheduled(world, accounts, accounts=[accounts.facebook])
    target = PostTarget.objects.get(post=post)

    page = logged_in(world.charlie).get(
        reverse("outreach:target_record", args=[post.pk, target.pk])
    )

    html = page.content.decode()
    prepared = re.search(r'<textarea id="prepared-text"[^>]*>', html)
    assert prepared is not None
    assert "data-copy-text" in prepared.group(0)
    assert 'data-copy-label="Copy the text"' in prepared.group(0)
    assert "outreach/copy-text" in html  # the script that adds the button


def test_images_are_offered_for_download(world: World, accounts: Accounts) -> None:
    post = draft(world, accounts, accounts=[accounts.facebook])
    image = services.add_image(world.bob, post, png(), "Affiche")
    services.submit_for_review(world.bob, post)
    services.approve_and_schedule(world.alice, post, None, [], "")
    target = PostTarget.objects.get(post=post)
    page = logged_in(world.bob).get(reverse("outreach:target_record", args=[post.pk, target.pk]))
    image_url = reverse("outreach:post_image", args=[post.pk, image.pk])
    assert f"{image_url}?telecharger=1" in page.content.decode()
    download = logged_in(world.bob).get(image_url, {"telecharger": "1"})
    assert re.match(r'attachment; filename="image-\d+-1\.png"', download["Content-Disposition"])
