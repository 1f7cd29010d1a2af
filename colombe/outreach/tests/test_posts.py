"""The post workflow (colombe.outreach.services): drafting, review, scheduling, who may
do what, and what a post must be before it goes out."""

import io
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from django.utils import timezone
from django_tasks.signals import task_enqueued
from PIL import Image

from colombe.core.models import AuditEntry
from colombe.movement.models import Structure
from colombe.outreach import services
from colombe.outreach.models import (
    Campaign,
    ChecklistItem,
    CommunicationRole,
    Network,
    Post,
    PostReview,
    PostTarget,
    SocialAccount,
)
from tests.personas import World

# An address that is refused at once (a private address): creating a post with a link
# queues its preview, which must not reach the network during tests.
# The services' messages are read in English, the source language.
pytestmark = pytest.mark.usefixtures("english_pages")

QUIET_LINK = "https://10.1.2.3/appel"


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> None:
    """Images written by a test go to its own folder, never to var/."""
    settings.MEDIA_ROOT = tmp_path / "media"


def account(owner: Structure, network: str, handle: str, **fields: Any) -> SocialAccount:
    return SocialAccount.objects.create(
        network=network,
        handle=handle,
        url=f"https://example.org/{handle}",
        label=f"Colombe {owner.name} {network}",
        owner=owner,
        **fields,
    )


class Accounts:
    """The movement's accounts in the persona world."""

    def __init__(self, world: World) -> None:
        self.mastodon = account(world.lyon, Network.MASTODON, "@lyon")
        self.bluesky = account(world.lyon, Network.BLUESKY, "lyon.bsky.social")
        self.facebook = account(world.lyon, Network.FACEBOOK, "colombe.lyon")
        self.dormant = account(
            world.lyon, Network.INSTAGRAM, "colombe_lyon", status=SocialAccount.Status.DORMANT
        )
        self.national_x = account(world.national, Network.X, "@colombe")


@pytest.fixture
def accounts(world: World) -> Accounts:
    return Accounts(world)


def png(name: str = "affiche.png") -> SimpleUploadedFile:
    output = io.BytesIO()
    Image.new("RGB", (64, 48), (20, 80, 160)).save(output, format="PNG")
    return SimpleUploadedFile(name, output.getvalue(), content_type="image/png")


def draft(world: World, known: Accounts, author: Any = None, **fields: Any) -> Post:
    values: dict[str, Any] = {
        "structure": world.lyon,
        "text": "Rassemblement samedi place Bellecour #paix",
        "link_url": "",
        "campaign": None,
        "accounts": [known.mastodon, known.facebook],
        **fields,
    }
    return services.create_post(author or world.bob, **values)


def in_review(world: World, known: Accounts, **fields: Any) -> Post:
    post = draft(world, known, **fields)
    services.submit_for_review(world.bob, post)
    return post


def scheduled(world: World, known: Accounts, when: Any = None, **fields: Any) -> Post:
    post = in_review(world, known, **fields)
    when = when or timezone.now() + timedelta(days=1)
    services.approve_and_schedule(world.alice, post, when, [], "")
    return post


def lyon_communication_lead(world: World, user: Any) -> None:
    CommunicationRole.objects.create(user=user, structure=world.lyon, appointed_by=world.bob)


# Drafting --------------------------------------------------------------------------------


def test_a_member_drafts_a_post_with_targets_and_hashtags(world: World, accounts: Accounts) -> None:
    post = draft(world, accounts, author=world.charlie, text="Venez ! #Paix #désarmement")
    assert post.status == Post.Status.DRAFT
    assert post.author == world.charlie
    assert set(post.accounts.all()) == {accounts.mastodon, accounts.facebook}
    assert sorted(post.hashtags.values_list("name", flat=True)) == ["désarmement", "paix"]
    assert AuditEntry.objects.filter(action="outreach.post.created", object_id=str(post.pk))


@pytest.mark.parametrize("persona", ["eve", "dana", "frank"])
def test_outsiders_cannot_post_for_lyon(world: World, accounts: Accounts, persona: str) -> None:
    with pytest.raises(PermissionDenied):
        draft(world, accounts, author=getattr(world, persona))
    assert not Post.objects.exists()


