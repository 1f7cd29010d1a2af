"""A committee's post, from the draft to Mastodon, in a real browser, in French (issue 8):

Charlie, a member of the Lyon committee, logs in, goes to Réseaux → Publications → new
post, writes for Lyon a text with hashtags, a link to the committee's mini-site and a
photo with its description, ticks Lyon's Mastodon account and sends it for review.
Gaspard, of the national communication group, opens it, ticks the editorial charter's
checklist, approves it and schedules it a few minutes ahead; the editorial calendar shows
it on its day, by month and by week. Before its time the worker sends nothing; a few
minutes later it uploads the photo with its description to the (local, fake) Mastodon
server, then posts the status with it, and the post's page says it is published, with
the link to the status. Every page visited has zero axe-core violations, and the browsers
never ask anything of another host than the test servers.
"""

from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from PIL import Image
from playwright.sync_api import BrowserContext, Page, Request, Response
from pytest_django.live_server_helper import LiveServer

from colombe.accounts.models import User
from colombe.movement.models import Membership
from colombe.outreach import publishing
from colombe.outreach.models import (
    ChecklistItem,
    CommunicationRole,
    Network,
    Post,
    PostTarget,
    SocialAccount,
)
from colombe.outreach.tests.test_posts import media
from tests import factories
from tests.browser import OpenContext, assert_accessible, force_login, log_in_with_form, visit
from tests.fake_networks import FakeMastodon, connect_account, make_account
from tests.personas import World

pytestmark = [
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures(media.__name__),
]

TEXT = "Samedi 14 h, chaîne humaine place Bellecour pour la paix. Venez ! #paix #désarmement"
ALT_TEXT = "Une colombe blanche peinte sur une banderole bleue"
CHARTER = ["Le ton est-il non violent ?", "Chaque image est-elle décrite ?"]
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
WORKER_DELAY = timedelta(minutes=10)


@pytest.fixture
def foreign_requests() -> list[str]:
    """Every address a browser of the story asked for outside the test servers."""
    return []


@pytest.fixture
def watched_context(new_context: OpenContext, foreign_requests: list[str]) -> OpenContext:
    def open_watched(locale: str = "fr-FR") -> BrowserContext:
        context = new_context(locale)
        context.on("request", lambda request: note_if_foreign(request, foreign_requests))
        return context

    return open_watched


def note_if_foreign(request: Request, foreign: list[str]) -> None:
    parts = urlsplit(request.url)
    if parts.scheme in {"http", "https", "ws", "wss"} and parts.hostname not in LOCAL_HOSTS:
        foreign.append(request.url)


@pytest.fixture
def lyon_mastodon(world: World, fake_mastodon: FakeMastodon) -> SocialAccount:
    """Lyon's account in the registry, connected to the fake Mastodon server."""
    return connect_account(make_account(world.lyon, Network.MASTODON), fake_mastodon)


@pytest.fixture
def gaspard(world: World) -> User:
    """A member of the national communication group (who, unlike Alice, has no TOTP to
    set up before reviewing)."""
    user = factories.UserFactory.create(email="gaspard@example.org", display_name="Gaspard")
    factories.MembershipFactory.create(
        user=user, structure=world.national, role=Membership.Role.MEMBER
    )
    CommunicationRole.objects.create(user=user, structure=None, appointed_by=world.alice)
    return user


@pytest.fixture
def photo(tmp_path: Path) -> Path:
    path = tmp_path / "banderole.jpg"
    Image.new("RGB", (1200, 800), (40, 90, 170)).save(path, "JPEG", quality=90)
    return path


def follow_link(page: Page, path: str) -> None:
    """Click the link to ``path`` (the first on the page) and check the page it opens."""
    with page.expect_navigation() as navigation:
        page.locator(f"a[href='{path}']").first.click()
    check_page(page, navigation.value)


def submit_form(page: Page, form: str = "main form") -> None:
    """Submit ``form`` with its last button and check the page it leads to."""
    with page.expect_navigation() as navigation:
        page.locator(f"{form} button[type=submit]").last.click()
    check_page(page, navigation.value)


def check_page(page: Page, response: Response | None) -> None:
    assert response is not None and response.status == 200, page.url
    assert page.locator("html").get_attribute("lang") == "fr", page.url
    assert_accessible(page)


def draft_and_send_for_review(
    page: Page, account: SocialAccount, photo: Path, link: str, world: World
) -> Post:
    follow_link(page, reverse("outreach:home"))
    follow_link(page, reverse("outreach:posts"))
    follow_link(page, reverse("outreach:post_create"))
    page.select_option("#id_structure", label=world.lyon.name)
    page.fill("#id_text", TEXT)
    page.fill("#id_link_url", link)
    page.locator(f"input[name=accounts][value='{account.pk}']").check()
    page.set_input_files("#id_image_1", str(photo))
    page.fill("#id_alt_1", ALT_TEXT)
    submit_form(page)  # "Save": to the post's page
    post = Post.objects.get(author=world.charlie)
    assert page.url.endswith(post.get_absolute_url())
    assert page.locator(".post-images img").get_attribute("alt") == ALT_TEXT
    assert page.locator(".link-preview-title a").inner_text() == world.lyon.name
    submit_form(page, f"form[action='{reverse('outreach:post_submit', args=[post.pk])}']")
    post.refresh_from_db()
    assert post.status == Post.Status.IN_REVIEW
    assert set(post.hashtags.values_list("name", flat=True)) == {"paix", "désarmement"}
    return post


