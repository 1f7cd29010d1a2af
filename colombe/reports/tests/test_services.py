from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from PIL import Image

from colombe.core.models import AuditEntry
from colombe.reports import services
from colombe.reports.models import ActionReport, Comment, Reaction
from colombe.reports.tests.report_helpers import jpeg_with_gps, make_report
from tests.personas import World

pytestmark = pytest.mark.django_db


def test_slug_is_unique_from_title_and_date(world: World) -> None:
    first = make_report(world, title="Stand à la Croix-Rousse")
    second = make_report(world, title="Stand à la Croix-Rousse")
    assert first.slug == "stand-a-la-croix-rousse-2026-11-01"
    assert second.slug == "stand-a-la-croix-rousse-2026-11-01-2"


def test_hashtags_come_from_field_and_body(world: World) -> None:
    report = make_report(
        world, hashtags="#Paix jeunesse", body="Beau succès #Désarmement, voir http://x.org/#top"
    )
    assert set(report.hashtags.values_list("name", flat=True)) == {
        "paix",
        "jeunesse",
        "désarmement",
    }


def test_body_markdown_is_rendered_and_sanitised(world: World) -> None:
    report = make_report(world, body="**Bravo** <script>alert(1)</script>")
    assert "<strong>Bravo</strong>" in report.body_html
    assert "<script>" not in report.body_html


@pytest.mark.parametrize("group_name", ["private_group", "secret_group"])
def test_report_in_closed_group_is_committee_only(world: World, group_name: str) -> None:
    group = getattr(world, group_name)
    report = make_report(world, group=group, visibility=ActionReport.Visibility.PUBLIC)
    assert report.visibility == ActionReport.Visibility.COMMITTEE
    assert report.group == group and report.structure == world.lyon


def test_report_in_public_group_keeps_its_visibility(world: World) -> None:
    report = make_report(world, group=world.public_group)
    assert report.visibility == ActionReport.Visibility.PUBLIC


def test_outsider_cannot_create(world: World) -> None:
    with pytest.raises(PermissionDenied):
        services.create_report(world.eve, world.lyon, title="x", town="y")


def test_publish_sets_status_and_date_and_is_audited(world: World) -> None:
    report = make_report(world, publish=False)
    assert report.status == ActionReport.Status.DRAFT and report.published_at is None
    services.publish_report(world.bob, report)
    report.refresh_from_db()
    assert report.status == ActionReport.Status.PUBLISHED and report.published_at is not None
    assert AuditEntry.objects.filter(action="reports.report.published").count() == 1


def test_publish_refuses_a_report_without_town(world: World) -> None:
    report = make_report(world, publish=False, town="")
    with pytest.raises(services.ReportActionError):
        services.publish_report(world.bob, report)


def test_draft_without_kind_or_date_gets_defaults(world: World) -> None:
    report = services.create_report(
        world.charlie, world.lyon, title="Brouillon", kind="", happened_on=None
    )
    assert report.kind == ActionReport.Kind.OTHER and report.happened_on is not None


def test_photo_metadata_is_stripped_and_thumbnail_made(world: World) -> None:
    report = make_report(world)
    upload = jpeg_with_gps(name="gps-lyon.jpg")
    with Image.open(upload) as original:
        assert original.getexif().get_ifd(0x8825), "the test photo has a GPS position"
    photo = services.add_photo(report, upload, "Des tracts", actor=world.bob)

    with Image.open(photo.image.path) as stored:
        assert not stored.getexif(), "EXIF (with GPS) must be gone"
        assert stored.size == (1200, 800)
    with Image.open(photo.thumbnail.path) as thumb:
        assert max(thumb.size) == 480 and not thumb.getexif()
    assert (photo.width, photo.height) == (1200, 800)
    assert "gps-lyon" not in photo.image.name


def test_photo_needs_alt_text_and_is_an_image(world: World) -> None:
    report = make_report(world)
    with pytest.raises(services.ReportActionError):
        services.add_photo(report, jpeg_with_gps(), "  ", actor=world.bob)
    from django.core.exceptions import ValidationError
    from django.core.files.uploadedfile import SimpleUploadedFile

    with pytest.raises(ValidationError):
        services.add_photo(report, SimpleUploadedFile("x.pdf", b"%PDF-1.4"), "doc", actor=world.bob)


def test_at_most_six_photos(world: World) -> None:
    report = make_report(world)
    for number in range(6):
        services.add_photo(report, jpeg_with_gps((60, 40)), f"photo {number}", actor=world.bob)
    with pytest.raises(services.ReportActionError):
        services.add_photo(report, jpeg_with_gps((60, 40)), "une de trop", actor=world.bob)
    assert report.photos.count() == 6


def test_react_toggles(world: World) -> None:
    report = make_report(world)
    assert services.react(report, world.charlie, "bravo") is True
    assert Reaction.objects.filter(report=report, kind="bravo").count() == 1
    assert services.react(report, world.charlie, "bravo") is False
    assert not Reaction.objects.filter(report=report).exists()


def test_outsider_cannot_react_and_secret_report_is_404(world: World) -> None:
    report = make_report(world)
    with pytest.raises(PermissionDenied):
        services.react(report, world.eve, "bravo")
    secret = make_report(world, group=world.secret_group, title="Secret")
    with pytest.raises(Http404):
        services.react(secret, world.eve, "bravo")


def test_comments_are_rate_limited(world: World) -> None:
    report = make_report(world)
    for number in range(services.COMMENTS_PER_PERIOD):
        services.comment(report, world.charlie, f"Bravo {number}")
    with pytest.raises(services.ReportActionError):
        services.comment(report, world.charlie, "Encore")
    assert Comment.objects.filter(report=report).count() == services.COMMENTS_PER_PERIOD


def test_reuse_copies_what_was_done_not_when_where_or_photos(world: World) -> None:
    report = make_report(
        world,
        title="Cercle de silence",
        kind=ActionReport.Kind.VIGIL,
        hashtags="#paix",
        people_reached=40,
        paper_signatures=12,
        town="Villeurbanne",
        happened_on=date(2026, 10, 2),
    )
    services.add_photo(report, jpeg_with_gps((60, 40)), "Le cercle", actor=world.bob)
    copy = services.reuse_report(report, world.charlie, world.lyon)
    assert copy.status == ActionReport.Status.DRAFT
    assert copy.author == world.charlie and copy.structure == world.lyon
    assert copy.reused_from == report and copy.kind == ActionReport.Kind.VIGIL
    assert copy.title.endswith("Cercle de silence") and copy.title != report.title
    assert copy.body == report.body
    assert list(copy.hashtags.values_list("name", flat=True)) == ["paix"]
    assert copy.town == "" and copy.people_reached is None and copy.paper_signatures is None
    assert copy.happened_on != report.happened_on
    assert copy.photos.count() == 0


def test_delete_removes_report(world: World) -> None:
    report = make_report(world)
    services.delete_report(world.bob, report)
    assert not ActionReport.objects.filter(pk=report.pk).exists()
    with pytest.raises(PermissionDenied):
        services.delete_report(world.charlie, make_report(world, title="Autre"))
