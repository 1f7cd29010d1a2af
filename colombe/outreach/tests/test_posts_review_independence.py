"""The review is a second pair of eyes: nobody who wrote or edited a post reviews it
(colombe.outreach.policy.can_review_post reads the editors from the audit log)."""

import io
import re
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from colombe.core import policy
from colombe.core.audit import log_action
from colombe.outreach import services
from colombe.outreach.models import CommunicationRole, Network, Post, SocialAccount
from tests import factories
from tests.personas import World


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def karim(world: World) -> Any:
    """A Lyon member appointed the committee's communication lead: he reviews its posts."""
    user = factories.UserFactory.create(email="karim@example.org", display_name="Karim")
    factories.MembershipFactory.create(user=user, structure=world.lyon)
    CommunicationRole.objects.create(user=user, structure=world.lyon, appointed_by=world.bob)
    return user


@pytest.fixture
def account(world: World) -> SocialAccount:
    return SocialAccount.objects.create(
        network=Network.MASTODON,
        handle="@lyon",
        url="https://example.org/@lyon",
        label="Colombe Lyon",
        owner=world.lyon,
    )


@pytest.fixture
def charlies_draft(world: World, account: SocialAccount) -> Post:
    return services.create_post(
        world.charlie,
        structure=world.lyon,
        text="Rassemblement samedi place Bellecour #paix",
        link_url="",
        campaign=None,
        accounts=[account],
    )


def submitted(post: Post, world: World) -> Post:
    services.submit_for_review(world.charlie, post)
    post.refresh_from_db()
    return post


def may_review(user: Any, post: Post) -> bool:
    return policy.has_perm(user, "outreach.review_post", post)


def test_a_lead_who_did_not_touch_the_post_reviews_it(
    world: World, karim: Any, charlies_draft: Post
) -> None:
    assert may_review(karim, submitted(charlies_draft, world))


def test_a_lead_who_edited_the_draft_may_not_review_it(
    world: World, karim: Any, account: SocialAccount, charlies_draft: Post
) -> None:
    services.update_post(karim, charlies_draft, accounts=[account], text="Samedi #paix")
    post = submitted(charlies_draft, world)

    assert not may_review(karim, post)
    with pytest.raises(PermissionDenied):
        services.approve_and_schedule(karim, post, None, [], "")
    # Another reviewer may: the review still happens.
    assert may_review(world.alice, post)
    services.approve_and_schedule(world.alice, post, None, [], "")
    post.refresh_from_db()
    assert post.status == Post.Status.SCHEDULED


def test_adding_an_image_is_editing_too(world: World, karim: Any, charlies_draft: Post) -> None:
    output = io.BytesIO()
    Image.new("RGB", (64, 48), (20, 80, 160)).save(output, format="PNG")
    upload = SimpleUploadedFile("affiche.png", output.getvalue(), content_type="image/png")
    services.add_image(karim, charlies_draft, upload, "Une colombe sur fond bleu")

    assert not may_review(karim, submitted(charlies_draft, world))


def test_editing_another_post_does_not_count(
    world: World, karim: Any, account: SocialAccount, charlies_draft: Post
) -> None:
    other = services.create_post(
        karim,
        structure=world.lyon,
        text="Autre chose",
        link_url="",
        campaign=None,
        accounts=[account],
    )
    services.update_post(karim, other, accounts=[account], text="Autre")

    assert may_review(karim, submitted(charlies_draft, world))


# The lists agree with the policy: the "To review" tab, its badge and the emails ----------


def review_tab(user: Any) -> str:
    client = Client()
    client.force_login(user)
    response = client.get(reverse("outreach:posts"), {"onglet": "review"})
    assert response.status_code == 200
    return response.content.decode()


def review_badge(page: str) -> str | None:
    found = re.search(r'onglet=review"[^>]*>[^<]*<span class="badge">(\d+)</span>', page)
    return found.group(1) if found else None


def test_the_review_tab_leaves_out_posts_the_lead_edited(
    world: World, karim: Any, account: SocialAccount, charlies_draft: Post
) -> None:
    untouched = services.create_post(
        world.charlie,
        structure=world.lyon,
        text="Projection-débat jeudi soir",
        link_url="",
        campaign=None,
        accounts=[account],
    )
    submitted(untouched, world)
    services.update_post(karim, charlies_draft, accounts=[account], text="Samedi place Bellecour")
    submitted(charlies_draft, world)

    page = review_tab(karim)
    assert "Projection-débat jeudi soir" in page
    assert "Samedi place Bellecour" not in page
    assert review_badge(page) == "1"
    # Alice did not touch either: both wait for her.
    assert review_badge(review_tab(world.alice)) == "2"


def test_a_lead_who_edited_the_post_gets_no_review_email(
    world: World, karim: Any, account: SocialAccount, charlies_draft: Post
) -> None:
    services.update_post(karim, charlies_draft, accounts=[account], text="Samedi place Bellecour")
    mail.outbox.clear()
    submitted(charlies_draft, world)

    recipients = sorted(address for message in mail.outbox for address in message.to)
    assert recipients == [world.alice.email]
    assert services.reviewers_of(charlies_draft) == [world.alice]


def test_an_edit_by_a_deleted_account_does_not_empty_the_reviewers(
    world: World, karim: Any, charlies_draft: Post
) -> None:
    # An audit entry whose actor is gone (NULL) must not turn NOT IN into "nobody".
    log_action(None, "outreach.post.updated", charlies_draft)
    assert services.reviewers_of(submitted(charlies_draft, world)) == [world.alice, karim]