def paris_minute(moment: datetime) -> str:
    """What a datetime-local field holds: the Paris time, to the minute."""
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def review_and_schedule(page: Page, post: Post, when: datetime) -> None:
    follow_link(page, reverse("outreach:post_review", args=[post.pk]))
    assert page.locator("input[name=checked_items]").count() == len(CHARTER)
    for box in page.locator("input[name=checked_items]").all():
        box.check()
    page.locator("input[name=decision][value=approved]").check()
    page.fill("#id_scheduled_at", paris_minute(when))
    submit_form(page)  # back to the post's page
    post.refresh_from_db()
    assert post.status == Post.Status.SCHEDULED
    assert post.scheduled_at is not None
    assert paris_minute(post.scheduled_at) == paris_minute(when)
    assert post.reviews.get().checked_items.count() == len(CHARTER)


def assert_on_the_calendar(page: Page, base: str, post: Post, day: str) -> None:
    post_link = f"a[href='{post.get_absolute_url()}']"
    calendar = base + reverse("outreach:calendar")
    visit(page, f"{calendar}?vue=mois&date={day}")
    assert page.locator(f".cal-month td:has(time[datetime='{day}']) {post_link}").count() == 1
    visit(page, f"{calendar}?vue=semaine&date={day}")
    assert page.locator(f".cal-week-day:has(time[datetime='{day}']) {post_link}").count() == 1


def sweep_later(monkeypatch: pytest.MonkeyPatch, delay: timedelta) -> int:
    """The worker's periodic sweep, run ``delay`` from now; with the immediate task
    backend the sends it queues happen at once. Returns how many it queued."""
    later = timezone.now() + delay
    with monkeypatch.context() as patched:
        patched.setattr(timezone, "now", lambda: later)
        return publishing.enqueue_due_targets()


def test_a_post_goes_from_a_committee_draft_to_mastodon(
    live_server: LiveServer,
    watched_context: OpenContext,
    foreign_requests: list[str],
    world: World,
    gaspard: User,
    lyon_mastodon: SocialAccount,
    fake_mastodon: FakeMastodon,
    photo: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    base = live_server.url
    for text in CHARTER:
        ChecklistItem.objects.create(text=text)
    # This site's own host (SITE_URL's): its link preview is read from the live server.
    own_site = base.replace("localhost", "127.0.0.1")
    mini_site = own_site + reverse("presence:minisite", args=[world.lyon.slug])

    charlie = log_in_with_form(watched_context(), base, world.charlie)
    post = draft_and_send_for_review(charlie, lyon_mastodon, photo, mini_site, world)

    reviewer = watched_context()
    force_login(reviewer, base, gaspard)
    review_page = reviewer.new_page()
    visit(review_page, base + reverse("outreach:posts") + "?onglet=review")
    follow_link(review_page, post.get_absolute_url())
    when = timezone.now() + timedelta(minutes=5)
    review_and_schedule(review_page, post, when)
    assert_on_the_calendar(review_page, base, post, timezone.localdate(when).isoformat())

    assert sweep_later(monkeypatch, timedelta(minutes=1)) == 0, "sent before its time"
    assert fake_mastodon.requests == []
    assert sweep_later(monkeypatch, WORKER_DELAY) == 1

    target = PostTarget.objects.get(post=post)
    assert target.state == PostTarget.State.PUBLISHED
    assert_mastodon_received(fake_mastodon, post, target)

    visit(charlie, base + post.get_absolute_url())
    with translation.override("fr"):
        published = str(Post.Status.PUBLISHED.label)
    assert charlie.locator(".post-status-published").inner_text() == published
    assert charlie.locator(f"#targets a[href='{target.remote_url}']").count() == 1
    assert foreign_requests == []


def assert_mastodon_received(fake: FakeMastodon, post: Post, target: PostTarget) -> None:
    """The photo with its description, then one status with it, in the movement's name."""
    upload, status = fake.requests
    assert (upload.method, upload.path) == ("POST", "/api/v2/media")
    assert status.method == "POST" and status.path == "/api/v1/statuses"
    for sent in (upload, status):
        assert sent.headers["authorization"] == f"Bearer {fake.token}"
    fields = upload.multipart()
    assert fields["description"].text == ALT_TEXT
    assert fields["file"].content_type == "image/jpeg"
    assert fields["file"].data.startswith(b"\xff\xd8")
    (media_id,) = fake.media
    form = status.form()
    assert form["status"] == [f"{TEXT}\n\n{post.link_url}"]
    assert form["media_ids[]"] == [media_id]
    assert form["visibility"] == ["public"]
    assert form["language"] == ["fr"]
    assert status.headers["idempotency-key"] == str(target.idempotency_key)
    (remote,) = fake.statuses.values()
    assert target.remote_url == remote["url"]