def test_empty_text_is_refused(world: World, accounts: Accounts) -> None:
    with pytest.raises(ValidationError) as caught:
        draft(world, accounts, text="   ")
    assert "text" in caught.value.message_dict


def test_length_is_checked_per_network_with_the_excess(world: World, accounts: Accounts) -> None:
    text = "a" * 310
    with pytest.raises(ValidationError) as caught:
        draft(world, accounts, text=text, accounts=[accounts.mastodon, accounts.bluesky])
    messages = caught.value.message_dict["text"]
    assert messages == [
        "The text is too long for Bluesky: 310 characters, 10 more than its limit of 300."
    ]
    # Mastodon's 500 characters are enough.
    assert draft(world, accounts, text=text, accounts=[accounts.mastodon]).pk


def test_addresses_count_23_characters_and_the_link_is_counted(
    world: World, accounts: Accounts
) -> None:
    long_address = "https://example.org/" + "x" * 200
    assert services.counted_length(f"Lisez {long_address}") == len("Lisez ") + 23
    # 270 + two line breaks + a 23-character link = 295: within Bluesky's 300.
    assert services.length_errors("b" * 270, long_address, [Network.BLUESKY]) == []
    assert services.length_errors("b" * 280, long_address, [Network.BLUESKY]) != []
    # The link already in the text is not added twice.
    text = f"Signez {long_address}"
    assert services.text_as_published(text, long_address) == text
    assert services.text_as_published("Signez", QUIET_LINK) == f"Signez\n\n{QUIET_LINK}"


def test_a_dormant_account_cannot_be_targeted(world: World, accounts: Accounts) -> None:
    with pytest.raises(ValidationError) as caught:
        draft(world, accounts, accounts=[accounts.dormant])
    assert caught.value.message_dict["accounts"] == [
        f"{accounts.dormant} is dormant: it cannot publish."
    ]


def test_a_committee_cannot_target_another_structures_account(
    world: World, accounts: Accounts
) -> None:
    with pytest.raises(ValidationError) as caught:
        draft(world, accounts, accounts=[accounts.national_x])
    assert caught.value.message_dict["accounts"] == [
        f"{accounts.national_x} is not an account of Comité de Lyon."
    ]


def test_the_communication_group_may_target_any_active_account(
    world: World, accounts: Accounts
) -> None:
    post = draft(
        world, accounts, author=world.alice, accounts=[accounts.national_x, accounts.mastodon]
    )
    assert post.targets.count() == 2


def test_update_replaces_targets_and_clears_the_old_preview(
    world: World, accounts: Accounts
) -> None:
    post = draft(world, accounts, link_url=QUIET_LINK)
    Post.objects.filter(pk=post.pk).update(link_title="Ancien titre")
    post.refresh_from_db()
    services.update_post(
        world.charlie,
        post,
        structure=world.lyon,
        campaign=None,
        text="Nouveau texte",
        link_url="https://10.9.9.9/autre",
        accounts=[accounts.bluesky],
    )
    post.refresh_from_db()
    assert post.text == "Nouveau texte"
    assert post.link_title == ""
    assert list(post.accounts.all()) == [accounts.bluesky]


def test_images_need_a_description_and_are_at_most_four(world: World, accounts: Accounts) -> None:
    post = draft(world, accounts)
    with pytest.raises(services.PostActionError, match="describe the image"):
        services.add_image(world.bob, post, png(), "  ")
    for number in range(4):
        services.add_image(world.bob, post, png(), f"Affiche {number}")
    with pytest.raises(services.PostActionError, match="at most 4 images"):
        services.add_image(world.bob, post, png(), "Une de trop")
    assert list(post.images.values_list("position", flat=True)) == [0, 1, 2, 3]


def test_removing_an_image_deletes_its_file(
    world: World, accounts: Accounts, django_capture_on_commit_callbacks: Any
) -> None:
    post = draft(world, accounts)
    image = services.add_image(world.bob, post, png(), "Affiche")
    path = Path(image.image.path)
    assert path.exists()
    with django_capture_on_commit_callbacks(execute=True):
        services.remove_image(world.charlie, image)
    assert not path.exists()
    assert not post.images.exists()


# Review ----------------------------------------------------------------------------------


