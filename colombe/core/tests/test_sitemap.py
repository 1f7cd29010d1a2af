from django.test import Client
from django.utils import timezone

from colombe.journal.models import Edition
from colombe.mediatheque.models import MediaItem
from tests.personas import SECRET_GROUP_SLUG, World


def test_sitemap_lists_open_groups_and_never_the_secret_one(client: Client, world: World) -> None:
    body = client.get("/sitemap.xml").content.decode()
    assert f"/groupes/{world.public_group.slug}/" in body
    assert f"/groupes/{world.private_group.slug}/" in body
    assert SECRET_GROUP_SLUG not in body


def test_sitemap_lists_published_journal_editions_only(client: Client, world: World) -> None:
    today = timezone.localdate()
    for number, status in ((1, Edition.Status.PUBLISHED), (2, Edition.Status.DRAFT)):
        Edition.objects.create(
            number=number, title=f"n°{number}", period_start=today, period_end=today, status=status
        )
    body = client.get("/sitemap.xml").content.decode()
    assert "/journal/1/" in body
    assert "/journal/2/" not in body


def test_sitemap_lists_public_archive_items_only(client: Client, world: World) -> None:
    for slug, visibility in (("reportage-public", "public"), ("reportage-membres", "members")):
        MediaItem.objects.create(
            kind=MediaItem.Kind.LINK,
            title=slug,
            slug=slug,
            published_on=timezone.localdate(),
            external_url="https://example.org/reportage",
            visibility=visibility,
        )
    body = client.get("/sitemap.xml").content.decode()
    assert "/memoire/reportage-public/" in body
    assert "reportage-membres" not in body