def test_submitting_needs_an_account(world: World, accounts: Accounts) -> None:
    post = draft(world, accounts, accounts=[])
    with pytest.raises(services.PostActionError, match="at least one account"):
        services.submit_for_review(world.bob, post)
    post.refresh_from_db()
    assert post.status == Post.Status.DRAFT


def test_submitting_puts_the_post_in_review(world: World, accounts: Accounts) -> None:
    post = in_review(world, accounts)
    post.refresh_from_db()
    assert post.status == Post.Status.IN_REVIEW
    assert post.submitted_at is not None
    # In review, nobody edits it any more (it is the version being reviewed).
    with pytest.raises(PermissionDenied):
        services.update_post(world.bob, post, accounts=[], text="Autre chose")


def test_reviewers_are_the_group_and_the_committees_lead_not_the_author(
    world: World, accounts: Accounts
) -> None:
    lyon_communication_lead(world, world.charlie)
    post = draft(world, accounts)
    assert services.reviewers_of(post) == [world.alice, world.charlie]
    own = draft(world, accounts, author=world.charlie)
    assert services.reviewers_of(own) == [world.alice]


def test_nobody_reviews_their_own_post(world: World, accounts: Accounts) -> None:
    post = draft(world, accounts, author=world.alice)
    services.submit_for_review(world.alice, post)
    with pytest.raises(PermissionDenied):
        services.approve_and_schedule(world.alice, post, None, [], "")


@pytest.mark.parametrize("persona", ["bob", "charlie"])
def test_committee_members_without_the_role_do_not_review(
    world: World, accounts: Accounts, persona: str
) -> None:
    post = draft(world, accounts, author=world.charlie if persona == "bob" else world.bob)
    services.submit_for_review(post.author, post)
    with pytest.raises(PermissionDenied):
        services.approve_and_schedule(getattr(world, persona), post, None, [], "")


def test_an_outsider_reviewing_gets_404(world: World, accounts: Accounts) -> None:
    post = in_review(world, accounts)
    with pytest.raises(Http404):
        services.request_changes(world.eve, post, "Non", [])


def test_the_committees_communication_lead_reviews(world: World, accounts: Accounts) -> None:
    lyon_communication_lead(world, world.charlie)
    post = in_review(world, accounts)
    items = [ChecklistItem.objects.create(text=f"Question {n}") for n in range(2)]
    when = timezone.now() + timedelta(days=2)
    review = services.approve_and_schedule(world.charlie, post, when, items[:1], "Parfait")
    post.refresh_from_db()
    assert post.status == Post.Status.SCHEDULED
    assert post.scheduled_at == when
    assert post.reviewed_by == world.charlie
    assert review.decision == PostReview.Decision.APPROVED
    assert list(review.checked_items.all()) == items[:1]
    assert set(post.targets.values_list("state", flat=True)) == {PostTarget.State.PENDING}


def test_changes_requested_need_a_comment_and_reopen_the_draft(
    world: World, accounts: Accounts
) -> None:
    post = in_review(world, accounts)
    with pytest.raises(services.PostActionError, match="what should change"):
        services.request_changes(world.alice, post, " ", [])
    services.request_changes(world.alice, post, "Ajoutez la date.", [])
    post.refresh_from_db()
    assert post.status == Post.Status.CHANGES_REQUESTED
    services.update_post(
        world.bob,
        post,
        structure=world.lyon,
        campaign=None,
        text="Rassemblement samedi 12 à 15 h",
        link_url="",
        accounts=[accounts.mastodon],
    )
    services.submit_for_review(world.bob, post)
    post.refresh_from_db()
    assert post.status == Post.Status.IN_REVIEW


def test_inactive_checklist_items_are_not_recorded(world: World, accounts: Accounts) -> None:
    post = in_review(world, accounts)
    retired = ChecklistItem.objects.create(text="Ancienne question", is_active=False)
    review = services.request_changes(world.alice, post, "Revoir", [retired])
    assert not review.checked_items.exists()


def test_an_account_gone_dormant_stops_the_approval(world: World, accounts: Accounts) -> None:
    post = in_review(world, accounts)
    SocialAccount.objects.filter(pk=accounts.facebook.pk).update(
        status=SocialAccount.Status.DORMANT
    )
    with pytest.raises(services.PostActionError, match="dormant"):
        services.approve_and_schedule(world.alice, post, None, [], "")
    post.refresh_from_db()
    assert post.status == Post.Status.IN_REVIEW


@pytest.fixture
def enqueued() -> Iterator[list[str]]:
    """Names of the tasks enqueued during the test."""
    names: list[str] = []

    def record(sender: Any, task_result: Any, **kwargs: Any) -> None:
        names.append(task_result.task.name)

    task_enqueued.connect(record, weak=False)
    yield names
    task_enqueued.disconnect(record)


def test_a_time_already_past_sends_at_once(
    world: World,
    accounts: Accounts,
    enqueued: list[str],
    django_capture_on_commit_callbacks: Any,
) -> None:
    post = in_review(world, accounts, accounts=[accounts.facebook])
    with django_capture_on_commit_callbacks(execute=True):
        services.approve_and_schedule(
            world.alice, post, timezone.now() - timedelta(minutes=1), [], ""
        )
    assert "publish_due_posts" in enqueued


def test_a_future_time_waits_for_the_sweep(
    world: World,
    accounts: Accounts,
    enqueued: list[str],
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        scheduled(world, accounts)
    assert "publish_due_posts" not in enqueued


def test_unscheduling_takes_the_post_back_to_review(world: World, accounts: Accounts) -> None:
    post = scheduled(world, accounts)
    with pytest.raises(PermissionDenied):
        services.unschedule(world.charlie, post)
    services.unschedule(world.alice, post)
    post.refresh_from_db()
    assert post.status == Post.Status.IN_REVIEW
    assert post.scheduled_at is None


def test_a_post_already_going_out_cannot_be_unscheduled(world: World, accounts: Accounts) -> None:
    post = scheduled(world, accounts)
    post.targets.filter(account=accounts.facebook).update(state=PostTarget.State.PUBLISHED)
    with pytest.raises(services.PostActionError, match="already going out"):
        services.unschedule(world.alice, post)


# Comments and deletion -------------------------------------------------------------------


def test_comments_by_the_committee_and_reviewers(world: World, accounts: Accounts) -> None:
    post = in_review(world, accounts)
    services.add_comment(world.charlie, post, "Et une photo ?")
    services.add_comment(world.alice, post, "D'accord.")
    assert list(post.comments.values_list("body", flat=True)) == ["Et une photo ?", "D'accord."]
    with pytest.raises(Http404):
        services.add_comment(world.eve, post, "Bonjour")
    with pytest.raises(services.PostActionError):
        services.add_comment(world.charlie, post, "   ")


def test_only_the_author_or_the_group_deletes_and_never_a_published_post(
    world: World, accounts: Accounts
) -> None:
    post = draft(world, accounts)
    with pytest.raises(PermissionDenied):
        services.delete_post(world.charlie, post)
    services.delete_post(world.bob, post)
    assert not Post.objects.filter(pk=post.pk).exists()
    published = scheduled(world, accounts)
    Post.objects.filter(pk=published.pk).update(status=Post.Status.PUBLISHED)
    published.refresh_from_db()
    with pytest.raises(PermissionDenied):
        services.delete_post(world.alice, published)


# Campaigns -------------------------------------------------------------------------------


def test_the_communication_group_creates_campaigns(world: World) -> None:
    fields: dict[str, Any] = {
        "title": "Désarmement",
        "description": "",
        "starts_on": timezone.localdate(),
        "ends_on": timezone.localdate() + timedelta(days=10),
    }
    with pytest.raises(PermissionDenied):
        services.create_campaign(world.bob, hashtags="", **fields)
    first = services.create_campaign(world.alice, hashtags="#paix, désarmement", **fields)
    second = services.create_campaign(world.alice, **fields)
    assert (first.slug, second.slug) == ("desarmement", "desarmement-2")
    assert sorted(first.hashtags.values_list("name", flat=True)) == ["désarmement", "paix"]
    services.update_campaign(world.alice, first, hashtags="", **{**fields, "title": "Paix"})
    first.refresh_from_db()
    assert (first.title, first.slug) == ("Paix", "desarmement")
    assert not first.hashtags.exists()
    assert Campaign.objects.count() == 2
